from .base import (
    SCORE_CHOICES,
    SCORE_VALUES,
    ReviewedQuerySet,
    published_condition,
    reading_minutes,
    web_address,
    web_address_validator,
)
from .catalogue import Author, Credit, Episode, Genre, Show, Studio, ThemeSong
from .queries import ReviewQuerySet, State
from .review import Review

__all__ = [
    "SCORE_CHOICES",
    "SCORE_VALUES",
    "Author",
    "Credit",
    "Episode",
    "Genre",
    "ReviewedQuerySet",
    "Review",
    "ReviewQuerySet",
    "Show",
    "State",
    "Studio",
    "ThemeSong",
    "published_condition",
    "reading_minutes",
    "web_address",
    "web_address_validator",
]
