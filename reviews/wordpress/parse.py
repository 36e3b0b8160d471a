"""
Reads a WordPress export (WXR 1.0 to 1.2, Tools > Export) as a stream.

Each author, term and item is read, handed on and dropped, so memory stays
bounded by the largest item (a post and its comments), not the file. The XML
parser is defusedxml's: a DTD, an entity declaration or an external entity
stops the read (an entity-expansion bomb expands nothing), as does a
malformed or truncated file; WXRError then says at which line.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

NAMESPACES = [
    (re.compile(r"^http://wordpress\.org/export/1\.\d/excerpt/$"), "excerpt"),
    (re.compile(r"^http://wordpress\.org/export/1\.\d/$"), "wp"),
    (re.compile(r"^http://purl\.org/rss/1\.0/modules/content/$"), "content"),
    (re.compile(r"^http://purl\.org/dc/elements/1\.1/$"), "dc"),
]
SUPPORTED_VERSIONS = {"1.0", "1.1", "1.2"}
CHANNEL_FIELDS = {"title", "link", "wp:base_site_url", "wp:base_blog_url"}


class WXRError(Exception):
    """The export cannot be read: the message says why and at which line."""


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    base_blog_url: str = ""
    base_site_url: str = ""
    wxr_version: str = ""
    wordpress: bool = False

    @property
    def site(self):
        """The blog's address without its scheme or trailing slash: what keys
        everything imported from it, so two blogs never collide and one blog
        moved from http to https is still one."""
        url = self.base_blog_url or self.link or self.base_site_url
        url = re.sub(r"^[a-z]+://", "", url.strip(), flags=re.IGNORECASE)
        host, _, path = url.partition("/")
        return (host.lower().removeprefix("www.") + "/" + path).rstrip("/")


@dataclass
class AuthorRecord:
    id: int
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    description: str = ""


@dataclass
class TermRecord:
    """A category, tag or custom term. ``domain``: "category", "post_tag"..."""

    domain: str
    slug: str
    name: str
    parent: str = ""


@dataclass
class CommentRecord:
    id: int
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = "1"
    type: str = ""
    parent: int = 0


@dataclass
class ItemRecord:
    """A post, page, attachment or other post type, with its comments."""

    id: int
    type: str = "post"
    status: str = ""
    title: str = ""
    link: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    slug: str = ""
    date: str = ""
    date_gmt: str = ""
    comment_status: str = "open"
    parent: int = 0
    attachment_url: str = ""
    password: str = ""
    terms: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)


def name_of(tag):
    """ "{http://wordpress.org/export/1.2/}post_id" as "wp:post_id"."""
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    for pattern, prefix in NAMESPACES:
        if pattern.match(uri):
            return f"{prefix}:{local}"
    return tag


def text_of(element):
    return (element.text or "").strip() if element is not None else ""


def integer(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def gmt_time(value):
    """An export's "2024-01-12 09:30:00" GMT as an aware datetime; None for
    WordPress's "0000-00-00 00:00:00" (a draft never dated)."""
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def local_time(value):
    """The blog's local time, with no zone (WXR does not say which)."""
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


class WXRReader:
    """``for record in WXRReader(path)``: AuthorRecord, TermRecord and
    ItemRecord, in the file's order. ``channel`` is the blog's (its address
    comes before the first of them in every export)."""

    def __init__(self, path):
        self.path = path
        self.channel = Channel()

    def __iter__(self):
        parser = DefusedXMLParser(
            target=ET.TreeBuilder(),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
        try:
            with open(self.path, "rb") as file:
                yield from self._records(file, parser)
        except ET.ParseError as error:
            line, column = error.position
            raise WXRError(
                f"{self.path} is not well-formed XML at line {line}, column "
                f"{column + 1} ({str(error).split(':')[0]}): the file may be cut "
                "off or damaged; export it again. Nothing was imported."
            ) from error
        except DefusedXmlException as error:
            line = parser.parser.CurrentLineNumber
            raise WXRError(
                f"{self.path} declares a DTD or entities at line {line}, which a "
                "WordPress export never does; refused for safety "
                f"({type(error).__name__}). Nothing was imported."
            ) from error

    def _records(self, file, parser):
        depth, channel, root_checked = 0, None, False
        for event, element in ET.iterparse(file, ("start", "end"), parser=parser):
            if event == "start":
                depth += 1
                if depth == 1 and element.tag != "rss":
                    raise WXRError(
                        f"{self.path} is not a WordPress export (it starts with "
                        f"<{element.tag}>, not <rss>). Nothing was imported."
                    )
                if depth == 2 and name_of(element.tag) == "channel":
                    channel = element
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            name = name_of(element.tag)
            if name.startswith("wp:"):
                self.channel.wordpress = True
            if name in CHANNEL_FIELDS:
                setattr(self.channel, name.removeprefix("wp:"), text_of(element))
            elif name == "wp:wxr_version":
                self.channel.wxr_version = text_of(element)
            elif name in ("wp:author", "wp:category", "wp:tag", "wp:term", "item"):
                if not root_checked:
                    self._check_version()
                    root_checked = True
                yield READERS[name](element)
            channel.remove(element)
        if not self.channel.wordpress:
            raise WXRError(
                f"{self.path} is an RSS feed, not a WordPress export (WXR): export "
                "it from Tools > Export in WordPress. Nothing was imported."
            )

    def _check_version(self):
        version = self.channel.wxr_version
        if version and version not in SUPPORTED_VERSIONS:
            raise WXRError(
                f"{self.path} is a WXR {version} export; this reads WXR 1.0 to 1.2."
            )


def children(element):
    """{name: text} of an element's simple children."""
    return {name_of(child.tag): (child.text or "") for child in element}


def read_author(element):
    values = children(element)
    return AuthorRecord(
        id=integer(values.get("wp:author_id")),
        login=values.get("wp:author_login", "").strip(),
        email=values.get("wp:author_email", "").strip(),
        display_name=values.get("wp:author_display_name", "").strip(),
        first_name=values.get("wp:author_first_name", "").strip(),
        last_name=values.get("wp:author_last_name", "").strip(),
        description=values.get("wp:author_description", "").strip(),
    )


def read_term(element):
    values = children(element)
    name = name_of(element.tag)
    if name == "wp:category":
        return TermRecord(
            "category",
            values.get("wp:category_nicename", "").strip(),
            values.get("wp:cat_name", "").strip(),
            values.get("wp:category_parent", "").strip(),
        )
    if name == "wp:tag":
        return TermRecord(
            "post_tag",
            values.get("wp:tag_slug", "").strip(),
            values.get("wp:tag_name", "").strip(),
        )
    return TermRecord(
        values.get("wp:term_taxonomy", "").strip(),
        values.get("wp:term_slug", "").strip(),
        values.get("wp:term_name", "").strip(),
        values.get("wp:term_parent", "").strip(),
    )


def read_item(element):
    item = ItemRecord(id=0)
    for child in element:
        name, text = name_of(child.tag), child.text or ""
        if name == "category":
            item.terms.append(
                TermRecord(
                    child.get("domain", "category"),
                    child.get("nicename", "").strip(),
                    text.strip(),
                )
            )
        elif name == "wp:postmeta":
            meta = children(child)
            item.meta[meta.get("wp:meta_key", "")] = meta.get("wp:meta_value", "")
        elif name == "wp:comment":
            item.comments.append(read_comment(child))
        elif name in ITEM_FIELDS:
            setattr(item, ITEM_FIELDS[name], text if name in RAW else text.strip())
    item.id = integer(item.id)
    item.parent = integer(item.parent)
    return item


ITEM_FIELDS = {
    "wp:post_id": "id",
    "wp:post_type": "type",
    "wp:status": "status",
    "title": "title",
    "link": "link",
    "dc:creator": "creator",
    "content:encoded": "content",
    "excerpt:encoded": "excerpt",
    "wp:post_name": "slug",
    "wp:post_date": "date",
    "wp:post_date_gmt": "date_gmt",
    "wp:comment_status": "comment_status",
    "wp:post_parent": "parent",
    "wp:attachment_url": "attachment_url",
    "wp:post_password": "password",
}
# Kept as written: whitespace in content is meaningful (classic paragraphs).
RAW = {"content:encoded", "excerpt:encoded"}


def read_comment(element):
    values = children(element)
    return CommentRecord(
        id=integer(values.get("wp:comment_id")),
        author=values.get("wp:comment_author", "").strip(),
        email=values.get("wp:comment_author_email", "").strip(),
        url=values.get("wp:comment_author_url", "").strip(),
        ip=values.get("wp:comment_author_IP", "").strip(),
        date=values.get("wp:comment_date", ""),
        date_gmt=values.get("wp:comment_date_gmt", ""),
        content=values.get("wp:comment_content", ""),
        approved=values.get("wp:comment_approved", "1").strip(),
        type=values.get("wp:comment_type", "").strip(),
        parent=integer(values.get("wp:comment_parent")),
    )


READERS = {
    "wp:author": read_author,
    "wp:category": read_term,
    "wp:tag": read_term,
    "wp:term": read_term,
    "item": read_item,
}
