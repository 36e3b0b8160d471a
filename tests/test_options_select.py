"""The review list's menus (reviews.forms.OptionsSelect) write the same HTML as
Django's Select, which renders a template per option."""

from django import forms
from django.utils.safestring import mark_safe

from reviews.forms import OptionsSelect

CHOICES = [
    ("", "All shows"),
    ("a-b", "Tom & Jerry <3"),
    ('quote"d', mark_safe("<em>Safe</em>")),
    (3, "Three"),
]


def test_a_menu_is_written_as_djangos_select_writes_it():
    for value in (None, "a-b", "3", 'quote"d'):
        ours = OptionsSelect(choices=CHOICES).render("show", value, {"id": "id_show"})
        django = forms.Select(choices=CHOICES).render("show", value, {"id": "id_show"})
        assert ours == django


def test_a_label_is_escaped_and_a_safe_one_kept():
    html = OptionsSelect(choices=CHOICES).render("show", None)
    assert "Tom &amp; Jerry &lt;3" in html
    assert "<em>Safe</em>" in html
    assert 'value="quote&quot;d"' in html
