from .base import (
    SCORE_CHOICES,
    SCORE_VALUES,
    ReviewedQuerySet,
    published_condition,
    reading_minutes,
    web_address,
    web_address_validator,
)
from .catalogue import (
    AnimeSeason,
    Author,
    Credit,
    Episode,
    Genre,
    SeasonGuide,
    Show,
    Studio,
    ThemeSong,
)
from .queries import ReviewQuerySet, State
from .review import Review
from .wordpress import OldLink, WordPressItem

__all__ = [
    "SCORE_CHOICES",
    "SCORE_VALUES",
    "AnimeSeason",
    "Author",
    "Credit",
    "Episode",
    "Genre",
    "OldLink",
    "ReviewedQuerySet",
    "Review",
    "ReviewQuerySet",
    "SeasonGuide",
    "Show",
    "State",
    "Studio",
    "ThemeSong",
    "WordPressItem",
    "published_condition",
    "reading_minutes",
    "web_address",
    "web_address_validator",
]
