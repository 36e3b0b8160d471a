"""Following a show: the form (a POST on cached pages, so without a CSRF token,
like comments and ratings; a cross-site form is refused by its Origin header),
and the pages the e-mails link to, where the signed link is the reader's only
key (so their forms need no CSRF token either: another site cannot know it).
None of them says whether an address already follows a show."""

from django.contrib import messages
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from reviews.clients import client_ip
from reviews.models import Show

from . import rules
from .forms import FollowForm
from .mail import request_follow
from .models import Follow, Follower

# The follow form's messages are shown beside it, not in the comments'.
MESSAGE_TAG = "follow"


@csrf_exempt
@require_POST
def follow(request, show_slug):
    show = get_object_or_404(Show, slug=show_slug)
    if not same_origin(request):
        return HttpResponseForbidden("Follow a show from this site's pages.")
    form = FollowForm(request.POST)
    back = f"{back_to(request, form.data.get('next'), show)}#follow"
    if not form.is_valid():
        messages.error(
            request,
            "Not followed: give the e-mail address to send new reviews to.",
            extra_tags=MESSAGE_TAG,
        )
        return redirect(back)
    allowed = rules.may_follow(client_ip(request))
    if not allowed:
        messages.error(
            request,
            "Not followed: too many requests from your network in the last hour. "
            "Try again later."
            if allowed is False
            else "Your request could not be taken just now. Try again in a minute.",
            extra_tags=MESSAGE_TAG,
        )
        return redirect(back)
    site_url = request.build_absolute_uri("/").rstrip("/")
    email = form.cleaned_data["email"]
    request_follow.enqueue(email, show.pk, site_url)
    messages.success(
        request,
        f"Almost done: open the e-mail we are sending to {email} and follow its "
        f"link to confirm. Until then, nothing else is sent.",
        extra_tags=MESSAGE_TAG,
    )
    return redirect(back)


def same_origin(request):
    """No Origin header (an old browser, no JavaScript form) or this site's."""
    origin = request.headers.get("Origin")
    return origin is None or origin == request.build_absolute_uri("/").rstrip("/")


def back_to(request, url, show):
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url.split("#")[0]
    return show.get_absolute_url()


def invalid_link(request):
    return render(request, "following/invalid_link.html", status=400)


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The confirmation e-mail's link: a button, not the link itself, confirms,
    so a mail scanner following every link confirms nothing."""
    pk = rules.follow_of_confirm_token(token)
    follow = pk and Follow.objects.select_related("show", "follower").filter(pk=pk)
    follow = follow and follow.first()
    if not follow:
        return invalid_link(request)
    if request.method == "POST" and not follow.confirmed:
        follow.confirmed = timezone.now()
        follow.save(update_fields=["confirmed"])
    return render(
        request,
        "following/confirm.html",
        {"follow": follow, "manage_token": rules.manage_token(follow.follower_id)},
    )


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def manage(request, token):
    """The shows an address follows: stop one, stop all, or forget the address."""
    pk = rules.follower_of_manage_token(token)
    follower = pk and Follower.objects.filter(pk=pk).first()
    if not follower:
        return invalid_link(request)
    done = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "delete":
            follower.delete()
            return render(request, "following/manage.html", {"deleted": True})
        if action == "stop-all":
            follower.follows.all().delete()
            done = "You no longer follow any show."
        elif action == "stop":
            stopped = follower.follows.filter(show=request.POST.get("show") or None)
            if title := stopped.values_list("show__title", flat=True).first():
                stopped.delete()
                done = f"You no longer follow {title}."
    follows = follower.follows.select_related("show")
    return render(
        request,
        "following/manage.html",
        {"follower": follower, "follows": follows, "done": done, "token": token},
    )


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Every e-mail's List-Unsubscribe address: a POST (a mail client's one
    click, RFC 8058, or the button of the page a GET shows) stops the show."""
    ids = rules.follow_of_unsubscribe_token(token)
    if ids is None:
        return invalid_link(request)
    follower_id, show_id = ids
    show = Show.objects.filter(pk=show_id).first()
    stopped = False
    if request.method == "POST":
        Follow.objects.filter(follower=follower_id, show=show_id).delete()
        stopped = True
    return render(
        request,
        "following/unsubscribe.html",
        {
            "show": show,
            "stopped": stopped,
            "manage_token": rules.manage_token(follower_id),
        },
    )
