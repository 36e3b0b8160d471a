"""When something between the reader and the data fails. The database down or
overloaded: readers get the site's own 503 page (rendered without the database)
with a Retry-After, and load balancers a health check (/healthz) that says what
is unreachable. A request cut off on its way (a dropped connection mid-upload):
refused whole, never saved without the part that did not arrive."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseOutageMiddleware:
    """A view that could not reach the database (down, a connection killed,
    a statement timeout) answers 503, logged, instead of Django's plain 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error(
            "Database unavailable: %s %s",
            request.method,
            request.path,
            exc_info=exception,
        )
        page = render_to_string("503.html", {"site_name": settings.SITE_NAME})
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response


class CompleteRequestsMiddleware:
    """A form whose body stopped short of its Content-Length is refused (400)
    before any view sees it: Django parses what arrived, so a review would be
    saved without its cover and the fields after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            request.POST  # noqa: B018 - parse now, to see how much arrived
            stream = request._stream  # Django's LimitedStream: bytes read, expected
            if getattr(stream, "_pos", stream.limit) < stream.limit:
                logger.warning(
                    "Request body cut off: %s of %s bytes for %s",
                    stream._pos,
                    stream.limit,
                    request.path,
                )
                page = render_to_string(
                    "request_cut_off.html", {"site_name": settings.SITE_NAME}
                )
                return HttpResponse(page, status=400)
        return self.get_response(request)


@never_cache
def healthz(request):
    """200 when the database and the cache answer, else 503 naming what did
    not: for a load balancer or a monitor."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "unreachable"
    try:
        cache.set("healthz", "ok", 10)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "unreachable"
    except Exception:  # a cache backend without IGNORE_EXCEPTIONS
        checks["cache"] = "unreachable"
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
