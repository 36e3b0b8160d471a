"""The site's URLs and a trivial view, the benchmark's baseline (bench/run.py):
the same project, middleware and server, and no work in the view."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("", include("reviewsite.urls")),
]
