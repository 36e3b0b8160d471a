"""
Settings for the review site, read from the environment.

Local use needs nothing: `make run` sets DJANGO_DEBUG=1 and everything else has a
safe local default. Production sets DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
DATABASE_URL and, for several app servers, REDIS_URL (see README.md).
"""

import os
from base64 import b64encode
from datetime import timedelta
from hashlib import sha256
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or list(default)


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if DEBUG and not SECRET_KEY:
    SECRET_KEY = "django-insecure-local-development-only"


# Cached pages and fragments are kept per release, so a deployment never serves
# what the code before it rendered (the tags' versions are shared by all). Set
# it to what is deployed (the git commit); local runs have one constant.
RELEASE = os.environ.get("DJANGO_RELEASE", "local" if DEBUG else "")

MISSING_SETTINGS = {
    "DJANGO_SECRET_KEY": (
        "generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    ),
    "DJANGO_RELEASE": (
        "name the code being deployed, e.g. DJANGO_RELEASE=$(git rev-parse HEAD), "
        "so cached pages from other code are never served"
    ),
}


def missing_settings():
    """The settings production needs that are not set: (variable, how to set it)."""
    values = {"DJANGO_SECRET_KEY": SECRET_KEY, "DJANGO_RELEASE": RELEASE}
    return [(name, how) for name, how in MISSING_SETTINGS.items() if not values[name]]


def require_production_settings():
    """Called by wsgi.py and asgi.py: the site never serves without a secret key
    and a release name (reviews.checks says the same to `check --deploy`).

    Management commands that need neither (check, migrate, makemigrations) still
    run.
    """
    if missing := missing_settings():
        raise ImproperlyConfigured(
            " ".join(
                f"{name} is not set. It is required when DJANGO_DEBUG is off; {how}."
                for name, how in missing
            )
            + " For local development, set DJANGO_DEBUG=1 instead (make run does)."
        )


ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Widget templates from the TEMPLATES setting (FORM_RENDERER), so our own
    # (the writer's editor) are found beside Django's.
    "django.forms",
    "markdownx",
    # A review's revisions (reviews.history).
    "reversion",
    # E-mails are tasks kept in the database and sent by `manage.py db_worker`.
    "django_tasks_db",
    # Failed logins throttled per account and per client (django-axes).
    "axes",
    "reviews",
    "comments",
    "ratings",
    "following",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database that cannot be reached is a 503 with the site's page.
    "reviews.outage.DatabaseOutageMiddleware",
    # A form whose upload was cut off is refused, not saved in part.
    "reviews.outage.CompleteRequestsMiddleware",
    # The old blog's links (manage.py import_wordpress) answer 301 here.
    "reviews.wordpress.links.OldLinkMiddleware",
    # ETag and 304s, for cached pages too; then the page cache, which needs
    # no session (reviews.pagecache).
    "django.middleware.http.ConditionalGetMiddleware",
    "reviews.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: answers a locked-out login with its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = os.environ.get("DJANGO_ROOT_URLCONF", "reviewsite.urls")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reviews.context_processors.site",
            ],
        },
    },
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "reviewsite.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}

# PostgreSQL: no query may run longer than this (milliseconds; 0 for no limit).
STATEMENT_TIMEOUT = int(os.environ.get("DJANGO_STATEMENT_TIMEOUT", "5000"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it pays for long analytical queries, and cost a page's
    # short ones 50 to 100 ms each (the home page's, on the bench data set).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={STATEMENT_TIMEOUT} -c jit=off"
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers saving while readers comment: readers never block the writer
    # (WAL), and a write waits its turn for up to SQLITE_BUSY_TIMEOUT seconds
    # instead of failing with "database is locked" (IMMEDIATE takes the write
    # lock when a transaction begins, so it can wait; a deferred one upgrading
    # from a read cannot).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": float(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
        }
    )

if os.environ.get("REDIS_URL"):
    # Shared by every app server: the page cache, rate limits and sessions.
    # A Redis that is down or hung costs at most the socket timeouts: errors
    # are logged and treated as cache misses (django-redis IGNORE_EXCEPTIONS).
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "TIMEOUT": 3600,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": float(
                    os.environ.get("DJANGO_REDIS_CONNECT_TIMEOUT", "0.1")
                ),
                "SOCKET_TIMEOUT": float(os.environ.get("DJANGO_REDIS_TIMEOUT", "0.1")),
                "IGNORE_EXCEPTIONS": True,
                # After a failure, this process skips Redis for a while
                # (REDIS_BREAK_SECONDS): one timeout per request at most.
                "CLIENT_CLASS": "reviews.cache.BreakerClient",
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    # Sessions read from Redis and written through to the database, so a
    # Redis restart logs no one out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # One per process: fine for one worker (make run); see PAGE_CACHE_SECONDS.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Seconds a process skips Redis after a call to it failed (reviews.cache).
REDIS_BREAK_SECONDS = float(os.environ.get("DJANGO_REDIS_BREAK_SECONDS", "5"))

# Full pages for anonymous readers, in the cache above (reviews.pagecache);
# invalidated on every write, so this only bounds how long unused pages stay.
# Off by default without Redis: workers' local caches would not see each
# other's writes.
PAGE_CACHE_SECONDS = int(
    os.environ.get(
        "DJANGO_PAGE_CACHE_SECONDS", "3600" if os.environ.get("REDIS_URL") else "0"
    )
)
# Each worker keeps the pages it served last (up to this many bytes of them), so
# a hit fetches only its tags' check from Redis, not the page (reviews.pagecache).
PAGE_CACHE_HELD_BYTES = int(
    os.environ.get("DJANGO_PAGE_CACHE_HELD_BYTES", str(32 * 1024 * 1024))
)
# For this long after a worker found a held page current in Redis, it serves it
# without asking again: a write made on another server or worker reaches a page
# this much later at most (one made in the worker itself, at once; a front
# cache's fetches always ask). 0: every hit asks Redis.
PAGE_CACHE_RECHECK_SECONDS = float(
    os.environ.get("DJANGO_PAGE_CACHE_RECHECK_SECONDS", "0.25")
)
# How many pages one client address may add to the page cache in a minute;
# past that its pages are rendered and not stored (reviews.pagecache).
PAGE_CACHE_STORES_PER_MINUTE = int(
    os.environ.get("DJANGO_PAGE_CACHE_STORES_PER_MINUTE", "120")
)

# Parts of pages (templates' {% fragment %}), list counts and score
# distributions, for every reader including staff and commenters, kept until
# the tags of what they show change, like the pages (reviews.pagecache). Off by
# default without Redis, for the same reason as the page cache.
FRAGMENT_CACHE_SECONDS = int(
    os.environ.get(
        "DJANGO_FRAGMENT_CACHE_SECONDS",
        "3600" if os.environ.get("REDIS_URL") else "0",
    )
)


# Front caches (Varnish with deploy/varnish/default.vcl) in front of the app
# servers, by base URL ("http://10.0.0.5:6081,http://10.0.0.6:6081"): each is
# purged of the tags a write changed, after it commits (reviews.frontcache).
FRONT_CACHES = env_list("DJANGO_FRONT_CACHES")
# Seconds a purge may take before that Varnish is left to a retry (a task).
FRONT_CACHE_TIMEOUT = float(os.environ.get("DJANGO_FRONT_CACHE_TIMEOUT", "0.5"))
FRONT_CACHE_RETRY_SECONDS = [5, 60, 600]
# Each purge again after this, for a page a front cache was fetching meanwhile.
FRONT_CACHE_REPURGE_SECONDS = 3

CACHES["fragments"] = {**CACHES["default"], "KEY_PREFIX": f"fragments:{RELEASE}"}
# "tags": a write makes cold the pages showing what it changed; "global": any
# write makes every page cold (the design before tags, kept to compare both in
# the benchmark).
PAGE_CACHE_INVALIDATION = os.environ.get("DJANGO_PAGE_CACHE_INVALIDATION", "tags")

# Errors go to stderr, with debug off too (Django's own console logging is for
# debug only): a 500 with its path and traceback (django.request), a failed
# e-mail task with its traceback (django.tasks), a search index write that
# failed, a cache that did not answer. With DJANGO_ADMINS set, errors are also
# mailed to those addresses (Django's AdminEmailHandler, never in debug).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}
    },
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "skipped_cache_calls": {"()": "reviews.cache.SkippedCalls"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["skipped_cache_calls"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # Django's loggers reach the console through the root, and ERRORs the
        # admins; runserver's request lines keep Django's own handler.
        "django": {"handlers": ["mail_admins"], "level": "WARNING"},
    },
}
ADMINS = env_list("DJANGO_ADMINS")

# Failed logins: after AXES_FAILURE_LIMIT wrong passwords for one account, or
# from one client address (the trusted-proxy rule of reviews.clients), logging
# in is refused for AXES_COOLOFF_TIME, even with the right password; a success
# resets the count. `manage.py axes_reset` (or axes_reset_username NAME) lifts
# a lockout at once.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "reviews.clients.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "login_locked.html"
AXES_ENABLE_ADMIN = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "admin:login"
# Where a login goes when its ?next= is missing or points off the site.
LOGIN_REDIRECT_URL = "admin:index"

if DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("DJANGO_EMAIL_PORT", "587")),
                "username": os.environ.get("DJANGO_EMAIL_USER", ""),
                "password": os.environ.get("DJANGO_EMAIL_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
# Every e-mail is a task (reviews.mail): kept in the database and sent by the
# worker, `manage.py db_worker` (started by `make run`; a service of its own in
# production), never inside a reader's request. DJANGO_TASKS_IMMEDIATE runs
# tasks at once in the request instead (the test suite).
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if env_bool("DJANGO_TASKS_IMMEDIATE")
        else "django_tasks_db.DatabaseBackend"
    }
}
# A mail the server refused is tried again after each of these delays (minutes).
MAIL_RETRY_MINUTES = [1, 10, 60]
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "reviews@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL  # the sender of error e-mails to ADMINS

# HTTPS hardening is on whenever debug is off; a TLS-terminating proxy must set
# X-Forwarded-Proto, which is trusted only when DJANGO_SECURE_PROXY_SSL_HEADER is on.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
)
# On by default so `check --deploy` passes; turn them off (=0) if the site shares
# its domain with subdomains that are not all on HTTPS.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

# The one inline <style> (base.html): what keeps inline spoilers hidden when the
# stylesheets fail to load. Allowed by its hash, which a cached page keeps valid
# (a nonce would change with every response).
SPOILER_STYLE = (BASE_DIR / "templates" / "includes" / "spoiler_style.css").read_bytes()
SPOILER_STYLE_HASH = b64encode(sha256(SPOILER_STYLE).digest()).decode()
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, f"'sha256-{SPOILER_STYLE_HASH}'"],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# The admin's live preview (reviews.views.markdown_preview) renders with this: the
# same function as the stored HTML of the public pages.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "reviews.markdown.render_markdown"
MARKDOWNX_URLS_PATH = "/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/markdownx/upload/"

# Images uploaded by writers (covers, avatars, inline images).
REVIEWS_UPLOAD_MAX_BYTES = int(os.environ.get("REVIEWS_UPLOAD_MAX_BYTES", 10 * 2**20))
REVIEWS_UPLOAD_MAX_PIXELS = 40_000_000
# An animated GIF may have this many frames (each is re-encoded).
REVIEWS_UPLOAD_MAX_FRAMES = 300
REVIEWS_UPLOAD_MAX_WIDTH = 2400

# The site's name, in every page's title, the feeds, the admin and link previews.
SITE_NAME = os.environ.get("DJANGO_SITE_NAME", "Three Episode Rule")

# Where `manage.py demo` keeps the demo accounts' passwords (git-ignored).
DEMO_ACCOUNTS_FILE = BASE_DIR / ".demo-accounts"

# Reader comments (comments/moderation.py applies these rules).
COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("COMMENTS_CLOSE_AFTER_DAYS", "60"))
COMMENTS_MAX_LENGTH = 5000
# Readers' episode scores (ratings): per client address an hour, and counted
# per address block (/24, /48) per episode; those over the cap are kept, not counted.
RATINGS_PER_HOUR = int(os.environ.get("RATINGS_PER_HOUR", "30"))
RATINGS_PER_NETWORK = int(os.environ.get("RATINGS_PER_NETWORK", "20"))
# Readers following a show by e-mail (following/): a follow not confirmed in
# this many days is forgotten; follow requests per client address an hour; one
# confirmation e-mail per address and show per FOLLOWING_ASK_SECONDS; mails per
# task (one SMTP connection each); a batch's claim taken again after this long
# when its worker stopped before trying it.
FOLLOWING_CONFIRM_DAYS = 7
FOLLOWING_PER_HOUR = int(os.environ.get("FOLLOWING_PER_HOUR", "10"))
FOLLOWING_ASK_SECONDS = 3600
FOLLOWING_BATCH = int(os.environ.get("FOLLOWING_BATCH", "100"))
FOLLOWING_CLAIM_MINUTES = 15
# Set only when a commenter asks to be remembered; pages it reaches are not cached.
COMMENTS_REMEMBER_COOKIE = "commenter"
COMMENTS_PER_PAGE = 50
# Held for a moderator at this many links or more.
COMMENTS_HOLD_LINKS = int(os.environ.get("COMMENTS_HOLD_LINKS", "2"))
COMMENTS_MODERATION_WORDS = env_list("COMMENTS_MODERATION_WORDS")
COMMENTS_SPAM_WORDS = env_list(
    "COMMENTS_SPAM_WORDS",
    ["viagra", "cialis", "casino bonus", "payday loan", "crypto giveaway"],
)
# A human needs a few seconds to write; a form older than this has expired.
COMMENTS_MIN_SECONDS = float(os.environ.get("COMMENTS_MIN_SECONDS", "3"))
COMMENTS_FORM_MAX_AGE = 2 * 24 * 3600
COMMENTS_RATE_SECONDS = int(os.environ.get("COMMENTS_RATE_SECONDS", "15"))
COMMENTS_RATE_PER_HOUR = int(os.environ.get("COMMENTS_RATE_PER_HOUR", "10"))
# How commenters' IP addresses are kept: "truncate" (the network part only) or
# "hash" (a keyed hash that still groups one address's comments).
COMMENTS_IP_PRIVACY = os.environ.get("COMMENTS_IP_PRIVACY", "truncate")
# The number of proxies in front of the site that append to X-Forwarded-For; 0
# means clients connect directly and REMOTE_ADDR is their address.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))

# How long a draft's shared preview link works.
REVIEWS_PREVIEW_DAYS = 7

# Revisions compare a show or an author by which one it is, not by everything
# else saved with the review (reviews.history).
REVERSION_COMPARE_FOREIGN_OBJECTS_AS_ID = True
