"""Two versions of a text side by side (reviews.diffs)."""

from reviews.diffs import GAP, marked_words, side_by_side


def test_a_changed_word_is_marked_and_the_rest_of_the_line_is_not():
    before, after = marked_words(
        "Rouge finds the first Immortal.", "Rouge finds the last Immortal."
    )
    assert before == "Rouge finds the <del>first</del> Immortal."
    assert after == "Rouge finds the <ins>last</ins> Immortal."


def test_a_rewritten_line_is_marked_whole():
    assert marked_words("The good version.", "An accident.") == (
        "<del>The good version.</del>",
        "<ins>An accident.</ins>",
    )


def test_text_is_escaped():
    before, after = marked_words("a <b>", "a <script>")
    assert (before, after) == (
        "a &lt;<del>b</del>&gt;",
        "a &lt;<ins>script</ins>&gt;",
    )


def test_an_added_line_is_on_the_right_only():
    assert side_by_side("One.", "One.\nTwo.") == [
        ("One.", "One."),
        (None, "<ins>Two.</ins>"),
    ]


def test_unchanged_stretches_between_changes_are_a_gap():
    lines = [f"Line {n}." for n in range(10)]
    changed = [*lines]
    changed[1], changed[8] = "Line one.", "Line eight."
    rows = side_by_side("\n".join(lines), "\n".join(changed))
    assert GAP in rows
    assert len(rows) == 7  # context, change, context; the gap; the same again
