from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponseRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from reviews.outage import healthz
from reviews.sitemaps import SITEMAPS, robots_txt


def moved_comment_admin(request, rest):
    """The moderation queue's addresses from before comments had their own app,
    in e-mails already sent. A confirmation sent from a page opened at the old
    address is sent again to the new one (307), not turned into a GET."""
    query = request.GET.urlencode()
    url = f"/admin/comments/comment/{rest}" + (f"?{query}" if query else "")
    return HttpResponseRedirect(url, preserve_request=True)


urlpatterns = [
    re_path(r"^admin/reviews/comment/(?P<rest>.*)$", moved_comment_admin),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin).
    path(
        "favicon.ico",
        RedirectView.as_view(get_redirect_url=lambda: static_url("img/favicon.svg")),
    ),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("healthz", healthz, name="healthz"),
    path("", include("reviews.urls")),
    path("", include("comments.urls")),
    path("", include("ratings.urls")),
    path("", include("following.urls")),
] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "reviews.errors.bad_request"
handler403 = "reviews.errors.permission_denied"
handler404 = "reviews.errors.page_not_found"
handler500 = "reviews.errors.server_error"
