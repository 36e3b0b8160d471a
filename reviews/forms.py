import json
import re
from decimal import Decimal

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from .images import STORAGE_ERROR, delete_files, reencode_image, store_image
from .models import SCORE_CHOICES, Author, Genre, Review, Show
from .pagecache import remember

# C0/C1 controls other than tab and line breaks, and the bidirectional overrides
# and isolates that make text display in another order than it is written.
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)


class ReencodedImagesForm(forms.ModelForm):
    """A ModelForm that stores a clean, re-encoded copy of every uploaded image,
    with its renditions, while validating: a full disk is then a form error that
    keeps the writer's text. If the form is not saved after all, the admin calls
    discard_stored_images()."""

    stored_files = ()

    def clean(self):
        cleaned_data = super().clean()
        self.stored_files = []
        for name, value in list(cleaned_data.items()):
            if not (
                isinstance(value, UploadedFile)
                and isinstance(self.fields[name], forms.ImageField)
            ):
                continue
            try:
                image = reencode_image(value)
            except forms.ValidationError as error:
                self.add_error(name, error)
                continue
            if self.errors:
                continue  # Not saved now: nothing to store.
            field = self._meta.model._meta.get_field(name)
            try:
                stored = store_image(
                    field.generate_filename(self.instance, image.name), image
                )
            except OSError:
                self.add_error(name, STORAGE_ERROR)
                continue
            self.stored_files += stored
            cleaned_data[name] = stored[0]
        return cleaned_data

    def discard_stored_images(self):
        delete_files(self.stored_files)
        self.stored_files = []


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
        for name in ("title", "summary", "recap", "body", "cover_alt"):
            if name in self.fields:
                self.fields[name].validators.append(refuse_control_characters)
        self.fields["seen_version"].initial = review.version
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
        last = review.revisions.select_related("saved_by").first()
        who = last.saved_by_name if last and last.saved_by else "Someone"
        when = timezone.localtime(last.saved_at) if last else timezone.localtime()
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


def score_filter(label):
    """A score menu for the review list's filters: any, or a half point."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "Any"), *((label, label) for _, label in SCORE_CHOICES)],
        coerce=Decimal,
        empty_value=None,
        required=False,
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

    show = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(
        choices=[("", "All kinds"), *Review.Kind.choices], required=False
    )
    author = forms.ChoiceField(required=False)
    genre = forms.ChoiceField(required=False)
    season = forms.ChoiceField(required=False)
    verdict = forms.ChoiceField(
        choices=[("", "Any verdict"), *Review.Verdict.choices], required=False
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
            key=lambda pair: (-pair[0], list(Show.Season.values).index(pair[1])),
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
    def is_filtered(self):
        return any(
            value not in (None, "")
            for name, value in getattr(self, "cleaned_data", {}).items()
            if name != "sort"
        )


def refuse_control_characters(value):
    if CONTROL_CHARACTERS.search(value):
        raise forms.ValidationError(
            "Remove the invisible control characters (such as text-direction "
            "overrides) from this field.",
            code="control_characters",
        )
