from django.db import migrations, models

from reviews.markdown import render_markdown


def render_spoiler_free_bodies(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    for review in Review.objects.only("body").iterator():
        review.body_spoiler_free_html = render_markdown(review.body, hide_spoilers=True)
        review.save(update_fields=["body_spoiler_free_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0007_cover_dimensions"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="body_spoiler_free_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(render_spoiler_free_bodies, migrations.RunPython.noop),
    ]
