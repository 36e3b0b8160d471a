from django import template
from django.utils.html import format_html_join

from reviews import seo
from reviews.forms import rendered_once
from reviews.pagecache import PageCacheMiddleware, remember
from reviews.templatetags.reviews import json_ld

from ..forms import RatingForm
from ..models import CommunityScore, Rating
from ..rules import rater_of

register = template.Library()


def community_of(episode):
    """The episode's community score (a count of 0 before its first rating):
    kept with the page's fragments until the episode's tag is bumped (a rating
    does), and read once per episode object however many tags show it."""
    if not hasattr(episode, "_community"):
        episode._community = remember(
            f"community-score:{episode.pk}",
            lambda: (
                CommunityScore.objects.filter(episode=episode).first()
                or CommunityScore(episode_id=episode.pk)
            ),
            tags=[f"episode:{episode.pk}"],
        )
    return episode._community


@register.inclusion_tag("ratings/readers_score.html")
def readers_score(episode):
    """ "Readers: 7.4 from 132 ratings", beside a writer's score."""
    return {"community": community_of(episode), "episode": episode}


@register.inclusion_tag("ratings/episode_rating.html", takes_context=True)
def episode_rating(context, episode):
    """The community score of ``episode``, its distribution and the form to
    rate it. The reader's own score is shown only on a page rendered for them
    (after they rate: see reviews.pagecache), never on one the cache keeps."""
    request = context["request"]
    own = None
    rater = rater_of(request)
    if rater and PageCacheMiddleware.is_personal(request):
        own = Rating.objects.filter(episode=episode, rater=rater).first()
    form = RatingForm(initial={"score": own and own.score, "next": request.path})
    return {
        "episode": episode,
        "community": community_of(episode),
        "form": form,
        "own": own,
        # The thanks after rating; the review page shows it here, above its
        # comments, which would show it otherwise.
        "messages": [
            message
            for message in context.get("messages", ())
            if "rating" in message.extra_tags.split()
        ],
    }


def scale_html(field):
    return format_html_join(
        "",
        '<label class="rating-choice">{}<span>{}</span></label>',
        ((radio.tag(), radio.choice_label) for radio in field),
    )


@register.simple_tag
def rating_scale(field):
    """The rating form's score as its radio buttons, each in its label: the same
    for every page (but the reader's own score, checked), so rendered once
    (reviews.forms.rendered_once)."""
    return rendered_once(field, scale_html)


@register.simple_tag(takes_context=True)
def episode_json_ld(context, episode):
    """The episode as a schema.org TVEpisode, with the readers' score as its
    AggregateRating (ours are Reviews; this is the readers')."""
    request = context["request"]
    item = seo.tv_episode(request, episode, episode.show, whole_series=False)
    data = {"@context": seo.CONTEXT, **item}
    community = community_of(episode)
    if community and community.count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": round(community.mean, 2),
            "ratingCount": community.count,
            "bestRating": 10,
            "worstRating": 1,
        }
    return json_ld(data)
