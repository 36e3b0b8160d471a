"""Dated tokens: a signed "subject:time:nonce" that tells a form, when it comes
back, how long ago it was shown (the comment form: too fast is held, too old
has expired). A page in the page cache would give every reader the time it was
rendered, so the cache dates its tokens again on every hit (restamp): each
reader's token dates their own fetch."""

import re
import secrets
import time

from django.conf import settings
from django.core import signing

# The salt from before comments had their own app: forms already shown stay
# valid.
SALT = "reviews.comment-form"
# A token as dated() writes it, as a form field's value: subject (a number),
# seconds with three decimals, 16 hex of nonce and the signature (43 characters
# of SHA-256). Anchored on 'value="', it is found in a 20 KB page in 9 us.
TOKEN_VALUE = re.compile(rb'value="(\d+:\d+\.\d{3}:[0-9a-f]{16}:[\w-]{43})"')


def signer():
    return signing.Signer(salt=SALT)


def dated(subject, at=None):
    """A token for ``subject`` (a number), dated ``at`` (now by default)."""
    at = time.time() if at is None else at
    return signer().sign(f"{subject}:{at:.3f}:{secrets.token_hex(8)}")


def read(token):
    """(subject, age in seconds) of a token; BadSignature or ValueError if it
    is not one of ours."""
    subject, at, _ = signer().unsign(token).split(":")
    return subject, time.time() - float(at)


def by_esi(request):
    """Whether a front cache answers this request (deploy/varnish), one that
    fetches each reader's token through ESI: the page then holds an include
    of comments:form-token instead of the token, marked request.esi, and the
    page cache sends it with Surrogate-Control (reviews.pagecache)."""
    # Only with front caches configured: without, a client's header would
    # get it pages its browser cannot fill in (keyed apart: reviews.pagecache).
    return bool(settings.FRONT_CACHES) and "ESI/1.0" in request.headers.get(
        "Surrogate-Capability", ""
    )


def token_spans(html):
    """Where our tokens are in ``html`` (a page's bytes), as [start, end]
    pairs: found once, when the page cache stores the page, so that a hit
    restamps without reading the page (a 46 KB page took 19 us to search)."""
    return [list(match.span(1)) for match in TOKEN_VALUE.finditer(html)]


def restamp(html, spans):
    """``html`` (a page's bytes) with its tokens, at ``spans`` (token_spans()),
    dated now: same subject, same length, so the page's other headers and
    spans still hold."""
    if not spans:
        return html
    parts, position = [], 0
    for start, end in spans:
        token = html[start:end]
        try:
            subject, _ = read(token.decode())
        except (signing.BadSignature, ValueError):
            fresh = token
        else:
            fresh = dated(subject).encode()
        parts += [html[position:start], fresh]
        position = end
    parts.append(html[position:])
    return b"".join(parts)
