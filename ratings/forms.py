from django import forms

from .models import SCORES


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label="Your score",
        choices=[(score, str(score)) for score in SCORES],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a score from 1 to 10, then send it."},
    )
    # The page the form was on (the episode's, or a review of it).
    next = forms.CharField(required=False, widget=forms.HiddenInput)
