from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..images import has_renditions, srcset
from ..models import Comment, Review

register = template.Library()


@register.filter
def score(value):
    """A score with at most one decimal: 7.0 -> "7", 7.5 -> "7.5", 7.25 -> "7.2"."""
    if value is None or value == "":
        return ""
    return f"{round(float(value), 1):g}"


@register.filter
def percent_of_ten(value):
    """A score as a percentage of 10, for bars drawn with SVG widths."""
    if value is None:
        return 0
    return round(float(value) * 10)


@register.filter
def score_band(value):
    """high, mid or low: the colour family of a score."""
    if value is None:
        return "none"
    value = float(value)
    if value >= 8:
        return "high"
    if value >= 6:
        return "mid"
    return "low"


@register.simple_tag(takes_context=True)
def pending_comments_count(context):
    """Comments awaiting moderation that this staff user can see; None for
    users who cannot see comments."""
    user = context["request"].user
    if not user.has_perm("reviews.view_comment"):
        return None
    return Comment.objects.for_staff(user).pending().count()


@register.simple_tag(takes_context=True)
def submitted_reviews(context):
    """For editors: the reviews writers have submitted, oldest first."""
    if not context["request"].user.has_perm("reviews.change_any_review"):
        return None
    return (
        Review.objects.filter(status=Review.Status.SUBMITTED)
        .select_related("author")
        .order_by("updated")
    )


@register.simple_tag
def picture(image, alt="", sizes="100vw", eager=False):
    """A stored image with its renditions (reviews.images): a WebP srcset, the
    original format as the fallback, width and height from the model, lazy
    loading unless ``eager``."""
    name, url = image.name, image.storage.url
    width = getattr(image.instance, image.field.width_field or "", None)
    height = getattr(image.instance, image.field.height_field or "", None)
    lazy = mark_safe("" if eager else ' loading="lazy" decoding="async"')
    if not (width and height and has_renditions(name)):
        return format_html(
            '<img class="cover" src="{}" alt="{}"{}{}>',
            image.url,
            alt,
            format_html(' width="{}" height="{}"', width, height) if width else "",
            lazy,
        )
    original = name.rpartition(".")[2]
    webp = ""
    if original != "webp":
        webp = format_html(
            '<source type="image/webp" srcset="{}" sizes="{}">',
            srcset(name, width, "webp", url),
            sizes,
        )
    return format_html(
        '<picture>{}<img class="cover" src="{}" srcset="{}" sizes="{}" alt="{}" '
        'width="{}" height="{}"{}></picture>',
        webp,
        image.url,
        srcset(name, width, original, url),
        sizes,
        alt,
        width,
        height,
        lazy,
    )
