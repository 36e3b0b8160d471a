from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html, format_html_join
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
    their templates were most of the page's time. Its dates are the date filter's
    "Y-m-d\\TH:i:sO" and "j M Y, H:i", in the current time zone."""
    if comment.is_removed():
        return format_html(
            '<article class="comment comment-removed" id="comment-{}"><p '
            'class="comment-status">This comment was removed by a moderator.</p>'
            "</article>",
            comment.pk,
        )
    pending = comment.is_pending()
    if url := comment.website_url:
        author = format_html(
            '<a href="{}" rel="nofollow ugc noopener">{}</a>', url, comment.name
        )
    else:
        author = comment.name
    created = timezone.localtime(comment.created)
    written = (
        f"{created.day} {MONTHS_3[created.month].title()} {created.year:04d}, "
        f"{created:%H:%M}"
    )
    status = reply = ""
    if pending:
        note = PENDING_NOTES[bool(context.get("comment_moderator"))]
        status = format_html('<p class="comment-status">{}</p>\n  ', note)
    elif can_reply:
        start = context.get("comments_start")
        reply = format_html(
            '\n  <p class="comment-actions"><a href="?{}reply_to={}#comment-form">'
            'Reply<span class="visually-hidden"> to {}</span></a></p>',
            format_html("comments_from={}&amp;", start) if start else "",
            comment.pk,
            comment.name,
        )
    return format_html(
        '<article class="comment{}" id="comment-{}">\n'
        '  <header class="comment-header">\n'
        '    <p class="comment-author">{}</p>\n'
        '    <a class="comment-date" href="#comment-{}"><time datetime="{}">{}'
        "</time></a>\n"
        "  </header>\n"
        '  {}<div class="comment-text" dir="auto">{}</div>{}\n'
        "</article>",
        " comment-pending" if pending else "",
        comment.pk,
        author,
        comment.pk,
        f"{created:%Y-%m-%dT%H:%M:%S%z}",
        written,
        status,
        # Rendered and sanitized when the comment was saved (Comment.save()).
        mark_safe(comment.text_html),
        reply,
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
            first = format_html(
                '<p class="comment-continued">Replies to {}, continued from the '
                "previous page</p>",
                thread.replies[0].parent.name,
            )
        replies = ""
        if thread.replies:
            replies = format_html(
                '\n    <ol class="comment-replies">\n      {}\n    </ol>',
                format_html_join(
                    "",
                    "<li>{}</li>",
                    (
                        (comment_article(context, reply, False),)
                        for reply in thread.replies
                    ),
                ),
            )
        items.append(format_html("<li>\n    {}{}\n  </li>", first, replies))
    return mark_safe("\n  ".join(items))
