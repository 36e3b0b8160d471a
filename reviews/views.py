from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
    When,
)
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from . import search
from .charts import EpisodeScoreChart, ScoreDistribution
from .forms import ImageUploadForm, ReviewFilterForm
from .images import STORAGE_ERROR, store_image
from .markdown import MAX_CHARS, TOO_LONG
from .models import (
    AnimeSeason,
    Author,
    Episode,
    Genre,
    Review,
    SeasonGuide,
    Show,
    Studio,
)
from .pagecache import remember

SEASON_ORDER = Case(
    *[When(season=season, then=Value(rank)) for rank, season in enumerate(Show.Season)],
    default=Value(len(Show.Season)),
    output_field=IntegerField(),
)


class RememberedCountPaginator(Paginator):
    """A paginator whose count, the one part of a page that grows with the data,
    is kept in the fragment cache under ``count_name`` until content changes."""

    def __init__(self, *args, count_name, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_name = count_name

    @cached_property
    def count(self):
        return remember(self.count_name, self.object_list.count)


class PublishedReviewsMixin:
    """Published reviews, with what their cards show."""

    def get_reviews(self):
        return Review.objects.published().for_cards()

    def get_paginator(self, queryset, per_page, **kwargs):
        """For list views: the count is remembered per path and filter."""
        query = self.request.GET.copy()
        query.pop("page", None)
        name = f"count:{self.request.path}?{query.urlencode()}"
        return RememberedCountPaginator(queryset, per_page, count_name=name, **kwargs)


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
        """{section: its reviews}, each review in the first section it fits."""
        today = timezone.localdate()
        reviews = self.get_reviews()
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
        shown, sections = set(), {}
        for name, size in self.SECTIONS.items():
            fresh = [
                review
                for review in candidates[name][: size + len(shown)]
                if review.pk not in shown
            ][:size]
            row = self.ROWS.get(name, 1)
            if len(fresh) > row:
                fresh = fresh[: len(fresh) - len(fresh) % row]
            sections[name] = fresh
            shown.update(review.pk for review in fresh)
        return sections

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
        last_review = (
            Review.objects.published()
            .filter(show=OuterRef("pk"), score__isnull=False)
            .order_by(F("episode__number").desc(nulls_last=True), "-published_at")
        )
        airing = (
            Show.objects.filter(airing_status=Show.Airing.AIRING)
            .annotate(
                latest_score=Subquery(last_review.values("score")[:1]),
                latest_episode=Subquery(last_review.values("episode__number")[:1]),
                latest_slug=Subquery(last_review.values("slug")[:1]),
            )
            .filter(latest_slug__isnull=False)
            .order_by("title")
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


class ReviewPageMixin(SingleObjectMixin):
    """The review page, whoever renders it: the detail view, a shared preview,
    a refused comment (comments.views). The comment section is the comments
    app's, pulled in by the template ({% comment_section %})."""

    template_name = "reviews/review_detail.html"
    context_object_name = "review"

    def get_context_data(self, **kwargs):
        review = self.object
        # Lazy: not queried when the template finds its fragment in the cache.
        around = SimpleLazyObject(lambda: Review.objects.published().around(review))
        context = {
            name: SimpleLazyObject(lambda name=name: around[name])
            for name in ("more_reviews", "previous_review", "next_review")
        }
        context["author_scores"] = SimpleLazyObject(
            lambda: author_scores(review.author_id)
        )
        return super().get_context_data(**context, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published():
            add_never_cache_headers(response)
        return response


class ReviewDetailView(ReviewPageMixin, DetailView):
    """A published review; staff who may edit a draft see it here too, marked."""

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


def author_scores(author_id):
    """How an author scores, over all their published reviews: kept in the
    fragment cache, since it changes only when reviews do."""
    return remember(
        f"author-scores:{author_id}",
        lambda: ScoreDistribution.of(
            Review.objects.published().filter(author=author_id)
        ),
    )


class ShowListView(ListView):
    template_name = "reviews/show_list.html"
    context_object_name = "shows"

    def get_queryset(self):
        shows = Show.objects.with_scores()
        if self.request.GET.get("order") == "title":
            return shows.order_by("title")
        return shows.alias(season_rank=SEASON_ORDER).order_by(
            "-year", "-season_rank", "title"
        )

    def get_context_data(self, **kwargs):
        by_title = self.request.GET.get("order") == "title"
        return super().get_context_data(by_title=by_title, **kwargs)


class ShowDetailView(PublishedReviewsMixin, DetailView):
    template_name = "reviews/show_detail.html"
    context_object_name = "show"

    def get_queryset(self):
        return Show.objects.prefetch_related(
            "studios", "genres", "credits", "theme_songs"
        )

    def get_context_data(self, **kwargs):
        show = self.object
        # Lazy: not queried when the template finds its fragment in the cache.
        reviews = SimpleLazyObject(lambda: list(self.get_reviews().filter(show=show)))
        return super().get_context_data(
            # Meta.ordering does not apply to aggregated querysets.
            # With the readers' score of each (the ratings app keeps it).
            episodes=show.episodes.with_scores()
            .select_related("community_score")
            .order_by("number"),
            reviews=reviews,
            chart=SimpleLazyObject(lambda: EpisodeScoreChart.of(reviews)),
            **kwargs,
        )


class CollectionView(PublishedReviewsMixin, ListView):
    """A season, a studio or a genre: its shows with their scores, and its
    reviews, newest first and paginated. Subclasses say what the collection is
    (get_collection) and which shows belong to it (show_filter)."""

    template_name = "reviews/collection.html"
    context_object_name = "reviews"
    paginate_by = 12

    def get_queryset(self):
        self.collection = self.get_collection()
        shows = self.show_filter()
        self.shows = list(Show.objects.with_scores().filter(**shows).order_by("title"))
        return self.get_reviews().filter(
            **{f"show__{lookup}": value for lookup, value in shows.items()}
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            collection=self.collection, shows=self.shows, **kwargs
        )


class SeasonView(CollectionView):
    def get_collection(self):
        year, season = self.kwargs["year"], self.kwargs["season"]
        if season not in Show.Season.values:
            raise Http404("There is no such season.")
        self.season = AnimeSeason(year, season)
        return {
            "kind": "Season",
            "title": f"{self.season} anime",
            "index": ("Seasons", reverse("reviews:season-list")),
            "premieres": self.season.get_premieres_url(),
        }

    def show_filter(self):
        return {"year": self.kwargs["year"], "season": self.kwargs["season"]}

    def get_queryset(self):
        reviews = super().get_queryset()
        if not self.shows:
            raise Http404("We have no shows from this season.")
        return reviews

    def get_context_data(self, **kwargs):
        """With the nearest seasons before and after this one that have
        published reviews."""
        here = self.season.sort_key
        seasons = Show.objects.seasons()  # newest first
        newer = [season for season in seasons if season.sort_key > here]
        older = [season for season in seasons if season.sort_key < here]
        return super().get_context_data(
            previous_season=older[0] if older else None,
            next_season=newer[-1] if newer else None,
            **kwargs,
        )


class PremiereGuideView(ListView):
    """A season's premiere guide: every show of the season with each writer's
    first impressions (ReviewQuerySet.first_impressions), the writers' mean and
    the readers' score of episode 1; best mean first, shows without a score
    last. ?verdict= keeps the shows a writer gave that verdict, with all their
    takes."""

    template_name = "reviews/premiere_guide.html"
    context_object_name = "shows"

    def get_queryset(self):
        year, season = self.kwargs["year"], self.kwargs["season"]
        if season not in Show.Season.values:
            raise Http404("There is no such season.")
        self.season = AnimeSeason(year, season)
        # A writer's first-impressions review before their episode 1 review.
        takes = (
            Review.objects.published()
            .first_impressions()
            .select_related("author", "episode")
            .alias(
                fi_rank=Case(
                    When(kind=Review.Kind.FIRST_IMPRESSIONS, then=Value(0)),
                    default=Value(1),
                )
            )
            .order_by("fi_rank", "published_at", "pk")
        )
        shows = Show.objects.filter(year=year, season=season).prefetch_related(
            Prefetch("reviews", queryset=takes, to_attr="all_takes"),
            Prefetch(
                "episodes",
                # With the readers' score (the ratings app keeps it).
                queryset=Episode.objects.filter(number=1).select_related(
                    "community_score"
                ),
                to_attr="premiere_episodes",
            ),
        )
        self.shows = list(shows)
        if not self.shows:
            raise Http404("We have no shows from this season.")
        for show in self.shows:
            by_writer = {}
            for review in show.all_takes:
                by_writer.setdefault(review.author_id, review)
            show.takes = sorted(by_writer.values(), key=lambda r: r.author.name)
            scores = [r.score for r in show.takes if r.score is not None]
            show.writers_mean = sum(scores) / len(scores) if scores else None
            show.premiere = next(iter(show.premiere_episodes), None)
        self.shows.sort(
            key=lambda show: (
                show.writers_mean is None,
                -(show.writers_mean or 0),
                show.title.casefold(),
            )
        )
        self.verdict = self.request.GET.get("verdict", "")
        if self.verdict not in Review.Verdict.values:
            self.verdict = ""
            return self.shows
        return [
            show
            for show in self.shows
            if any(take.verdict == self.verdict for take in show.takes)
        ]

    def get_context_data(self, **kwargs):
        """With the verdicts the season's writers gave, each with how many
        shows the filter keeps, and the editor's introduction."""
        given = {take.verdict for show in self.shows for take in show.takes}
        verdicts = [
            {
                "value": verdict.value,
                "label": verdict.label,
                "count": sum(
                    any(take.verdict == verdict for take in show.takes)
                    for show in self.shows
                ),
                "query": urlencode({"verdict": verdict.value}),
            }
            for verdict in Review.Verdict
            if verdict in given
        ]
        guide = SeasonGuide.objects.filter(
            year=self.season.year, season=self.season.season
        ).first()
        return super().get_context_data(
            season=self.season,
            guide=guide,
            verdict=self.verdict,
            verdicts=verdicts,
            show_total=len(self.shows),
            **kwargs,
        )


class StudioView(CollectionView):
    def get_collection(self):
        self.studio = get_object_or_404(Studio, slug=self.kwargs["slug"])
        return {
            "kind": "Studio",
            "title": f"Anime by {self.studio.name}",
            "index": ("Studios", reverse("reviews:studio-list")),
        }

    def show_filter(self):
        return {"studios": self.studio}


class GenreView(CollectionView):
    def get_collection(self):
        self.genre = get_object_or_404(Genre, slug=self.kwargs["slug"])
        return {
            "kind": "Genre",
            "title": f"{self.genre.name} anime",
            "index": ("Genres", reverse("reviews:genre-list")),
        }

    def show_filter(self):
        return {"genres": self.genre}


class CollectionIndexView(ListView):
    """Every season, studio or genre with a published review, with how many
    of its shows have one and how many reviews there are. Subclasses give the
    page's words (the template reads them from the view) and get_queryset()."""

    template_name = "reviews/collection_index.html"
    context_object_name = "collections"
    title = description = empty = ""
    by_year = False


class SeasonIndexView(CollectionIndexView):
    title = "Seasons"
    description = (
        "Every anime season we have reviewed, newest first, with how many shows "
        "and reviews each has."
    )
    empty = "No season has a published review yet."
    by_year = True

    def get_queryset(self):
        return Show.objects.seasons()


class NamedCollectionIndexView(CollectionIndexView):
    """Studios or genres, A to Z, and the few most reviewed."""

    model = None
    MOST_REVIEWED = 4

    def get_queryset(self):
        collections = self.model.objects.with_counts()
        return collections.filter(review_count__gt=0).order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        collections = context["collections"]
        # Only worth a section when it is not most of the list.
        if len(collections) > 2 * self.MOST_REVIEWED:
            context["most_reviewed"] = sorted(
                collections, key=lambda item: -item.review_count
            )[: self.MOST_REVIEWED]
        return context


class StudioIndexView(NamedCollectionIndexView):
    model = Studio
    title = "Studios"
    description = (
        "Every animation studio whose shows we have reviewed, A to Z, with how "
        "many shows and reviews each has."
    )
    empty = "No studio has a reviewed show yet."


class GenreIndexView(NamedCollectionIndexView):
    model = Genre
    title = "Genres"
    description = (
        "Every anime genre we have reviewed, A to Z, with how many shows and "
        "reviews each has."
    )
    empty = "No genre has a reviewed show yet."


class EpisodeDetailView(PublishedReviewsMixin, DetailView):
    template_name = "reviews/episode_detail.html"
    context_object_name = "episode"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Episode.objects.select_related("show").with_scores(),
            show__slug=self.kwargs["show_slug"],
            number=self.kwargs["number"],
        )

    def get_context_data(self, **kwargs):
        reviews = self.get_reviews().filter(episode=self.object)
        return super().get_context_data(reviews=reviews, **kwargs)


class AuthorListView(ListView):
    template_name = "reviews/author_list.html"
    context_object_name = "authors"

    def get_queryset(self):
        return Author.objects.with_scores().filter(review_count__gt=0).order_by("name")


class AuthorDetailView(PublishedReviewsMixin, ListView):
    """An author's card and their reviews, paginated."""

    template_name = "reviews/author_detail.html"
    context_object_name = "reviews"
    paginate_by = 12

    def get_queryset(self):
        # Staff without a published review have no public page.
        slug = self.kwargs["slug"]
        self.author = remember(
            f"author:{slug}",
            lambda: get_object_or_404(
                Author.objects.with_scores(), slug=slug, review_count__gt=0
            ),
        )
        return self.get_reviews().filter(author=self.author)

    def get_context_data(self, **kwargs):
        scores = SimpleLazyObject(lambda: author_scores(self.author.pk))
        return super().get_context_data(author=self.author, scores=scores, **kwargs)


class ScoresView(ListView):
    template_name = "reviews/scores.html"
    context_object_name = "shows"
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
        return super().get_context_data(
            sort=self.sort, order=self.order, columns=columns, **kwargs
        )


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


def _can_write(user):
    return (
        user.is_active
        and user.is_staff
        and (
            user.has_perm("reviews.add_review")
            or user.has_perm("reviews.change_author")
        )
    )


@require_POST
def markdown_preview(request):
    """The admin editor's live preview, through MARKDOWNX_MARKDOWNIFY_FUNCTION:
    the renderer of the public pages."""
    if not _can_write(request.user):
        raise PermissionDenied
    content = request.POST.get("content", "")
    if len(content) > MAX_CHARS:
        # Shown in the preview pane (markdownx shows any answer there).
        message = TOO_LONG % {"limit_value": MAX_CHARS, "show_value": len(content)}
        return HttpResponse(
            format_html('<p class="preview-refused">{}</p>', message), status=413
        )
    markdownify = import_string(settings.MARKDOWNX_MARKDOWNIFY_FUNCTION)
    return HttpResponse(markdownify(content))


@require_POST
def markdown_upload(request):
    """An image dropped into the admin editor: checked, re-encoded, stored."""
    if not _can_write(request.user):
        return JsonResponse({"image": ["You may not upload images."]}, status=403)
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse(form.errors, status=400)
    image = form.cleaned_data["image"]
    try:
        stored = store_image(f"uploads/{timezone.now():%Y/%m}/{image.name}", image)
    except OSError:
        return JsonResponse({"image": [STORAGE_ERROR]}, status=507)
    url = default_storage.url(stored[0])
    return JsonResponse({"image_code": f"![Describe this image]({url})"})
