"""Shows, episodes, seasons (and their premiere guides), studios, genres
and authors, with the indexes of each."""

from django.db.models import Case, Prefetch, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.views.generic import DetailView, ListView
from django.views.generic.detail import SingleObjectMixin

from ..charts import EpisodeScoreChart
from ..models import (
    AnimeSeason,
    Author,
    Episode,
    Genre,
    Review,
    SeasonGuide,
    Show,
    Studio,
)
from ..pagecache import page_shows, remember, reviews_of
from .base import SEASON_ORDER, PublishedReviewsMixin, author_scores


class ShowListView(ListView):
    template_name = "reviews/show_list.html"
    context_object_name = "shows"
    # Every show on one page was 195 KB and 137 ms with the bench data's 300.
    paginate_by = 60

    def get_queryset(self):
        shows = Show.objects.with_scores()
        if self.request.GET.get("order") == "title":
            return shows.order_by("title")
        return shows.alias(season_rank=SEASON_ORDER).order_by(
            "-year", "-season_rank", "title"
        )

    def get_context_data(self, **kwargs):
        by_title = self.request.GET.get("order") == "title"
        return super().get_context_data(
            by_title=by_title,
            query_string="order=title" if by_title else "",
            page_labels=("Previous", "Next") if by_title else ("Newer", "Older"),
            **kwargs,
        )


class ShowDetailView(PublishedReviewsMixin, SingleObjectMixin, ListView):
    """A show: its facts, its episodes with their scores and the chart of them
    (from every review), and its reviews, newest first and paginated."""

    template_name = "reviews/show_detail.html"
    paginate_by = 12
    # Its reviews' tag, and the show's (an episode added, its facts).
    page_tags = ()

    def get(self, request, *args, **kwargs):
        # Its studios, genres, credits and songs are read where they are shown
        # (Show.studio_list...), in fragments: not on a page that has them.
        self.object = self.get_object(Show.objects.all())
        page_shows(reviews_of("show", self.object.pk))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.get_reviews().filter(show=self.object)

    def get_context_data(self, **kwargs):
        show = self.object
        # Lazy: not queried when the template finds its fragment in the cache.
        # Meta.ordering does not apply to aggregated querysets.
        # With the readers' score of each (the ratings app keeps it); the chart
        # and the table share its one query.
        episodes = (
            show.episodes.with_scores()
            .select_related("community_score")
            .order_by("number")
        )
        # Only what the chart needs, of every review: no model instances (the
        # fragment's show tag covers its reviews).
        scores = (
            Review.objects.published()
            .filter(show=show)
            .values_list("episode__number", "score")
        )
        chart = SimpleLazyObject(lambda: EpisodeScoreChart.of(scores, episodes))
        context = super().get_context_data(**kwargs)
        return {
            **context,
            "reviews": context["object_list"],
            "episodes": episodes,
            "chart": chart,
        }


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
    # Its reviews' tag, and the episode's (its readers' score).
    page_tags = ()

    def get_object(self, queryset=None):
        return get_object_or_404(
            Episode.objects.select_related("show").with_scores(),
            show__slug=self.kwargs["show_slug"],
            number=self.kwargs["number"],
        )

    def get_context_data(self, **kwargs):
        page_shows(reviews_of("episode", self.object.pk))
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
    # A review of theirs published, edited or gone: their reviews' tag.
    page_tags = ()

    @property
    def count_tags(self):
        return [reviews_of("author", self.author.pk)]

    def get_queryset(self):
        # Staff without a published review have no public page.
        slug = self.kwargs["slug"]

        def author():
            found = get_object_or_404(
                Author.objects.with_scores(), slug=slug, review_count__gt=0
            )
            page_shows(reviews_of("author", found.pk))  # its count of them
            return found

        self.author = remember(f"author:{slug}", author)
        page_shows(reviews_of("author", self.author.pk))
        return self.get_reviews().filter(author=self.author)

    def get_context_data(self, **kwargs):
        scores = SimpleLazyObject(lambda: author_scores(self.author.pk))
        return super().get_context_data(author=self.author, scores=scores, **kwargs)
