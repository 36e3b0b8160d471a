"""Two versions of a writer's text side by side, as the revisions pages show
them: the lines that changed, paired, with the changed words marked, and a line
of context around them; unchanged stretches in between are a gap."""

import difflib
import itertools
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

# Words, runs of spaces and single signs: what a changed word is made of.
TOKENS = re.compile(r"\w+|\s+|[^\w\s]")
# A row of the table: (before, after), each HTML or None where that side has no
# line; GAP stands for unchanged lines left out.
GAP = (None, None)
# Below this share of words in common, two lines are shown as rewritten whole.
MOSTLY_REWRITTEN = 0.5


def marked_words(before, after):
    """(before, after) as HTML, the words only one of them has in <del> and
    <ins>; two lines with little in common are each marked whole, which reads
    better than a confetti of small changes."""
    old, new = TOKENS.findall(before), TOKENS.findall(after)
    left, right = [], []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if matcher.ratio() < MOSTLY_REWRITTEN:
        return whole(before, "del"), whole(after, "ins")
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = escape("".join(old[i1:i2])), escape("".join(new[j1:j2]))
        if tag == "equal":
            left.append(removed)
            right.append(added)
            continue
        if removed:
            left.append(f"<del>{removed}</del>")
        if added:
            right.append(f"<ins>{added}</ins>")
    return mark_safe("".join(left)), mark_safe("".join(right))


def side_by_side(before, after, context=1):
    """Rows (before, after) for a table comparing two texts line by line."""
    old, new = (before or "").splitlines(), (after or "").splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    rows = []
    for group in matcher.get_grouped_opcodes(context):
        if rows:
            rows.append(GAP)
        for tag, i1, i2, j1, j2 in group:
            pairs = itertools.zip_longest(old[i1:i2], new[j1:j2])
            for left, right in pairs:
                if tag == "equal":
                    rows.append((escape(left), escape(right)))
                elif left is not None and right is not None:
                    rows.append(marked_words(left, right))
                else:
                    rows.append((whole(left, "del"), whole(right, "ins")))
    return rows


def whole(line, tag):
    """A line removed or added whole; None stays None (that side has none)."""
    if line is None:
        return None
    return mark_safe(f"<{tag}>{escape(line)}</{tag}>") if line else ""
