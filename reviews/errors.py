"""The site's error pages (404, 403, 400, 500), in its own layout with search
and a way home, rendered without the database: a 500 may be the database's."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string


def _page(template, **context):
    return render_to_string(template, {"site_name": settings.SITE_NAME, **context})


def page_not_found(request, exception):
    return HttpResponseNotFound(_page("404.html", path=request.path))


def permission_denied(request, exception):
    return HttpResponseForbidden(_page("403.html"))


def bad_request(request, exception):
    too_big = isinstance(exception, RequestDataTooBig)
    limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return HttpResponseBadRequest(_page("400.html", too_big=too_big, limit=limit))


def server_error(request):
    return HttpResponseServerError(_page("500.html"))
