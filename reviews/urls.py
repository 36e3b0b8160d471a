from django.urls import path

from . import views
from .feeds import (
    AuthorReviewsAtomFeed,
    AuthorReviewsFeed,
    LatestReviewsAtomFeed,
    LatestReviewsFeed,
    PremiereGuideAtomFeed,
    PremiereGuideFeed,
    ShowReviewsAtomFeed,
    ShowReviewsFeed,
)

app_name = "reviews"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("reviews/", views.ReviewListView.as_view(), name="review-list"),
    path(
        "reviews/<slug:slug>/", views.ReviewDetailView.as_view(), name="review-detail"
    ),
    path(
        "reviews/preview/<str:token>/",
        views.SharedPreviewView.as_view(),
        name="review-preview",
    ),
    path("shows/", views.ShowListView.as_view(), name="show-list"),
    path("shows/<slug:slug>/", views.ShowDetailView.as_view(), name="show-detail"),
    path(
        "shows/<slug:show_slug>/<int:number>/",
        views.EpisodeDetailView.as_view(),
        name="episode-detail",
    ),
    path("seasons/", views.SeasonIndexView.as_view(), name="season-list"),
    path(
        "seasons/<int:year>/<str:season>/",
        views.SeasonView.as_view(),
        name="season-detail",
    ),
    path(
        "seasons/<int:year>/<str:season>/premieres/",
        views.PremiereGuideView.as_view(),
        name="season-premieres",
    ),
    path("studios/", views.StudioIndexView.as_view(), name="studio-list"),
    path("studios/<slug:slug>/", views.StudioView.as_view(), name="studio-detail"),
    path("genres/", views.GenreIndexView.as_view(), name="genre-list"),
    path("genres/<slug:slug>/", views.GenreView.as_view(), name="genre-detail"),
    path("authors/", views.AuthorListView.as_view(), name="author-list"),
    path(
        "authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author-detail"
    ),
    path("scores/", views.ScoresView.as_view(), name="scores"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/reviews/rss/", LatestReviewsFeed(), name="feed-rss"),
    path("feeds/reviews/atom/", LatestReviewsAtomFeed(), name="feed-atom"),
    path("feeds/shows/<slug:slug>/rss/", ShowReviewsFeed(), name="show-feed-rss"),
    path("feeds/shows/<slug:slug>/atom/", ShowReviewsAtomFeed(), name="show-feed-atom"),
    path(
        "feeds/seasons/<int:year>/<str:season>/premieres/rss/",
        PremiereGuideFeed(),
        name="season-premieres-feed-rss",
    ),
    path(
        "feeds/seasons/<int:year>/<str:season>/premieres/atom/",
        PremiereGuideAtomFeed(),
        name="season-premieres-feed-atom",
    ),
    path("feeds/authors/<slug:slug>/rss/", AuthorReviewsFeed(), name="author-feed-rss"),
    path(
        "feeds/authors/<slug:slug>/atom/",
        AuthorReviewsAtomFeed(),
        name="author-feed-atom",
    ),
    path("markdownx/markdownify/", views.markdown_preview, name="markdown-preview"),
    path("markdownx/upload/", views.markdown_upload, name="markdown-upload"),
]
