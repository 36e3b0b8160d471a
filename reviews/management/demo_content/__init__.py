"""
The demo content written by `manage.py demo`: authors, shows and reviews
(``shows``), their texts and readers' comments (``texts``).

All of the text is original. Metallic Rouge's facts (studio, staff, premiere, songs)
are real; every other show, studio and person here is invented.
"""

from .shows import AUTHORS, EPISODE, FIRST, SEASON, SHOWS
from .texts import (
    CLOSINGS,
    COMMENTS,
    EPISODE_TONES,
    FIRST_TITLES,
    METALLIC_ROUGE_REVIEWS,
    RATINGS,
    SEASON_TITLES,
    SUMMARIES,
)

__all__ = [
    "AUTHORS",
    "CLOSINGS",
    "COMMENTS",
    "EPISODE",
    "EPISODE_TONES",
    "FIRST",
    "FIRST_TITLES",
    "METALLIC_ROUGE_REVIEWS",
    "RATINGS",
    "SEASON",
    "SEASON_TITLES",
    "SHOWS",
    "SUMMARIES",
]
