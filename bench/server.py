"""A gunicorn of this project on a free port of 127.0.0.1, for the runners that
load it (bench/run.py, audit/run.py)."""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def use_production_settings(name, **overrides):
    """Settings as in production (debug off, a secret key, a release named
    ``name`` and a random suffix, so no page another run cached is served), on
    plain HTTP on 127.0.0.1; for this process and the servers it starts."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="reviewsite.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_RELEASE=f"{name}-{secrets.token_hex(4)}",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on 127.0.0.1: no redirect to HTTPS, no HSTS.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_HSTS_SECONDS="0",
        **overrides,
    )


@contextmanager
def gunicorn(app, ready_path, args=(), env=None, python=sys.executable, cwd=ROOT):
    """Serves ``app`` ("module:callable()") with 2 workers and yields its port
    once ``ready_path`` answers; always stopped on the way out. Its log is shown
    if it does not start within a minute. ``python`` and ``cwd`` serve another
    project (the reference page A of bench/mixed.py)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [python, "-m", "gunicorn", app]
    command += ["--workers=2", f"--bind=127.0.0.1:{port}", *args]
    with tempfile.TemporaryFile("w+") as log:
        # Its own session: Ctrl-C reaches this process, which stops the server.
        server = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=log, stderr=log, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 60
            while fetch(port, ready_path, quiet=True) is None:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise SystemExit(f"{log.read()[-3000:]}\ngunicorn did not start.")
                time.sleep(0.2)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def fetch(port, path, quiet=False):
    """One request on a new connection: the response, read; None if refused
    and ``quiet``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response
    except OSError:
        if quiet:
            return None
        raise
    finally:
        connection.close()
