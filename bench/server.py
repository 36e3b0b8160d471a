"""A gunicorn of this project on a free port of 127.0.0.1, for the runners that
load it (bench/run.py, audit/run.py); and one of the reference page A's project
(../shared/bench/anchor), which the benchmarks measure beside ours."""

import http.client
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The reference project, the Python that serves it (Django 6.1 and gunicorn; its
# settings are its own either way) and its page A.
ANCHOR = Path(os.environ.get("BENCH_ANCHOR", ROOT.parent / "shared/bench/anchor"))
ANCHOR_PYTHON = os.environ.get("BENCH_ANCHOR_PYTHON", sys.executable)
A_PATH = "/post/episode-review-3/"


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


@contextmanager
def anchor_server():
    """The reference project served as its README says (a copy, migrated and
    seeded, none of this project's settings); yields its port."""
    if not (ANCHOR / "manage.py").exists():
        raise SystemExit(f"The reference project is not at {ANCHOR} (BENCH_ANCHOR).")
    site = Path(tempfile.mkdtemp(prefix="bench-anchor-"))
    try:
        shutil.copytree(ANCHOR, site, dirs_exist_ok=True)
        (site / "db.sqlite3").unlink(missing_ok=True)
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("DJANGO_")
            and name not in ("DATABASE_URL", "REDIS_URL")
        }
        manage = [ANCHOR_PYTHON, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=site, env=env, check=True)
        with open(site / "blog" / "management_seed.py") as seed:
            subprocess.run(
                [*manage, "shell"],
                cwd=site,
                env=env,
                stdin=seed,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        with gunicorn(
            "floorsite.wsgi:application",
            "/plain/",
            env=env,
            python=ANCHOR_PYTHON,
            cwd=site,
        ) as port:
            yield port
    finally:
        shutil.rmtree(site, ignore_errors=True)
