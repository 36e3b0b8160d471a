"""The signed links of the followers' e-mails, and the follow form's rate
limit per client address (the trusted-proxy rule of reviews.clients)."""

from django.conf import settings
from django.core import signing

from reviews.clients import within_hourly_limit

CONFIRM_SALT = "following.confirm"
MANAGE_SALT = "following.manage"
UNSUBSCRIBE_SALT = "following.unsubscribe"


def confirm_token(follow_id):
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(follow_id))


def follow_of_confirm_token(token):
    """The Follow's pk, or None once the token is tampered with or older than
    FOLLOWING_CONFIRM_DAYS."""
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            token, max_age=settings.FOLLOWING_CONFIRM_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return None
    return int(value)


def manage_token(follower_id):
    return signing.Signer(salt=MANAGE_SALT).sign(str(follower_id))


def follower_of_manage_token(token):
    try:
        return int(signing.Signer(salt=MANAGE_SALT).unsign(token))
    except signing.BadSignature:
        return None


def unsubscribe_token(follower_id, show_id):
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(f"{follower_id}-{show_id}")


def follow_of_unsubscribe_token(token):
    """(follower pk, show pk), or None for a tampered token."""
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    follower, show = value.split("-")
    return int(follower), int(show)


def may_follow(address):
    """True when this client address is within FOLLOWING_PER_HOUR requests;
    None when the cache cannot say (the request is then refused)."""
    return within_hourly_limit(address, "following", settings.FOLLOWING_PER_HOUR)
