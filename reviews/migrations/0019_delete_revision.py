from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Our Revision model is gone from the code (0018 moved its rows into
    django-reversion), but its table stays for now: during a rolling deploy
    the servers still on the previous release write to it. Its foreign keys
    lose their constraints, so deleting a review or a user never trips on a
    row written there. A later release drops the table
    (tests/test_migration_safety.py refuses a drop in the same release)."""

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("reviews", "0018_revisions_to_reversion"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterField(
                    model_name="revision",
                    name="review",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.DO_NOTHING,
                        related_name="revisions",
                        to="reviews.review",
                    ),
                ),
                migrations.AlterField(
                    model_name="revision",
                    name="saved_by",
                    field=models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=models.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            state_operations=[
                migrations.RemoveIndex(
                    model_name="revision", name="revision_review_idx"
                ),
                migrations.DeleteModel(name="Revision"),
            ],
        )
    ]
