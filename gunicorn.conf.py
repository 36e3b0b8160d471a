"""gunicorn's settings for production, read from the working directory:
`gunicorn` alone serves the site. Every value can be set from the environment."""

import multiprocessing
import os

wsgi_app = "reviewsite.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Sync workers: pages are short database reads or cache hits.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, at different times.
max_requests = 2000
max_requests_jitter = 200
# The proxy in front (nginx, a load balancer) sets X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
