"""The signed links of the followers' e-mails, and the follow form's rate
limit per client address (the trusted-proxy rule of reviews.clients)."""

from django.conf import settings
from django.core import signing

from reviews.clients import within_hourly_limit

CONFIRM_SALT = "following.confirm"
MANAGE_SALT = "following.manage"
UNSUBSCRIBE_SALT = "following.unsubscribe"


def signed(value, salt, *, expires=False):
    """The token of an e-mail's link, for ``value`` (a string): signed, and
    dated when it ``expires`` (after FOLLOWING_CONFIRM_DAYS)."""
    signer = signing.TimestampSigner if expires else signing.Signer
    return signer(salt=salt).sign(value)


def unsigned(token, salt, *, expires=False):
    """The value a link's token holds, or None when it was tampered with or,
    when it ``expires``, is older than FOLLOWING_CONFIRM_DAYS."""
    try:
        if expires:
            return signing.TimestampSigner(salt=salt).unsign(
                token, max_age=settings.FOLLOWING_CONFIRM_DAYS * 24 * 3600
            )
        return signing.Signer(salt=salt).unsign(token)
    except signing.BadSignature:
        return None


def confirm_token(follow_id):
    return signed(str(follow_id), CONFIRM_SALT, expires=True)


def follow_of_confirm_token(token):
    """The Follow's pk, or None (tampered with, or expired)."""
    value = unsigned(token, CONFIRM_SALT, expires=True)
    return None if value is None else int(value)


def manage_token(follower_id):
    return signed(str(follower_id), MANAGE_SALT)


def follower_of_manage_token(token):
    value = unsigned(token, MANAGE_SALT)
    return None if value is None else int(value)


def unsubscribe_token(follower_id, show_id):
    return signed(f"{follower_id}-{show_id}", UNSUBSCRIBE_SALT)


def follow_of_unsubscribe_token(token):
    """(follower pk, show pk), or None for a tampered token."""
    value = unsigned(token, UNSUBSCRIBE_SALT)
    if value is None:
        return None
    follower, show = value.split("-")
    return int(follower), int(show)


def may_follow(address):
    """True when this client address is within FOLLOWING_PER_HOUR requests;
    None when the cache cannot say (the request is then refused)."""
    return within_hourly_limit(address, "following", settings.FOLLOWING_PER_HOUR)
