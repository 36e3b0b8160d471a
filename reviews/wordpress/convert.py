"""
A WordPress post's HTML as Markdown for our pipeline (reviews.markdown), which
sanitizes it when the review is saved: nothing imported is trusted as HTML.

Classic content gets its paragraphs (WordPress adds them when it shows a
post); block-editor comments are dropped; shortcodes ([caption], [gallery],
[embed], spoiler shortcodes) and spoiler plugins' markup become what our
Markdown has; images go through ``image`` (see media), which gives their new
address or None when the file is missing. markdownify does the rest.
"""

import html
import re
from dataclasses import dataclass, field
from decimal import Decimal

from bs4 import BeautifulSoup, Comment
from markdownify import MarkdownConverter

SPOILER_SHORTCODES = {"spoiler", "su_spoiler", "spoilerbox", "wp_spoiler", "expand"}
# Standalone shortcodes of WordPress and common plugins: dropped with a note.
KNOWN_STANDALONE = {"audio", "video", "playlist", "contact-form-7", "toc"}
ENCLOSING = re.compile(r"\[([a-z][\w-]*)([^\]]*)\](.*?)\[/\1\]", re.DOTALL)
STANDALONE = re.compile(r"\[([a-z][\w-]*)((?:\s[^\]]*)?)/?\]")
ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
BLOCK_TAGS = re.compile(
    r"<(?:p|div|ul|ol|h[1-6]|blockquote|figure|table|pre|img|details)\b", re.I
)
CLASSIC_BLOCK_START = re.compile(
    r"^\s*<(?:h[1-6]|ul|ol|li|blockquote|table|div|figure|pre|hr|p|details|dl|"
    r"img|iframe|!--)\b",
    re.I,
)
# A spoiler plugin's container ("spoiler", "su-spoiler", "spoiler-box"), not
# its parts ("su-spoiler-title", "su-spoiler-content").
SPOILER_CLASS = re.compile(
    r"(?:^|\s)(?:\w+[-_])?spoiler(?:[-_](?:box|wrap|container|block|inline))?(?:\s|$)",
    re.I,
)
EPISODE = re.compile(r"\b(?:episode|ep)\.?\s*#?\s*(\d{1,4})\b", re.I)
SCORE = re.compile(
    r"(?<![\w.])(\d{1,2}(?:[.,]\d{1,2})?)\s*(?:/|out\s+of)\s*10(?![\d.,]\d)", re.I
)
UPLOADS_PATH = re.compile(r"/wp-content/uploads/(.+)$")


@dataclass
class Conversion:
    markdown: str
    unknown_shortcodes: set = field(default_factory=set)


def autop(text):
    """Classic-editor content as WordPress shows it: a blank line separates
    paragraphs and a line break is a line break (its wpautop, in short). Content
    with paragraphs already (the block editor's) is left alone."""
    if "<!-- wp:" in text or re.search(r"<p[\s>]", text, re.I):
        return text
    blocks = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        if not block.strip():
            continue
        if CLASSIC_BLOCK_START.match(block) or block.lstrip().startswith("["):
            blocks.append(block)
        else:
            blocks.append("<p>" + block.strip().replace("\n", "<br>\n") + "</p>")
    return "\n\n".join(blocks)


def attributes(text):
    return {
        match[1].lower(): next(v for v in match.groups()[1:] if v is not None)
        for match in ATTRIBUTE.finditer(html.unescape(text))
    }


def expand_shortcodes(text, attachment_url, unknown):
    """Shortcodes as HTML the converter knows; an unknown enclosing one keeps
    its content (its name noted in ``unknown``)."""

    def enclosing(match):
        name, attrs, inner = match[1].lower(), attributes(match[2]), match[3]
        if name == "caption":
            caption = re.sub(r"^\s*(<a\b[^>]*>)?\s*<img\b[^>]*>\s*(</a>)?", "", inner)
            image = inner[: len(inner) - len(caption)]
            caption = caption.strip() or attrs.get("caption", "")
            return f"{image}<p><em>{caption}</em></p>" if caption else image
        if name in SPOILER_SHORTCODES:
            title = attrs.get("title", "")
            if title or BLOCK_TAGS.search(inner) or "\n\n" in inner.strip():
                title_attr = html.escape(title, quote=True)
                return (
                    f'<div data-spoiler="block" data-title="{title_attr}">'
                    f"{autop(inner)}</div>"
                )
            return f'<span data-spoiler="inline">{inner}</span>'
        if name in ("embed", "video", "audio"):
            url = inner.strip() or attrs.get("src", "")
            return f'<p><a href="{html.escape(url, quote=True)}">{url}</a></p>'
        unknown.add(name)
        return inner

    def standalone(match):
        name, attrs = match[1].lower(), attributes(match[2])
        if name == "gallery":
            ids = [part.strip() for part in attrs.get("ids", "").split(",")]
            urls = [url for url in map(attachment_url, ids) if url]
            return "".join(
                f'<p><img src="{html.escape(url)}" alt=""></p>' for url in urls
            )
        if name in ("youtube", "vimeo"):
            url = attrs.get("url") or match[2].strip()
            return f'<p><a href="{html.escape(url, quote=True)}">{url}</a></p>'
        if name in KNOWN_STANDALONE:
            unknown.add(name)
            return ""
        return match[0]

    previous = None
    while previous != text:  # nested shortcodes of different names
        previous, text = text, ENCLOSING.sub(enclosing, text)
    return STANDALONE.sub(standalone, text)


class ReviewConverter(MarkdownConverter):
    """markdownify, with our spoilers (one level: a spoiler in a spoiler is
    its text), and text that looks like a tag kept as text."""

    def escape(self, text, parent_tags):
        return super().escape(text, parent_tags).replace("<", "&lt;")

    def convert_a(self, el, text, parent_tags):
        href = el.get("href", "").strip()
        if href and not re.match(r"(https?:|mailto:|/|#)", href, re.I):
            return text  # javascript: and the like: the words only
        return super().convert_a(el, text, parent_tags)

    def convert_span(self, el, text, parent_tags):
        if is_spoiler(el) and text.strip():
            return f"||{text.strip()}||"
        return text

    def convert_div(self, el, text, parent_tags):
        if is_spoiler(el) and text.strip():
            title = " ".join(el.get("data-title", "").split())
            return (
                f"\n\n::: spoiler {title}".rstrip() + f"\n\n{text.strip()}\n\n:::\n\n"
            )
        return super().convert_div(el, text, parent_tags)

    convert_details = convert_div


def is_spoiler(element):
    return bool(element.get("data-spoiler")) and not element.find_parent(
        attrs={"data-spoiler": True}
    )


def mark_spoilers(soup):
    """Spoiler plugins' markup (a class with "spoiler" in it, a <details>) as
    the spoilers ReviewConverter writes."""
    for element in soup.find_all(["details", "div", "span", "p", "section"]):
        if element.decomposed or element.get("data-spoiler"):
            continue
        classes = " ".join(element.get("class") or [])
        if element.name != "details" and not SPOILER_CLASS.search(classes):
            continue
        title_element = element.find("summary") or element.find(
            class_=re.compile(r"spoiler[-_]title|spoiler[-_]head", re.I)
        )
        title = title_element.get_text(" ", strip=True) if title_element else ""
        if title_element:
            title_element.decompose()
        if title.lower() in ("spoiler", "spoilers", "show", "click to reveal"):
            title = ""
        if element.name == "span" and not title:
            element["data-spoiler"] = "inline"
        else:
            element.name = "div"
            element["data-spoiler"] = "block"
            element["data-title"] = title


def rewrite_images(soup, image):
    for img in soup.find_all("img"):
        src, alt = img.get("src", ""), img.get("alt", "")
        link = img.parent if img.parent and img.parent.name == "a" else None
        if link and is_upload(link.get("href", "")):
            link.unwrap()  # the full-size image is this image
        new = image(src, alt)
        if new:
            img.attrs = {"src": new, "alt": alt}
            continue
        # Missing here: a link to where it was, so nothing is silently lost.
        anchor = soup.new_tag("a", href=src)
        anchor.string = f"Image: {alt}" if alt else "Image"
        img.replace_with(anchor)
    for figure in soup.find_all("figure"):
        for caption in figure.find_all("figcaption"):
            caption.name = "p"
            caption.string = caption.get_text(" ", strip=True)
            caption.string.wrap(soup.new_tag("em"))


def is_upload(url):
    return bool(UPLOADS_PATH.search(url.split("?")[0]))


def post_markdown(content, image, attachment_url=lambda attachment_id: None):
    """A post's content (HTML, either editor) as Markdown; Conversion."""
    unknown = set()
    text = expand_shortcodes(autop(content), attachment_url, unknown)
    soup = BeautifulSoup(text, "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for element in soup.find_all(["script", "style", "noscript", "object", "embed"]):
        element.decompose()
    for frame in soup.find_all("iframe"):
        src = frame.get("src", "")
        if src.startswith(("http://", "https://")):
            anchor = soup.new_tag("a", href=src)
            anchor.string = frame.get("title") or src
            paragraph = soup.new_tag("p")
            paragraph.append(anchor)
            frame.replace_with(paragraph)
        else:
            frame.decompose()
    mark_spoilers(soup)
    rewrite_images(soup, image)
    markdown = ReviewConverter(
        heading_style="atx", bullets="-", escape_misc=False, strip_document="strip"
    ).convert_soup(soup)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"
    return Conversion(markdown, unknown)


def comment_text(content):
    """A comment's HTML as our plain comment text: paragraphs and line breaks
    kept, a link as its text and address, spoiler shortcodes as ||spoilers||."""
    if "<" not in content and "[" not in content:  # most comments: plain text
        text = html.unescape(content.replace("\r\n", "\n"))
        return re.sub(r"\n{3,}", "\n\n", text).strip()
    content = re.sub(
        rf"\[({'|'.join(SPOILER_SHORTCODES)})\b[^\]]*\](.*?)\[/\1\]",
        lambda match: f"||{match[2].strip()}||",
        content,
        flags=re.DOTALL | re.IGNORECASE,
    )
    soup = BeautifulSoup(content, "html.parser")
    for element in soup.find_all(["script", "style"]):
        element.decompose()
    for link in soup.find_all("a"):
        href, words = link.get("href", ""), link.get_text()
        link.replace_with(words if not href or href == words else f"{words} ({href})")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for element in soup.find_all(["p", "blockquote", "li"]):
        element.insert_after("\n\n")
    for element in soup.find_all(class_=SPOILER_CLASS):
        element.replace_with(f"||{element.get_text().strip()}||")
    text = soup.get_text()
    return re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n")).strip()


def plain_text(content):
    """Text without tags or entities, whitespace collapsed (an excerpt)."""
    text = BeautifulSoup(content, "html.parser").get_text(" ")
    return " ".join(text.split())


def short_summary(excerpt, limit=300):
    text = plain_text(excerpt)
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def episode_number(title):
    """3 for "Frieren Episode 3" or "Ep. 3: ..."; None when the title names none."""
    match = EPISODE.search(title)
    return int(match[1]) if match and int(match[1]) > 0 else None


def proposed_score(content):
    """(score, the words it was read from) for the last "N/10" or "N out of
    10" in the text, rounded to our half points; None when there is none (or
    it is not from 0 to 10)."""
    text = BeautifulSoup(content, "html.parser").get_text(" ")
    matches = list(SCORE.finditer(text))
    if not matches:
        return None
    match = matches[-1]
    value = Decimal(match[1].replace(",", "."))
    if not 0 <= value <= 10:
        return None
    score = (Decimal(round(value * 2)) / 2).quantize(Decimal("0.1"))
    # The words before it in its sentence (or line, or after a shortcode).
    lead = re.split(r"[.!?\]\n]", text[: match.start()])[-1].split()[-6:]
    return score, " ".join([*lead, match[0]])
