"""How scores are shown, everywhere: as text (one decimal at most) and in colour
bands (high, mid, low), which the badges, bars, charts, the scores table and its
legend all take from here."""

from decimal import ROUND_HALF_UP, Decimal

# The bands, highest first: (name, the lowest score in it). The name is the
# colour's CSS class (score-high, spread-high...).
SCORE_BANDS = [("high", 8), ("mid", 6), ("low", 0)]


def format_score(value):
    """A score (or a mean, a median) with at most one decimal, halves rounded
    up: 7.0 -> "7", 7.5 -> "7.5", 7.25 -> "7.3", 7.05 -> "7.1"; "" without one."""
    if value is None or value == "":
        return ""
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{rounded:f}".removesuffix(".0")


def score_band(value):
    """The name of the band a score falls in; "none" without a score."""
    if value is None:
        return "none"
    return next(name for name, lowest in SCORE_BANDS if float(value) >= lowest)


def band_ranges():
    """(name, lowest, below) for each band: scores from ``lowest`` up to, not
    including, ``below`` (None for the top band)."""
    uppers = [None, *(lowest for _, lowest in SCORE_BANDS[:-1])]
    return [
        (name, lowest, below)
        for (name, lowest), below in zip(SCORE_BANDS, uppers, strict=True)
    ]


def band_legend():
    """The bands in words: "high 8 and up, mid 6 to 7.5, low under 6"."""
    words = []
    for name, lowest, below in band_ranges():
        if below is None:
            words.append(f"{name} {format_score(lowest)} and up")
        elif lowest == 0:
            words.append(f"{name} under {format_score(below)}")
        else:
            words.append(
                f"{name} {format_score(lowest)} to {format_score(below - 0.5)}"
            )
    return ", ".join(words)
