from django.core.management.base import BaseCommand
from django.db import transaction

from reviews import search


class Command(BaseCommand):
    help = (
        "Rebuild the site search index from every review and show. Saves keep it "
        "in sync; run this after loading fixtures, raw SQL or a restored database."
    )

    def handle(self, *args, **options):
        if search.engine() is None:
            self.stderr.write("Search supports SQLite and PostgreSQL only.")
            return
        with transaction.atomic():
            reviews, shows = search.rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index rebuilt: {reviews} reviews, {shows} shows."
            )
        )
