"""Which reviews readers see (the one publishing rule) and where each stands
for its writers: State and ReviewQuerySet, the manager of Review."""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from .base import published_condition
from .catalogue import Show


class State(models.TextChoices):
    """Where a review stands, from its status and its publication time: what the
    writers' list shows and filters by."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


class ReviewQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_condition())

    def newest_first(self):
        """Published reviews, newest first. All have a publication time, so
        this leaves out Meta.ordering's drafts-last (NULLS LAST), which
        PostgreSQL's index on (status, -published_at) cannot serve: with it,
        the latest five were a scan and a sort of every review, 60 to 170 ms on
        the bench data set instead of under 1 ms."""
        return self.order_by("-published_at", "-pk")

    def scheduled(self):
        """Published, for a time still to come."""
        return self.filter(self._state_conditions()[State.SCHEDULED])

    def submitted(self):
        return self.filter(status=self.model.Status.SUBMITTED)

    def in_state(self, state):
        """The reviews in one State."""
        return self.filter(self._state_conditions()[state])

    def state_counts(self):
        """{state: how many, ..., "all": how many} in one query."""
        return self.aggregate(
            all=models.Count("pk"),
            **{
                state: models.Count("pk", filter=condition)
                for state, condition in self._state_conditions().items()
            },
        )

    def in_writing_order(self):
        """What a writer works on first: drafts and submitted reviews (last
        edited first), then scheduled ones (soonest first), then the published
        (newest first)."""
        conditions = self._state_conditions()
        unpublished = conditions[State.DRAFT] | conditions[State.SUBMITTED]
        rank = models.Case(
            models.When(unpublished, then=0),
            models.When(conditions[State.SCHEDULED], then=1),
            default=2,
        )
        soonest = models.Case(
            models.When(conditions[State.SCHEDULED], then="published_at")
        )
        return self.alias(writing_rank=rank, soonest=soonest).order_by(
            "writing_rank",
            models.F("soonest").asc(nulls_last=True),
            models.F("published_at").desc(nulls_first=True),
            "-updated",
        )

    def _state_conditions(self):
        """State -> its condition: the one publishing rule, and what is not yet."""
        return {
            State.DRAFT: Q(status=self.model.Status.DRAFT),
            State.SUBMITTED: Q(status=self.model.Status.SUBMITTED),
            State.SCHEDULED: Q(
                status=self.model.Status.PUBLISHED, published_at__gt=timezone.now()
            ),
            State.PUBLISHED: published_condition(),
        }

    def editable_by(self, user):
        """The reviews a staff user may open and change in the admin."""
        if user.has_perm("reviews.change_any_review"):
            return self
        if user.has_perm("reviews.change_review"):
            return self.filter(author__user=user)
        return self.none()

    def first_impressions(self):
        """A writer's take on a premiere: a first-impressions review, or a
        review of episode 1."""
        return self.filter(
            Q(kind=self.model.Kind.FIRST_IMPRESSIONS) | Q(episode__number=1)
        )

    def with_related(self):
        return self.select_related("author", "show", "episode")

    # What no card shows: the texts, which were most of what a list read.
    NOT_ON_CARDS = (
        *("intro", "intro_html", "recap", "recap_html"),
        *("body", "body_html", "body_spoiler_free_html"),
        *(
            "author__bio",
            "author__bio_html",
            "show__synopsis",
            "episode__spoiler_words",
        ),
    )

    def for_cards(self):
        """What a review card shows (its comment count is stored), and no more."""
        return self.with_related().defer(*self.NOT_ON_CARDS)

    def for_page(self):
        """What the review page shows: the review and its related objects.
        The episode's show (the breadcrumbs link the episode page) is the
        review's, given to it by the page (reviews.views.ReviewPageMixin), not
        joined and built twice. The show's studios and credits (for the
        JSON-LD) are read where they are used, once each, so a page whose head
        comes from the fragment cache skips them."""
        return self.with_related()

    def recount_comments(self):
        """Stores each of these reviews' number of approved comments, as the
        comment section shows them (comments.models.CommentQuerySet): one
        UPDATE, after any change to their comments."""
        comments = self.model._meta.get_field("comments").related_model.objects
        approved = (
            comments.approved()
            .in_threads()
            .filter(review=models.OuterRef("pk"))
            .order_by()
            .values("review")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.update(comment_count=Coalesce(models.Subquery(approved), 0))

    def latest_of_each_show(self, shows):
        """Of these reviews, one for each of ``shows`` that has any: the newest
        review of its highest-numbered episode, or, for a show whose reviews
        have no episode, its newest. One query: a subquery per show, read from
        the show's index. Ranking these reviews with a window function read
        every published review on SQLite (about 130 ms for the home page's
        "airing now" on the bench data set; this: 10 ms, and on PostgreSQL
        2.9 ms where the ranking took 4.6 ms); three subqueries per show made
        PostgreSQL JIT-compile the plan."""
        newest_episode_first = self.filter(show=models.OuterRef("pk")).order_by(
            F("episode__number").desc(nulls_last=True), "-published_at", "-pk"
        )
        latest = shows.values(
            latest=models.Subquery(newest_episode_first.values("pk")[:1])
        )
        # Not self.filter(): these reviews' conditions, repeated outside the
        # subquery, made SQLite read every published review again.
        return self.model.objects.filter(pk__in=latest)

    def of_latest_season(self, year, season):
        """Of these reviews, those of the shows of the latest season that has
        any, up to ``season`` of ``year``: that season's, or, while it has none,
        the last one's before it. The latest season is read first, among the
        seasons of the newest year whose shows have any of these reviews (a
        query of its own): ranking seasons in SQL, by a CASE on each show and
        each review, cost the home page 2.5 ms to build and compile for a
        query SQLite ran in 0.2; ranking the reviews instead sorted every one
        of them (25 ms on the bench data set on PostgreSQL)."""
        seasons = list(Show.Season)
        up_to = Q(year__lt=year) | Q(
            year=year, season__in=seasons[: seasons.index(season) + 1]
        )
        newest = (
            Show.objects.filter(
                up_to, models.Exists(self.filter(show=models.OuterRef("pk")))
            )
            .order_by("-year")
            .values_list("year", "season")
            .distinct()[: len(seasons)]  # all the newest year's
        )
        if not (found := list(newest)):
            return self.none()
        latest_year, latest_season = max(
            found, key=lambda pair: (pair[0], seasons.index(pair[1]))
        )
        return self.filter(show__year=latest_year, show__season=latest_season)

    def around(self, review):
        """Of these reviews, what the page of ``review`` shows around it, as
        cards: up to four more on its show, newest first, and the reviews of the
        nearest episodes before and after it. Two queries: the keys and episode
        numbers of the show's other reviews, from which the wanted ones are
        picked here, then their cards. (One query of six subqueries cost 3.7 ms
        to build for 0.2 ms of SQL.) The first grows with the show's reviews,
        two numbers each: about 67 a show on the bench data set, read in
        0.5 ms with its build. The cards share the show of ``review``, read
        with it."""
        others = (
            self.filter(show=review.show_id)
            .exclude(pk=review.pk)
            .newest_first()
            .values_list("pk", "episode__number")
        )
        rows = list(others)  # newest first: min() and max() keep the newest
        number = review.episode.number if review.episode else None
        before = after = None
        if number is not None:
            numbered = [row for row in rows if row[1] is not None]
            before = max(
                (row for row in numbered if row[1] < number),
                key=lambda row: row[1],
                default=None,
            )
            after = min(
                (row for row in numbered if row[1] > number),
                key=lambda row: row[1],
                default=None,
            )
        newest = [pk for pk, _ in rows[:4]]
        cards = (
            self.model.objects.for_cards()
            .select_related(None)
            .select_related("author", "episode")
            # No query when there are none.
            .in_bulk([*newest, *(row[0] for row in (before, after) if row)])
        )
        for card in cards.values():
            card.show = review.show
        return {
            "more_reviews": [cards[pk] for pk in newest],
            "previous_review": before and cards[before[0]],
            "next_review": after and cards[after[0]],
        }
