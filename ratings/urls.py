from django.urls import path

from . import views

app_name = "ratings"

urlpatterns = [
    path(
        "shows/<slug:show_slug>/<int:number>/rating/",
        views.rate_episode,
        name="rate",
    ),
]
