"""The site's URLs plus uploaded media, which production serves from its web server."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from reviewsite.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    *site_urlpatterns,
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
