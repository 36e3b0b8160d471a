from django import template

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
