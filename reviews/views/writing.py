"""The writer's desk outside the admin's forms: the live preview and image
uploads of the Markdown editor."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.module_loading import import_string
from django.views.decorators.http import require_POST

from ..forms import ImageUploadForm
from ..images import STORAGE_ERROR, store_image
from ..markdown import MAX_CHARS, TOO_LONG


def _can_write(user):
    return (
        user.is_active
        and user.is_staff
        and (
            user.has_perm("reviews.add_review")
            or user.has_perm("reviews.change_author")
        )
    )


@require_POST
def markdown_preview(request):
    """The admin editor's live preview, through MARKDOWNX_MARKDOWNIFY_FUNCTION:
    the renderer of the public pages."""
    if not _can_write(request.user):
        raise PermissionDenied
    content = request.POST.get("content", "")
    if len(content) > MAX_CHARS:
        # Shown in the preview pane (markdownx shows any answer there).
        message = TOO_LONG % {"limit_value": MAX_CHARS, "show_value": len(content)}
        return HttpResponse(
            format_html('<p class="preview-refused">{}</p>', message), status=413
        )
    markdownify = import_string(settings.MARKDOWNX_MARKDOWNIFY_FUNCTION)
    return HttpResponse(markdownify(content))


@require_POST
def markdown_upload(request):
    """An image dropped into the admin editor: checked, re-encoded, stored."""
    if not _can_write(request.user):
        return JsonResponse({"image": ["You may not upload images."]}, status=403)
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse(form.errors, status=400)
    image = form.cleaned_data["image"]
    try:
        stored = store_image(f"uploads/{timezone.now():%Y/%m}/{image.name}", image)
    except OSError:
        return JsonResponse({"image": [STORAGE_ERROR]}, status=507)
    url = default_storage.url(stored[0])
    return JsonResponse({"image_code": f"![Describe this image]({url})"})
