"""Each review's stored comment count (reviews 0026), counted once from its
comments as ReviewQuerySet.recount_comments() counts them: approved, and in a
thread that shows (top level, or replying to an approved or removed comment)."""

from django.db import migrations, models
from django.db.models.functions import Coalesce

APPROVED, REMOVED = 1, 3


def count_comments(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    Comment = apps.get_model("comments", "Comment")
    approved = (
        Comment.objects.filter(status=APPROVED, review=models.OuterRef("pk"))
        .filter(
            models.Q(parent=None) | models.Q(parent__status__in=[APPROVED, REMOVED])
        )
        .order_by()
        .values("review")
        .annotate(count=models.Count("pk"))
        .values("count")
    )
    Review.objects.update(comment_count=Coalesce(models.Subquery(approved), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0005_comment_replies_idx"),
        ("reviews", "0026_review_comment_count"),
    ]

    operations = [migrations.RunPython(count_comments, migrations.RunPython.noop)]
