"""
The old blog's addresses keep working: each answers 301 to its new page.

Paths (/2024/01/12/slug/, /category/frieren/, /author/sam/, /feed/) are
looked up when our own URLs answer 404, with and without the trailing slash.
WordPress's plain links (/?p=123, /?page_id=4, /?feed=rss2) are a query on a
page we do have (the home page), which a 404 never reaches, so those are
looked up before the view, only when the request has one of their parameters.
"""

import urllib.parse

from django.db import DatabaseError
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse

from ..models import OldLink

QUERY_LINKS = ("p", "page_id", "cat", "tag", "author", "feed")


def find(path):
    try:
        link = OldLink.objects.select_related("review").filter(path=path).first()
    except DatabaseError:
        return None  # the page as it is (a 404), not an outage page instead
    return link.new_path() if link else None


class OldLinkMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            for name in QUERY_LINKS:
                if (value := request.GET.get(name)) and (
                    target := find(f"{request.path}?{name}={value}")
                ):
                    return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        path = request.path
        for candidate in dict.fromkeys([path, path.rstrip("/") + "/"]):
            if target := find(candidate):
                return HttpResponsePermanentRedirect(target)
        return response


def path_of(url):
    """An old address as OldLink keeps it: its path (decoded), and its query
    when it is a plain WordPress link ("/?p=123")."""
    parts = urllib.parse.urlsplit(url)
    path = urllib.parse.unquote(parts.path) or "/"
    query = urllib.parse.parse_qs(parts.query)
    for name in QUERY_LINKS:
        if query.get(name):
            return f"{path}?{name}={query[name][0]}"
    return path


class LinkWriter:
    """Writes the OldLink rows of one blog. A path another blog imported
    first stays theirs (both blogs had a /?p=12): noted as a conflict."""

    def __init__(self, site, base_path, report):
        self.site = site
        self.base = base_path.rstrip("/")
        self.report = report

    def post(self, item, review):
        paths = [f"{self.base}/?p={item.id}"]
        if item.link:
            paths.append(path_of(item.link))
        self.write(paths, review=review)

    def author(self, login, author):
        quoted = urllib.parse.quote(login)
        self.write([f"{self.base}/author/{quoted}/"], target=author.get_absolute_url())
        self.write(
            [f"{self.base}/author/{quoted}/feed/"],
            target=reverse("reviews:author-feed-rss", kwargs={"slug": author.slug}),
        )

    def term(self, term, show):
        base = "category" if term.domain == "category" else "tag"
        self.write([f"{self.base}/{base}/{term.slug}/"], target=show.get_absolute_url())
        self.write(
            [f"{self.base}/{base}/{term.slug}/feed/"],
            target=reverse("reviews:show-feed-rss", kwargs={"slug": show.slug}),
        )

    def feeds(self):
        rss, atom = reverse("reviews:feed-rss"), reverse("reviews:feed-atom")
        feeds = {
            "/feed/": rss,
            "/feed/rss/": rss,
            "/feed/rss2/": rss,
            "/feed/atom/": atom,
            "/?feed=rss": rss,
            "/?feed=rss2": rss,
            "/?feed=atom": atom,
        }
        for path, target in feeds.items():
            self.write([self.base + path], target=target)

    def write(self, paths, review=None, target=""):
        paths = list(dict.fromkeys(path[:500] for path in paths))
        existing = {link.path: link for link in OldLink.objects.filter(path__in=paths)}
        for path in paths:
            link = existing.get(path)
            if link is None:
                OldLink.objects.create(
                    path=path, review=review, target=target, site=self.site
                )
                self.report.count("old links", "created")
            elif link.site != self.site:
                self.report.note(
                    "Old links another blog imported first (kept as they were)",
                    path,
                )
                self.report.count("old links", "skipped")
            elif link.review_id != (review and review.pk) or link.target != target:
                link.review, link.target = review, target
                link.save(update_fields=["review", "target"])
                self.report.count("old links", "updated")
            else:
                self.report.count("old links", "unchanged")
