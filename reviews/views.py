from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView

from . import moderation
from .charts import EpisodeScoreChart, ScoreDistribution
from .forms import CommentForm, ImageUploadForm, ReviewFilterForm
from .images import STORAGE_ERROR, store_image
from .models import Author, Comment, Episode, Genre, Review, Show, Studio
from .models.review import PREVIEW_SALT
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
        return Review.objects.published().with_related().with_comment_count()

    def get_paginator(self, queryset, per_page, **kwargs):
        """For list views: the count is remembered per path and filter."""
        query = self.request.GET.copy()
        query.pop("page", None)
        name = f"count:{self.request.path}?{query.urlencode()}"
        return RememberedCountPaginator(queryset, per_page, count_name=name, **kwargs)


class HomeView(PublishedReviewsMixin, TemplateView):
    template_name = "reviews/home.html"

    def get_context_data(self, **kwargs):
        latest = self.get_reviews()[:7]
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
        return super().get_context_data(latest=latest, airing=airing, **kwargs)


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
            filter_form=self.filter_form, query_string=query.urlencode(), **kwargs
        )


class ReviewDetailView(PublishedReviewsMixin, DetailView):
    """A published review; staff who may edit a draft see it here too, marked."""

    template_name = "reviews/review_detail.html"
    context_object_name = "review"

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

    def get_context_data(self, comment_form=None, **kwargs):
        """``comment_form``: a refused comment's form, shown again with its text."""
        review = self.object
        # Lazy: not queried when the template finds its fragment in the cache.
        show_reviews = SimpleLazyObject(lambda: self.get_show_reviews(review))
        context = {
            name: SimpleLazyObject(lambda name=name: show_reviews[name])
            for name in ("more_reviews", "previous_review", "next_review")
        }
        context["author_scores"] = SimpleLazyObject(
            lambda: author_scores(review.author_id)
        )
        if review.is_published():
            context.update(self.get_comments_context(review, comment_form))
        return super().get_context_data(**context, **kwargs)

    def get_show_reviews(self, review):
        """More reviews of the show, and the reviews of the episodes before and
        after this one, in one query: the four newest, the one before and the
        one after are each a subquery, and each is found again among the rows."""
        others = self.get_reviews().filter(show=review.show_id).exclude(pk=review.pk)
        wanted = Q(pk__in=Subquery(others.values("pk")[:4]))
        number = review.episode.number if review.episode else None
        if number is not None:
            before = others.filter(episode__number__lt=number).order_by(
                "-episode__number", "-published_at", "-pk"
            )
            after = others.filter(episode__number__gt=number).order_by(
                "episode__number", "-published_at", "-pk"
            )
            wanted |= Q(pk__in=Subquery(before.values("pk")[:1]))
            wanted |= Q(pk__in=Subquery(after.values("pk")[:1]))
        found = list(others.filter(wanted))  # newest first
        context = {"more_reviews": found[:4], "previous_review": None}
        context["next_review"] = None
        if number is not None:
            episode_reviews = [r for r in found if r.episode]
            # max() and min() keep the first of equals: the newest review.
            context["previous_review"] = max(
                (r for r in episode_reviews if r.episode.number < number),
                key=lambda r: r.episode.number,
                default=None,
            )
            context["next_review"] = min(
                (r for r in episode_reviews if r.episode.number > number),
                key=lambda r: r.episode.number,
                default=None,
            )
        return context

    def get_comments_context(self, review, form):
        """One page of comments in thread order (a comment, then its replies),
        oldest first, from ?comments_from=<thread>-<comment>: a keyset, so page
        40 of a long discussion, or of one long thread, costs what page 1 does."""
        request = self.request
        moderator = request.user.has_perm("reviews.change_comment")
        own_ids = request.session.get(OWN_COMMENTS_KEY, [])
        visible = Comment.objects.visible(own_ids=own_ids, moderator=moderator)
        start = request.GET.get("comments_from", "")
        thread, _, first = start.partition("-")
        try:
            thread, first = int(thread or 0), int(first or 0)
            start = f"{thread}-{first}" if start else ""  # one spelling, one key
        except ValueError:
            start, thread, first = "", 0, 0
        per_page = settings.COMMENTS_PER_PAGE

        def read_page():
            rows = list(
                visible.filter(review=review)
                .in_threads()
                .filter(Q(thread__gt=thread) | Q(thread=thread, pk__gte=first))
                .select_related("parent")[: per_page + 1]
            )
            following = rows[per_page] if len(rows) > per_page else None
            return {
                "comment_threads": group_threads(rows[:per_page]),
                "comments_next": following and f"{following.thread}-{following.pk}",
            }

        # Lazy: not queried when the template finds the list in the fragment
        # cache, which it may only when the list is everyone's (no comments of
        # this reader's own awaiting moderation, not a moderator's view).
        page = SimpleLazyObject(read_page)
        threads = SimpleLazyObject(lambda: page["comment_threads"])
        if form is None and review.comments_are_open():
            form = CommentForm(review, initial={"reply_to": self._reply_to(threads)})
        return {
            "comment_threads": threads,
            "comments_next": SimpleLazyObject(lambda: page["comments_next"]),
            "comments_start": start,
            "comments_shared": not (own_ids or moderator),
            "comment_form": form,
            "comments_open": review.comments_are_open(),
            "comment_moderator": moderator,
        }

    def _reply_to(self, threads):
        try:
            parent = int(self.request.GET.get("reply_to", ""))
        except ValueError:
            return None  # without ?reply_to= the threads are not read
        shown = {thread.comment.pk for thread in threads if thread.comment}
        return parent if parent in shown else None

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published():
            add_never_cache_headers(response)
        return response


OWN_COMMENTS_KEY = "own_pending_comments"


def author_scores(author_id):
    """How an author scores, over all their published reviews: kept in the
    fragment cache, since it changes only when reviews do."""
    return remember(
        f"author-scores:{author_id}",
        lambda: ScoreDistribution.of(
            Review.objects.published().filter(author=author_id)
        ),
    )


@dataclass
class Thread:
    """A top-level comment and its replies on one page; ``comment`` is None when
    the thread began on an earlier page."""

    comment: Comment | None
    replies: list = field(default_factory=list)


def group_threads(comments):
    threads = []
    for comment in comments:
        if comment.parent_id is None:
            threads.append(Thread(comment))
        elif (
            threads
            and threads[-1].comment is not None
            and (threads[-1].comment.pk == comment.parent_id)
            or threads
            and threads[-1].replies[-1:]
            and (threads[-1].replies[-1].parent_id == comment.parent_id)
        ):
            threads[-1].replies.append(comment)
        else:
            threads.append(Thread(None, [comment]))
    return threads


def render_review(request, review, status=200, **context):
    """The review page outside ReviewDetailView's GET: a refused comment form
    with its text, or a shared preview."""
    view = ReviewDetailView()
    view.setup(request, slug=review.slug)
    view.object = review
    context = view.get_context_data(object=review, **context)
    return view.render_to_response(context, status=status)


def shared_preview(request, token):
    """A draft through the signed link an editor shared; 404 once tampered with
    or expired, the public page once published."""
    max_age = timedelta(days=settings.REVIEWS_PREVIEW_DAYS)
    try:
        pk = signing.TimestampSigner(salt=PREVIEW_SALT).unsign(token, max_age=max_age)
    except signing.BadSignature:
        raise Http404("This preview link is not valid or has expired.") from None
    review = get_object_or_404(Review.objects.for_page(), pk=pk)
    if review.is_published():
        return redirect(review)
    response = render_review(request, review, shared_preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@csrf_exempt
@require_POST
def post_comment(request, slug):
    """A reader's comment. Without CSRF protection on purpose: a comment is not
    tied to the sender's account or session (it names whoever the form says), so
    a forged request can do nothing the forger could not do directly, and the
    review page carries no CSRF token, so it can be served from the page cache.
    The signed form token, honeypot and rate limit are what keep robots out."""
    review = get_object_or_404(Review.objects.published().for_page(), slug=slug)
    form = CommentForm(review, request.POST)
    if not review.comments_are_open():
        return render_review(request, review, status=403, comment_form=form)
    if not form.is_valid():
        # Like any Django form view: the page again, with the errors.
        form.renew_token()
        return render_review(request, review, comment_form=form)
    comment = form.save(commit=False)
    existing = Comment.objects.filter(fingerprint=comment.fingerprint).first()
    if existing:
        return commented(request, existing)
    address = moderation.client_ip(request)
    if wait := moderation.seconds_to_wait(address, comment.fingerprint):
        form.add_error(
            None,
            "You are commenting faster than we allow. Wait "
            f"{'an hour' if wait >= 3600 else f'{wait} seconds'}, then send your "
            "comment again: it is kept below.",
        )
        response = render_review(request, review, status=429, comment_form=form)
        response["Retry-After"] = str(wait)
        return response
    comment.ip_address = moderation.stored_ip(address)
    comment.status, comment.moderation_reason = moderation.moderate(
        comment,
        honeypot=form.cleaned_data["homepage"],
        seconds_to_post=form.seconds_to_post,
    )
    try:
        with transaction.atomic():
            comment.save()
    except IntegrityError:
        # The same form sent twice at once: the first one made the comment.
        existing = Comment.objects.filter(fingerprint=comment.fingerprint).first()
        if existing is None:
            raise
        return commented(request, existing)
    if comment.is_pending():
        site_url = request.build_absolute_uri("/")
        transaction.on_commit(
            partial(moderation.notify_moderators.enqueue, comment.pk, site_url)
        )
    return commented(request, comment)


def commented(request, comment):
    """Where a commenter lands after posting: their comment, or the news that it
    awaits moderation (spam is told the same, and never shown)."""
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, "Thank you: your comment is published.")
        return redirect(comment.get_absolute_url())
    messages.info(
        request,
        "Thank you: your comment is awaiting moderation. It will appear once a "
        "moderator has approved it.",
    )
    if comment.is_pending():
        own = request.session.get(OWN_COMMENTS_KEY, [])
        if comment.pk not in own:
            request.session[OWN_COMMENTS_KEY] = [*own, comment.pk][-20:]
        return redirect(comment.get_absolute_url())
    return redirect(comment.review.get_absolute_url() + "#comments")


class ShowListView(ListView):
    template_name = "reviews/show_list.html"
    context_object_name = "shows"

    def get_queryset(self):
        shows = Show.objects.with_scores()
        if self.request.GET.get("order") == "title":
            return shows.order_by("title")
        return shows.alias(season_rank=SEASON_ORDER).order_by(
            "-year", "season_rank", "title"
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
            episodes=show.episodes.with_scores().order_by("number"),
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
        label = f"{Show.Season(season).label} {year}"
        return {"kind": "Season", "title": f"{label} anime"}

    def show_filter(self):
        return {"year": self.kwargs["year"], "season": self.kwargs["season"]}

    def get_queryset(self):
        reviews = super().get_queryset()
        if not self.shows:
            raise Http404("We have no shows from this season.")
        return reviews


class StudioView(CollectionView):
    def get_collection(self):
        self.studio = get_object_or_404(Studio, slug=self.kwargs["slug"])
        return {"kind": "Studio", "title": f"Anime by {self.studio.name}"}

    def show_filter(self):
        return {"studios": self.studio}


class GenreView(CollectionView):
    def get_collection(self):
        self.genre = get_object_or_404(Genre, slug=self.kwargs["slug"])
        return {"kind": "Genre", "title": f"{self.genre.name} anime"}

    def show_filter(self):
        return {"genres": self.genre}


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
    SORTS = {
        "score": ["-mean_score", "-review_count", "title"],
        "reviews": ["-review_count", "-mean_score", "title"],
        "title": ["title"],
    }

    def get_queryset(self):
        self.sort = self.request.GET.get("sort")
        if self.sort not in self.SORTS:
            self.sort = "score"
        return (
            Show.objects.with_scores()
            .with_score_bands()
            .filter(mean_score__isnull=False)
            .order_by(*self.SORTS[self.sort])
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(sort=self.sort, **kwargs)


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
    markdownify = import_string(settings.MARKDOWNX_MARKDOWNIFY_FUNCTION)
    return HttpResponse(markdownify(request.POST.get("content", "")))


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
