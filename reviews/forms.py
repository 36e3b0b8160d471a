from decimal import Decimal

from django import forms
from django.core.files.uploadedfile import UploadedFile

from .images import reencode_image
from .models import SCORE_CHOICES, Author, Review, Show


class ReencodedImagesForm(forms.ModelForm):
    """A ModelForm that stores a clean, re-encoded copy of every uploaded image."""

    def clean(self):
        cleaned_data = super().clean()
        for name, value in list(cleaned_data.items()):
            if isinstance(value, UploadedFile) and isinstance(
                self.fields[name], forms.ImageField
            ):
                try:
                    cleaned_data[name] = reencode_image(value)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned_data


class ImageUploadForm(forms.Form):
    """An inline image dropped into the Markdown editor."""

    image = forms.FileField()

    def clean_image(self):
        return reencode_image(self.cleaned_data["image"])


class ReviewFilterForm(forms.Form):
    SORTS = {
        "newest": ["-published_at", "-pk"],
        "score": ["-score", "-published_at", "-pk"],
        "oldest": ["published_at", "pk"],
    }
    SCORE_FILTER_CHOICES = [("", "Any")] + [
        (label, label) for _, label in SCORE_CHOICES
    ]

    show = forms.ModelChoiceField(
        Show.objects.only("title", "slug"),
        to_field_name="slug",
        required=False,
        empty_label="All shows",
    )
    kind = forms.ChoiceField(
        choices=[("", "All kinds"), *Review.Kind.choices], required=False
    )
    author = forms.ModelChoiceField(
        Author.objects.only("name", "slug"),
        to_field_name="slug",
        required=False,
        empty_label="All authors",
    )
    verdict = forms.ChoiceField(
        choices=[("", "Any verdict"), *Review.Verdict.choices], required=False
    )
    min_score = forms.TypedChoiceField(
        label="Lowest score",
        choices=SCORE_FILTER_CHOICES,
        coerce=Decimal,
        empty_value=None,
        required=False,
    )
    max_score = forms.TypedChoiceField(
        label="Highest score",
        choices=SCORE_FILTER_CHOICES,
        coerce=Decimal,
        empty_value=None,
        required=False,
    )
    sort = forms.ChoiceField(
        choices=[
            ("newest", "Newest"),
            ("score", "Highest score"),
            ("oldest", "Oldest"),
        ],
        required=False,
    )

    def filter(self, reviews):
        """The reviews matching the valid filters; invalid ones are ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        lookups = {
            "show": "show",
            "kind": "kind",
            "author": "author",
            "verdict": "verdict",
            "min_score": "score__gte",
            "max_score": "score__lte",
        }
        for name, lookup in lookups.items():
            if data.get(name) not in (None, ""):
                reviews = reviews.filter(**{lookup: data[name]})
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
