"""
Writes demo content (authors, shows, episodes, reviews, covers) and demo accounts.

Safe to run again: every object is keyed on a natural key, existing covers are kept
and passwords are set only when an account is created.
"""

import functools
import io
import os
import random
import secrets
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageChops, ImageDraw, ImageFont

from comments.models import Comment
from ratings.models import rate
from reviews.images import make_renditions, rendition_name, rendition_names
from reviews.management.demo_content import (
    AUTHORS,
    CLOSINGS,
    COMMENTS,
    EPISODE,
    EPISODE_TONES,
    FIRST,
    FIRST_TITLES,
    METALLIC_ROUGE_REVIEWS,
    RATINGS,
    SEASON,
    SEASON_TITLES,
    SHOWS,
    SUMMARIES,
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

SITE_URL = "http://127.0.0.1:8000/"
# (role, username, group); writer and editor are also authors.
ACCOUNTS = [
    ("Writer", "writer", "Writers"),
    ("Editor", "editor", "Editors"),
    ("Moderator", "moderator", "Moderators"),
    # Sora Ilves, whose reviews an editor publishes.
    ("Guest", "guest-author", "Guest writers"),
]
ASPECTS = ["story_score", "visuals_score", "sound_score", "characters_score"]

NOT_SHOW_FIELDS = {"studios", "genres", "credits", "songs", "hook", "episodes"}
NOT_SHOW_FIELDS |= {"notes", "colors", "reviews"}

COVER_SIZE = (1200, 675)
PALETTE = {
    "crimson": (170, 28, 48),
    "charcoal": (40, 42, 50),
    "teal": (0, 118, 122),
    "amber": (214, 140, 30),
    "navy": (26, 42, 92),
    "plum": (112, 48, 112),
    "forest green": (34, 96, 60),
    "slate blue": (70, 96, 160),
    "rust": (168, 76, 36),
}
TEXT_STYLE = {"fill": "white", "stroke_fill": (20, 20, 24)}


@functools.cache
def diagonal_mask():
    vertical = Image.linear_gradient("L").resize(COVER_SIZE)
    horizontal = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90)
    return ImageChops.add(vertical, horizontal.resize(COVER_SIZE), scale=2.0)


def wrap(draw, text, font, width):
    lines = [""]
    for word in text.split():
        line = f"{lines[-1]} {word}".strip()
        if lines[-1] and draw.textlength(line, font=font) > width:
            lines.append(word)
        else:
            lines[-1] = line
    return "\n".join(lines)


def make_cover(key, title, caption="", colors=None):
    """A JPEG cover and its alt text, the same every time for the same key."""
    rng = random.Random(key)
    colors = colors or rng.sample(sorted(PALETTE), 2)
    start, end = (Image.new("RGB", COVER_SIZE, PALETTE[name]) for name in colors)
    image = Image.composite(end, start, diagonal_mask()).convert("RGBA")
    overlay = Image.new("RGBA", COVER_SIZE)
    draw = ImageDraw.Draw(overlay)
    for _ in range(7):
        x, y, r = rng.randrange(1200), rng.randrange(675), rng.randrange(40, 260)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 28))
    for x in range(-600, 1200, 150):
        draw.line((x, 675, x + 675, 0), fill=(255, 255, 255, 20), width=6)
    image = Image.alpha_composite(image, overlay).convert("RGB")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=96)
    text = wrap(draw, title, font, 1040)
    top = 575 - draw.multiline_textbbox((0, 0), text, font=font)[3]
    top -= 60 if caption else 0
    draw.multiline_text((80, top), text, font=font, stroke_width=3, **TEXT_STYLE)
    if caption:
        small = ImageFont.load_default(size=44)
        draw.text((80, 545), caption, font=small, stroke_width=2, **TEXT_STYLE)
    output = io.BytesIO()
    image.save(output, "JPEG", quality=85)
    alt = f"Abstract {colors[0]} and {colors[1]} cover art with the title {title}"
    alt += f" and the caption {caption}" if caption else ""
    return ContentFile(output.getvalue(), name=f"{key}.jpg"), alt


def create_authors():
    authors = {}
    for username, data in AUTHORS.items():
        first_name, last_name = data["name"].split()
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": last_name},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        authors[username], _ = Author.objects.update_or_create(
            user=user, defaults={**data, "slug": slugify(data["name"])}
        )
    return authors


def create_show(data):
    fields = {key: value for key, value in data.items() if key not in NOT_SHOW_FIELDS}
    show, _ = Show.objects.update_or_create(slug=data["slug"], defaults=fields)
    if not show.cover:
        image, show.cover_alt = make_cover(
            show.slug, show.title, "", data.get("colors")
        )
        show.cover.save(image.name, image, save=False)
        show.save(update_fields=["cover", "cover_alt", "cover_width", "cover_height"])
    ensure_renditions(show)
    for model, names, relation in [
        (Studio, data["studios"], show.studios),
        (Genre, data["genres"], show.genres),
    ]:
        for name in names:
            obj, _ = model.objects.get_or_create(
                slug=slugify(name), defaults={"name": name}
            )
            relation.add(obj)
    for position, (role, name) in enumerate(data["credits"]):
        Credit.objects.update_or_create(
            show=show, role=role, name=name, defaults={"position": position}
        )
    for position, (kind, title, artist) in enumerate(data["songs"]):
        ThemeSong.objects.update_or_create(
            show=show,
            kind=kind,
            title=title,
            defaults={"artist": artist, "position": position},
        )
    for number, (title, _) in enumerate(data["episodes"], start=1):
        Episode.objects.update_or_create(
            show=show,
            number=number,
            defaults={
                "title": title,
                "air_date": data["premiere_date"] + timedelta(weeks=number - 1),
            },
        )
    return show


def review_text(index, data, number, kind, verdict, score):
    """Title, summary and body of a shorter review, from the templates."""
    variant, name = index % 2, data["title"]
    work = "film" if data.get("format") == Show.Format.FILM else "season"
    title, happens = data["episodes"][number - 1] if number else ("", "")
    if kind == FIRST:
        headline = FIRST_TITLES[verdict][variant].format(show=name)
        opening = [
            f"{name} is {data['hook']}.",
            f"The premise of {name}, {data['hook']}, is an easy sell on paper.",
        ][variant]
        opening += f" The first episode, “{title}”, {happens}."
    elif kind == EPISODE:
        headline = f"{name} episode {number}: {title}"
        opening = f"Episode {number}, “{title}”, {happens}. {EPISODE_TONES[verdict]}"
    else:
        headline = SEASON_TITLES[verdict].format(show=name, work=work)
        opening = (
            f"{name} is {data['hook']}. With the whole {work} behind me, here's "
            "how it holds up."
        )
    closing = CLOSINGS[verdict][variant].format(score=f"{score:g}")
    if kind == SEASON:
        closing = f"## Verdict\n\n{closing}"
    note = data["notes"][index % len(data["notes"])]
    summary = SUMMARIES[verdict][variant].format(show=name)
    return headline, summary, f"{opening}\n\n{note}\n\n{closing}"


def cover_caption(review):
    if review.kind == EPISODE:
        return f"Episode {review.episode.number}"
    if review.kind == FIRST:
        return "First impressions"
    return "Film review" if review.show.format == Show.Format.FILM else "Season review"


def save_review(slug, days_ago, with_cover=False, colors=None, **fields):
    """Write one review; days_ago None makes a draft, a negative one schedules."""
    review = Review.objects.filter(slug=slug).first() or Review(slug=slug)
    for name, value in fields.items():
        setattr(review, name, value)
    review.sign_as(review.author)
    if days_ago is None:
        review.status, review.published_at = Review.Status.DRAFT, None
    else:
        review.status = Review.Status.PUBLISHED
        # Reruns keep a published review's time so the lists don't reshuffle, but
        # always push a scheduled one back into the future.
        if review.published_at is None or days_ago < 0:
            review.published_at = timezone.now() - timedelta(days=days_ago)
    if with_cover and not review.cover:
        caption = cover_caption(review)
        image, review.cover_alt = make_cover(slug, review.show.title, caption, colors)
        review.cover.save(image.name, image, save=False)
    review.full_clean()
    review.save()
    ensure_renditions(review)


def ensure_renditions(obj):
    """Covers written here, not through the admin, get their renditions too."""
    name = obj.cover.name
    missing = name and not default_storage.exists(rendition_name(name, None, "webp"))
    if missing and rendition_names(name, obj.cover_width or 0):
        make_renditions(name)


def create_reviews(authors, shows):
    metallic_rouge = shows["metallic-rouge"]
    for data in METALLIC_ROUGE_REVIEWS:
        data = dict(data)
        save_review(
            data.pop("slug"),
            data.pop("days_ago"),
            with_cover=True,
            colors=("crimson", "charcoal"),
            author=authors[data.pop("author")],
            show=metallic_rouge,
            episode=metallic_rouge.episodes.get(number=1),
            **data,
        )
    for data in SHOWS:
        show = shows[data["slug"]]
        for index, row in enumerate(data["reviews"]):
            number, kind, username, score, verdict, days_ago, *aspects = row
            headline, summary, body = review_text(
                index, data, number, kind, verdict, score
            )
            part = f"episode-{number}" if kind == EPISODE else kind.replace("_", "-")
            slug = f"{show.slug}-{part}-{authors[username].slug}"
            aspect_scores = aspects[0] if aspects else [None] * len(ASPECTS)
            save_review(
                slug,
                days_ago,
                with_cover=index == 0,
                author=authors[username],
                show=show,
                episode=show.episodes.get(number=number) if number else None,
                kind=kind,
                title=headline,
                summary=summary,
                body=body,
                score=Decimal(str(score)),
                verdict=verdict,
                **{
                    aspect: None if value is None else Decimal(str(value))
                    for aspect, value in zip(ASPECTS, aspect_scores, strict=True)
                },
            )


def create_comments():
    created = []
    for number, (slug, name, email, text, status, parent) in enumerate(COMMENTS):
        comment, _ = Comment.objects.update_or_create(
            fingerprint=f"demo-{number}",
            defaults={
                "review": Review.objects.get(slug=slug),
                "parent": created[parent] if parent is not None else None,
                "name": name,
                "email": email,
                "text": text,
                "status": Comment.Status[status],
                "ip_address": "192.0.2.0/24",
                "created": timezone.now() - timedelta(hours=len(COMMENTS) - number),
            },
        )
        created.append(comment)


def create_ratings():
    """Readers' scores, one demo browser each (the same on every run)."""
    for (slug, number), scores in RATINGS.items():
        episode = Episode.objects.get(show__slug=slug, number=number)
        for reader, score in enumerate(scores):
            rate(episode, f"demo-{reader}", score, "demo", per_network=len(scores))


def create_accounts():
    """The demo logins; returns the passwords of the accounts set up this time."""
    passwords = {}
    for _, username, group_name in ACCOUNTS:
        user, created = get_user_model().objects.get_or_create(username=username)
        # A content-only run (--no-accounts) leaves the authors without a password.
        if created or not user.has_usable_password():
            passwords[username] = secrets.token_urlsafe(12)
            user.set_password(passwords[username])
        user.is_staff = True
        user.email = user.email or f"{username}@example.com"
        user.save()
        user.groups.add(Group.objects.get_or_create(name=group_name)[0])
    return passwords


def save_passwords(path, passwords):
    saved = {}
    if path.exists():
        for line in path.read_text().splitlines():
            username, _, password = line.partition(" ")
            saved[username] = password
    saved.update(passwords)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.writelines(f"{name} {password}\n" for name, password in saved.items())
    # os.open() applies the mode only when it creates the file.
    os.chmod(path, 0o600)


class Command(BaseCommand):
    help = "Write demo shows, reviews and authors, and the demo staff accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-accounts",
            action="store_true",
            help="Write the content only, without the demo logins.",
        )

    def handle(self, *args, no_accounts=False, **options):
        with transaction.atomic():
            authors = create_authors()
            shows = {data["slug"]: create_show(data) for data in SHOWS}
            create_reviews(authors, shows)
            create_comments()
            create_ratings()
            passwords = {} if no_accounts else create_accounts()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {Show.objects.count()} shows, "
                f"{Episode.objects.count()} episodes, "
                f"{Review.objects.published().count()} published reviews, "
                f"{Author.objects.count()} authors, "
                f"{Comment.objects.count()} comments."
            )
        )
        if not no_accounts:
            self.report_accounts(passwords)

    def report_accounts(self, passwords):
        path = Path(settings.DEMO_ACCOUNTS_FILE)
        shown = path
        if path.is_relative_to(settings.BASE_DIR):
            shown = path.relative_to(settings.BASE_DIR)
        usernames = ", ".join(username for _, username, _ in ACCOUNTS)
        self.stdout.write(f"\nSite:  {SITE_URL}\nAdmin: {SITE_URL}admin/")
        if passwords:
            save_passwords(path, passwords)
            self.stdout.write(
                f"\nDemo logins, shown only this once (saved in {shown}):"
            )
            for role, username, _ in ACCOUNTS:
                password = passwords.get(username, f"(unchanged, see {shown})")
                self.stdout.write(f"  {role:<10} {username:<10} {password}")
        elif path.exists():
            self.stdout.write(f"\nThe demo logins ({usernames}) are in {shown}.")
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"\nThe demo accounts ({usernames}) exist but {shown} is missing. "
                    "Reset a password with, e.g.: manage.py changepassword writer"
                )
            )
