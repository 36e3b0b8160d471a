from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("reviews/<slug:slug>/comments/", views.PostCommentView.as_view(), name="post"),
    path("comments/token/<int:review_id>/", views.form_token, name="form-token"),
    path(
        "comments/replies/confirm/<str:token>/",
        views.confirm_replies,
        name="confirm-replies",
    ),
    path("comments/replies/mute/<str:token>/", views.mute_replies, name="mute-replies"),
    path("comments/replies/stop/<str:token>/", views.stop_replies, name="stop-replies"),
]
