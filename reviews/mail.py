"""Sending the site's e-mails, from tasks (the worker, `manage.py db_worker`),
never inside a reader's request. A mail server that is down or hung costs the
worker its timeout (10 s), not a reader; the message is kept and tried again
later (MAIL_RETRY_MINUTES), each failure logged; after the last try the task
fails with its traceback, logged and kept with the task's result."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.tasks import task, task_backends
from django.utils import timezone

logger = logging.getLogger(__name__)


def addresses_of_staff_who_may(permission, but=None):
    """The e-mail addresses of the staff holding ``permission`` (through their
    groups or themselves; superusers are not everyone's editor), but the user
    with the pk ``but``."""
    holders = get_user_model().objects.with_perm(
        permission,
        include_superusers=False,
        # The permission lives in the database: the login throttle's backend
        # (django-axes) knows none.
        backend="django.contrib.auth.backends.ModelBackend",
    )
    return [user.email for user in holders if user.email and user.pk != but]


def deliver(subject, body, recipients, attempt=1):
    """Send now; if the mail server fails, keep the message for a later try.
    The subject is one line whatever it quotes (a header cannot hold more)."""
    subject = " ".join(subject.split())
    try:
        send_mail(subject, body, None, recipients)
    except (OSError, smtplib.SMTPException):
        delays = settings.MAIL_RETRY_MINUTES
        if attempt > len(delays) or not task_backends["default"].supports_defer:
            raise  # the task fails: logged, and kept with its result
        minutes = delays[attempt - 1]
        logger.warning(
            "Mail “%s” to %s not sent (try %s); trying again in %s min",
            subject,
            len(recipients),
            attempt,
            minutes,
            exc_info=True,
        )
        retry_delivery.using(
            run_after=timezone.now() + timedelta(minutes=minutes)
        ).enqueue(subject, body, recipients, attempt + 1)


@task
def retry_delivery(subject, body, recipients, attempt):
    deliver(subject, body, recipients, attempt)
