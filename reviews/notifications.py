"""E-mails about the writing workflow, sent as tasks after the change commits:
editors hear of a review submitted for them, a writer hears that an editor
published their review, the show's followers hear of a published review."""

from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from following.mail import announce as announce_to_followers

from .mail import addresses_of_staff_who_may, deliver
from .models import Author, Review

Status = Review.Status


def status_changed(request, review, before):
    """Tell whoever should know that ``review`` went from status ``before``
    (None for a new review) to its status, once the change is committed."""
    site_url = request.build_absolute_uri("/").rstrip("/")
    if review.status == Status.SUBMITTED and before != Status.SUBMITTED:
        transaction.on_commit(
            partial(review_submitted.enqueue, review.pk, request.user.pk, site_url)
        )
    if (
        review.status == Status.PUBLISHED
        and before != Status.PUBLISHED
        and review.author.user_id != request.user.pk
    ):
        transaction.on_commit(
            partial(review_published.enqueue, review.pk, request.user.pk, site_url)
        )
    if review.status == Status.PUBLISHED:
        # Its show's followers are mailed at its publication time (checked then,
        # and once per review: following.mail).
        transaction.on_commit(partial(announce_to_followers, review, site_url))


def _context(review, by_user_id, site_url):
    by = get_user_model().objects.get(pk=by_user_id)
    change = reverse("admin:reviews_review_change", args=[review.pk])
    return {
        "review": review,
        "by": Author.name_of(by),
        "change_url": site_url + change,
        "page_url": site_url + review.get_absolute_url(),
    }


@task
def review_submitted(review_id, by_user_id, site_url):
    """E-mail every editor (but the one who submitted it) with an address."""
    review = Review.objects.select_related("author", "show").get(pk=review_id)
    recipients = addresses_of_staff_who_may("reviews.change_any_review", but=by_user_id)
    if recipients:
        deliver(
            f"Submitted for review: “{review.title}”",
            render_to_string(
                "reviews/email/review_submitted.txt",
                _context(review, by_user_id, site_url),
            ),
            recipients,
        )


@task
def review_published(review_id, by_user_id, site_url):
    """E-mail the review's writer that an editor published or scheduled it."""
    review = Review.objects.select_related("author__user", "show").get(pk=review_id)
    address = review.author.user.email
    if address:
        deliver(
            f"{'Scheduled' if review.is_scheduled() else 'Published'}: "
            f"“{review.title}”",
            render_to_string(
                "reviews/email/review_published.txt",
                _context(review, by_user_id, site_url),
            ),
            [address],
        )
