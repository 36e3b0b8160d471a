"""
RSS 2.0 and Atom 1.0 feeds of the published reviews: all of them, one show's, one
author's, one season's first impressions (its premiere guide).

Each entry carries the review in full, from its spoiler-free copy
(``body_spoiler_free_html``: every spoiler replaced by a note). The recap is left
out: it is all spoilers.
"""

import copy
import html
import re
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, RssFeed
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from .models import AnimeSeason, Author, Review, Show
from .pagecache import remember
from .scores import format_score

FEED_LENGTH = 20

# A start tag as the sanitizer writes it (every value double-quoted), so that a
# value containing ">" and text that merely looks like an attribute are left alone.
START_TAG = re.compile(r'<[a-zA-Z][^\s/>]*(?:\s+[^\s="/>]+(?:="[^"]*")?)*\s*/?>')
URL_ATTRIBUTE = re.compile(r'(\s(?:href|src|srcset))="([^"]*)"')


def absolute_html(fragment, base_url):
    """``fragment`` with every link and image address (href, src, srcset) made
    absolute against ``base_url``: feed readers show it away from our site."""

    def absolute(url):
        return urljoin(base_url, url.strip())

    def attribute(match):
        name, value = match[1], html.unescape(match[2])
        if name.endswith("srcset"):
            candidates = (
                candidate.split(maxsplit=1)
                for candidate in value.split(",")
                if candidate.strip()
            )
            value = ", ".join(
                " ".join([absolute(url), *descriptor])
                for url, *descriptor in candidates
            )
        else:
            value = absolute(value)
        return f'{name}="{escape(value)}"'

    return START_TAG.sub(lambda tag: URL_ATTRIBUTE.sub(attribute, tag[0]), fragment)


# Characters XML 1.0 cannot carry, however they got into a title or a body.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(value):
    return NOT_XML.sub("", value) if isinstance(value, str) else value


class XmlSafeFeed:
    """A feed generator that drops what XML cannot carry instead of failing."""

    def __init__(self, *args, **kwargs):
        super().__init__(
            *map(xml_safe, args), **{k: xml_safe(v) for k, v in kwargs.items()}
        )

    def add_item(self, *args, **kwargs):
        super().add_item(
            *map(xml_safe, args), **{k: xml_safe(v) for k, v in kwargs.items()}
        )


class ContentRssFeed(XmlSafeFeed, Rss201rev2Feed):
    """RSS 2.0 with the full text of each review in <content:encoded>."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])


class ContentAtomFeed(XmlSafeFeed, Atom1Feed):
    """Atom 1.0 with the full text of each review in <content type="html">."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestReviewsFeed(Feed):
    """The latest published reviews, newest first."""

    feed_type = ContentRssFeed
    language = "en"

    def __call__(self, request, *args, **kwargs):
        """The feed, kept in the fragment cache until what it shows changes
        (reviews.pagecache.remember: the objects it loads and the "reviews"
        and "catalogue" tags), for the requests the page cache does not serve.
        The URLconf's one instance serves every request: each request works on
        its own copy, which keeps the request for absolute addresses."""
        feed = copy.copy(self)
        feed.request = request

        def render():
            response = super(LatestReviewsFeed, feed).__call__(request, *args, **kwargs)
            return response.content, dict(response.headers)

        content, headers = remember(
            f"feed:{request.build_absolute_uri(request.path)}", render
        )
        return HttpResponse(content, headers=headers)

    def absolute(self, url):
        return self.request.build_absolute_uri(url)

    def title(self, obj):
        return f"{settings.SITE_NAME}: reviews"

    def link(self, obj):
        return reverse("reviews:review-list")

    def description(self, obj):
        return (
            "Anime reviews, episode by episode: first impressions, episode reviews "
            "and season verdicts, with spoilers always hidden."
        )

    def subtitle(self, obj):
        # Atom's name for the description.
        return self.description(obj)

    def author_name(self, obj):
        return settings.SITE_NAME

    def author_link(self, obj):
        return self.absolute(reverse("reviews:home"))

    def reviews(self, obj):
        return (
            Review.objects.published()
            .newest_first()
            .with_related()
            .prefetch_related("show__genres")
        )

    def items(self, obj):
        return self.reviews(obj)[:FEED_LENGTH]

    def item_title(self, review):
        """The review's title, after the show's when the title does not name it."""
        title = review.title
        if review.show.title.casefold() not in title.casefold():
            title = f"{review.show.title}: {title}"
        # RSS readers take titles as HTML (Django escapes them by default); an
        # Atom title without a type is plain text.
        return escape(title) if issubclass(self.feed_type, RssFeed) else title

    def item_description(self, review):
        summary = review.summary or Truncator(
            html.unescape(strip_tags(review.body_spoiler_free_html))
        ).words(50)
        return escape(" ".join(summary.split()))

    def item_guid(self, review):
        """A tag URI from the review's id and creation date: it stays the same
        when the slug or the publication time changes."""
        host = urlsplit(self.absolute("/")).hostname
        return f"tag:{host},{review.created:%Y-%m-%d}:review:{review.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, review):
        return review.published_at

    def item_updateddate(self, review):
        # A scheduled review is saved before it appears: never older than that.
        return review.last_modified

    def item_author_name(self, review):
        return review.author.name

    def item_author_link(self, review):
        return self.absolute(review.author.get_absolute_url())

    def item_categories(self, review):
        return [
            review.show.title,
            review.kind_label,
            *(genre.name for genre in review.show.genres.all()),
        ]

    def item_extra_kwargs(self, review):
        return {"content": self.item_content(review)}

    def item_content(self, review):
        """Score and verdict, the cover, the spoiler-free body, a link home."""
        facts = []
        if review.score is not None:
            facts.append(f"Score: {format_score(review.score)}/10")
        if review.verdict:
            facts.append(f"Verdict: {review.get_verdict_display()}")
        parts = []
        if facts:
            parts.append(format_html("<p><strong>{}</strong></p>", " · ".join(facts)))
        if review.cover:
            size = ""
            if review.cover_width and review.cover_height:
                size = format_html(
                    ' width="{}" height="{}"', review.cover_width, review.cover_height
                )
            parts.append(
                format_html(
                    '<p><img src="{}" alt="{}"{}></p>',
                    review.cover.url,
                    review.cover_alt,
                    size,
                )
            )
        # Rendered and sanitized at save time by reviews.markdown.
        parts.append(mark_safe(review.body_spoiler_free_html))
        parts.append(
            format_html(
                '<p><a href="{}">Read this review on {}</a></p>',
                review.get_absolute_url(),
                settings.SITE_NAME,
            )
        )
        page = self.absolute(review.get_absolute_url())
        return absolute_html("\n".join(parts), page)


class LatestReviewsAtomFeed(LatestReviewsFeed):
    feed_type = ContentAtomFeed


class ShowReviewsFeed(LatestReviewsFeed):
    """One show's latest published reviews."""

    def get_object(self, request, slug):
        return Show.objects.get(slug=slug)

    def title(self, show):
        return f"{settings.SITE_NAME}: {show.title} reviews"

    def link(self, show):
        return show.get_absolute_url()

    def description(self, show):
        return f"Every review of {show.title} on {settings.SITE_NAME}, newest first."

    def author_name(self, show):
        return None

    def reviews(self, show):
        return super().reviews(show).filter(show=show)


class ShowReviewsAtomFeed(ShowReviewsFeed):
    feed_type = ContentAtomFeed


class AuthorReviewsFeed(LatestReviewsFeed):
    """One author's latest published reviews; an author without one has no feed,
    as they have no page."""

    def get_object(self, request, slug):
        published = Review.objects.published().filter(author=OuterRef("pk"))
        return Author.objects.filter(Exists(published)).get(slug=slug)

    def title(self, author):
        return f"{settings.SITE_NAME}: reviews by {author.name}"

    def link(self, author):
        return author.get_absolute_url()

    def description(self, author):
        return f"Anime reviews by {author.name} on {settings.SITE_NAME}, newest first."

    def author_name(self, author):
        return author.name

    def author_link(self, author):
        return self.absolute(author.get_absolute_url())

    def reviews(self, author):
        return super().reviews(author).filter(author=author)


class AuthorReviewsAtomFeed(AuthorReviewsFeed):
    feed_type = ContentAtomFeed


class PremiereGuideFeed(LatestReviewsFeed):
    """A season's premiere guide: its writers' published first impressions."""

    def get_object(self, request, year, season):
        if season not in Show.Season.values:
            raise Http404("There is no such season.")
        if not Show.objects.filter(year=year, season=season).exists():
            raise Http404("We have no shows from this season.")
        return AnimeSeason(year, season)

    def title(self, season):
        return f"{settings.SITE_NAME}: {season} first impressions"

    def link(self, season):
        return season.get_premieres_url()

    def description(self, season):
        return (
            f"Our writers' first impressions of the {season} premieres on "
            f"{settings.SITE_NAME}, newest first."
        )

    def author_name(self, season):
        return None

    def reviews(self, season):
        return (
            super()
            .reviews(season)
            .first_impressions()
            .filter(show__year=season.year, show__season=season.season)
        )


class PremiereGuideAtomFeed(PremiereGuideFeed):
    feed_type = ContentAtomFeed
