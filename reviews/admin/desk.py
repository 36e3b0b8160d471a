"""What the writers' admin screens share: the Markdown editor and its
assets, stored images discarded when a form is shown again, and writers kept
to their own objects."""

from django.db import models
from django.http import Http404
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from ..forms import refuse_line_breaks
from ..markdown import MAX_CHARS


class WritingEditor(AdminMarkdownxWidget):
    """markdownx's editor and live preview in the writer's layout, with its
    toolbar, tabs, word count and uploads (static/js/editor.js)."""

    template_name = "admin/reviews/markdown_editor.html"

    def __init__(self, attrs=None):
        # The editor warns before the server's limit refuses a save.
        super().__init__({"data-max-chars": MAX_CHARS, **(attrs or {})})

    class Media:
        extend = False  # markdownx's admin stylesheet fixes widths at 610 px.
        # The preview is styled like the public page (content.css).
        css = {"all": ["css/content.css", "css/admin.css"]}
        js = [
            "markdownx/js/markdownx.js",
            "vendor/turndown-7.2.5/turndown.js",  # pasted HTML to Markdown
            "js/editor.js",
            "js/autosave.js",
        ]


class OneLineFieldsMixin:
    """Every one-line text field of the admin's forms (a title, a name, a
    caption) refuses line breaks, whatever the request sends."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        one_line = isinstance(db_field, models.CharField)  # slugs, URLs too
        if one_line and not db_field.choices and field is not None:
            field.validators.append(refuse_line_breaks)
        return field


class MarkdownEditorMixin:
    """The writer's editor, with a live preview styled like the public page."""

    formfield_overrides = {MarkdownxField: {"widget": WritingEditor}}


class StoredImagesMixin:
    """For admins with a ReencodedImagesForm: a form shown again after a POST was
    not saved keeps the images it stored for the writer's next try."""

    def render_change_form(self, request, context, *args, **kwargs):
        form = context["adminform"].form
        if request.method == "POST" and hasattr(form, "keep_images_for_next_try"):
            form.keep_images_for_next_try()
        return super().render_change_form(request, context, *args, **kwargs)


class OwnObjectsMixin:
    """Writers see and change only their own objects (get_queryset says which);
    another's is a 404, not the admin's redirect. ``any_permission`` marks editors.
    """

    any_permission = None

    def is_editor(self, request):
        return request.user.has_perm(self.any_permission)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such object, or not one of yours.")
        return obj
