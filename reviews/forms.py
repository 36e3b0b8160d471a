import html
import json
import re
from datetime import timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminDateWidget, AdminFileWidget
from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from . import history
from .images import (
    STORAGE_ERROR,
    delete_files,
    reencode_image,
    store_image,
    with_renditions,
)
from .models import SCORE_CHOICES, AnimeSeason, Author, Episode, Genre, Review, Show
from .pagecache import remember

# C0/C1 controls other than tab and line breaks, and the bidirectional overrides
# and isolates that make text display in another order than it is written.
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)


class KeptImageInput(AdminFileWidget):
    """An image input that also carries an image stored on an earlier try of a
    refused form (a signed token in ``<name>_kept``), named beside it, so the
    writer need not choose the file again."""

    template_name = "admin/reviews/kept_image_input.html"
    kept = None  # (token, the file's name as the writer chose it)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.kept:
            token, original = self.kept
            context["widget"]["kept"] = {
                "field": f"{name}{KEPT_SUFFIX}",
                "token": token,
                "name": original,
            }
        return context


KEPT_SUFFIX = "_kept"
KEPT_SALT = "reviews.kept-image"
KEPT_FOR = 24 * 3600  # seconds


class ReencodedImagesForm(forms.ModelForm):
    """A ModelForm that stores a clean, re-encoded copy of every uploaded image,
    with its renditions, while validating: a full disk is then a form error that
    keeps the writer's text. An image stored for a form that is refused after
    all is kept for its next try: the admin calls keep_images_for_next_try(),
    and the form shown again carries it (KeptImageInput)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = {}  # field name -> (stored name, the writer's file name)
        for field in self.fields.values():
            if isinstance(field, forms.ImageField):
                field.widget = KeptImageInput(attrs=field.widget.attrs)

    def clean(self):
        cleaned_data = super().clean()
        for name, field in self.fields.items():
            if not isinstance(field, forms.ImageField):
                continue
            value, earlier = cleaned_data.get(name), self.kept_from_earlier_try(name)
            if isinstance(value, UploadedFile):
                if earlier:  # A new choice replaces the kept image.
                    delete_files(with_renditions(earlier[0]))
                if stored := self.store(name, value):
                    cleaned_data[name] = stored
                    self.kept[name] = (stored, value.name)
            elif earlier and value is not False:  # False: "clear" was ticked.
                cleaned_data[name] = earlier[0]
                self.kept[name] = earlier
        return cleaned_data

    def store(self, name, upload):
        """The upload re-encoded and stored with its renditions: its stored
        name, or None with an error on the field."""
        try:
            image = reencode_image(upload)
        except forms.ValidationError as error:
            self.add_error(name, error)
            return None
        field = self._meta.model._meta.get_field(name)
        try:
            stored = store_image(
                field.generate_filename(self.instance, image.name), image
            )
        except OSError:
            self.add_error(name, STORAGE_ERROR)
            return None
        return stored[0]

    def kept_from_earlier_try(self, name):
        """(stored name, file name) of the image this form kept for ``name``
        on an earlier try, if its token is genuine, recent and the file is
        still there."""
        token = self.data.get(self.add_prefix(name) + KEPT_SUFFIX, "")
        try:
            kept = signing.loads(token, salt=KEPT_SALT, max_age=KEPT_FOR)
        except signing.BadSignature:
            return None
        if kept.get("field") != name or not default_storage.exists(kept["stored"]):
            return None
        return kept["stored"], kept["name"]

    def keep_images_for_next_try(self):
        """The form is shown again: its inputs carry the images stored for it."""
        for name, (stored, original) in self.kept.items():
            token = signing.dumps(
                {"field": name, "stored": stored, "name": original}, salt=KEPT_SALT
            )
            self.fields[name].widget.kept = (token, original)


EPISODE_RANGE = re.compile(r"^(\d+)(?:\s*[-–]\s*(\d+))?$")
MOST_EPISODES_AT_ONCE = 500


class ShowAdminForm(ReencodedImagesForm):
    """A show, and episodes added many at a time: numbers (1-12, 14), their
    titles one a line, and the air date of the first of them (then weekly)."""

    new_episodes = forms.CharField(
        label="Add episodes",
        required=False,
        help_text="Numbers, e.g. 1-12 or 13, 14. Episodes the show has already "
        "are left as they are.",
    )
    new_episode_titles = forms.CharField(
        label="Their titles",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional: one title a line, in the order of the numbers.",
    )
    first_air_date = forms.DateField(
        label="The first of them aired",
        required=False,
        widget=AdminDateWidget,
        help_text="Optional: the others are dated a week apart.",
    )

    def clean_new_episodes(self):
        numbers = set()
        for part in filter(
            None, (p.strip() for p in self.cleaned_data["new_episodes"].split(","))
        ):
            match = EPISODE_RANGE.match(part)
            if not match:
                raise forms.ValidationError(
                    f"“{part}” is not an episode number or a range such as 1-12."
                )
            first, last = int(match[1]), int(match[2] or match[1])
            if last < first or last - first >= MOST_EPISODES_AT_ONCE:
                raise forms.ValidationError(
                    f"“{part}”: give a range from the lower number to the higher, "
                    f"at most {MOST_EPISODES_AT_ONCE} episodes."
                )
            numbers.update(range(first, last + 1))
        if len(numbers) > MOST_EPISODES_AT_ONCE or any(n > 32767 for n in numbers):
            raise forms.ValidationError(
                f"Add at most {MOST_EPISODES_AT_ONCE} episodes at a time."
            )
        return sorted(numbers)

    def clean_new_episode_titles(self):
        """A title a line; an empty line is an episode without one."""
        lines = [
            line.strip()
            for line in self.cleaned_data["new_episode_titles"].splitlines()
        ]
        while lines and not lines[-1]:
            lines.pop()
        return lines

    def clean(self):
        cleaned_data = super().clean()
        numbers = cleaned_data.get("new_episodes") or []
        titles = cleaned_data.get("new_episode_titles") or []
        if len(titles) > len(numbers):
            self.add_error(
                "new_episode_titles",
                f"{len(titles)} titles for {len(numbers)} new episodes: give the "
                "numbers of all of them above.",
            )
        return cleaned_data

    def episodes_to_add(self, show):
        """The episodes to create (unsaved), those the show lacks."""
        numbers = self.cleaned_data.get("new_episodes") or []
        titles = self.cleaned_data.get("new_episode_titles") or []
        first = self.cleaned_data.get("first_air_date")
        existing = set(show.episodes.values_list("number", flat=True))
        return [
            Episode(
                show=show,
                number=number,
                title=titles[index][:200] if index < len(titles) else "",
                air_date=first and first + timedelta(weeks=index),
            )
            for index, number in enumerate(numbers)
            if number not in existing
        ]


PUBLISH_BUTTON = "_publish"


class ReviewAdminForm(ReencodedImagesForm):
    """The admin's review form: only the statuses the user may set, and a refusal
    when someone else saved the review since the form was opened.

    ``user`` is set by ReviewAdmin.get_form().
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        review = self.instance
        if (
            self.is_bound
            and PUBLISH_BUTTON in self.data
            and review.can_be_published_by(self.user)
        ):
            # The publish panel's one-click Publish: the form as it is, published.
            self.data = self.data.copy()
            self.data["status"] = Review.Status.PUBLISHED
        for name in ("title", "summary", "intro", "recap", "body", "cover_alt"):
            if name in self.fields:
                self.fields[name].validators.append(refuse_control_characters)
        self.fields["seen_version"].initial = review.version
        if "body" in self.fields and not review.pk:
            # static/js/review-form.js offers the kind's outline to start from.
            self.fields["body"].widget.attrs["data-outlines"] = json.dumps(
                Review.OUTLINES
            )
        if "verdict" in self.fields:
            # static/js/review-form.js offers only the chosen kind's verdicts.
            self.fields["verdict"].widget.attrs["data-verdicts"] = json.dumps(
                {kind: Review.verdicts_for(kind) for kind in Review.Kind.values}
            )
        if "status" in self.fields:
            self.fields["status"].choices = [
                (status.value, status.label)
                for status in review.statuses_for(self.user)
            ]
        if "published_at" in self.fields:
            field = self.fields["published_at"]
            zone = timezone.get_current_timezone_name()
            field.help_text = (
                f"In the site's time zone, {zone}. Leave empty to publish now; a "
                "future time schedules the review."
            )
            if not review.can_be_published_by(self.user):
                field.disabled = True
                field.help_text = "An editor sets the publication time."

    def clean_published_at(self):
        """The form shows a time to the second: a time it was given back
        unchanged keeps its fraction of a second, so saving changes nothing."""
        value, stored = self.cleaned_data["published_at"], self.instance.published_at
        if value and stored and value == stored.replace(microsecond=0):
            return stored
        return value

    def clean(self):
        cleaned_data = super().clean()
        episode = cleaned_data.get("episode")
        if episode and not cleaned_data.get("show"):
            cleaned_data["show"] = episode.show  # picked the episode first
        review, seen = self.instance, cleaned_data.get("seen_version")
        if review.pk and seen is not None:
            current = Review.objects.filter(pk=review.pk)
            if transaction.get_connection().in_atomic_block:
                # Two saves at once: the second waits here, then sees the first.
                current = current.select_for_update()
            version = current.values_list("version", flat=True).first()
            if version != seen:
                self.refuse_stale_save(review, version)
        return cleaned_data

    def refuse_stale_save(self, review, version):
        last = history.versions_of(review).first()
        who = (last and history.saved_by_name(last)) or "Someone"
        when = timezone.localtime(last.revision.date_created if last else None)
        # Saving this form again is then a deliberate choice to replace theirs.
        self.data = self.data.copy()
        self.data["seen_version"] = version
        raise forms.ValidationError(
            f"{who} saved this review at {when:%H:%M on %d %b %Y} since you opened "
            "it, so your changes were not saved. Your text is below, as you left "
            "it, and their save is intact (see Revisions). Copy what you need from "
            "here, or save again to replace their version with yours.",
            code="stale",
        )


class ImageUploadForm(forms.Form):
    """An inline image dropped into the Markdown editor."""

    image = forms.FileField()

    def clean_image(self):
        return reencode_image(self.cleaned_data["image"])


def html_attributes(attrs):
    """Attributes as django/forms/widgets/attrs.html writes them."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{escape(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


class OptionsSelect(forms.Select):
    """Django's Select, the same HTML, written without a template render per
    option: the review list's filters have over 400 options, whose templates
    were most of the page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        grouped = any(isinstance(label, (list, tuple)) for _, label in choices)
        if grouped or self.allow_multiple_selected:
            return super().render(name, value, attrs, renderer)
        wanted, found, options = self.format_value(value), False, []
        for option, label in choices:
            option = "" if option is None else str(option)
            # As ChoiceWidget.optgroups(): only the first match is selected.
            selected = not found and option in wanted
            found |= selected
            # The standard library's escape, as Django's escape() is, without
            # its lazy-string wrapper: a third of this loop's time.
            if hasattr(label, "__html__"):
                label = label.__html__()
            else:
                label = html.escape(str(label))
            options.append(
                f'\n  <option value="{html.escape(option)}"'
                f"{' selected' if selected else ''}>{label}</option>\n"
            )
        attributes = html_attributes(self.build_attrs(self.attrs, attrs))
        return mark_safe(
            f'<select name="{conditional_escape(name)}"{attributes}>'
            f"{''.join(options)}\n</select>"
        )


def score_filter(label):
    """A score menu for the review list's filters: any, or a half point."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "Any"), *((label, label) for _, label in SCORE_CHOICES)],
        coerce=Decimal,
        empty_value=None,
        required=False,
        widget=OptionsSelect,
    )


class ReviewFilterForm(forms.Form):
    """The review list's filters. Option lists come from one small query each
    (shows, which also give the seasons; authors; genres), kept in the fragment
    cache; choosing a filter costs no lookup: filters are matched by slug in the
    review query itself."""

    SORTS = {
        "newest": ["-published_at", "-pk"],
        "score": ["-score", "-published_at", "-pk"],
        "oldest": ["published_at", "pk"],
    }
    # What the pages before and after are, in each order (includes/pagination).
    PAGE_LABELS = {
        "newest": ("Newer", "Older"),
        "score": ("Previous", "Next"),
        "oldest": ("Older", "Newer"),
    }

    show = forms.ChoiceField(required=False, widget=OptionsSelect)
    kind = forms.ChoiceField(
        choices=[("", "All kinds"), *Review.Kind.choices],
        required=False,
        widget=OptionsSelect,
    )
    author = forms.ChoiceField(required=False, widget=OptionsSelect)
    genre = forms.ChoiceField(required=False, widget=OptionsSelect)
    season = forms.ChoiceField(required=False, widget=OptionsSelect)
    verdict = forms.ChoiceField(
        choices=[("", "Any verdict"), *Review.Verdict.choices],
        required=False,
        widget=OptionsSelect,
    )
    min_score = score_filter("Lowest score")
    max_score = score_filter("Highest score")
    sort = forms.ChoiceField(
        choices=[
            ("newest", "Newest"),
            ("score", "Highest score"),
            ("oldest", "Oldest"),
        ],
        required=False,
        widget=OptionsSelect,
    )

    LOOKUPS = {
        "show": "show__slug",
        "kind": "kind",
        "author": "author__slug",
        "genre": "show__genres__slug",
        "verdict": "verdict",
        "min_score": "score__gte",
        "max_score": "score__lte",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in remember("review-filter-choices", self.options).items():
            self.fields[name].choices = choices

    @staticmethod
    def options():
        """The option lists that come from the catalogue, by field name."""
        shows = list(Show.objects.values_list("slug", "title", "year", "season"))
        seasons = sorted(
            {(year, season) for _, _, year, season in shows if year and season},
            key=lambda pair: AnimeSeason(*pair).sort_key,
            reverse=True,
        )
        return {
            "show": [("", "All shows")]
            + [(slug, title) for slug, title, _, _ in shows],
            "author": [("", "All authors")]
            + list(Author.objects.values_list("slug", "name")),
            "genre": [("", "All genres")]
            + list(Genre.objects.values_list("slug", "name")),
            "season": [("", "All seasons")]
            + [
                (f"{year}-{season}", f"{Show.Season(season).label} {year}")
                for year, season in seasons
            ],
        }

    def filter(self, reviews):
        """The reviews matching the valid filters; invalid ones are ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        for name, lookup in self.LOOKUPS.items():
            if data.get(name) not in (None, ""):
                reviews = reviews.filter(**{lookup: data[name]})
        if data.get("season"):
            year, season = data["season"].split("-")
            reviews = reviews.filter(show__year=year, show__season=season)
        if data.get("sort") == "score":
            reviews = reviews.filter(score__isnull=False)
        return reviews.order_by(*self.SORTS[data.get("sort") or "newest"])

    @property
    def page_labels(self):
        sort = getattr(self, "cleaned_data", {}).get("sort")
        return self.PAGE_LABELS[sort or "newest"]

    def active_filters(self):
        """(what it is, the query string without it) for each filter in use:
        the chips above the list, each a link that removes its filter."""
        chips = []
        for name, value in getattr(self, "cleaned_data", {}).items():
            if name == "sort" or value in (None, ""):
                continue
            field = self.fields[name]
            shown = choice_labels(getattr(field, "choices", [])).get(str(value), value)
            rest = self.data.copy()
            rest.pop(name, None)
            rest.pop("page", None)
            chips.append((f"{self[name].label}: {shown}", rest.urlencode()))
        return chips

    @property
    def is_filtered(self):
        return any(
            value not in (None, "")
            for name, value in getattr(self, "cleaned_data", {}).items()
            if name != "sort"
        )


def choice_labels(choices):
    """{value as text: label} of a field's choices, groups flattened."""
    labels = {}
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            labels.update(choice_labels(label))
        else:
            labels[str(value)] = label
    return labels


def refuse_line_breaks(value):
    """For one-line fields (a title, a name): a crafted POST can send a line
    break the input never could, and a title reaches e-mail subjects."""
    if any(character in value for character in "\r\n\t\v\f\x85\u2028\u2029"):
        raise forms.ValidationError("Write this on one line.", code="line_breaks")


def refuse_control_characters(value):
    if CONTROL_CHARACTERS.search(value):
        raise forms.ValidationError(
            "Remove the invisible control characters (such as text-direction "
            "overrides) from this field.",
            code="control_characters",
        )


# Rendered fields of empty forms, by everything their HTML depends on (see
# rendered_once); bounded, since a key holds no text a reader typed.
RENDERED_FIELDS = {}
RENDERED_FIELDS_MAX = 256


def rendered_once(field, render):
    """``render(field)`` for a field of an unbound form, rendered once per process
    for each key: what readers share (the comment form's empty fields, the
    rating scale) is the same on every page, and its widget templates were a
    tenth of the review page's time. The key is the release, the language and
    the field's whole state (its value, label, help text, widget and attributes,
    which settings such as COMMENTS_MAX_LENGTH set), so no stale HTML can be
    served; a field with text in it, a reader's, is always rendered, and so is
    every field with DEBUG on, where templates are read again when edited."""
    form, definition = field.form, field.field
    value = field.value()
    if settings.DEBUG or form.is_bound or (isinstance(value, str) and value):
        return render(field)
    widget = definition.widget
    key = (
        settings.RELEASE,
        get_language(),
        render,
        type(form),
        type(form.renderer),
        form.prefix,
        form.auto_id,
        form.label_suffix,
        form.use_required_attribute,
        getattr(form, "required_css_class", None),
        getattr(form, "error_css_class", None),
        field.name,
        value,
        definition.label,
        definition.label_suffix,
        definition.help_text,
        definition.required,
        definition.disabled,
        definition.show_hidden_initial,
        type(widget),
        repr(widget.attrs),
        repr(getattr(widget, "choices", None)),
    )
    try:
        return RENDERED_FIELDS[key]
    except KeyError:
        if len(RENDERED_FIELDS) >= RENDERED_FIELDS_MAX:
            RENDERED_FIELDS.clear()
        html = RENDERED_FIELDS[key] = render(field)
        return html
