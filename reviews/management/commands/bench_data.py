"""
Fills the database with a large, realistic data set for `make bench` (bench/run.py).

Everything is written with bulk_create in batches: Review.save() renders Markdown on
every call, so the review and comment texts come from a handful of templates rendered
once. Deterministic for a given --seed. A database that already holds the requested
data set is left as it is; one holding an earlier, different bench data set (its
writers are "bench-writer-N") is emptied first; any other data is refused.
"""

import random
import time
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, batched

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from reversion.models import Revision, Version

from comments.models import Comment, render_comment_text
from reviews import search
from reviews.maintenance import after_bulk_load
from reviews.management.bench_content import (
    ADJECTIVES,
    COMMENT_TEXTS,
    EPISODE_TITLES,
    FIRST_NAMES,
    GENRES,
    LAST_NAMES,
    NOUNS,
    PREMISES,
    ROMAJI,
    STUDIO_WORDS,
    SUMMARIES,
    render_templates,
    score,
    verdict,
)
from reviews.models import (
    Author,
    Credit,
    Episode,
    Genre,
    Review,
    Show,
    Studio,
    ThemeSong,
)

# The writers of a bench data set: this tells it from any other data.
USERNAME_PREFIX = "bench-writer-"
BATCH = 2000


class Command(BaseCommand):
    help = "Fill the database with a large data set for the benchmark (make bench)."

    def add_arguments(self, parser):
        for name, default in [
            ("shows", 300),
            ("episodes", 6000),
            ("reviews", 20000),
            ("authors", 20),
            ("comments", 200000),
            ("seed", 1),
        ]:
            parser.add_argument(f"--{name}", type=int, default=default)

    def handle(self, *args, **options):
        self.rng = random.Random(options["seed"])
        self.now = timezone.now()
        wanted = {
            Show: options["shows"],
            Episode: options["episodes"],
            Review: options["reviews"],
            Author: options["authors"],
            Comment: options["comments"],
        }
        if not 0 < options["shows"] <= options["episodes"] or options["authors"] < 1:
            raise CommandError(
                "Give at least one show, one episode per show, and one author."
            )
        counts = {model: model.objects.count() for model in wanted}
        ours = Author.objects.filter(user__username__startswith=USERNAME_PREFIX)
        if counts == wanted and ours.exists():
            self.stdout.write("The bench data set is already there: re-used.")
            return
        if any(counts.values()) and not ours.exists():
            raise CommandError(
                "This database holds other data. bench_data fills an empty database, "
                "or one it filled before (give the benchmark its own DATABASE_URL)."
            )
        started = time.monotonic()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Deleting and indexing this much takes longer than the statement
                # timeout the site's settings give a page.
                connection.cursor().execute("SET LOCAL statement_timeout = 0")
            if any(counts.values()):
                self.empty()
            authors = self.create_authors(options["authors"])
            shows = self.create_shows(options["shows"], options["episodes"])
            reviews = self.create_reviews(options["reviews"], shows, authors)
            self.create_comments(options["comments"], reviews)
            self.stderr.write("  Rebuilding the search index...", style_func=str)
            search.rebuild()
        after_bulk_load()
        seconds = time.monotonic() - started
        summary = ", ".join(
            f"{n:,} {m._meta.verbose_name_plural}" for m, n in wanted.items()
        )
        self.stdout.write(
            self.style.SUCCESS(f"Bench data set written in {seconds:.0f} s: {summary}.")
        )

    def progress(self, label, done, total):
        percent = done * 100 // max(total, 1)
        line = f"\r  {label:<9} {done:>9,} / {total:,} {percent:3d}%"
        self.stderr.write(line, style_func=str, ending="\n" if done >= total else "")
        self.stderr.flush()

    def bulk(self, model, objects, total, label, keep=lambda obj: obj):
        """bulk_create in batches with a progress bar; returns keep(obj) of each
        saved object (not the objects themselves, to bound the memory used)."""
        saved = []
        for batch in batched(objects, BATCH):
            saved += map(keep, model.objects.bulk_create(batch))
            self.progress(label, len(saved), total)
        return saved

    def empty(self):
        """Delete an earlier bench data set (this is the benchmark's own database)."""
        models = [Comment, Version, Revision, Review, Episode, Credit, ThemeSong]
        models += [Show.studios.through, Show.genres.through, Show, Studio, Genre]
        with connection.cursor() as cursor:
            for model in [*models, Author]:
                cursor.execute(
                    f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}"
                )
        get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).delete()

    def create_authors(self, count):
        authors = []
        for number in range(1, count + 1):
            first = FIRST_NAMES[number % len(FIRST_NAMES)]
            last = LAST_NAMES[(number * 7) % len(LAST_NAMES)]
            user = get_user_model()(
                username=f"{USERNAME_PREFIX}{number}", first_name=first, last_name=last
            )
            user.set_unusable_password()
            user.save()
            name = f"{first} {last}"
            authors.append(
                Author.objects.create(
                    user=user,
                    name=name,
                    slug=f"{slugify(name)}-{number}",
                    bio=f"{first} writes about **seasonal anime** for the blog.",
                )
            )
        return authors

    def create_shows(self, count, episode_total):
        rng = self.rng
        studios = Studio.objects.bulk_create(
            Studio(name=f"{word} {suffix}", slug=slugify(f"{word} {suffix}"))
            for word in STUDIO_WORDS
            for suffix in ("Animation", "Pictures")
        )
        genres = Genre.objects.bulk_create(
            Genre(name=name, slug=slugify(name)) for name in GENRES
        )
        titles = [f"{a} {n}" for a in ADJECTIVES for n in NOUNS]
        rng.shuffle(titles)
        # Split the episodes unevenly (10 to 30 each by default), exactly.
        episodes = [
            episode_total // count + (i < episode_total % count) for i in range(count)
        ]
        for i in range(0, count - 1, 2):
            moved = rng.randint(0, (episodes[i] - 1) // 2)
            episodes[i] -= moved
            episodes[i + 1] += moved
        shows = []
        for i in range(count):
            title = titles[i % len(titles)] + (
                f" {i // len(titles) + 1}" if i >= len(titles) else ""
            )
            year = 2015 + i * 12 // count
            season = rng.choice(Show.Season.values)
            month = 1 + 3 * Show.Season.values.index(season)
            premiere = date(year, month, rng.randint(1, 28))
            finished = premiere + timedelta(weeks=episodes[i]) < self.now.date()
            romaji = f"{rng.choice(ROMAJI).title()} no {rng.choice(ROMAJI).title()}"
            shows.append(
                Show(
                    title=title,
                    title_english=title,
                    title_japanese=romaji,
                    slug=slugify(title),
                    synopsis=f"In {title}, {rng.choice(PREMISES)}.",
                    format=rng.choices(["tv", "ona", "ova"], [17, 2, 1])[0],
                    source=rng.choice(Show.Source.values),
                    season=season,
                    year=year,
                    premiere_date=premiere,
                    episode_count=episodes[i],
                    airing_status=Show.Airing.FINISHED
                    if finished
                    else Show.Airing.AIRING,
                )
            )
        shows = self.bulk(Show, shows, count, "shows")
        Show.studios.through.objects.bulk_create(
            Show.studios.through(show_id=show.pk, studio_id=studio.pk)
            for show in shows
            for studio in rng.sample(studios, rng.choice([1, 1, 2]))
        )
        Show.genres.through.objects.bulk_create(
            Show.genres.through(show_id=show.pk, genre_id=genre.pk)
            for show in shows
            for genre in rng.sample(genres, rng.randint(2, 4))
        )
        people = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
        Credit.objects.bulk_create(
            Credit(show=show, role=role, name=rng.choice(people), position=position)
            for show in shows
            for position, role in enumerate(Credit.Role.values[: rng.randint(3, 6)])
        )
        ThemeSong.objects.bulk_create(
            ThemeSong(
                show=show,
                kind=kind,
                title=f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}",
                artist=rng.choice(people),
                position=position,
            )
            for show in shows
            for position, kind in enumerate(
                ["opening", "ending", "insert"][: rng.randint(2, 3)]
            )
        )
        self.episodes = {}
        objects = (
            Episode(
                show=show,
                number=number,
                title=rng.choice(EPISODE_TITLES),
                air_date=show.premiere_date + timedelta(weeks=number - 1),
            )
            for show in shows
            for number in range(1, show.episode_count + 1)
        )
        for episode in self.bulk(Episode, objects, episode_total, "episodes"):
            self.episodes[episode.show_id, episode.number] = episode
        return shows

    def create_reviews(self, count, shows, authors):
        """Returns (pk, published_at) of the published reviews."""
        rng, templates = self.rng, render_templates()
        show_weights = list(accumulate(rng.uniform(0.3, 2.0) for _ in shows))
        author_weights = list(
            accumulate(1 / n**0.5 for n in range(1, len(authors) + 1))
        )
        slugs = set()

        def review(index):
            show = rng.choices(shows, cum_weights=show_weights)[0]
            author = rng.choices(authors, cum_weights=author_weights)[0]
            kind = rng.choices(Review.Kind.values, [75, 12, 13])[0]
            number = {
                "episode": rng.randint(1, show.episode_count),
                "first_impressions": 1,
            }.get(kind)
            episode = self.episodes[show.pk, number] if number else None
            value = score(rng)
            if number:
                title = f"{show.title} episode {number}: {episode.title}"
                weeks = number - 1
            else:
                title, weeks = f"{show.title}: the season in review", show.episode_count
            if kind == "first_impressions":
                title = f"First impressions: {show.title}"
            part = kind.replace("_", "-")
            slug = slugify(f"{show.title} {part} {number or ''} {author.name}")
            slug = slug if slug not in slugs else f"{slug}-{index}"
            slugs.add(slug)
            published_at = datetime.combine(
                show.premiere_date, datetime.min.time(), UTC
            )
            published_at += timedelta(weeks=weeks, hours=rng.uniform(12, 120))
            if published_at > self.now:
                published_at = self.now - timedelta(hours=rng.uniform(1, 24 * 30))
            status, chance = Review.Status.PUBLISHED, rng.random()
            if chance < 0.015:  # drafts and reviews submitted for review
                status = rng.choice([Review.Status.DRAFT, Review.Status.SUBMITTED])
                published_at = None
            elif chance < 0.02:  # scheduled
                published_at = self.now + timedelta(hours=rng.uniform(1, 24 * 14))
            aspects = {
                f"{aspect}_score": score(rng, float(value))
                for aspect in ("story", "visuals", "sound", "characters")
                if kind == "season"
            }
            return Review(
                author=author,
                show=show,
                episode=episode,
                kind=kind,
                title=title,
                slug=slug,
                summary=rng.choice(SUMMARIES),
                score=value,
                verdict=verdict(kind, value),
                episodes_watched=None if number else show.episode_count,
                status=status,
                published_at=published_at,
                version=1,
                sign_off=author.sign_off,
                support_url=author.support_url,
                support_label=author.support_label,
                **aspects,
                **templates[index % len(templates)],
            )

        saved = self.bulk(
            Review,
            map(review, range(count)),
            count,
            "reviews",
            keep=lambda review: (review.pk, review.is_published(), review.published_at),
        )
        return [
            (pk, published_at) for pk, published, published_at in saved if published
        ]

    def create_comments(self, count, reviews):
        """Comments on published reviews, a few with many; one in five a reply."""
        if not count:
            return
        if not reviews:
            raise CommandError("Comments need at least one published review.")
        rng = self.rng
        texts = [(text, render_comment_text(text)) for text in COMMENT_TEXTS]
        readers = [
            (f"{first} {last[0]}.", f"{first}.{last}{n}@example.com".lower())
            for n in range(20)
            for first in FIRST_NAMES
            for last in LAST_NAMES
        ]
        weights = list(accumulate(rng.paretovariate(2) for _ in reviews))
        statuses, status_weights = [1, 0, 2], [90, 6, 4]  # approved, pending, spam
        replies = count // 5
        approved = []  # (pk, review pk, created) of approved top-level comments

        def comment(index, review_id, parent_id, created, status):
            text, text_html = texts[index % len(texts)]
            name, email = readers[index * 7919 % len(readers)]
            return Comment(
                review_id=review_id,
                parent_id=parent_id,
                name=name,
                email=email,
                website="https://example.com/~reader" if index % 13 == 0 else "",
                text=text,
                text_html=text_html,
                status=status,
                ip_address="192.0.2.0/24",
                fingerprint=f"bench-{index}",
                created=min(created, self.now),
            )

        def top_level(index):
            review_id, published_at = rng.choices(reviews, cum_weights=weights)[0]
            created = published_at + timedelta(hours=rng.expovariate(1 / 48))
            status = rng.choices(statuses, status_weights)[0]
            return comment(index, review_id, None, created, status)

        def reply(index):
            parent_id, review_id, created = rng.choice(approved)
            created += timedelta(minutes=rng.expovariate(1 / 300))
            return comment(
                index, review_id, parent_id, created, rng.choice([1] * 19 + [0])
            )

        done = 0
        for batch in batched(map(top_level, range(count - replies)), BATCH):
            for saved in Comment.objects.bulk_create(batch):
                if saved.status == Comment.Status.APPROVED:
                    approved.append((saved.pk, saved.review_id, saved.created))
            done += len(batch)
            self.progress("comments", done, count)
        if not approved:
            approved = [(None, reviews[0][0], self.now)]
        for batch in batched(map(reply, range(count - replies, count)), BATCH):
            Comment.objects.bulk_create(batch)
            done += len(batch)
            self.progress("comments", done, count)
        # Created in bulk, without the signals that count them.
        Review.objects.recount_comments()
