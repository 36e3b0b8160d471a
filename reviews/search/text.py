"""Text as the search index holds it and as results show it: folding (case,
accents, compatibility forms), the words of a query, the spoiler-free body's
plain text, and snippets with the matches marked."""

import functools
import html
import re
import unicodedata

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from ..markdown import SPOILER_HIDDEN

# Longer queries are cut: nobody types more, and it bounds the work per request.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# Private-use characters the databases put around matches; fold() turns any in
# the text itself into spaces, so they only ever mean a match.
MARK_START, MARK_STOP = "\ue000", "\ue001"
# Besides those: angle brackets, which PostgreSQL's parser would read as tags
# (skipping what is between <script> and </script>, say) in text that is plain.
BLANKED = {MARK_START, MARK_STOP, "<", ">"}
SNIPPET_LENGTH = 240

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
LATIN_DIACRITICS = re.compile("[\u0300-\u036f]")
WORD = re.compile(r"[^\W_]+")


class _FoldTable(dict):
    """str.translate() table for fold(), filled in as characters are met."""

    def __missing__(self, code):
        char = chr(code)
        if CONTROL_CHARACTERS.match(char) or char in BLANKED:
            folded = " "
        else:
            base = unicodedata.normalize("NFKD", char)
            base = unicodedata.normalize("NFC", LATIN_DIACRITICS.sub("", base))
            folded = base.lower() if len(base) == 1 else char.lower()
            if len(folded) != 1:
                folded = char
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


# No word is this long: a longer run of non-spaces is broken by a space (one
# character for one), which costs search nothing and keeps PostgreSQL's text
# parser linear (32 KB of "_a" took it 4.6 s whole, past the statement timeout
# at 48 KB; in runs of 63, milliseconds).
LONG_RUN = re.compile(r"\S{64}(?=\S)")


def fold(text):
    """Text as it is indexed and searched: lower case, without Latin accents,
    compatibility forms unified (full-width letters), control characters and
    BLANKED as spaces, no run of non-spaces longer than 63 (LONG_RUN); always
    one character for one, so positions carry over."""
    folded = text.translate(_FOLD_TABLE)
    return LONG_RUN.sub(lambda run: run[0][:-1] + " ", folded)


# Where a spoiler note was and where a block ends, marked in the HTML before its
# tags are stripped (control characters, which the text itself never keeps).
CUT, BLOCK_END = "\x01", "\x02"
BLOCK_CLOSE = re.compile(
    r"</(?:h[1-6]|p|li|dt|dd|td|th|pre|blockquote|figcaption|summary|caption)>"
)
# A block that ends otherwise (a heading, a list item) gets a full stop, so it
# does not run into the next: "Music. The opening...".
BLOCK_ENDINGS = ".!?…:;"
CLOSING = ")]”’\"'"
# Which opening mark a closing one answers, for a spoiler that was all inside.
PAIRS = {"(": ")", "[": "]", "“": "”", "‘": "’", '"': '"', "'": "'"}
# What a spoiler's clause leaves behind it once cut ("her fate, [cut], shocked").
SEPARATORS = ",;:—–"
CLAUSE_ENDS = ",.;:!?…)]”’—–"


def body_text(html_fragment):
    """The plain text of the spoiler-free body, without the spoiler notes or the
    punctuation that only belonged to them, each block ending as a sentence."""
    html_fragment = CONTROL_CHARACTERS.sub(" ", html_fragment)
    html_fragment = html_fragment.replace(SPOILER_HIDDEN, CUT)
    text = strip_tags(
        BLOCK_CLOSE.sub(lambda close: close[0] + BLOCK_END, html_fragment)
    )
    sentences = []
    for block in text.split(BLOCK_END):
        parts = [
            " ".join(CONTROL_CHARACTERS.sub(" ", html.unescape(part)).split())
            for part in block.split(CUT)
        ]
        if not any(parts):
            if len(parts) > 1 and sentences:
                # A block spoiler: cut from the end of the block before.
                sentences[-1] = _as_sentence(_close_cut(sentences[-1], ""))
            continue
        sentences.append(_as_sentence(functools.reduce(_close_cut, parts)))
    return " ".join(sentence for sentence in sentences if sentence)


def _as_sentence(text):
    if text and text.rstrip(CLOSING)[-1:] not in BLOCK_ENDINGS:
        return text + "."
    return text


def _close_cut(before, after):
    """The text either side of a cut spoiler, joined without what was only the
    spoiler's: "The twist: [cut]." is "The twist.", "Her fate, [cut], shocked"
    "Her fate, shocked", and "(" [cut] ")" nothing."""
    while before and after and PAIRS.get(before[-1]) == after[0]:
        before, after = before[:-1].rstrip(), after[1:].lstrip()
    if not after or after[0] in CLAUSE_ENDS:
        before = before.rstrip(SEPARATORS + " ")
    if not before:
        return after.lstrip(CLAUSE_ENDS + " ")
    if not after:
        return before
    joint = "" if after[0] in CLAUSE_ENDS and after[0] not in "—–" else " "
    return before + joint + after


def clean_query(text):
    """The query as shown and searched: no control characters, single spaces,
    at most MAX_QUERY_LENGTH characters."""
    text = CONTROL_CHARACTERS.sub(" ", text[: MAX_QUERY_LENGTH * 4])
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def query_terms(query):
    """The words of a query, folded: everything else (quotes, operators, column
    filters, punctuation, emoji) is dropped, so no query is ever a syntax error."""
    return WORD.findall(fold(query))[:MAX_TERMS]


def _read_marks(marked):
    """The text without the database's sentinels, and the (start, end) of each
    match in it."""
    text, spans, position = [], [], 0
    for part in re.split(f"([{MARK_START}{MARK_STOP}])", marked):
        if part == MARK_START:
            opened = position
        elif part == MARK_STOP:
            spans.append((opened, position))
        else:
            text.append(part)
            position += len(part)
    return "".join(text), spans


def highlight(text, marked):
    """An excerpt of ``text`` around its first match, HTML-escaped, each match in
    <mark>; ``marked`` is fold(text) with the database's sentinels around matches.
    Empty when nothing matched, or when the index is out of date with the text."""
    folded, spans = _read_marks(marked or "")
    if not spans or folded != fold(text):
        return ""
    first_start, first_end = spans[0]
    start = max(0, first_start - SNIPPET_LENGTH // 3)
    if start:
        space = text.find(" ", start, first_start)
        start = space + 1 if space >= 0 else start
    end = min(len(text), max(start + SNIPPET_LENGTH, first_end))
    if end < len(text):
        space = text.rfind(" ", first_end, end)
        end = space if space > first_end else end
    parts = ["…" if start else ""]
    position = start
    for span_start, span_end in spans:
        if span_end > end:
            break
        parts += [
            escape(text[position:span_start]),
            "<mark>",
            escape(text[span_start:span_end]),
            "</mark>",
        ]
        position = span_end
    parts += [escape(text[position:end]), "…" if end < len(text) else ""]
    return mark_safe("".join(parts))
