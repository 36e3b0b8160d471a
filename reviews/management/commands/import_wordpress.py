"""
Imports a WordPress blog from its export (Tools > Export > All content):
authors, posts as reviews, comments, images and old links. See README.md,
"Moving from WordPress", and reviews.wordpress.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from reviews.wordpress.importer import Importer, ImportRefused, Options
from reviews.wordpress.parse import WXRError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR): authors, posts as reviews, comments, "
        "images and old links. Run it again to apply changes; nothing doubles."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The .xml file WordPress exported.")
        parser.add_argument(
            "--uploads",
            metavar="DIR",
            help="A copy of the blog's wp-content/uploads, where images are found.",
        )
        parser.add_argument(
            "--show-map",
            metavar="FILE",
            help="A CSV of term,show-slug[,episode]: which show (and episode) a "
            "category or tag is about, when its name is not the show's title.",
        )
        parser.add_argument(
            "--author-map",
            metavar="FILE",
            help="A CSV of wordpress-login,username: whose existing account an "
            "author's posts go to (others get an inactive account).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and report everything; save nothing.",
        )
        parser.add_argument(
            "--as-drafts",
            action="store_true",
            help="Import every post as a draft, to publish after checking.",
        )
        parser.add_argument(
            "--scores",
            action="store_true",
            help='Fill in scores the text gives ("Score: 7/10"); otherwise they '
            "are only listed.",
        )
        parser.add_argument(
            "--fetch",
            action="store_true",
            help="Download images missing from --uploads from their addresses.",
        )
        parser.add_argument(
            "--create-episodes",
            action="store_true",
            help='Create the episodes titles name ("Episode 3") when the show '
            "does not have them yet.",
        )

    def handle(self, *args, export, **options):
        names = Options.__dataclass_fields__
        importer = Importer(
            export,
            Options(**{name: options[name] for name in names}),
            progress=self.progress,
        )
        self.started = time.monotonic()
        self.shown = -1
        self.stderr.write(f"Reading {export}...")
        try:
            report = importer.run()
        except (WXRError, ImportRefused) as error:
            raise CommandError(str(error)) from error
        finally:
            if self.shown >= 0 and self.stderr.isatty():
                self.stderr.write("")
        channel = importer.channel
        title = f"WordPress import of {channel.title or channel.site} ({channel.site})"
        if channel.wxr_version:
            title += f", WXR {channel.wxr_version}"
        title += f", in {time.monotonic() - self.started:.1f} s"
        self.stdout.write(report.text(title, dry_run=options["dry_run"]), ending="")

    def progress(self, done, total):
        """A progress bar on a terminal; otherwise a line each tenth."""
        share = done / total if total else 1
        if self.stderr.isatty():
            bar = "#" * int(share * 30)
            self.stderr.write(f"\rPosts [{bar:<30}] {done:,}/{total:,}", ending="")
            self.stderr.flush()
            self.shown = done
        elif int(share * 10) > self.shown or done == total:
            self.shown = int(share * 10)
            elapsed = time.monotonic() - self.started
            self.stderr.write(f"Posts: {done:,} of {total:,} ({elapsed:.0f} s)")
