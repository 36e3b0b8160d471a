"""
The one Markdown pipeline: public pages, stored HTML and the admin's live preview
all call render_markdown(), so the preview is exactly the page.

CommonMark (markdown-it-py) with tables, strikethrough, footnotes, heading anchors,
lazy images and spoilers, then the nh3 sanitizer, always last.

Spoilers:
- inline: ``>!hidden!<`` (Reddit, MyAnimeList) and ``||hidden||`` (Discord), rendered as
  a checkbox inside a label, so it toggles without JavaScript, takes keyboard focus and
  is announced as "Reveal spoiler"; the hidden text is invisible to screen readers too
  until revealed (see .spoiler in the stylesheet; the two rules that hide it are also
  inline in every page, templates/includes/spoiler_style.css, in case it fails to load).
- block: ``::: spoiler Optional title`` ... ``:::``, rendered as <details>.

Spoiler-free copies (render_markdown(..., hide_spoilers=True)) put a "spoiler
hidden" note where each spoiler was: feeds, search and meta descriptions use them,
so hidden text never leaves the page it is hidden on.

Ids: headings get anchors (prefixed per field, e.g. "recap-"), footnotes get ids.
The page's own ids contain a colon ("page:main"), which these never do: a writer's
raw id with a colon is dropped, so rendered text cannot clash with the page.
"""

import functools
import re

import nh3
from django.conf import settings
from django.core.validators import MaxLengthValidator
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_block import paragraph
from markdown_it.token import Token
from mdit_py_plugins.anchors.index import slugify
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .images import has_renditions, size_from_name, srcset

INLINE_SPOILERS = [(">!", "!<"), ("||", "||")]

# The longest text one Markdown field holds (about 15,000 words; a long review
# is a third of that): every rule is linear, so this bounds a save and a
# preview too (the worst generated input of this size, a table of 10,000 rows,
# renders in about 0.6 s here; see the issue 16 note).
MAX_CHARS = 100_000
TOO_LONG = (
    "At most %(limit_value)s characters fit here, and this has %(show_value)s. "
    "Your text is kept below: shorten it, or split it into two reviews."
)
markdown_length = MaxLengthValidator(MAX_CHARS, message=TOO_LONG)

ALLOWED_TAGS = (nh3.ALLOWED_TAGS - {"map", "area", "center", "font"}) | {
    "input",
    "label",
    "section",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "img": {
        "src",
        "srcset",
        "sizes",
        "alt",
        "title",
        "width",
        "height",
        "loading",
        "decoding",
    },
    "input": {"aria-label"},
    "li": {"id"},
    "nav": {"aria-label"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
ALLOWED_CLASSES = {
    "a": {"footnote-backref"},
    "details": {"spoiler"},
    "em": {"spoiler-hidden"},
    "hr": {"footnotes-sep"},
    "label": {"spoiler"},
    "li": {"footnote-item"},
    "nav": {"contents"},
    "ol": {"footnotes-list"},
    "section": {"footnotes"},
    "span": {"spoiler-text"},
    "sup": {"footnote-ref"},
    "td": {"align-left", "align-center", "align-right"},
    "th": {"align-left", "align-center", "align-right"},
}


SPOILER_HIDDEN = '<em class="spoiler-hidden">[spoiler hidden]</em>'
# An inline spoiler's markup, around its HTML (comments use it too).
SPOILER_OPEN = (
    '<label class="spoiler"><input type="checkbox" aria-label="Reveal spoiler">'
    '<span class="spoiler-text">'
)
SPOILER_CLOSE = "</span></label>"


def render_markdown(
    text, id_prefix="", hide_spoilers=False, contents=False, titled=None
):
    """Render a writer's Markdown to sanitized HTML that is safe to mark safe;
    with ``hide_spoilers``, every spoiler is replaced by a note. ``contents``:
    a table of contents first, when the text has CONTENTS_MIN_HEADINGS or more
    (never in a spoiler-free copy, which is read away from the page).
    ``titled``: the word the page already titles the text with (the recap's
    "Episode recap"), so a heading the text starts with that names it is left
    out rather than shown twice."""
    if not text:
        return ""
    env = {
        "docId": id_prefix.rstrip("-") or None,
        "hide_spoilers": hide_spoilers,
        "contents": contents and not hide_spoilers,
        "titled": titled,
    }
    html = sanitize(_parser(id_prefix).render(text, env))
    return _hide_raw_spoilers(html) if hide_spoilers else html


RAW_SPOILER = re.compile(r'<(details|label) class="spoiler"')


def _hide_raw_spoilers(html):
    """A spoiler the writer typed as raw HTML (our own markup, which the
    sanitizer keeps) becomes the note too. The sanitizer's output is balanced,
    so counting the element's own tags finds its end. One pass: each part of
    the text is read once however many spoilers there are."""
    kept, position = [], 0
    while match := RAW_SPOILER.search(html, position):
        kept.append(html[position : match.start()])
        tags = re.compile(rf"<(/?){match[1]}\b[^>]*>")
        depth = 0
        for tag in tags.finditer(html, match.start()):
            depth += -1 if tag[1] else 1
            if not depth:
                kept.append(SPOILER_HIDDEN)
                position = tag.end()
                break
        else:
            return "".join(kept)  # never closed: the rest is the spoiler
    kept.append(html[position:])
    return "".join(kept)


def sanitize(html):
    """Only the tags, attributes and addresses we allow. Cleaned until stable:
    nh3's output, parsed again, can nest differently (a heading it freed from a
    dropped <select> inside a paragraph), so what we store and serve is what a
    second pass would give too."""
    for _ in range(4):
        cleaned = nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            attribute_filter=_filter_attribute,
            allowed_classes=ALLOWED_CLASSES,
            set_tag_attribute_values={"input": {"type": "checkbox"}},
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
        if cleaned == html:
            break
        html = cleaned
    return cleaned


URL_SCHEMES = {"http", "https", "mailto"}
WEB = {"http", "https"}
SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")


def _filter_attribute(tag, attribute, value):
    if attribute == "id" and ":" in value:
        return None  # ids with a colon are the page's own
    if attribute == "srcset":
        # nh3 checks href and src, not srcset: kept only if every candidate's
        # address is relative or http(s).
        schemes = [SCHEME.match(candidate) for candidate in value.split(",")]
        if any(match and match[1].lower() not in WEB for match in schemes):
            return None
    return value


@functools.cache
def _parser(id_prefix):
    md = (
        MarkdownIt(
            "commonmark",
            {"html": True, "typographer": True, "slug_prefix": id_prefix},
        )
        .enable(["table", "strikethrough", "replacements", "smartquotes"])
        .use(footnote_plugin)
        .use(container_plugin, "spoiler", render=_render_spoiler_block)
    )
    md.block.ruler.before(
        "blockquote", "spoiler_line", _spoiler_line, {"alt": ["paragraph"]}
    )
    for opener, closer in INLINE_SPOILERS:
        md.inline.add_terminator_char(opener[0])
        md.inline.ruler.before(
            "text", f"spoiler_{opener}", _inline_spoiler_rule(opener, closer)
        )
    md.core.ruler.push("drop_title", _drop_title)
    md.core.ruler.push("page_outline", _page_outline)
    md.core.ruler.before("inline", "hide_spoiler_blocks", _hide_spoiler_blocks)
    md.add_render_rule("spoiler_open", _render_spoiler_open)
    md.add_render_rule("spoiler_close", _render_spoiler_close)
    md.add_render_rule("spoiler_hidden", lambda *args: SPOILER_HIDDEN)
    md.add_render_rule("image", _render_image)
    return md


def _spoiler_line(state, start_line, end_line, silent):
    """A line starting with '>!' is a Reddit spoiler, not a blockquote."""
    start = state.bMarks[start_line] + state.tShift[start_line]
    if not state.src.startswith(">!", start):
        return False
    # Asked whether one starts here (a paragraph looking for its end), the
    # answer is yes; parsing it then would recurse once per following line.
    return True if silent else paragraph(state, start_line, end_line, silent)


def _inline_spoiler_rule(opener, closer):
    def spoiler(state, silent):
        # A spoiler inside a spoiler or a link would nest interactive elements.
        if state.env.get("in_spoiler") or state.linkLevel:
            return False
        if not state.src.startswith(opener, state.pos):
            return False
        start = state.pos + len(opener)
        end = _next_closer(state, closer, start)
        if end == -1 or not state.src[start:end].strip():
            return False
        if not silent and state.env.get("hide_spoilers"):
            state.push("spoiler_hidden", "", 0)
        elif not silent:
            state.push("spoiler_open", "label", 1)
            old_pos, old_max = state.pos, state.posMax
            state.pos, state.posMax = start, end
            state.env["in_spoiler"] = True
            state.md.inline.tokenize(state)
            state.env["in_spoiler"] = False
            state.pos, state.posMax = old_pos, old_max
            state.push("spoiler_close", "label", -1)
        state.pos = end + len(closer)
        return True

    return spoiler


def _next_closer(state, closer, start):
    """Where ``closer`` next occurs from ``start`` on, or -1: remembered on the
    inline text's own state (it lives as long as that text is parsed), so a
    text of many openers and no closer is searched once, not once per opener."""
    known = state.__dict__.setdefault("spoiler_closers", {})
    key = (state.posMax, closer)
    searched_from, found = known.get(key, (None, None))
    if (
        searched_from is not None
        and searched_from <= start
        and (found == -1 or found >= start)
    ):
        return found
    found = state.src.find(closer, start, state.posMax)
    known[key] = (start, found)
    return found


def _hide_spoiler_blocks(state):
    """For a spoiler-free copy: each '::: spoiler' block becomes one note."""
    if not state.env.get("hide_spoilers"):
        return
    tokens, depth = [], 0
    for token in state.tokens:
        if token.type == "container_spoiler_open":
            if not depth:
                note = Token("html_block", "", 0)
                note.content = f"<p>{SPOILER_HIDDEN}</p>\n"
                tokens.append(note)
            depth += 1
        elif token.type == "container_spoiler_close":
            depth -= 1
        elif not depth:
            tokens.append(token)
    state.tokens = tokens


def _page_outline(state):
    """Fit the writer's Markdown into the page around it.

    A level-one heading becomes h2 (the page title is the only h1); h2 to h4 get
    anchors, unique in the page, from their words (a spoiler's left out); with
    ``contents``, the h2 and h3 outside spoilers are listed first; table
    alignment becomes a class, since the Content Security Policy forbids inline
    styles.
    """
    taken, next_number = set(), {}
    entries, hidden = [], 0
    for index, token in enumerate(state.tokens):
        hidden = max(0, hidden + _hides(token))  # a stray </details> hides nothing
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
        if token.type == "heading_open" and token.tag in ("h2", "h3", "h4"):
            words = _heading_words(state.tokens[index + 1].children or [])
            slug = state.md.options["slug_prefix"] + slugify(words)
            token.attrSet("id", _unique(slug, taken, next_number))
            # A link into a closed <details> would open it: none to a spoiler's.
            if token.tag != "h4" and words and not hidden:
                entries.append(
                    (token.tag, token.attrGet("id"), " ".join(words.split()))
                )
        for child in [token, *(token.children or [])]:
            style = child.attrs.pop("style", None) if child.attrs else None
            if style and style.startswith("text-align:"):
                child.attrSet("class", "align-" + style.removeprefix("text-align:"))
    if state.env.get("contents") and len(entries) >= CONTENTS_MIN_HEADINGS:
        contents = Token("html_block", "", 0)
        contents.content = _contents(entries)
        state.tokens.insert(0, contents)


# A table of contents for a text of this many headings (h2 and h3) or more.
CONTENTS_MIN_HEADINGS = 3
RAW_DETAILS = re.compile(r"<(/?)details\b", re.IGNORECASE)


def _hides(token):
    """How far ``token`` takes what follows into (1) or out of (-1) something
    closed: a spoiler block, or a <details> the writer typed."""
    if token.type == "container_spoiler_open":
        return 1
    if token.type == "container_spoiler_close":
        return -1
    if token.type == "html_block":
        return sum(-1 if tag[1] else 1 for tag in RAW_DETAILS.finditer(token.content))
    return 0


def _contents(entries):
    """The table of contents: the h2 in a list, each with its h3 in a list of
    its own (an h3 before the first h2 is listed as one)."""
    items, nested, after_h2 = [], False, False
    for tag, anchor, words in entries:
        link = f'<a href="#{escapeHtml(anchor)}">{escapeHtml(words)}</a>'
        if tag == "h3" and after_h2:
            if not nested:
                items.append("<ol>")
                nested = True
            items.append(f"<li>{link}</li>")
            continue
        if nested:
            items.append("</ol>")
            nested = False
        if items:
            items.append("</li>")
        items.append(f"<li>{link}")
        after_h2 = after_h2 or tag == "h2"
    if nested:
        items.append("</ol>")
    return (
        '<nav class="contents" aria-label="Contents">\n<details>\n'
        "<summary>Contents</summary>\n<ol>\n"
        + "\n".join(items)
        + "</li>\n</ol>\n</details>\n</nav>\n"
    )


def _drop_title(state):
    """With ``titled``: a heading the text starts with that names the page's
    title for it is that title again, and is left out."""
    word, tokens = state.env.get("titled"), state.tokens
    if word and len(tokens) >= 3 and tokens[0].type == "heading_open":
        words = _heading_words(tokens[1].children or [])
        if re.search(rf"\b{re.escape(word)}\b", words, re.IGNORECASE):
            del tokens[:3]


def _heading_words(children):
    """A heading's text without its spoilers ("spoiler" if that is all)."""
    depth, words = 0, []
    for child in children:
        depth += {"spoiler_open": 1, "spoiler_close": -1}.get(child.type, 0)
        if not depth and child.type in ("text", "code_inline"):
            words.append(child.content)
    spoiled = any(child.type.startswith("spoiler_") for child in children)
    return "".join(words).strip() or ("spoiler" if spoiled else "")


def _unique(slug, taken, next_number):
    """``slug``, or ``slug-1``, ``slug-2``... the first not yet in the page.
    Each slug remembers its next number, so a hundred headings of one name
    cost a hundred steps, not five thousand."""
    candidate, number = slug, next_number.get(slug, 1)
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    next_number[slug] = number
    taken.add(candidate)
    return candidate


def _render_spoiler_open(self, tokens, idx, options, env):
    return SPOILER_OPEN


def _render_spoiler_close(self, tokens, idx, options, env):
    return SPOILER_CLOSE


def _render_spoiler_block(self, tokens, idx, options, env):
    token = tokens[idx]
    if token.nesting == 1:
        title = token.info.strip().removeprefix("spoiler").strip()
        label = f"Spoiler: {escapeHtml(title)}" if title else "Spoiler"
        return f'<details class="spoiler"><summary>{label}</summary>\n'
    return "</details>\n"


def _render_image(self, tokens, idx, options, env):
    token = tokens[idx]
    token.attrSet("loading", "lazy")
    token.attrSet("decoding", "async")
    _add_renditions(token)
    return self.image(tokens, idx, options, env)


def _add_renditions(token):
    """An image uploaded here gets its size and its WebP renditions (made at
    upload by reviews.images), both known from its name: rendering opens no
    file, so saving a review costs no storage request."""
    src = token.attrGet("src") or ""
    media_url = "/" + settings.MEDIA_URL.lstrip("/")
    if not src.startswith(media_url + "uploads/"):
        return
    name = src.removeprefix(media_url)
    if (size := size_from_name(name)) is None:
        return
    width, height = size
    token.attrSet("width", str(width))
    token.attrSet("height", str(height))
    if has_renditions(name):
        token.attrSet("srcset", srcset(name, width, "webp"))
        token.attrSet("sizes", "(min-width: 48rem) 44rem, 100vw")
