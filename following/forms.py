from django import forms


class FollowForm(forms.Form):
    email = forms.EmailField(
        label="Your e-mail address",
        error_messages={"required": "Give the address to send new reviews to."},
    )
    # The page the form was on (the show's, or a review of it).
    next = forms.CharField(required=False, widget=forms.HiddenInput)
