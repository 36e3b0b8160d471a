"""Who a request comes from, for limits: the page cache's and the comments'."""

from django.conf import settings


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
