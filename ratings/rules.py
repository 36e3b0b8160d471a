"""Who is rating, from where, and how often: the browser's signed identifier,
the address block a cap applies to, and the rate limit per client address
(the trusted-proxy rule of reviews.clients, as comments use)."""

import hashlib
import hmac
import ipaddress
import secrets

from django.conf import settings

from reviews.clients import within_hourly_limit

RATER_COOKIE = "rater"
RATER_SALT = "ratings.rater"
RATER_SECONDS = 2 * 365 * 24 * 3600


def _keyed_hash(value, purpose):
    key = f"{settings.SECRET_KEY}:{purpose}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def rater_of(request):
    """This browser's rater identifier, or None before it first rates."""
    return request.get_signed_cookie(
        RATER_COOKIE, default=None, salt=RATER_SALT, max_age=RATER_SECONDS
    )


def new_rater():
    return secrets.token_hex(16)


def remember_rater(request, response, rater):
    response.set_signed_cookie(
        RATER_COOKIE,
        rater,
        salt=RATER_SALT,
        max_age=RATER_SECONDS,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def network_of(address):
    """A keyed hash of the address's block: a /24 for IPv4, a /48 for IPv6
    (one household, office or small provider), so the block itself is never
    stored."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        block = "unknown"
    else:
        prefix = 24 if ip.version == 4 else 48
        block = str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
    return _keyed_hash(block, "rating-network")[:32]


def may_rate(address):
    """True when this client address is within RATINGS_PER_HOUR; None when the
    cache cannot say (the rating is then refused: a flood would count)."""
    return within_hourly_limit(address, "ratings", settings.RATINGS_PER_HOUR)
