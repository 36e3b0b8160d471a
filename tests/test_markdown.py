import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from reviews.markdown import render_markdown
from tests.factories import make_review


class Element:
    def __init__(self, tag, attrs):
        self.tag = tag
        self.attrs = dict(attrs)

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.elements.append(Element(tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def parse(html):
    """The elements of an HTML fragment, with entities in attributes decoded."""
    parser = ElementCollector()
    parser.feed(html)
    parser.close()
    return parser.elements


def find(html, tag):
    return [element for element in parse(html) if element.tag == tag]


# Spoilers

SPOILER_MARKUP = (
    '<label class="spoiler"><input aria-label="Reveal spoiler" type="checkbox">'
    '<span class="spoiler-text">Kamina dies</span></label>'
)


@pytest.mark.parametrize(
    "markdown", [">!Kamina dies!<", "||Kamina dies||"], ids=["reddit", "discord"]
)
def test_inline_spoiler_becomes_a_checkbox_toggle(markdown):
    html = render_markdown(f"Then {markdown} and more.")
    assert html == f"<p>Then {SPOILER_MARKUP} and more.</p>\n"


def test_line_starting_with_spoiler_marker_is_a_spoiler_not_a_blockquote():
    html = render_markdown(">!Kamina dies!<")
    assert html == f"<p>{SPOILER_MARKUP}</p>\n"


def test_quote_is_still_a_blockquote():
    assert (
        render_markdown("> A quote") == "<blockquote>\n<p>A quote</p>\n</blockquote>\n"
    )


def test_empty_inline_spoiler_is_left_as_text():
    assert "spoiler" not in render_markdown("Nothing ||  || here")


def test_block_spoiler_becomes_details():
    html = render_markdown("::: spoiler The ending\nShe wins.\n:::")
    assert html == (
        '<details class="spoiler"><summary>Spoiler: The ending</summary>\n'
        "<p>She wins.</p>\n</details>\n"
    )


def test_block_spoiler_without_title_is_labelled_spoiler():
    html = render_markdown("::: spoiler\nShe wins.\n:::")
    assert "<summary>Spoiler</summary>" in html


def test_block_spoiler_title_is_escaped():
    html = render_markdown("::: spoiler <b>bold</b> & co\nx\n:::")
    assert "<summary>Spoiler: &lt;b&gt;bold&lt;/b&gt; &amp; co</summary>" in html


# Spoiler-free copies (feeds, search, descriptions)

HIDDEN = '<em class="spoiler-hidden">[spoiler hidden]</em>'


@pytest.mark.parametrize(
    "markdown", [">!Kamina dies!<", "||Kamina dies||"], ids=["reddit", "discord"]
)
def test_spoiler_free_copy_replaces_inline_spoiler_with_a_note(markdown):
    html = render_markdown(f"Then {markdown} and more.", hide_spoilers=True)
    assert html == f"<p>Then {HIDDEN} and more.</p>\n"


def test_spoiler_free_copy_replaces_block_spoiler_and_its_title_with_a_note():
    html = render_markdown(
        "Before.\n\n::: spoiler Who dies\nKamina.\n:::\n\nAfter.",
        hide_spoilers=True,
    )
    assert html == f"<p>Before.</p>\n<p>{HIDDEN}</p>\n<p>After.</p>\n"


def test_spoiler_free_copy_hides_spoiler_in_a_heading():
    html = render_markdown("## The end >!Kamina dies!<", hide_spoilers=True)
    assert "Kamina" not in html
    assert HIDDEN in html


def test_review_keeps_a_spoiler_free_copy_of_its_body(db):
    from .factories import make_review

    review = make_review(body="Great. ||Kamina dies|| Truly.")
    assert "Kamina" in review.body_html
    assert "Kamina" not in review.body_spoiler_free_html
    assert HIDDEN in review.body_spoiler_free_html


# Extensions


def test_table_alignment_becomes_a_class_not_a_style():
    html = render_markdown("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    cells = find(html, "th") + find(html, "td")
    assert [cell.attrs.get("class") for cell in cells] == [
        "align-left",
        "align-center",
        "align-right",
    ] * 2
    assert not any("style" in element.attrs for element in parse(html))


def test_strikethrough():
    assert render_markdown("~~gone~~") == "<p><s>gone</s></p>\n"


def test_footnotes():
    html = render_markdown("Claim.[^1]\n\n[^1]: The source.")
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1"' in html
    assert '<li id="fn1" class="footnote-item"><p>The source.' in html


def test_level_one_headings_become_h2_and_others_keep_their_level():
    html = render_markdown("# First\n## Second\n### Third")
    assert html == (
        '<h2 id="first">First</h2>\n<h2 id="second">Second</h2>\n'
        '<h3 id="third">Third</h3>\n'
    )


def test_heading_anchor_leaves_out_the_spoiler():
    heading = find(render_markdown("## Episode 3: >!Rouge dies!< at last"), "h2")[0]
    assert heading.attrs["id"] == "episode-3--at-last"


# The table of contents and titles

LONG = """\
Before the first heading.

## Story

### The first half

### The second half

## Music

## Verdict
"""


def contents_links(html):
    """(href, text) of each link in the table of contents."""
    nav = html[html.index('<nav class="contents"') : html.index("</nav>")]
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]*)</a>', nav)


def test_contents_lists_the_headings_with_their_anchors_first():
    html = render_markdown(LONG, contents=True)
    assert html.startswith(
        '<nav class="contents" aria-label="Contents">\n<details>\n'
        "<summary>Contents</summary>\n<ol>\n"
    )
    assert contents_links(html) == [
        ("#story", "Story"),
        ("#the-first-half", "The first half"),
        ("#the-second-half", "The second half"),
        ("#music", "Music"),
        ("#verdict", "Verdict"),
    ]
    for anchor, _ in contents_links(html):
        assert f'id="{anchor[1:]}"' in html


def test_contents_nests_each_h3_under_its_h2():
    html = render_markdown(LONG, contents=True)
    story = html[
        html.index('<li><a href="#story"') : html.index('<li><a href="#music"')
    ]
    assert story.count("<ol>") == 1
    assert story.index('href="#the-first-half"') > story.index("<ol>")


@pytest.mark.parametrize(
    "markdown",
    ["## One\n\n## Two\n", "## One\n\n## Two\n\n#### Three\n", LONG],
    ids=["two-headings", "an-h4-is-not-listed", "no-contents-asked"],
)
def test_no_contents_under_three_listed_headings_or_unasked(markdown):
    html = render_markdown(markdown, contents=markdown is not LONG)
    assert "<nav" not in html


def test_no_contents_in_the_spoiler_free_copy():
    html = render_markdown(LONG, contents=True, hide_spoilers=True)
    assert "<nav" not in html


def test_contents_never_tell_a_spoiler():
    html = render_markdown(
        "## Why >!Rouge dies!< matters\n\n## Music\n\n"
        "::: spoiler The ending\n## Kamina returns\n:::\n\n"
        "<details>\n\n## Raw secret\n\n</details>\n\n## Verdict\n",
        contents=True,
    )
    assert contents_links(html) == [
        ("#why--matters", "Why matters"),
        ("#music", "Music"),
        ("#verdict", "Verdict"),
    ]


def test_a_leading_heading_that_names_the_title_is_left_out():
    html = render_markdown(
        "## Episode recap\n\nRouge wins.\n\n## Recap again\n", titled="recap"
    )
    assert html == '<p>Rouge wins.</p>\n<h2 id="recap-again">Recap again</h2>\n'


@pytest.mark.parametrize(
    "markdown", ["## What happens\n\nRouge wins.", "Rouge wins.\n\n## Recap"]
)
def test_other_headings_stay_under_the_title(markdown):
    html = render_markdown(markdown, titled="recap")
    assert "<h2" in html


def test_spoilers_do_not_nest():
    html = render_markdown(">!outer ||inner|| outer!<")
    assert html.count("<label") == 1


def test_no_spoiler_inside_a_link():
    html = render_markdown("[>!secret!<](https://example.com)")
    assert "<input" not in html


def test_raw_ids_in_the_page_namespace_are_dropped():
    html = render_markdown('<h2 id="page:main">Hi</h2>')
    assert "page:main" not in html


def test_recap_id_prefix_keeps_heading_ids_distinct_from_the_body():
    body = find(render_markdown("# Ending"), "h2")[0]
    recap = find(render_markdown("# Ending", id_prefix="recap-"), "h2")[0]
    assert (body.attrs["id"], recap.attrs["id"]) == ("ending", "recap-ending")


def test_recap_id_prefix_keeps_footnote_ids_distinct_from_the_body():
    text = "Claim.[^1]\n\n[^1]: Source."
    body_ids = {e.attrs["id"] for e in parse(render_markdown(text)) if "id" in e.attrs}
    recap_ids = {
        e.attrs["id"]
        for e in parse(render_markdown(text, id_prefix="recap-"))
        if "id" in e.attrs
    }
    assert body_ids.isdisjoint(recap_ids)


def test_images_load_lazily():
    [image] = find(render_markdown("![A poster](https://example.com/a.png)"), "img")
    assert image.attrs == {
        "src": "https://example.com/a.png",
        "alt": "A poster",
        "loading": "lazy",
        "decoding": "async",
    }


def test_external_links_get_noopener_noreferrer():
    [link] = find(render_markdown("[site](https://example.com)"), "a")
    assert link.attrs == {"href": "https://example.com", "rel": "noopener noreferrer"}


def test_typographer_quotes():
    assert render_markdown('"Hi"') == "<p>“Hi”</p>\n"


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""


# Sanitizing

DANGEROUS_TAGS = {
    "script",
    "iframe",
    "form",
    "style",
    "svg",
    "math",
    "object",
    "embed",
    "frame",
    "frameset",
    "base",
    "meta",
    "link",
}
XSS_PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "form": '<form action="https://evil.example"><button>Go</button></form>',
    "style": "<style>body { display: none }</style>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "a-onclick": '<a href="https://example.com" onclick="alert(1)">x</a>',
    "markdown-javascript-link": "[x](javascript:alert(1))",
    "mixed-case-javascript-href": '<a href="JaVaScRiPt:alert(1)">x</a>',
    "vbscript-href": '<a href="vbscript:msgbox(1)">x</a>',
    "markdown-data-link": "[x](data:text/html,<script>alert(1)</script>)",
    "img-data-src": '<img src="data:text/html;base64,PHNjcmlwdD4=">',
    "svg-onload": "<svg onload=alert(1)><circle r=1></circle></svg>",
    "math-mglyph-style": (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"
    ),
    "math-href": '<math href="javascript:alert(1)"><mi>x</mi></math>',
    "object": '<object data="https://evil.example/x.swf"></object>',
    "embed": '<embed src="https://evil.example/x.swf">',
    "entity-encoded-javascript-markdown": "[x](&#106;avascript:alert(1))",
    "entity-encoded-javascript-href": '<a href="&#106;avascript:alert(1)">x</a>',
    "tab-in-javascript-href": '<a href="java&#x09;script:alert(1)">x</a>',
    "inline-spoiler-with-script": ">!<script>alert(1)</script>!<",
    "inline-spoiler-with-img": "||<img src=x onerror=alert(1)>||",
    "block-spoiler-title-with-script": (
        "::: spoiler <script>alert(1)</script>\nx\n:::"
    ),
    "block-spoiler-with-script": "::: spoiler\n<script>alert(1)</script>\n:::",
    "style-attribute": '<p style="background:url(javascript:alert(1))">x</p>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base-href": '<base href="https://evil.example/">',
    "input-onfocus": "<input autofocus onfocus=alert(1)>",
    "label-for-hijack": '<label for="x" onclick="alert(1)">x</label>',
    "details-ontoggle": "<details open ontoggle=alert(1)><summary>x</summary>",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href"}


def dangerous_parts(html):
    """What in the HTML could run script: elements, event handlers, URLs."""
    found = []
    for element in parse(html):
        if element.tag in DANGEROUS_TAGS:
            found.append(element.tag)
        for name, value in element.attrs.items():
            if name.startswith("on") or name == "style":
                found.append(f"{element.tag}[{name}]")
            url = "".join((value or "").split()).lower()
            if name in URL_ATTRIBUTES and url.startswith(
                ("javascript:", "vbscript:", "data:")
            ):
                found.append(f"{element.tag}[{name}={value}]")
    return found


@pytest.mark.parametrize("payload", XSS_PAYLOADS.values(), ids=XSS_PAYLOADS.keys())
def test_xss_payload_is_neutralised(payload):
    html = render_markdown(payload)
    assert dangerous_parts(html) == []
    assert "<script" not in html.lower()


def test_dangerous_parts_finds_what_the_xss_test_looks_for():
    html = (
        '<script></script><a href=" JavaScript:x" onclick="y">a</a>'
        '<img src="data:x" style="z">'
    )
    assert sorted(dangerous_parts(html)) == [
        "a[href= JavaScript:x]",
        "a[onclick]",
        "img[src=data:x]",
        "img[style]",
        "script",
    ]


def test_checkbox_input_cannot_become_another_input():
    [field] = find(render_markdown('<input type="text" name="password">'), "input")
    assert field.attrs == {"type": "checkbox"}


def test_spoiler_keeps_safe_formatting_inside():
    html = render_markdown(">!**Kamina** dies!<")
    assert '<span class="spoiler-text"><strong>Kamina</strong> dies</span>' in html


# The preview is the page


PAGE_MARKDOWN = """\
# The finale

It *lands*. ||Kamina dies|| and [more](https://example.com).

>!A whole line!<

::: spoiler Ending
She wins.[^1]
:::

| a | b |
|:--|--:|
| 1 | 2 |

[^1]: Probably.
"""


def test_preview_equals_the_page(writer_client, writer):
    review = make_review(author=writer.author, body=PAGE_MARKDOWN)
    response = writer_client.post(
        reverse("reviews:markdown-preview"), {"content": PAGE_MARKDOWN}
    )
    assert response.status_code == 200
    assert response.content.decode() == review.body_html


def test_markdownx_posts_previews_to_our_preview_view():
    assert reverse("reviews:markdown-preview") == settings.MARKDOWNX_URLS_PATH


def test_markdownx_posts_uploads_to_our_upload_view():
    assert reverse("reviews:markdown-upload") == settings.MARKDOWNX_UPLOAD_URLS_PATH


def test_markdownx_renders_with_our_pipeline():
    function = import_string(settings.MARKDOWNX_MARKDOWNIFY_FUNCTION)
    assert function is render_markdown


@pytest.mark.parametrize(
    "raw",
    [
        '<details class="spoiler"><summary>Spoiler</summary>Kamina dies</details>',
        '<details class="spoiler">\n<summary>x</summary>\n\nKamina dies\n\n</details>',
        'Text <label class="spoiler"><input type="checkbox">Kamina dies</label> more',
    ],
    ids=["details", "details-with-markdown-inside", "label"],
)
def test_spoiler_free_copy_hides_spoilers_written_as_raw_html(raw):
    html = render_markdown(raw, hide_spoilers=True)
    assert "Kamina" not in html
    assert HIDDEN in html
