"""
/sitemap.xml (one section per kind of page) and /robots.txt, which points to it.

Only pages with at least one published review are listed, and each section costs
the same two queries (a count and a page) however many items it has.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Greatest
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from .models import (
    Author,
    Episode,
    Genre,
    Review,
    Show,
    Studio,
    published_condition,
)


def with_last_review(queryset, prefix="reviews__"):
    """Annotate ``last_review``, when the newest published review through
    ``prefix`` last changed, and keep the rows that have one."""
    return queryset.annotate(
        last_review=Max(
            Greatest(f"{prefix}updated", f"{prefix}published_at"),
            filter=published_condition(prefix),
        )
    ).filter(last_review__isnull=False)


class PageSitemap(Sitemap):
    """The lists: home, reviews, shows, seasons, studios, genres, writers,
    scores."""

    def items(self):
        return [
            "reviews:home",
            "reviews:review-list",
            "reviews:show-list",
            "reviews:season-list",
            "reviews:studio-list",
            "reviews:genre-list",
            "reviews:author-list",
            "reviews:scores",
        ]

    def location(self, item):
        return reverse(item)


class ReviewSitemap(Sitemap):
    def items(self):
        # Not the text columns: a sitemap page holds up to 50,000 reviews.
        return Review.objects.published().only("slug", "published_at", "updated")

    def lastmod(self, review):
        # A scheduled review is saved before it appears: never older than that.
        return review.last_modified


class ShowSitemap(Sitemap):
    def items(self):
        return with_last_review(Show.objects.all()).order_by("title")

    def lastmod(self, show):
        return max(show.updated, show.last_review)


class EpisodeSitemap(Sitemap):
    def items(self):
        return with_last_review(Episode.objects.select_related("show")).order_by(
            "show__title", "number"
        )

    def lastmod(self, episode):
        return episode.last_review


class AuthorSitemap(Sitemap):
    def items(self):
        return with_last_review(Author.objects.all()).order_by("name")

    def lastmod(self, author):
        return author.last_review


class SeasonSitemap(Sitemap):
    """Each (year, season) with a reviewed show."""

    def items(self):
        return with_last_review(
            Show.objects.exclude(season="")
            .filter(year__isnull=False)
            .values("year", "season")
        ).order_by("-year", "season")

    def location(self, season):
        return reverse(
            "reviews:season-detail",
            kwargs={"year": season["year"], "season": season["season"]},
        )

    def lastmod(self, season):
        return season["last_review"]


class CollectionSitemap(Sitemap):
    """Studios or genres with a reviewed show."""

    model = None

    def items(self):
        return with_last_review(
            self.model.objects.all(), prefix="shows__reviews__"
        ).order_by("name")

    def lastmod(self, collection):
        return collection.last_review


class StudioSitemap(CollectionSitemap):
    model = Studio


class GenreSitemap(CollectionSitemap):
    model = Genre


SITEMAPS = {
    "pages": PageSitemap,
    "reviews": ReviewSitemap,
    "shows": ShowSitemap,
    "episodes": EpisodeSitemap,
    "authors": AuthorSitemap,
    "seasons": SeasonSitemap,
    "studios": StudioSitemap,
    "genres": GenreSitemap,
}


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(
        request, "robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain"
    )
