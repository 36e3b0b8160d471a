"""Who a request comes from, for limits: the page cache's, the comments',
the ratings' and the follow form's."""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    """The client's address as the trusted proxies saw it.

    Each proxy appends the address it received from to X-Forwarded-For, so with N
    trusted proxies the client is the N-th entry from the right; anything further
    left was written by the client and is ignored.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [address.strip() for address in forwarded if address.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def within_hourly_limit(address, purpose, limit):
    """Count one request of ``purpose`` from ``address`` this hour: True while
    the count is at most ``limit``, None when the cache cannot say (the caller
    then refuses: a flood would get through). The address is kept hashed."""
    digest = hmac.new(
        f"{settings.SECRET_KEY}:{purpose}-rate".encode(),
        address.encode(),
        hashlib.sha256,
    ).hexdigest()
    key = f"{purpose}:rate:{digest[:32]}"
    if cache.add(key, 0, 3600) is None:
        return None
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        sent = 1
        cache.set(key, sent, 3600)
    if sent is None:
        return None
    return sent <= limit
