"""The reviews: the front page, the list, one review (and its shared
preview), the scores table and search."""

from datetime import timedelta

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.views.generic import DetailView, ListView, TemplateView

from .. import search
from ..forms import ReviewFilterForm
from ..models import Review, Show
from ..pagecache import remember
from .base import PublishedReviewsMixin, ReviewPageMixin


class HomeView(PublishedReviewsMixin, TemplateView):
    """The front page: the newest reviews (the lead and four beside it), the
    latest season's, the best scored and the most discussed of the last
    RECENT_DAYS, and the shows airing now. A review appears once, in the first
    of these sections it belongs to."""

    template_name = "reviews/home.html"
    # The most reviews each section shows, in the page's order, and how many a
    # row of it holds on a wide screen: a section shows full rows, or one.
    SECTIONS = {"latest": 5, "this_season": 6, "top_rated": 6, "most_discussed": 4}
    ROWS = {"this_season": 3, "top_rated": 2, "most_discussed": 2}
    RECENT_DAYS = 90

    def get_sections(self):
        """{section: its reviews}, each review in the first section it fits.
        Each section's keys first, then the cards of those shown, in one query:
        reading each section's candidates whole built over twice the cards the
        page shows (4.9 ms of the page's 11.5 on the bench data set)."""
        today = timezone.localdate()
        reviews = Review.objects.published().newest_first()
        recent = reviews.filter(
            published_at__gte=timezone.now() - timedelta(days=self.RECENT_DAYS)
        )
        candidates = {
            "latest": reviews,
            "this_season": reviews.of_latest_season(today.year, Show.Season.of(today)),
            "top_rated": recent.filter(score__isnull=False).order_by(
                "-score", "-published_at"
            ),
            "most_discussed": recent.filter(comment_count__gt=0).order_by(
                "-comment_count", "-published_at"
            ),
        }
        shown, sections = [], {}
        for name, size in self.SECTIONS.items():
            keys = candidates[name].values_list("pk", flat=True)
            fresh = [pk for pk in keys[: size + len(shown)] if pk not in shown]
            fresh = fresh[:size]
            row = self.ROWS.get(name, 1)
            if len(fresh) > row:
                fresh = fresh[: len(fresh) - len(fresh) % row]
            sections[name] = fresh
            shown.extend(fresh)
        # By key alone: the keys are of published reviews, and with the
        # published condition beside "pk IN (...)" SQLite read them through
        # the (status, published_at) index, every published review (2.9 ms of
        # SQL on the bench data set for 0.1 ms).
        cards = Review.objects.for_cards().in_bulk(shown)
        return {name: [cards[pk] for pk in keys] for name, keys in sections.items()}

    def get_context_data(self, **kwargs):
        # Lazy: not queried when the template finds its fragment in the cache.
        sections = SimpleLazyObject(self.get_sections)
        context = {
            name: SimpleLazyObject(lambda name=name: sections[name])
            for name in self.SECTIONS
        }
        today = timezone.localdate()
        context["current_season"] = f"{Show.Season.of(today).label} {today.year}"
        context["recent_days"] = self.RECENT_DAYS
        # The shows airing now, A to Z, each with its latest scored review.
        airing = (
            Review.objects.published()
            .filter(score__isnull=False)
            .latest_of_each_show(Show.objects.filter(airing_status=Show.Airing.AIRING))
            .select_related("show", "episode")
            .order_by("show__title", "show_id")
        )
        return super().get_context_data(airing=airing, **context, **kwargs)


class ReviewListView(PublishedReviewsMixin, ListView):
    template_name = "reviews/review_list.html"
    context_object_name = "reviews"
    paginate_by = 12

    def get_queryset(self):
        self.filter_form = ReviewFilterForm(self.request.GET or None)
        return self.filter_form.filter(self.get_reviews())

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filter_form,
            query_string=query.urlencode(),
            page_labels=self.filter_form.page_labels,
            **kwargs,
        )


class ReviewDetailView(ReviewPageMixin, DetailView):
    """A published review; staff who may edit a draft see it here too, marked."""

    # What it shows changes with its review, show, episode and author.
    page_tags = ()

    def get_queryset(self):
        reviews = Review.objects.published()
        if self.request.user.is_staff:
            reviews |= Review.objects.editable_by(self.request.user)
        return reviews.for_page()

    def get_object(self, queryset=None):
        """A published review comes from the fragment cache, like the rest of
        its page; what staff may see (drafts too) is always read."""
        if self.request.user.is_staff:
            return super().get_object(queryset)
        return remember(
            f"review:{self.kwargs['slug']}",
            lambda: super(ReviewDetailView, self).get_object(queryset),
        )


class SharedPreviewView(ReviewPageMixin, DetailView):
    """A draft through the signed link an editor shared; 404 once tampered with
    or expired, the public page once published."""

    def get_object(self, queryset=None):
        pk = Review.pk_from_preview_token(self.kwargs["token"])
        if pk is None:
            raise Http404("This preview link is not valid or has expired.")
        return get_object_or_404(Review.objects.for_page(), pk=pk)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.is_published():
            return redirect(self.object)
        response = self.render_to_response(self.get_context_data(shared_preview=True))
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class ScoresView(ListView):
    template_name = "reviews/scores.html"
    context_object_name = "shows"
    # Every show on one page was 269 KB and 150 ms with the bench data's 300.
    paginate_by = 50
    # Each column's order when it is chosen; chosen again (?order= the other
    # way), the same list upside down.
    SORTS = {
        "score": ["-mean_score", "-review_count", "title"],
        "reviews": ["-review_count", "-mean_score", "title"],
        "title": ["title"],
    }
    OTHER_WAY = {"ascending": "descending", "descending": "ascending"}

    def first_order(self, sort):
        return "descending" if self.SORTS[sort][0].startswith("-") else "ascending"

    def get_queryset(self):
        self.sort = self.request.GET.get("sort")
        if self.sort not in self.SORTS:
            self.sort = "score"
        self.order = self.request.GET.get("order")
        if self.order not in self.OTHER_WAY:
            self.order = self.first_order(self.sort)
        shows = (
            Show.objects.with_scores()
            .with_score_bands()
            .filter(mean_score__isnull=False)
            .order_by(*self.SORTS[self.sort])
        )
        return shows if self.order == self.first_order(self.sort) else shows.reverse()

    def get_context_data(self, **kwargs):
        """Per column: its aria-sort (None unless sorted by it) and the query of
        its heading's link, the other way round when it is the sort."""
        columns = {}
        for sort in self.SORTS:
            order = self.order if sort == self.sort else None
            query = {"sort": sort}
            if order == self.first_order(sort):
                query["order"] = self.OTHER_WAY[order]
            columns[sort] = {"order": order, "query": urlencode(query)}
        context = super().get_context_data(
            sort=self.sort,
            order=self.order,
            columns=columns,
            query_string=urlencode({"sort": self.sort, "order": self.order}),
            page_labels=("Previous", "Next"),
            **kwargs,
        )
        if self.sort == "score":
            # The rank in the whole list, highest score 1, in either order.
            page = context["page_obj"]
            for number, show in enumerate(context["shows"], page.start_index()):
                show.rank = (
                    number
                    if self.order == "descending"
                    else page.paginator.count - number + 1
                )
        return context


class SearchView(ListView):
    """/search/?q=: reviews (paginated cards with snippets) and, on the first
    page, the shows that match."""

    template_name = "reviews/search.html"
    context_object_name = "reviews"
    paginate_by = 12

    def get_queryset(self):
        self.query = search.clean_query(self.request.GET.get("q", ""))
        return search.ReviewResults(self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        first_page = context["page_obj"].number == 1
        return {
            **context,
            "query": self.query,
            "query_string": urlencode({"q": self.query}),
            "page_labels": ("Previous", "Next"),  # best matches first
            "shows": search.search_shows(self.query)
            if self.query and first_page
            else [],
        }
