"""The public pages (a package: base, reviews, catalogue, writing)."""

from .base import (
    PublishedReviewsMixin,
    RememberedCountPaginator,
    ReviewPageMixin,
    author_scores,
)
from .catalogue import (
    AuthorDetailView,
    AuthorListView,
    CollectionIndexView,
    CollectionView,
    EpisodeDetailView,
    GenreIndexView,
    GenreView,
    NamedCollectionIndexView,
    PremiereGuideView,
    SeasonIndexView,
    SeasonView,
    ShowDetailView,
    ShowListView,
    StudioIndexView,
    StudioView,
)
from .reviews import (
    HomeView,
    ReviewDetailView,
    ReviewListView,
    ScoresView,
    SearchView,
    SharedPreviewView,
)
from .writing import markdown_preview, markdown_upload

__all__ = [
    "RememberedCountPaginator",
    "PublishedReviewsMixin",
    "ReviewPageMixin",
    "author_scores",
    "HomeView",
    "ReviewListView",
    "ReviewDetailView",
    "SharedPreviewView",
    "ScoresView",
    "SearchView",
    "ShowListView",
    "ShowDetailView",
    "CollectionView",
    "SeasonView",
    "PremiereGuideView",
    "StudioView",
    "GenreView",
    "CollectionIndexView",
    "SeasonIndexView",
    "NamedCollectionIndexView",
    "StudioIndexView",
    "GenreIndexView",
    "EpisodeDetailView",
    "AuthorListView",
    "AuthorDetailView",
    "markdown_preview",
    "markdown_upload",
]
