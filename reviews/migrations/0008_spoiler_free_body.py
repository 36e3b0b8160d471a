import re

from django.db import migrations, models

# Frozen here, so that later changes to reviews.markdown never change what this
# migration does: the spoiler-free body is the rendered body (body_html, with
# spoilers as the pipeline marks them up) with each spoiler replaced by a note,
# as render_markdown(body, hide_spoilers=True) wrote it when this was written.
SPOILER_HIDDEN = '<em class="spoiler-hidden">[spoiler hidden]</em>'
SPOILER = re.compile(r'<(details|label) class="spoiler"')
NOTES = {"details": f"<p>{SPOILER_HIDDEN}</p>\n", "label": SPOILER_HIDDEN}


def hide_spoilers(html):
    """Each spoiler element, to its matching end tag, becomes its note (the
    sanitized HTML is balanced, so counting the element's own tags finds it)."""
    while match := SPOILER.search(html):
        tags = re.compile(rf"<(/?){match[1]}\b[^>]*>")
        depth = 0
        for tag in tags.finditer(html, match.start()):
            depth += -1 if tag[1] else 1
            if not depth:
                end = tag.end() + (1 if html[tag.end() : tag.end() + 1] == "\n" else 0)
                html = html[: match.start()] + NOTES[match[1]] + html[end:]
                break
        else:
            html = html[: match.start()]
    return html


def render_spoiler_free_bodies(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    for review in Review.objects.only("body_html").iterator():
        review.body_spoiler_free_html = hide_spoilers(review.body_html)
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
