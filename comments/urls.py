from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("reviews/<slug:slug>/comments/", views.PostCommentView.as_view(), name="post"),
]
