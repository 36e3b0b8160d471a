"""The comment model, taken over from the reviews app (reviews.0011): the table
reviews_comment, its rows, indexes and constraint stay as they are. The content
type moves with it, so its permissions, the groups holding them and the admin's
history of comments follow without a row being copied."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_type(old_app, new_app):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        ContentType.objects.using(schema_editor.connection.alias).filter(
            app_label=old_app, model="comment"
        ).update(app_label=new_app)

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reviews", "0011_comment_moved_to_comments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Comment",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=80)),
                        ("email", models.EmailField(help_text="Never shown on the site.", max_length=254, verbose_name="e-mail")),
                        ("website", models.URLField(blank=True)),
                        ("text", models.TextField()),
                        ("text_html", models.TextField(editable=False)),
                        ("status", models.PositiveSmallIntegerField(choices=[(0, "Awaiting moderation"), (1, "Approved"), (2, "Spam"), (3, "Removed")], default=0)),
                        ("moderation_reason", models.CharField(blank=True, help_text="Why the rules gave it this status.", max_length=200)),
                        ("ip_address", models.CharField(blank=True, help_text="Truncated or hashed, as COMMENTS_IP_PRIVACY says.", max_length=64, verbose_name="IP address")),
                        ("fingerprint", models.CharField(editable=False, max_length=64, unique=True)),
                        ("created", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("moderated_at", models.DateTimeField(blank=True, editable=False, null=True)),
                        ("moderated_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("parent", models.ForeignKey(blank=True, help_text="The comment this one replies to.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name="replies", to="comments.comment")),
                        ("review", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="comments", to="reviews.review")),
                    ],
                    options={
                        "db_table": "reviews_comment",
                        "ordering": ["status", "-created"],
                        "indexes": [
                            models.Index(fields=["review", "status", "id"], name="comment_review_idx"),
                            models.Index(fields=["email", "status"], name="comment_email_idx"),
                            models.Index(fields=["status", "-created"], name="comment_queue_idx"),
                        ],
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("status__in", [0, 1, 2, 3])), name="comment_status_valid"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            move_content_type("reviews", "comments"),
            move_content_type("comments", "reviews"),
        ),
    ]
