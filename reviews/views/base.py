"""What the public views share: the published reviews, paginated, and a
review's page."""

from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.generic.detail import SingleObjectMixin

from ..charts import ScoreDistribution
from ..models import Review, Show
from ..pagecache import page_shows, remember, reviews_of

SEASON_ORDER = Case(
    *[When(season=season, then=Value(rank)) for rank, season in enumerate(Show.Season)],
    default=Value(len(Show.Season)),
    output_field=IntegerField(),
)


class RememberedCountPaginator(Paginator):
    """A paginator whose count, the one part of a page that grows with the data,
    is kept in the fragment cache under ``count_name`` until content changes."""

    def __init__(self, *args, count_name, count_tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_name, self.count_tags = count_name, count_tags

    @cached_property
    def count(self):
        return remember(self.count_name, self.object_list.count, self.count_tags)


class PublishedReviewsMixin:
    """Published reviews, with what their cards show."""

    # The tags of what the paginated list's count follows.
    count_tags = ("reviews",)

    def get_reviews(self):
        return Review.objects.published().for_cards().newest_first()

    def get_paginator(self, queryset, per_page, **kwargs):
        """For list views: the count is remembered per path and filter."""
        query = self.request.GET.copy()
        query.pop("page", None)
        name = f"count:{self.request.path}?{query.urlencode()}"
        return RememberedCountPaginator(
            queryset,
            per_page,
            count_name=name,
            count_tags=self.count_tags,
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
        # The reviews beside it (more on its show, the episodes before and
        # after) and its writer's scores.
        page_shows(reviews_of("author", review.author_id))
        if review.show_id:
            page_shows(reviews_of("show", review.show_id))
        if review.episode and review.episode.show_id == review.show_id:
            review.episode.show = review.show  # see ReviewQuerySet.for_page()
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


def author_scores(author_id):
    """How an author scores, over all their published reviews: kept in the
    fragment cache, since it changes only when reviews do."""
    return remember(
        f"author-scores:{author_id}",
        lambda: ScoreDistribution.of(
            Review.objects.published().filter(author=author_id)
        ),
        tags=[reviews_of("author", author_id)],
    )
