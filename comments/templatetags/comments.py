from django import template

from ..admin import pending_queue_url
from ..models import Comment
from ..views import section_context

register = template.Library()


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, review):
    """The comments under a published review, and the form; a refused comment
    form in the page's context (``comment_form``) is shown again with its text."""
    request = context["request"]
    return {
        **section_context(request, review, context.get("comment_form")),
        "request": request,
        # Not the ratings' (ratings.views), shown in their own section.
        "messages": [
            message
            for message in context.get("messages", ())
            if "rating" not in message.extra_tags.split()
        ],
    }


@register.simple_tag(takes_context=True)
def pending_comments(context):
    """For the admin index: (count, queue address) of the comments awaiting
    moderation that this staff user can see; None for users who cannot see
    comments."""
    user = context["request"].user
    if not user.has_perm("comments.view_comment"):
        return None
    return Comment.objects.for_staff(user).pending().count(), pending_queue_url()
