import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.forms import BoundField
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from .. import pagecache, seo
from ..forms import rendered_once
from ..images import has_renditions, srcset
from ..models import Review, web_address
from ..scores import band_legend, format_score, score_band

register = template.Library()
register.tag("fragment", pagecache.fragment)


register.filter("score", format_score)
register.filter("score_band", score_band)
register.simple_tag(band_legend, name="score_band_legend")


@register.filter
def percent_of_ten(value):
    """A score as a percentage of 10, for bars drawn with SVG widths."""
    if value is None:
        return 0
    return round(float(value) * 10)


@register.simple_tag(takes_context=True)
def submitted_reviews(context):
    """For editors: the reviews writers have submitted, oldest first."""
    if not context["request"].user.has_perm("reviews.change_any_review"):
        return None
    return Review.objects.submitted().select_related("author").order_by("updated")


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


# What search engines and link previews read (reviews.seo).

JSON_LD_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def web_link(url):
    """The address if it is http(s), else "" (nothing else becomes a link)."""
    return web_address(url or "")


@register.simple_tag
def field_group(field):
    """``{{ field.as_field_group }}``; an empty form's field is rendered once
    (reviews.forms.rendered_once)."""
    return rendered_once(field, BoundField.as_field_group)


@register.filter
def json_ld(data):
    """A schema.org JSON-LD block; escaped like json_script, so no text can
    close the script element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_LD_ESCAPES)),
    )


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's address without its query string (filters, sorting), but
    with its page number past the first page."""
    request = context["request"]
    url = request.build_absolute_uri(request.path)
    page = context.get("page_obj")
    if page is not None and page.number > 1:
        url += f"?page={page.number}"
    return url


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    return context["request"].build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def absolute_image_url(context, image=None):
    return seo.image_url(context["request"], image)


@register.simple_tag(takes_context=True)
def review_json_ld(context, review):
    return json_ld(seo.review(context["request"], review))


@register.simple_tag(takes_context=True)
def show_json_ld(context, show):
    return json_ld(seo.tv_series(context["request"], show))


@register.simple_tag(takes_context=True)
def item_list_json_ld(context, name, things):
    return json_ld(seo.item_list(context["request"], name, list(things)))


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, *parents, current):
    """The breadcrumb trail: ``parents`` are name, url pairs, shown as links;
    ``current`` is this page's name, in the JSON-LD BreadcrumbList only."""
    request = context["request"]
    pairs = list(zip(parents[::2], parents[1::2], strict=True))
    data = seo.breadcrumbs(request, [*pairs, (current, request.path)])
    return {"parents": pairs, "data": data}


@register.simple_tag
def fact_strip(show, episode=None):
    """The facts a review would otherwise retype, from the show's own data:
    studio, staff, source, premiere, the episode's air date, songs. Written
    here, not included, as the review page's other per-row parts are."""
    facts = []
    if studios := show.studio_list:
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((studio.get_absolute_url(), studio.name) for studio in studios),
        )
        facts.append(format_html("<div><dt>Studio</dt><dd>{}</dd></div>", links))
    for role, names in show.key_credits():
        facts.append(
            format_html(
                "<div><dt>{}</dt><dd>{}</dd></div>",
                role,
                format_html_join(", ", "{}", ((name,) for name in names)),
            )
        )
    facts.append(
        format_html("<div><dt>Source</dt><dd>{}</dd></div>", show.get_source_display())
    )
    if show.premiere_date:
        facts.append(
            format_html(
                "<div><dt>Premiere</dt><dd>{}</dd></div>", day(show.premiere_date)
            )
        )
    if episode and episode.air_date:
        facts.append(
            format_html(
                "<div><dt>Episode {} aired</dt><dd>{}</dd></div>",
                episode.number,
                day(episode.air_date),
            )
        )
    for song in show.song_list:
        facts.append(
            format_html(
                "<div><dt>{}</dt><dd>“{}” by {}</dd></div>",
                song.get_kind_display(),
                song.title,
                song.artist,
            )
        )
    return format_html(
        '<dl class="fact-strip" aria-label="About {}">\n  {}\n</dl>',
        show.title,
        mark_safe("\n  ".join(facts)),
    )


def short_date(value):
    """A date (or time) as the date filter's "j M Y" writes it."""
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year:04d}"


def day(value):
    """A date as <time>, shown as "j M Y" (numbers and a month name only:
    nothing to escape)."""
    return mark_safe(f'<time datetime="{value.isoformat()}">{short_date(value)}</time>')


# A review's card (includes/review_card.html), written here: the home page has
# about twenty, a list twelve, and their templates were most of those pages.

CARD_COVER_SIZES = {
    "featured": "(min-width: 60rem) 44rem, 100vw",
    "compact": "9rem",
    "": "(min-width: 48rem) 22rem, 100vw",
}


@register.simple_tag(takes_context=True)
def review_card(context, review):
    """The card of ``review``; what the includer says: ``featured`` (the home
    page's lead) or ``compact`` (a row in a list), ``heading`` (its element,
    h3 unless told), ``show_named`` (the page names the show, so the card does
    not). With f-strings and conditional_escape(), not format_html(), which
    was half of its time."""
    featured, compact = context.get("featured"), context.get("compact")
    variant = "featured" if featured else "compact" if compact else ""
    url = conditional_escape(review.get_absolute_url())
    if image := review.shown_cover:
        sizes = CARD_COVER_SIZES[variant]
        cover = picture(image, "", sizes, bool(featured))
    else:
        cover = (
            '<div class="cover cover-placeholder" aria-hidden="true">'
            "<span></span></div>"
        )
    heading = conditional_escape(context.get("heading") or "h3")
    show = ""
    if not context.get("show_named") and not review.headline_names_show:
        title = conditional_escape(review.show.title) if review.show else ""
        show = (
            f'<span class="card-show">{title}</span>'
            '<span class="visually-hidden">, </span> '
        )
    if review.kind == "episode" and review.episode:
        kind = conditional_escape(review.episode.label)
    else:
        kind = conditional_escape(review.kind_label)
    summary = ""
    if review.summary and not compact:
        summary = f'<p class="card-summary">{conditional_escape(review.summary)}</p>'
    meta = [score_badge(review.score)]
    if review.verdict:
        meta.append(
            f'<span class="verdict verdict-{conditional_escape(review.verdict)}">'
            f"{conditional_escape(review.get_verdict_display())}</span>"
        )
    # Not every list counts comments (a card without the count has no link).
    if count := getattr(review, "comment_count", 0):
        plural = "" if count == 1 else "s"
        meta.append(
            f'<a class="card-comments" href="{url}#comments">{count} comment{plural}'
            "</a>"
        )
    if not compact:
        published = timezone.localtime(review.published_at)
        author = conditional_escape(review.author.name)
        meta.append(
            f'<span class="byline"><span>{author}</span> · '
            f'<time datetime="{published:%Y-%m-%dT%H:%M:%S%z}">'
            f"{short_date(published)}</time></span>"
        )
    spoilers = ""
    if limit := review.spoiler_limit:
        spoilers = f'\n    <p class="card-spoilers">{conditional_escape(limit)}</p>'
    variant_class = f" review-card-{variant}" if variant else ""
    facts = "\n      ".join(part for part in meta if part)
    headline = conditional_escape(review.headline)
    return mark_safe(
        f'<article class="card review-card{variant_class}">\n'
        f'  <a class="card-cover" href="{url}" tabindex="-1" aria-hidden="true">'
        f"{cover}</a>\n"
        '  <div class="card-body">\n'
        f'    <{heading} class="card-title"><span class="card-kicker">{show}<span '
        f'class="card-kind">{kind}</span></span><span class="visually-hidden">: '
        f'</span> <a href="{url}">{headline}</a></{heading}>\n'
        f"    {summary}\n"
        f'    <p class="card-meta">{facts}</p>{spoilers}\n'
        "  </div>\n"
        "</article>"
    )


def score_badge(score, large=False):
    """includes/score_badge.html, for the cards."""
    if score is None:
        return ""
    size = " score-badge-large" if large else ""
    band = conditional_escape(score_band(score))
    return mark_safe(
        f'<span class="score-badge score-{band}{size}">'
        f'<span class="score-value">{conditional_escape(format_score(score))}</span>'
        '<span class="score-max">/10</span></span>'
    )


# A show's episodes table (reviews/show_detail.html), written here: a show has
# a row per episode, and their template was most of the show page's time.


@register.simple_tag
def episode_row(episode):
    """One row of a show's episodes table: ``episode`` with its scores
    (``with_scores()``) and its readers' score (``community_score`` selected).
    Its title links to its page when it has reviews; its air date is the date
    filter's "Y-m-d" and "j M Y".

    Its one text, the title, and its link are escaped; the rest are numbers
    and dates, written with f-strings: format_html() on every cell was most of
    a row's time."""
    number = episode.number
    if episode.review_count:
        url = conditional_escape(episode.get_absolute_url())
        title = conditional_escape(episode.title or f"Episode {number}")
        title = f'<a href="{url}">{title}</a>'
    else:
        title = conditional_escape(episode.title) if episode.title else "—"
    aired = day(episode.air_date) if episode.air_date else "—"
    readers = "—"
    community = getattr(episode, "community_score", None)
    if community and community.count:
        readers = (
            f'{format_score(community.mean)} <span class="readers-count">('
            f'{community.count}<span class="visually-hidden"> ratings</span>)</span>'
        )
    return mark_safe(
        "<tr>\n"
        f"          <td>{number}</td>\n"
        f"          <td>{title}</td>\n"
        f"          <td>{aired}</td>\n"
        f'          <td class="episodes-reviews">{episode.review_count}</td>\n'
        f"          <td>{score_badge(episode.mean_score) or '—'}</td>\n"
        f"          <td>{readers}</td>\n"
        "        </tr>"
    )


# The show page's episode chart (includes/episode_chart.html), written here: it
# has a few elements per reviewed episode (and a dot per review where several
# reviewed one), and their template was the page's largest part after the
# episodes table. Its numbers are reviews.charts'.


@register.simple_tag
def episode_chart_svg(chart):
    """The plot of an EpisodeScoreChart: gridlines, episode numbers, our line
    and points, the readers' line and points, each review's dot. No viewBox:
    lengths are CSS pixels, positions percentages of the plot.

    Every value in it is a number (episode numbers, positions and counts, and
    scores through format_score()), so nothing in it is escaped: it is written
    with f-strings, five times faster than format_html() on the few hundred
    elements of a long show's chart."""
    parts = [
        '<svg class="chart-svg" role="img" '
        'aria-labelledby="page:episode-chart-caption" focusable="false">\n'
        '    <g class="chart-grid">\n      '
    ]
    for line in chart.gridlines():
        y = line["y"]
        parts.append(
            f'<line x1="0" x2="100%" y1="{y}%" y2="{y}%"/><text '
            f'class="chart-axis-label" x="0" y="{y}%" dx="-8" dy="0.35em" '
            f'text-anchor="end">{line["label"]}</text>'
        )
    parts.append('\n    </g>\n    <g class="chart-x-labels">\n      ')
    for label in chart.labels():
        minor = " chart-label-minor" if label["minor"] else ""
        parts.append(
            f'<text class="chart-axis-label{minor}" x="{label["x"]}%" y="100%" '
            f'dy="22" text-anchor="middle">{label["number"]}</text>'
        )
    parts.append("\n    </g>\n    ")
    for css_class, segments in (
        ("chart-line", chart.segments()),
        ("chart-readers-line", chart.readers_segments()),
    ):
        for line in segments:
            parts.append(
                f'<line class="{css_class}" x1="{line["x1"]}%" y1="{line["y1"]}%" '
                f'x2="{line["x2"]}%" y2="{line["y2"]}%"/>'
            )
        parts.append("\n    ")
    # Squares, not dots: the series differ in shape and line, not colour alone;
    # hollow and under our dots, so both show where they meet.
    for point in chart.readers:
        number, mean, count = point.number, format_score(point.mean), point.count
        parts.append(
            f'<rect class="chart-readers-point" x="{point.x}%" y="{point.y}%" '
            'width="9" height="9" transform="translate(-4.5 -4.5)" '
            f'data-episode="{number}" data-score="{mean}"><title>Episode '
            f"{number}: readers {mean}/10 from {count} rating{plural(count)}"
            "</title></rect>"
        )
    parts.append("\n    ")
    for point in chart.points:
        number, mean = point.number, format_score(point.mean)
        several = ""
        if len(point.scores) > 1:
            several = f", the mean of {len(point.scores)} reviews"
        parts.append(
            f'<circle class="chart-point score-{score_band(point.mean)}" '
            f'cx="{point.x}%" cy="{point.y}%" r="6" data-episode="{number}" '
            f'data-score="{mean}"><title>Episode {number}: {mean}/10{several}'
            "</title></circle>"
        )
    # Beside the mean's dot, not under it (where one showed as a sliver at its
    # edge).
    parts.append('\n    <g transform="translate(11 0)">')
    for dot in chart.reviews():
        number, score = dot["number"], format_score(dot["score"])
        parts.append(
            f'<circle class="chart-review" cx="{dot["x"]}%" cy="{dot["y"]}%" r="3" '
            f'data-episode="{number}" data-score="{score}"><title>Episode '
            f"{number}: one review gave {score}/10</title></circle>"
        )
    parts.append("</g>\n  </svg>")
    return mark_safe("".join(parts))


@register.simple_tag
def episode_chart_rows(chart):
    """The rows of the chart's table: each episode's score, each review's, and
    the readers' when the chart has any. Numbers only, as in the plot."""
    rows = []
    for point, readers in chart.rows():
        each = ", ".join(format_score(score) for score in point.scores)
        row = (
            f'<tr><th scope="row">{point.number}</th><td class="num">'
            f"{format_score(point.mean)}/10</td><td>{each}</td>"
        )
        if chart.readers and readers:
            row += (
                f'<td class="num">{format_score(readers.mean)}/10 <span '
                f'class="readers-count">({readers.count}<span class="visually-hidden">'
                f" rating{plural(readers.count)}</span>)</span></td>"
            )
        elif chart.readers:
            row += '<td class="num">—</td>'
        rows.append(f"{row}</tr>")
    return mark_safe("".join(rows))


def plural(count):
    """The pluralize filter's "s"."""
    return "" if count == 1 else "s"
