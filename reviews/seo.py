"""
What search engines and link previews read: schema.org JSON-LD for reviews,
shows, lists of them and breadcrumbs (templates get it through the tags in
reviews.templatetags.reviews). Only spoiler-free text goes in: the summary,
never the recap or the body.
"""

from django.conf import settings
from django.templatetags.static import static

from .models import Credit

CONTEXT = "https://schema.org"


def absolute(request, url):
    return request.build_absolute_uri(url)


def image_url(request, image):
    """An image's absolute URL, or the site's social card without one."""
    if image:
        return absolute(request, image.url)
    return absolute(request, static("img/social-card.png"))


def publisher(request):
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": absolute(request, "/"),
        "logo": {
            "@type": "ImageObject",
            "url": absolute(request, static("img/social-card.png")),
            "width": 1200,
            "height": 630,
        },
    }


def person(request, author):
    return {
        "@type": "Person",
        "name": author.name,
        "url": absolute(request, author.get_absolute_url()),
    }


def tv_series(request, show, context=True):
    """A show as a TVSeries: its titles, studios, director and composer where
    known (from prefetched studios and credits)."""
    data = {"@context": CONTEXT} if context else {}
    data.update(
        {
            "@type": "TVSeries",
            "name": show.title,
            "url": absolute(request, show.get_absolute_url()),
        }
    )
    if show.alternate_titles:
        data["alternateName"] = show.alternate_titles
    if show.synopsis:
        data["description"] = show.synopsis
    if show.cover:
        data["image"] = image_url(request, show.cover)
    if show.premiere_date:
        data["startDate"] = show.premiere_date.isoformat()
    if show.episode_count:
        data["numberOfEpisodes"] = show.episode_count
    studios = [
        {"@type": "Organization", "name": studio.name} for studio in show.studio_list
    ]
    if studios:
        data["productionCompany"] = studios
    roles = {"director": Credit.Role.DIRECTOR, "musicBy": Credit.Role.MUSIC}
    for key, role in roles.items():
        people = [
            {"@type": "Person", "name": credit.name} for credit in show.credited(role)
        ]
        if people:
            data[key] = people
    return data


def tv_episode(request, episode, show, whole_series=True):
    """The episode as a TVEpisode; its series named and linked only, unless
    ``whole_series`` (which reads the show's studios and credits)."""
    series = {
        "@type": "TVSeries",
        "name": show.title,
        "url": absolute(request, show.get_absolute_url()),
    }
    data = {
        "@type": "TVEpisode",
        "name": episode.title or f"{show.title} episode {episode.number}",
        "episodeNumber": episode.number,
        "url": absolute(request, episode.get_absolute_url()),
        "partOfSeries": tv_series(request, show, context=False)
        if whole_series
        else series,
    }
    if episode.air_date:
        data["datePublished"] = episode.air_date.isoformat()
    return data


def review(request, review):
    """A schema.org Review of the episode (TVEpisode) or the show (TVSeries),
    fit for Google's review snippets: a named item, a rating from 0 to 10, an
    author who is a Person with a page, dates and the publisher. A review
    without a score has no rating, so it is a BlogPosting about the same item."""
    show = review.show
    if review.episode:
        item = tv_episode(request, review.episode, show)
    else:
        item = tv_series(request, show, context=False)
    data = {
        "@context": CONTEXT,
        "@type": "Review" if review.score is not None else "BlogPosting",
        "name": review.title,
        "headline": review.title[:110],
        "url": absolute(request, review.get_absolute_url()),
        "author": person(request, review.author),
        "publisher": publisher(request),
        "inLanguage": "en",
        "image": image_url(request, review.shown_cover),
    }
    if review.summary:
        data["description"] = review.summary
    if review.published_at:
        data["datePublished"] = review.published_at.isoformat()
    data["dateModified"] = review.last_modified.isoformat()
    if review.score is not None:
        data["itemReviewed"] = item
        data["reviewRating"] = {
            "@type": "Rating",
            "ratingValue": float(review.score),
            "bestRating": 10,
            "worstRating": 0,
        }
    else:
        data["about"] = item
    return data


def item_list(request, name, things):
    """An ItemList of pages (shows, say), in the order the page lists them."""
    return {
        "@context": CONTEXT,
        "@type": "ItemList",
        "name": name,
        "numberOfItems": len(things),
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": str(thing),
                "url": absolute(request, thing.get_absolute_url()),
            }
            for position, thing in enumerate(things, start=1)
        ],
    }


def breadcrumbs(request, crumbs):
    """A BreadcrumbList from (name, url) pairs, the current page last."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": absolute(request, url),
            }
            for position, (name, url) in enumerate(crumbs, start=1)
        ],
    }
