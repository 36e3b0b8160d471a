import re

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from following.models import Follow, Follower


def follow(client, show, email="reader@example.com", address="198.51.100.7", **data):
    return client.post(
        reverse("following:follow", args=[show.slug]),
        {"email": email, **data},
        REMOTE_ADDR=address,
    )


def link_in(message, name):
    """The path of the site's /following/<name>/ link in an e-mail."""
    match = re.search(rf"https?://[^/\s]+(/following/{name}/[^\s]+/)", message.body)
    return match[1]


def confirmed_follower(show, email=None, when=None):
    """A follower of ``show`` who confirmed (an hour ago by default)."""
    follower, _ = Follower.objects.get_or_create(
        email=email or f"reader{Follower.objects.count()}@example.com"
    )
    Follow.objects.create(
        follower=follower,
        show=show,
        confirmed=when or timezone.now() - timezone.timedelta(hours=1),
    )
    return follower


def follow_and_confirm(show, email="reader@example.com"):
    client = Client()
    follow(client, show, email)
    confirm = link_in(mail.outbox[-1], "confirm")
    client.post(confirm)
    return client
