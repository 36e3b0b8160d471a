vcl 4.1;
# Varnish in front of gunicorn (README, "A front cache: Varnish"): anonymous
# readers' GET and HEAD pages, stored as long as Django's s-maxage says and
# purged by tag (xkey, from varnish-modules) when what they show changes.
# Django decides what may be stored: a response without "s-maxage" in its
# Cache-Control, or with a Set-Cookie, is never kept here.

import std;
import xkey;

# The app server: gunicorn on this machine (one box), or a director over
# several (README).
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may purge: the app servers, on the listen address named "purge" only
# (varnishd -a purge=127.0.0.1:6091; FRONT_CACHES names that address), never
# on the readers' one, where everyone behind a proxy on this machine would be
# 127.0.0.1. Add the app servers' addresses when Varnish runs on another one.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (local.socket != "purge" || client.ip !~ purgers) {
            return (synth(403, "Not allowed."));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "An xkey-purge header is needed."));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone + " objects."));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff, previews, uploads and the health check: never from here.
    if (req.url ~ "^/(admin|reviews/preview|markdownx|healthz)(/|$)") {
        return (pass);
    }
    # A session (staff, a commenter whose comment awaits moderation), a
    # message to show, or a remembered commenter: their page is their own.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages|commenter)=") {
        return (pass);
    }
    # No other cookie changes a public page (a rater's, a CSRF token's).
    unset req.http.Cookie;
    # ?b=2&a=1 and ?a=1&b=2 are one page. (A query parameter no page reads
    # makes Django leave out s-maxage, so such a URL is never stored here.)
    set req.url = std.querysort(req.url);
    # Django answers with an ESI include for the comment form's dated token,
    # so each reader's token dates their fetch, not the page's (reviews/stamps.py).
    set req.http.Surrogate-Capability = "varnish=ESI/1.0";
    return (hash);
}

sub vcl_pass {
    set req.http.Surrogate-Capability = "varnish=ESI/1.0";
}

sub vcl_backend_response {
    if (beresp.http.Surrogate-Control ~ "ESI/1.0") {
        unset beresp.http.Surrogate-Control;
        set beresp.do_esi = true;
    }
    if (bereq.url ~ "^/comments/token/") {
        # The form's dated token: kept its second, then fetched anew, never
        # served stale nor revalidated (its date is the point).
        unset beresp.http.ETag;
        unset beresp.http.Last-Modified;
        set beresp.grace = 0s;
        set beresp.keep = 0s;
        return (deliver);
    }
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.http.Set-Cookie
        || beresp.status != 200
        || beresp.http.Cache-Control !~ "s-maxage"
        || beresp.http.Cache-Control ~ "(private|no-store|no-cache)") {
        # Remembered as not to be stored, for a minute: the next readers go
        # straight to the app server, not one at a time.
        set beresp.uncacheable = true;
        set beresp.ttl = 60s;
        return (deliver);
    }
    # Readers always revalidate with Django's ETag when Varnish has none:
    # browsers keep nothing (max-age=0), Varnish keeps s-maxage.
    set beresp.grace = 10s;
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.xkey;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
    if (obj.uncacheable) {
        set resp.http.X-Front-Cache = "pass";
    } elsif (obj.hits > 0) {
        set resp.http.X-Front-Cache = "hit";
    } else {
        set resp.http.X-Front-Cache = "miss";
    }
}
