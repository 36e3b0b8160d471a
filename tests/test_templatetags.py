"""The review page's tags that write HTML in Python ({% fact_strip %})."""

import re
from datetime import date

import pytest
from django.template import Context, Template

from reviews.models import Credit, Studio, ThemeSong
from tests.factories import make_episode, make_show

pytestmark = pytest.mark.django_db

# The template {% fact_strip %} replaced, the reference for what it writes.
FACT_STRIP_TEMPLATE = """
<dl class="fact-strip" aria-label="About {{ show.title }}">
  {% if show.studio_list %}<div><dt>Studio</dt><dd>{% for studio in show.studio_list %}<a href="{{ studio.get_absolute_url }}">{{ studio.name }}</a>{% if not forloop.last %}, {% endif %}{% endfor %}</dd></div>{% endif %}
  {% for role, names in show.key_credits %}<div><dt>{{ role }}</dt><dd>{{ names|join:", " }}</dd></div>{% endfor %}
  <div><dt>Source</dt><dd>{{ show.get_source_display }}</dd></div>
  {% if show.premiere_date %}<div><dt>Premiere</dt><dd><time datetime="{{ show.premiere_date|date:'Y-m-d' }}">{{ show.premiere_date|date:"j M Y" }}</time></dd></div>{% endif %}
  {% if episode.air_date %}<div><dt>Episode {{ episode.number }} aired</dt><dd><time datetime="{{ episode.air_date|date:'Y-m-d' }}">{{ episode.air_date|date:"j M Y" }}</time></dd></div>{% endif %}
  {% for song in show.song_list %}<div><dt>{{ song.get_kind_display }}</dt><dd>“{{ song.title }}” by {{ song.artist }}</dd></div>{% endfor %}
</dl>
"""  # noqa: E501


def fact_strip(show, episode):
    return Template("{% load reviews %}{% fact_strip show episode %}").render(
        Context({"show": show, "episode": episode})
    )


def by_template(show, episode):
    return Template(FACT_STRIP_TEMPLATE).render(
        Context({"show": show, "episode": episode})
    )


def markup(html):
    """The HTML without the whitespace between elements."""
    return re.sub(r">\s+<", "><", html.strip())


def full_show(title="Frieren"):
    show = make_show(title=title, premiere_date=date(2023, 9, 29))
    for name in ("Madhouse", "Studio <Two>"):
        show.studios.add(Studio.objects.create(name=name, slug=name.lower()[:6]))
    Credit.objects.create(show=show, role=Credit.Role.DIRECTOR, name="Keiichirō Saitō")
    Credit.objects.create(show=show, role=Credit.Role.SCRIPT, name="Tomohiro & Co")
    Credit.objects.create(show=show, role=Credit.Role.SCRIPT, name="Suzuki")
    Credit.objects.create(show=show, role=Credit.Role.OTHER, name="Not a key role")
    ThemeSong.objects.create(
        show=show, kind=ThemeSong.Kind.choices[0][0], title="Yūsha", artist="YOASOBI"
    )
    return show


def test_fact_strip_writes_what_its_template_did():
    show = full_show()
    episode = make_episode(show, number=3, air_date=date(2023, 10, 6))
    assert markup(fact_strip(show, episode)) == markup(by_template(show, episode))


def test_fact_strip_of_a_show_with_few_facts_writes_what_its_template_did():
    show = make_show(title="Bare")
    assert markup(fact_strip(show, None)) == markup(by_template(show, None))
    assert "<dt>Studio</dt>" not in fact_strip(show, None)


def test_fact_strip_escapes_its_text():
    show = full_show(title='<script>"Frieren"</script>')
    html = fact_strip(show, None)
    assert "<script>" not in html
    assert 'aria-label="About &lt;script&gt;&quot;Frieren&quot;&lt;/script&gt;"' in html
    assert "Studio &lt;Two&gt;" in html
    assert "<dd>Tomohiro &amp; Co, Suzuki</dd>" in html
    assert "Not a key role" not in html
