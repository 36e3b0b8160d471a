"""
What becomes what: authors, posts (as reviews), their comments, images and old
links, keyed by WordPress's ids and the blog's address (WordPressItem), so a
second run of the same export creates nothing twice and applies what changed.

The export is read twice, streaming both times: first whole, to check it is
readable to its end (a truncated file stops here, before anything is written)
and to index what posts refer to (attachments, terms, authors); then to import
post by post, in one transaction (all or nothing; a dry run rolls it back).
"""

import csv
import hashlib
import urllib.parse
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ..maintenance import after_bulk_load
from ..models import Author, Episode, Review, Show, WordPressItem
from ..pagecache import EVERYTHING, bump
from .convert import (
    episode_number,
    plain_text,
    post_markdown,
    proposed_score,
    short_summary,
)
from .links import LinkWriter
from .media import Images
from .parse import AuthorRecord, ItemRecord, TermRecord, WXRReader, gmt_time, local_time
from .report import Report
from .threads import CommentImporter

STATUSES = {
    "publish": Review.Status.PUBLISHED,
    "future": Review.Status.PUBLISHED,  # a future time: scheduled
    "pending": Review.Status.SUBMITTED,
    "draft": Review.Status.DRAFT,
    "private": Review.Status.DRAFT,
}
DATED = {"publish", "future", "private"}
NOT_POSTS = {"trash": "posts in the trash", "auto-draft": "automatic drafts"}
REVIEW_FIELDS = [
    "author_id",
    "title",
    "summary",
    "body",
    "kind",
    "show_id",
    "episode_id",
    "status",
    "published_at",
    "comments_enabled",
    "score",
    "cover",
    "cover_alt",
]


class ImportRefused(Exception):
    """An option's file is wrong (a show map naming no show): nothing done."""


@dataclass
class Options:
    uploads: str = None
    show_map: str = None
    author_map: str = None
    dry_run: bool = False
    as_drafts: bool = False
    scores: bool = False
    fetch: bool = False
    create_episodes: bool = False


@dataclass
class Attachment:
    url: str
    alt: str = ""


@dataclass
class Index:
    """What the first reading learns: small, whatever the export's size."""

    authors: dict = field(default_factory=dict)
    terms: list = field(default_factory=list)
    attachments: dict = field(default_factory=dict)
    posts: int = 0


def digest(values):
    return hashlib.sha256(repr(values).encode()).hexdigest()


def free_slug(model, base, exclude_pk=None, length=180):
    base = base[:length].strip("-") or model._meta.model_name
    taken = set(
        model.objects.exclude(pk=exclude_pk)
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    return next(
        slug
        for slug in (base, *(f"{base}-{n}" for n in range(2, len(taken) + 3)))
        if slug not in taken
    )


def read_csv(path, columns, what):
    """Rows of a small CSV option file, each with its line number; a header
    row (whose first cell is the first column's name) is skipped."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            rows = list(csv.reader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ImportRefused(f"{what} {path} cannot be read: {error}") from error
    kept = []
    for number, row in enumerate(rows, 1):
        row = [cell.strip() for cell in row]
        if not any(row) or row[0].startswith("#") or row[0] == columns[0]:
            continue
        if len(row) < 2:
            raise ImportRefused(
                f"{what} {path}, line {number}: expected {','.join(columns)}."
            )
        kept.append((number, row))
    return kept


class ShowMatcher:
    """Which show a post is about, from its categories and tags: by the show
    map, else by a show's title, English or Japanese title, or slug."""

    def __init__(self, show_map=None):
        self.titles, self.slugs, self.mapped = {}, {}, {}
        for show in Show.objects.only("title", "title_english", "title_japanese"):
            for title in (show.title, show.title_english, show.title_japanese):
                if title:
                    self.titles.setdefault(title.casefold(), show)
            self.slugs[show.slug] = show
        if show_map:
            columns = ["term", "show-slug", "episode"]
            for number, row in read_csv(show_map, columns, "The show map"):
                show = self.slugs.get(row[1])
                if show is None:
                    raise ImportRefused(
                        f"The show map {show_map}, line {number}: no show has "
                        f'the slug "{row[1]}". Add the show first.'
                    )
                episode = int(row[2]) if len(row) > 2 and row[2].isdigit() else None
                self.mapped[row[0].casefold()] = (show, episode)

    def term_match(self, term):
        hit = self.mapped.get(term.slug.casefold()) or self.mapped.get(
            term.name.casefold()
        )
        if hit:
            return hit
        show = self.titles.get(term.name.casefold()) or self.slugs.get(term.slug)
        return (show, None) if show else None

    def match(self, item):
        """(show, episode number from the map, why none)."""
        found = {}
        for term in item.terms:
            if term.domain in ("category", "post_tag") and (
                hit := self.term_match(term)
            ):
                found.setdefault(hit[0].pk, hit)
        if len(found) == 1:
            return (*next(iter(found.values())), "")
        if not found:
            return None, None, "no category or tag names a show"
        title = item.title.casefold()
        named = [
            hit
            for hit in found.values()
            if any(
                t and t.casefold() in title
                for t in (hit[0].title, hit[0].title_english, hit[0].title_japanese)
            )
        ]
        if len(named) == 1:
            return (*named[0], "")
        shows = ", ".join(sorted(hit[0].title for hit in found.values()))
        return None, None, f"its categories name several shows ({shows})"


def kind_for(title, number, show):
    if "first impression" in title.casefold() or "premiere" in title.casefold():
        return Review.Kind.FIRST_IMPRESSIONS
    if number or not show:
        return Review.Kind.EPISODE
    return Review.Kind.SEASON


class Importer:
    def __init__(self, path, options=None, progress=None):
        self.path = path
        self.options = options or Options()
        self.progress = progress or (lambda done, total: None)
        self.report = Report()
        self.channel = None

    def run(self):
        index = self.scan()
        self.site = self.channel.site
        self.matcher = ShowMatcher(self.options.show_map)
        self.author_map = self.read_author_map()
        self.images = Images(
            self.site, self.options.uploads, self.options.fetch, self.options.dry_run
        )
        try:
            with transaction.atomic():
                self.import_all(index)
                if self.options.dry_run:
                    transaction.set_rollback(True)
        except BaseException:
            self.images.discard()
            raise
        if not self.options.dry_run:
            # Rather than plans for empty tables until autovacuum comes by.
            after_bulk_load()
        return self.report

    def scan(self):
        reader = WXRReader(self.path)
        index = Index()
        for record in reader:
            if isinstance(record, AuthorRecord):
                index.authors[record.login] = record
            elif isinstance(record, TermRecord):
                index.terms.append(record)
            elif record.type == "attachment":
                url = record.attachment_url or record.link
                alt = record.meta.get("_wp_attachment_image_alt", "").strip()
                alt = alt or plain_text(record.excerpt)  # its caption
                index.attachments[str(record.id)] = Attachment(url, alt[:200])
            elif record.type == "post":
                index.posts += 1
        self.channel = reader.channel
        if not self.channel.site:
            raise ImportRefused(
                f"{self.path} does not say the blog's address (<link> or "
                "<wp:base_blog_url>), which keys what is imported."
            )
        return index

    def read_author_map(self):
        if not self.options.author_map:
            return {}
        users, mapped = get_user_model().objects, {}
        columns = ["wordpress-login", "username"]
        for number, row in read_csv(self.options.author_map, columns, "The author map"):
            user = users.filter(username=row[1]).first()
            if user is None:
                raise ImportRefused(
                    f"The author map {self.options.author_map}, line {number}: "
                    f'no account has the username "{row[1]}".'
                )
            mapped[row[0]] = user
        return mapped

    def import_all(self, index):
        self.index = index
        self.authors = {}
        self.links = LinkWriter(
            self.site,
            urllib.parse.urlsplit(self.channel.base_blog_url or self.channel.link).path,
            self.report,
        )
        self.comments = CommentImporter(self.site, self.report)
        for login in index.authors:
            self.author_for(login)
        self.links.feeds()
        for term in index.terms:
            if term.domain in ("category", "post_tag") and (
                hit := self.matcher.term_match(term)
            ):
                self.links.term(term, hit[0])
        done = 0
        for record in WXRReader(self.path):
            if not isinstance(record, ItemRecord) or record.type == "attachment":
                continue
            if record.type != "post":
                self.report.skip(f'items of type "{record.type}" (only posts)')
                continue
            self.import_post(record)
            self.report.count("images", "created", self.images.record())
            done += 1
            self.progress(done, index.posts)
        self.report.count("images", "skipped", len(self.images.missing))
        bump(EVERYTHING)

    def author_for(self, login):
        if login in self.authors:
            return self.authors[login]
        record = self.index.authors.get(login) or AuthorRecord(0, login)
        row = WordPressItem.objects.filter(
            site=self.site, kind=WordPressItem.Kind.AUTHOR, wp_id=login
        ).first()
        author = Author.objects.filter(pk=row.object_id).first() if row else None
        name = (record.display_name or login or "WordPress author")[:100]
        values = {"name": name, "bio": record.description}
        if login in self.author_map:
            author = Author.for_user(self.author_map[login])
            outcome = "updated" if row is None or row.object_id != author.pk else ""
        elif author is None:
            author = self.new_author(record, values)
            outcome = "created"
        elif row.digest != digest(values):
            author.name, author.bio = values["name"], values["bio"]
            author.save()
            outcome = "updated"
        else:
            outcome = ""
        self.report.count("authors", outcome or "unchanged")
        WordPressItem.objects.update_or_create(
            site=self.site,
            kind=WordPressItem.Kind.AUTHOR,
            wp_id=login,
            defaults={"object_id": author.pk, "digest": digest(values)},
        )
        self.links.author(login, author)
        self.authors[login] = author
        return author

    def new_author(self, record, values):
        """An Author profile on an inactive account that cannot log in: an
        editor links it to a real login later (--author-map, or the admin)."""
        users = get_user_model().objects
        username = free_username(users, f"wp-{slugify(record.login) or 'author'}")
        user = users.create_user(
            username=username,
            email=record.email,
            first_name=record.first_name[:150],
            last_name=record.last_name[:150],
            is_active=False,
        )
        slug = free_slug(Author, slugify(values["name"]) or username, length=80)
        return Author.objects.create(user=user, slug=slug, **values)

    def import_post(self, item):
        if item.status in NOT_POSTS:
            self.report.count("reviews", "skipped")
            self.report.skip(NOT_POSTS[item.status])
            return
        row = WordPressItem.objects.filter(
            site=self.site, kind=WordPressItem.Kind.POST, wp_id=str(item.id)
        ).first()
        review = Review.objects.filter(pk=row.object_id).first() if row else None
        if row and review is None:
            self.report.count("reviews", "skipped")
            self.report.skip("posts whose review was deleted here (not brought back)")
            return
        values = self.review_values(item)
        changed = digest([str(values[name]) for name in REVIEW_FIELDS])
        if review and row.digest == changed:
            self.report.count("reviews", "unchanged")
        else:
            outcome = "updated" if review else "created"
            review = review or Review(slug=self.review_slug(item))
            for name, value in values.items():
                if name == "cover" and (self.options.dry_run or not value):
                    continue  # a dry run stores no image to read
                setattr(review, name, value)
            review.save()
            WordPressItem.objects.update_or_create(
                site=self.site,
                kind=WordPressItem.Kind.POST,
                wp_id=str(item.id),
                defaults={"object_id": review.pk, "digest": changed},
            )
            self.report.count("reviews", outcome)
        self.comments.import_comments(item, review)
        self.links.post(item, review)

    def review_slug(self, item):
        base = slugify(urllib.parse.unquote(item.slug)) or slugify(item.title)
        return free_slug(Review, base or f"wordpress-{item.id}")

    def review_values(self, item):
        title = (item.title or f"Untitled WordPress post {item.id}")[:200]
        label = f"“{title}”"
        show, mapped_episode, why = self.matcher.match(item)
        number = mapped_episode or episode_number(title)
        episode = self.episode(show, number, label) if show and number else None
        status = STATUSES.get(item.status, Review.Status.DRAFT)
        if show is None and status != Review.Status.DRAFT:
            status = Review.Status.DRAFT
            self.report.note("Imported as drafts: no show matched", f"{label}: {why}")
        elif show is None:
            self.report.note("Drafts without a show", f"{label}: {why}")
        if item.password and status != Review.Status.DRAFT:
            status = Review.Status.DRAFT  # its readers had a password
            self.report.note("Password-protected posts imported as drafts", label)
        if self.options.as_drafts:
            status = Review.Status.DRAFT
        published_at = None
        if item.status in DATED:
            published_at = gmt_time(item.date_gmt)
            if published_at is None and (local := local_time(item.date)):
                # No GMT time (a scheduled post, some exporters): the blog's
                # zone is not in the export, so ours is assumed.
                published_at = timezone.make_aware(local)
        if status == Review.Status.PUBLISHED and published_at is None:
            published_at = timezone.now().replace(microsecond=0)
        conversion = post_markdown(item.content, self.inline_image, self.attachment_url)
        for name in sorted(conversion.unknown_shortcodes):
            self.report.note(
                "Shortcodes we have no equivalent for (their text kept)",
                f"[{name}] in {label}",
            )
        values = {
            "author_id": self.author_for(item.creator).pk,
            "title": title,
            "summary": short_summary(item.excerpt),
            "body": conversion.markdown,
            "kind": kind_for(title, number, show),
            "show_id": show.pk if show else None,
            "episode_id": episode.pk if episode else None,
            "status": status,
            "published_at": published_at,
            "comments_enabled": item.comment_status != "closed",
            "score": None,
            "cover": "",
            "cover_alt": "",
        }
        if proposal := proposed_score(item.content):
            score, words = proposal
            if self.options.scores:
                values["score"] = score
                heading = "Scores read from the text and filled in (check them)"
            else:
                heading = "Scores read from the text (not filled in: use --scores)"
            self.report.note(
                heading, f"{label}: {score.normalize():f}/10 from “{words}”"
            )
        self.cover(item, values, label)
        return values

    def episode(self, show, number, label):
        episode = Episode.objects.filter(show=show, number=number).first()
        if episode is None and self.options.create_episodes:
            episode = Episode.objects.create(show=show, number=number)
            self.report.count("episodes", "created")
        elif episode is None:
            self.report.note(
                "Episodes named in titles that do not exist (--create-episodes "
                "makes them)",
                f"{label}: {show} episode {number}",
            )
        return episode

    def cover(self, item, values, label):
        attachment = self.index.attachments.get(item.meta.get("_thumbnail_id", ""))
        if attachment is None:
            return
        name = self.images.stored_name(attachment.url)
        if name is None:
            self.report.note("Missing images", f"{attachment.url} (cover of {label})")
        elif attachment.alt:
            values["cover"], values["cover_alt"] = name, attachment.alt
        else:
            self.report.note(
                "Covers needing alt text (not set: add them with alt text)",
                f"{label}: {self.images.url(name)}",
            )

    def inline_image(self, src, alt):
        name = self.images.stored_name(src)
        if name is None:
            why = self.images.missing.get(urllib.parse.unquote(src.strip()), "")
            self.report.note("Missing images", f"{src} ({why or 'not an upload'})")
            return None
        return self.images.url(name)

    def attachment_url(self, attachment_id):
        attachment = self.index.attachments.get(attachment_id)
        return attachment.url if attachment else None


def free_username(users, base):
    base = base[:140]
    taken = set(
        users.filter(username__startswith=base).values_list("username", flat=True)
    )
    return next(
        name
        for name in (base, *(f"{base}-{n}" for n in range(2, len(taken) + 3)))
        if name not in taken
    )
