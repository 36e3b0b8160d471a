"""
`make bench`: requests per second and latency of the main pages under gunicorn,
beside a trivial view of the same project, in three modes: no cache, the fragment
cache only (what staff, commenters and pages not yet cached get), whole pages.

Fills a database of its own (manage.py bench_data: 300 shows, 20,000 reviews,
200,000 comments; re-used when already there), collects the static files into a
temporary directory, serves the site with gunicorn (2 sync workers on 127.0.0.1,
debug off) and loads each page for a fixed time; then compares the review list on
a 1,000- and a 100,000-review database (no cache, fragments). Prints a table and
the goals, and writes bench/results-<vendor>.json. Never part of the test suite.

Environment:
    BENCH_SECONDS      seconds of load per page and mode (default 5)
    BENCH_CONNECTIONS  concurrent connections (default 4)
    BENCH_REVIEWS      reviews in the main data set (default 20000; 10 comments each)
    BENCH_SCALE        0 skips the 1,000 / 100,000 reviews comparison (default 1)
    DATABASE_URL       the main database (default: sqlite:///bench.sqlite3 at the
                       repository's root); PostgreSQL databases are created when
                       missing, with <name>_1k and <name>_100k beside them
                       (bench-1k.sqlite3, bench-100k.sqlite3 for SQLite). Give the
                       benchmark databases of its own.
    REDIS_URL          the cache, shared by the workers (default: local memory,
                       one per worker)
    BENCH_ANCHOR       the reference project whose page A is measured before and
                       after each page, each page's "×A" its req/s over their
                       mean (default ../shared/bench/anchor; left out when absent)
    BENCH_ANCHOR_PYTHON the Python that serves it (default this one)
"""

import gzip
import http.client
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.server import (
    A_PATH,
    ANCHOR,
    anchor_server,
    fetch,
    gunicorn,
    use_production_settings,
)

ROOT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
REVIEWS = int(os.environ.get("BENCH_REVIEWS", "20000"))
SCALE = os.environ.get("BENCH_SCALE", "1") != "0"
TRIVIAL = "/bench/trivial/"
DEEP_PAGE = 50
CACHE_SECONDS = 600


def application():
    """What gunicorn serves ("bench.run:application()"): the project's WSGI
    application, with the static files collected for this run."""
    from django.conf import settings

    settings.STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
    from reviewsite.wsgi import application

    return application


# The databases


def sibling(url, size):
    """The URL of the database beside ``url`` for the data set of this size."""
    if url.startswith("sqlite"):
        stem, suffix = os.path.splitext(url)
        return f"{stem}-{size}{suffix}"
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_{size}"))


def create_database(url):
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        found = "SELECT 1 FROM pg_database WHERE datname = %s"
        if not connection.execute(found, [name]).fetchone():
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            )


def prepare(url, reviews):
    """Migrate and fill one database; returns the seconds bench_data took."""
    create_database(url)
    env = {**os.environ, "DATABASE_URL": url}
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    started = time.monotonic()
    sizes = [f"--reviews={reviews}", f"--comments={10 * reviews}"]
    subprocess.run([*manage, "bench_data", *sizes], cwd=ROOT, env=env, check=True)
    return round(time.monotonic() - started, 1)


# The server and the load


# The caches' settings in each mode: none; fragments only (what staff, commenters
# with a session and any page not (yet) in the page cache get); whole pages.
MODES = {
    "none": {"DJANGO_PAGE_CACHE_SECONDS": "0", "DJANGO_FRAGMENT_CACHE_SECONDS": "0"},
    "fragments": {
        "DJANGO_PAGE_CACHE_SECONDS": "0",
        "DJANGO_FRAGMENT_CACHE_SECONDS": str(CACHE_SECONDS),
    },
    "pages": {
        "DJANGO_PAGE_CACHE_SECONDS": str(CACHE_SECONDS),
        "DJANGO_FRAGMENT_CACHE_SECONDS": str(CACHE_SECONDS),
    },
}


def serve(url, mode):
    """The site on a free port, in this caching mode."""
    env = {**os.environ, "DATABASE_URL": url, **MODES[mode]}
    # gunicorn.conf.py (production's) applies, but for its worker recycling: every
    # 2,000 requests is every second or two here, and empties the local cache.
    return gunicorn("bench.run:application()", TRIVIAL, ["--max-requests=0"], env)


def client_signals():
    """Client processes leave Ctrl-C to the main one, which stops them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def client(port, path, seconds):
    """One client process: requests on one connection (reopened whenever the
    server closes it, as gunicorn's sync workers do) for ``seconds``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, errors = [], 0
    end = time.perf_counter() + seconds
    while (start := time.perf_counter()) < end:
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            errors += response.status != 200
        except (OSError, http.client.HTTPException):
            connection.close()
            errors += 1
        latencies.append(time.perf_counter() - start)
    connection.close()
    return latencies, errors


def load(pool, port, path):
    """req/s, p50 and p99 (ms) and errors under CONNECTIONS concurrent clients."""
    if wrk := shutil.which("wrk"):
        return load_wrk(wrk, port, path)
    results = pool.starmap(client, [(port, path, SECONDS)] * CONNECTIONS)
    latencies = sorted(latency for result in results for latency in result[0])
    count = len(latencies)
    return {
        "rps": round(count / SECONDS, 1),
        "p50_ms": round(1000 * latencies[count // 2], 2),
        "p99_ms": round(1000 * latencies[min(count - 1, count * 99 // 100)], 2),
        "errors": sum(result[1] for result in results),
    }


def load_wrk(wrk, port, path):
    # wrk takes whole seconds ("5s", not "5.0s").
    command = [wrk, f"-t{min(2, CONNECTIONS)}", f"-c{CONNECTIONS}"]
    command += [f"-d{max(1, round(SECONDS))}s", "--latency"]
    command += [f"http://127.0.0.1:{port}{path}"]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{run.stdout}{run.stderr}")
    return parse_wrk(run.stdout)


def parse_wrk(output):
    units = {"us": 0.001, "ms": 1, "s": 1000}
    latency = {
        percent: round(float(value) * units[unit], 2)
        for percent, value, unit in re.findall(
            r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE
        )
    }
    errors = re.findall(
        r"(?:Non-2xx or 3xx responses:|connect|read|write|timeout) (\d+)", output
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50_ms": latency["50"],
        "p99_ms": latency["99"],
        "errors": sum(map(int, errors)),
    }


# What is measured


def pages():
    """The pages to measure: a review with about 50 comments, its show and writer."""
    from django.db.models import F
    from django.db.models.functions import Abs
    from django.urls import reverse

    from reviews.models import Review

    review = (
        Review.objects.published()
        .filter(kind=Review.Kind.EPISODE)
        .select_related("show", "author")
        .order_by(Abs(F("comment_count") - 50), "-published_at")
        .first()
    )
    word = max(review.show.title.split(), key=len).lower()
    return {
        "home": reverse("reviews:home"),
        "review list": reverse("reviews:review-list"),
        "review": review.get_absolute_url(),
        "show": review.show.get_absolute_url(),
        "author": review.author.get_absolute_url(),
        "search": f"{reverse('reviews:search')}?q={word}",
        "feed": reverse("reviews:feed-rss"),
        "trivial": TRIVIAL,
    }


def page_facts(path, mode):
    """Queries per request in this mode (after a first request), bytes and gzip
    bytes."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for name, value in MODES[mode].items():
        setattr(settings, name.removeprefix("DJANGO_"), int(value))
    Client(HTTP_HOST="127.0.0.1").get(path)
    with CaptureQueriesContext(connection) as queries:
        response = Client(HTTP_HOST="127.0.0.1").get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}.")
    body = response.content
    return {
        "queries": len(queries),
        "bytes": len(body),
        "gzip": len(gzip.compress(body)),
    }


def measure(pool, url, paths, mode, anchor=None):
    """Each page's load in this mode; with ``anchor`` (the reference project's
    port), A's before and after each page, and the page's ratio to their mean."""
    rows = []
    with serve(url, mode) as port:
        a_before = load(pool, anchor, A_PATH)["rps"] if anchor else None
        for name, path in paths.items():
            # A few requests first, so that every worker has the page cached.
            for _ in range(2 * CONNECTIONS):
                response = fetch(port, path)
            cache = response.getheader("X-Page-Cache", "-")
            rows.append({"page": name, "path": path, **load(pool, port, path)})
            rows[-1] |= {"cache": cache, "x_a": "-"}
            if anchor:
                a_after = load(pool, anchor, A_PATH)["rps"]
                a_rps = (a_before + a_after) / 2
                rows[-1] |= {"a_rps": round(a_rps, 1)}
                rows[-1] |= {"x_a": round(rows[-1]["rps"] / a_rps, 2)}
                a_before = a_after
            print(f"  {name:<12} {rows[-1]['rps']:>8.1f} req/s", file=sys.stderr)
    return rows


def assess(rows, scale):
    """Each page's ratio to the trivial view (in the same mode), and the goals."""
    trivial = {row["mode"]: row["rps"] for row in rows if row["page"] == "trivial"}
    for row in rows:
        row["ratio"] = round(row["rps"] / trivial[row["mode"]], 2)
    ratio = {(row["page"], row["mode"]): row["ratio"] for row in rows}
    cached = [r for r in rows if r["mode"] == "pages" and r["page"] != "trivial"]
    slowest = min(cached, key=lambda row: row["ratio"])
    goals = [
        (
            "review page without the page cache (fragments), × trivial",
            ratio["review", "fragments"],
            0.15,
        ),
        ("review page with no cache at all, × trivial", ratio["review", "none"], 0.15),
        (f"slowest cached page ({slowest['page']}), × trivial", slowest["ratio"], 0.8),
    ]
    # Issue 15's, as ratios to the reference page A measured beside each page.
    to_a = {(row["page"], row["mode"]): row.get("x_a") for row in rows}
    for page, mode, target in [
        ("review", "none", 1.0),
        ("home", "none", 1.0),
        ("review list", "none", 1.0),
        ("show", "none", 0.7),
        ("review", "pages", 8.0),
    ]:
        if to_a.get((page, mode)) is not None:
            goals.append((f"{page} ({mode}), × A", to_a[page, mode], target))
    speed = {(row["page"], row["mode"], row["reviews"]): row["rps"] for row in scale}
    for page, mode in dict.fromkeys((row["page"], row["mode"]) for row in scale):
        at_100k = speed[page, mode, "100k"] / speed[page, mode, "1k"]
        goals.append((f"{page} ({mode}) at 100k reviews, × at 1k", at_100k, 0.8))
    return [
        {
            "goal": name,
            "value": round(value, 2),
            "target": target,
            "pass": value >= target,
        }
        for name, value, target in goals
    ]


COLUMNS = {"page": "<14", "mode": "<10", "rps": ">9.1f", "p50_ms": ">8.2f"}
COLUMNS |= {"p99_ms": ">8.2f", "ratio": ">9.2f", "x_a": ">6", "queries": ">8"}
COLUMNS |= {"bytes": ">8"}
COLUMNS |= {"gzip": ">7", "cache": ">6", "errors": ">7"}
TITLES = {"rps": "req/s", "p50_ms": "p50 ms", "p99_ms": "p99 ms", "ratio": "×trivial"}
TITLES |= {"x_a": "×A"}


def table(rows, columns):
    """Rows as text, each column formatted by its spec in ``columns``."""
    width = {key: spec[0] + re.search(r"\d+", spec)[0] for key, spec in columns.items()}
    header = "".join(format(TITLES.get(key, key), width[key]) for key in columns)
    print(f"\n{header}\n{'-' * len(header)}")
    for row in rows:
        print("".join(format(row[key], spec) for key, spec in columns.items()))


def report(results):
    table(results["pages"], COLUMNS)
    if results["scale"]:
        keys = ["page", "mode", "reviews", "rps", "p50_ms", "p99_ms", "errors"]
        table(results["scale"], {key: COLUMNS.get(key, "<9") for key in keys})
    paths = {row["page"]: row["path"] for row in results["pages"]}
    print(
        f"\n{results['vendor']} ({results['database']}), gunicorn with 2 sync workers, "
        f"caches in {results['cache']}; load from {results['client']}, "
        f"{results['connections']} connections, {results['seconds']:g} s a page; "
        f"client and server share this machine's {results['cpus']} CPUs. "
        f"Review: {paths['review']}, search: {paths['search']}. "
        f"bench_data took {results['data_seconds']} s.\nGoals (reported, not asserted):"
    )
    for item in results["goals"]:
        verdict = "PASS" if item["pass"] else "MISS"
        print(f"  {verdict}  {item['goal']}: {item['value']} (goal ≥ {item['target']})")


def main():
    signal.signal(signal.SIGTERM, lambda *args: sys.exit(143))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'bench.sqlite3'}"
    use_production_settings("bench", DATABASE_URL=url, DJANGO_ROOT_URLCONF="bench.urls")
    sets = [("1k", sibling(url, "1k"), 1000), ("100k", sibling(url, "100k"), 100_000)]
    sets = [("main", url, REVIEWS), *(sets if SCALE else [])]
    data_seconds = {name: prepare(db, reviews) for name, db, reviews in sets}

    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    settings.STATIC_ROOT = tempfile.mkdtemp(prefix="bench-static-")
    os.environ["BENCH_STATIC_ROOT"] = settings.STATIC_ROOT
    pool = multiprocessing.Pool(CONNECTIONS, client_signals)
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
        paths = pages()
        rows = []
        # The reference page A beside each page, when its project is there.
        with anchor_server() if ANCHOR.exists() else nullcontext() as anchor:
            for mode in MODES:
                facts = {name: page_facts(path, mode) for name, path in paths.items()}
                print(f"Measuring pages, cached: {mode}...", file=sys.stderr)
                for row in measure(pool, url, paths, mode, anchor):
                    rows.append({**row, "mode": mode, **facts[row["page"]]})
        lists = {"review list": paths["review list"]}
        lists[f"list p{DEEP_PAGE}"] = f"{paths['review list']}?page={DEEP_PAGE}"
        scale = []
        for mode in ("none", "fragments"):
            for name, db, _ in sets[1:]:
                print(f"The list at {name} reviews, {mode}...", file=sys.stderr)
                for row in measure(pool, db, lists, mode):
                    scale.append({**row, "mode": mode, "reviews": name})
    finally:
        pool.terminate()
        shutil.rmtree(settings.STATIC_ROOT, ignore_errors=True)

    redis = os.environ.get("REDIS_URL")
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "vendor": connection.vendor,
        "database": urlsplit(url).path.rsplit("/", 1)[-1],
        "cache": "Redis (REDIS_URL)" if redis else "local memory, one per worker",
        "client": "wrk" if shutil.which("wrk") else "Python processes",
        "connections": CONNECTIONS,
        "seconds": SECONDS,
        "cpus": os.cpu_count(),
        "data_seconds": data_seconds,
        "pages": rows,
        "scale": scale,
        "goals": assess(rows, scale),
    }
    report(results)
    output = ROOT / "bench" / f"results-{connection.vendor}.json"
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWritten to {output.relative_to(ROOT)}.")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("Interrupted.")
