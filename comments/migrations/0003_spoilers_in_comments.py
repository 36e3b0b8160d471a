"""Comments that used spoiler tags (>!x!<, ||x||) before comments had spoilers
are rendered again, so what their writers hid is hidden. The renderer is frozen
here as comments.models had it when this migration was written."""

import re

from django.db import migrations
from django.db.models import Q
from django.utils.html import escape, format_html

URL_PATTERN = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
INLINE_SPOILERS = [(">!", "!<"), ("||", "||")]
SPOILER_OPEN = (
    '<label class="spoiler"><input type="checkbox" aria-label="Reveal spoiler">'
    '<span class="spoiler-text">'
)
SPOILER_CLOSE = "</span></label>"


def _link(match):
    url = match.group(0).rstrip(".,;:!?")
    while url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    tail = match.group(0)[len(url) :]
    link = '<a href="{}" rel="nofollow ugc noopener">{}</a>{}'
    return format_html(link, url, url, tail)


def _linked_line(line):
    parts, position = [], 0
    for match in URL_PATTERN.finditer(line):
        parts += [escape(line[position : match.start()]), _link(match)]
        position = match.end()
    parts.append(escape(line[position:]))
    return "".join(parts)


def _lines(text):
    return "<br>\n".join(map(_linked_line, text.split("\n")))


def _split_spoilers(text):
    parts, position, next_opener = [], 0, {}
    spoilers = dict(INLINE_SPOILERS)
    while spoilers:
        for opener in spoilers:
            if next_opener.get(opener, -1) < position:
                next_opener[opener] = text.find(opener, position)
        found = [(at, opener) for opener, at in next_opener.items() if at != -1]
        if not found:
            break
        start, opener = min(found)
        inner = start + len(opener)
        end = text.find(spoilers[opener], inner)
        if end == -1:
            del spoilers[opener], next_opener[opener]
            continue
        if text[inner:end].strip():
            parts += [(text[position:start], False), (text[inner:end], True)]
            position = end + len(spoilers[opener])
        else:
            parts.append((text[position:inner], False))
            position = inner
    parts.append((text[position:], False))
    return [(part, spoiler) for part, spoiler in parts if part]


def _paragraph(text):
    pieces = [
        SPOILER_OPEN + _lines(part) + SPOILER_CLOSE if spoiler else _lines(part)
        for part, spoiler in _split_spoilers(text)
    ]
    return "<p>{}</p>".format("".join(pieces))


def render(text):
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return "\n".join(_paragraph(p) for p in paragraphs if p.strip())


def render_spoilers(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    tagged = Comment.objects.filter(Q(text__contains=">!") | Q(text__contains="||"))
    for comment in tagged.only("pk", "text").iterator():
        html = render(comment.text)
        Comment.objects.filter(pk=comment.pk).update(text_html=html)


class Migration(migrations.Migration):
    dependencies = [("comments", "0002_web_addresses")]

    # Backwards, the tags stay hidden: the old rendering is not worth keeping.
    operations = [migrations.RunPython(render_spoilers, migrations.RunPython.noop)]
