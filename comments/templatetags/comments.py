from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import escape
from django.utils.safestring import mark_safe

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


PENDING_NOTES = {
    False: "Your comment is awaiting moderation. Only you can see it until a "
    "moderator approves it.",
    True: "Awaiting moderation: readers cannot see it yet.",
}


@register.simple_tag(takes_context=True)
def comment_article(context, comment, can_reply):
    """One comment of the section's list, as its <article>: written here, not by
    an included template, since a page has up to COMMENTS_PER_PAGE of them and
    their templates were most of the page's time; with escape() and f-strings,
    not format_html(), which was half of this function's time. Its dates are
    the date filter's "Y-m-d\\TH:i:sO" and "j M Y, H:i", in the current time
    zone."""
    if comment.is_removed():
        return mark_safe(
            f'<article class="comment comment-removed" id="comment-{comment.pk}"><p '
            'class="comment-status">This comment was removed by a moderator.</p>'
            "</article>"
        )
    pending = comment.is_pending()
    name = escape(comment.name)
    if url := comment.website_url:
        author = f'<a href="{escape(url)}" rel="nofollow ugc noopener">{name}</a>'
    else:
        author = name
    created = timezone.localtime(comment.created)
    written = (
        f"{created.day} {MONTHS_3[created.month].title()} {created.year:04d}, "
        f"{created:%H:%M}"
    )
    status = reply = ""
    if pending:
        note = PENDING_NOTES[bool(context.get("comment_moderator"))]
        status = f'<p class="comment-status">{escape(note)}</p>\n  '
    elif can_reply:
        start = context.get("comments_start")
        page = f"comments_from={escape(start)}&amp;" if start else ""
        reply = (
            f'\n  <p class="comment-actions"><a href="?{page}reply_to={comment.pk}'
            f'#comment-form">Reply<span class="visually-hidden"> to {name}</span>'
            "</a></p>"
        )
    pending_class = " comment-pending" if pending else ""
    # text_html: rendered and sanitized when the comment was saved
    # (Comment.save()).
    return mark_safe(
        f'<article class="comment{pending_class}" id="comment-{comment.pk}">\n'
        '  <header class="comment-header">\n'
        f'    <p class="comment-author">{author}</p>\n'
        f'    <a class="comment-date" href="#comment-{comment.pk}"><time datetime="'
        f'{created:%Y-%m-%dT%H:%M:%S%z}">{written}</time></a>\n'
        "  </header>\n"
        f'  {status}<div class="comment-text" dir="auto">{comment.text_html}</div>'
        f"{reply}\n"
        "</article>"
    )


@register.simple_tag(takes_context=True)
def comment_threads(context, threads, can_reply):
    """The <li>s of the comment list, one per thread: its comment (or, for a
    thread begun on the previous page, a line naming whom its replies answer)
    and its replies, each a comment_article. Written here for the reason
    comment_article is: a template loop over a page of threads cost as much."""
    items = []
    for thread in threads:
        if thread.comment:
            first = comment_article(context, thread.comment, can_reply)
        else:
            first = (
                '<p class="comment-continued">Replies to '
                f"{escape(thread.replies[0].parent_name)}, continued from the "
                "previous page</p>"
            )
        replies = ""
        if thread.replies:
            answers = "".join(
                f"<li>{comment_article(context, reply, False)}</li>"
                for reply in thread.replies
            )
            replies = f'\n    <ol class="comment-replies">\n      {answers}\n    </ol>'
        items.append(f"<li>\n    {first}{replies}\n  </li>")
    return mark_safe("\n  ".join(items))
