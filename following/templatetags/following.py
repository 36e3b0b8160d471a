from django import template

from ..forms import FollowForm

register = template.Library()


@register.inclusion_tag("following/follow_form.html", takes_context=True)
def follow_form(context, show):
    """ "Follow this show" by e-mail: a form that works on cached pages (no
    token, no reader's data), with its own messages after it was sent."""
    request = context["request"]
    return {
        "show": show,
        "form": FollowForm(initial={"next": request.path}, auto_id="follow-%s"),
        "messages": [
            message
            for message in context.get("messages", ())
            if "follow" in message.extra_tags.split()
        ],
    }
