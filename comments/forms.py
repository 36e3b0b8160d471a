"""The reader's comment form: a signed token that dates it, a honeypot, and
the checks that keep what a reader types readable."""

import hashlib
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import MaxLengthValidator, URLValidator

from reviews import stamps
from reviews.forms import refuse_control_characters, refuse_line_breaks

from .models import Comment


class PlainTextField(forms.CharField):
    """Text as typed; browsers send line breaks as CRLF, counted here as one."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class CommentForm(forms.ModelForm):
    """A reader's comment. ``token`` is signed when the form is shown: it dates the
    form (too fast is held for a moderator, too old has expired) and, with the
    e-mail and text, identifies the submission.
    ``homepage`` is a honeypot that people never see and robots fill in."""

    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    token = forms.CharField(widget=forms.HiddenInput)
    remember = forms.BooleanField(
        required=False,
        label="Remember my name, e-mail and website in this browser",
        help_text="A cookie, kept for a year; untick this when you next comment "
        "to remove it.",
    )
    homepage = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    signer = staticmethod(stamps.signer)

    class Meta:
        model = Comment
        fields = ["name", "email", "website", "text", "notify_replies"]
        field_classes = {"text": PlainTextField}
        labels = {
            "text": "Comment",
            "website": "Website (optional)",
            "notify_replies": "E-mail me replies to this comment",
        }
        help_texts = {
            "email": "Never shown; we use it to recognise you next time.",
            "notify_replies": "The first e-mail asks you to confirm; each one has "
            "a link to stop them.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "website": forms.URLInput(attrs={"autocomplete": "url"}),
            "text": forms.Textarea(
                attrs={"rows": 6, "aria-describedby": "comment-form-note"}
            ),
        }

    def __init__(self, review, *args, **kwargs):
        self.review = review
        super().__init__(*args, **kwargs)
        self.fields["token"].initial = self.new_token()
        self.fields["website"].validators = [URLValidator(schemes=["http", "https"])]
        limit = settings.COMMENTS_MAX_LENGTH
        text = self.fields["text"]
        text.widget.attrs["maxlength"] = limit
        text.validators.append(
            MaxLengthValidator(
                limit,
                message=f"Comments can be at most {limit} characters long (yours "
                "has %(show_value)d). Shorten it and send it again.",
            )
        )
        for name in ("name", "text", "website"):
            self.fields[name].validators.append(refuse_control_characters)
        self.fields["name"].validators.append(refuse_line_breaks)
        self.fields["remember"].label_suffix = ""
        self.fields["notify_replies"].label_suffix = ""
        self.seconds_to_post = None
        self.token_refused = False

    def new_token(self, shown_at=None):
        return stamps.dated(self.review.pk, shown_at)

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def clean_token(self):
        token = self.cleaned_data["token"]
        try:
            review_pk, age = stamps.read(token)
        except (signing.BadSignature, ValueError):
            review_pk, age = None, None
        if review_pk != str(self.review.pk):
            self.token_refused = True
            raise forms.ValidationError(
                "This form could not be checked. Your comment is kept below: "
                "please send it again."
            )
        if age > settings.COMMENTS_FORM_MAX_AGE:
            self.token_refused = True
            raise forms.ValidationError(
                "This form was open too long and has expired. Your comment is kept "
                "below: please send it again."
            )
        self.seconds_to_post = age
        return token

    def clean_reply_to(self):
        parent_pk = self.cleaned_data["reply_to"]
        if parent_pk is None:
            return None
        parent = (
            Comment.objects.approved()
            .in_threads()
            .filter(review=self.review, pk=parent_pk)
            .select_related("parent")
            .first()
        )
        if parent is None:
            raise forms.ValidationError(
                "The comment you are replying to is no longer shown. Your reply is "
                "kept below: send it as a new comment."
            )
        # Replies are one level deep: a reply to a reply joins its thread.
        return parent.parent or parent

    def refuse_for_speed(self, wait):
        """The rate limit said no: come back in ``wait`` seconds."""
        self.add_error(
            None,
            "You are commenting faster than we allow. Wait "
            f"{'an hour' if wait >= 3600 else f'{wait} seconds'}, then send your "
            "comment again: it is kept below.",
        )

    def renew_token(self):
        """After an expired or unreadable token, a fresh one to send again with."""
        if self.token_refused:
            self.data = self.data.copy()
            # The reader has been writing all along: sending again at once is
            # not the speed of a robot.
            shown_at = time.time() - settings.COMMENTS_MIN_SECONDS
            self.data["token"] = self.new_token(shown_at)

    def save(self, commit=True):
        comment = super().save(commit=False)
        comment.review = self.review
        comment.parent = self.cleaned_data.get("reply_to")
        # A reply joins its thread, whose replies go to its first comment's
        # writer: the form does not offer the box then (section.html).
        if comment.parent:
            comment.notify_replies = False
        # The same form sent again by the same person (a double click, a
        # reload) is that comment. Not the token alone: two readers may fetch
        # the cached page in the same millisecond.
        submission = "\0".join(
            [self.cleaned_data["token"], comment.email, comment.text]
        )
        comment.fingerprint = hashlib.sha256(submission.encode()).hexdigest()
        if commit:
            comment.save()
        return comment
