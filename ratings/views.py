"""A reader rates an episode: a POST form on cached pages, so without a CSRF
token (like comments); a cross-site form is refused by its Origin header, and
the rater's cookie is SameSite=Lax, so another site cannot change a rating."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from reviews.clients import client_ip
from reviews.models import Episode

from . import rules
from .forms import RatingForm
from .models import rate

# The ratings' messages are shown in the rating's section, not the comments'.
MESSAGE_TAG = "rating"


@csrf_exempt
@require_POST
def rate_episode(request, show_slug, number):
    episode = get_object_or_404(
        Episode.objects.select_related("show"), show__slug=show_slug, number=number
    )
    if not same_origin(request):
        return HttpResponseForbidden("Ratings are sent from this site's pages.")
    form = RatingForm(request.POST)
    back = back_to(request, form.data.get("next"), episode)
    if not form.is_valid():
        messages.error(
            request,
            "Your rating was not recorded: choose a score from 1 to 10, then send it.",
            extra_tags=MESSAGE_TAG,
        )
        return redirect(f"{back}#rating")
    allowed = rules.may_rate(client_ip(request))
    if not allowed:
        messages.error(
            request,
            "Your rating was not recorded: too many ratings were sent from your "
            "network in the last hour. Try again later."
            if allowed is False
            else "Your rating could not be recorded just now. Try again in a minute.",
            extra_tags=MESSAGE_TAG,
        )
        return redirect(f"{back}#rating")
    rater = rules.rater_of(request) or rules.new_rater()
    score = form.cleaned_data["score"]
    rate(
        episode,
        rater,
        score,
        rules.network_of(client_ip(request)),
        settings.RATINGS_PER_NETWORK,
    )
    messages.success(
        request,
        f"Thank you: you rated {episode.show.title} episode {number} {score}/10.",
        extra_tags=MESSAGE_TAG,
    )
    response = redirect(f"{back}#rating")
    rules.remember_rater(request, response, rater)
    return response


def same_origin(request):
    """No Origin header (an old browser, no JavaScript form) or this site's."""
    origin = request.headers.get("Origin")
    return origin is None or origin == request.build_absolute_uri("/").rstrip("/")


def back_to(request, url, episode):
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url.split("#")[0]
    return episode.get_absolute_url()
