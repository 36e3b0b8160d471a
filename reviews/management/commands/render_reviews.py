from django.core.management.base import BaseCommand
from django.db import transaction

from reviews import search
from reviews.models import Review
from reviews.pagecache import EVERYTHING, bump


class Command(BaseCommand):
    help = (
        "Render every review's stored HTML again with the current Markdown "
        "pipeline, then rebuild the search index. Run once per deployment: a "
        "release that changes the pipeline (a contents list, snippets) shows it "
        "on old reviews only after this. Writers' open forms are not disturbed "
        "(the edit counter is left alone)."
    )

    def handle(self, *args, **options):
        fields = ["pk", "recap", "intro", "body"]
        rendered = 0
        with transaction.atomic():
            for review in Review.objects.only(*fields).iterator(chunk_size=500):
                review.render()
                Review.objects.filter(pk=review.pk).update(
                    **{name: getattr(review, name) for name in Review.RENDERED_FIELDS}
                )
                rendered += 1
            if search.engine() is not None:
                search.rebuild()
            bump(EVERYTHING)
        self.stdout.write(
            self.style.SUCCESS(f"Rendered {rendered} reviews; search index rebuilt.")
        )
