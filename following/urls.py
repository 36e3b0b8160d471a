from django.urls import path

from . import views

app_name = "following"

urlpatterns = [
    path("shows/<slug:show_slug>/follow/", views.follow, name="follow"),
    path("following/confirm/<str:token>/", views.confirm, name="confirm"),
    path("following/manage/<str:token>/", views.manage, name="manage"),
    path("following/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
