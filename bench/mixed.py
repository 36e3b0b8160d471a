"""
`BENCH_MODE=mixed make bench` (or `python -m bench.mixed`): the page cache under
what a real site does, once per invalidation design (issue 15, point 5).

Readers load many pages of the bench data set (manage.py bench_data, re-used
when already there), popularity skewed: 70% of the requests go to review pages
drawn by a Zipf law over the published reviews, newest first (rank r weighs
1/r**BENCH_ZIPF), 10% to the shows of reviews drawn the same way, 10% to the
review list's first five pages (the first most) and 10% to the home page. Each
reader comes from an address of its own (X-Forwarded-For, one trusted proxy),
so the page cache's stores-per-address limit applies as it would to many
readers. In the same run a side process with the project's settings, database
and Redis approves one pending comment a second on the most read review
(CommentQuerySet.moderate, as the moderation queue does) and publishes one draft
a minute, the first after 30 s (or half the run, if shorter), with the admin's
"publish" action itself (ReviewAdmin's make_published, in a revision as the
admin list runs it), so the invalidation the app does on a write runs. The
pending comments are made before the load starts and deleted after it, and the
drafts are drafts again, so the data set is the same for each design and for
the next `make bench`.

Each design is one gunicorn (2 sync workers, debug off, the page and fragment
caches on, in Redis, a new release so nothing cached before is served), started
with DJANGO_PAGE_CACHE_INVALIDATION=<design>: "global" (one content version for
the whole site) and "tags" (per-object tags), BENCH_DESIGNS to choose. In the
same run, interleaved: the reference page A (../shared/bench/anchor, its post
page, before and after the readers: A's req/s is their mean, its latencies
the first run's), the anchor's bare view
(/plain/, without this project's middleware) and this project's trivial view
(bench/urls.py, which the page cache serves too). Prints req/s, p50 and p99
latency, the ratio to A and what the page cache did, from its X-Page-Cache
header: hits, misses on a page not asked before in this design's run (cold: no
design avoids them), other misses (stale: what the writes cost, and a page two
readers missed at once), and responses without the header (not cached), and
the warm hit rate (hits among the requests for pages asked before: what the
writes leave of the cache, whatever the run's length); the same by kind of
page; the writes done; and the setting as the project's settings read it
(PAGE_CACHE_INVALIDATION; "not a setting" while the code ignores it: both
runs then measure the global design). Written to
bench/results-mixed-<vendor>.json. Never part of the test suite.

Needs Redis (REDIS_URL): the two workers and the writer must share one page
cache, or a write would not reach the other worker's pages; refused without it.

Environment:
    BENCH_SECONDS       seconds of mixed load per design (default 60)
    BENCH_WARMUP        seconds of readers alone before it, not counted (60)
    BENCH_REF_SECONDS   seconds per reference page (A, /plain/, trivial) (5)
    BENCH_CONNECTIONS   concurrent readers (default 4)
    BENCH_REVIEWS       reviews in the data set (default 20000; 10 comments each)
    BENCH_ZIPF          the popularity law's exponent (default 1.0)
    BENCH_DESIGNS       the designs, in order (default "global,tags")
    BENCH_ANCHOR        the reference project (default ../shared/bench/anchor)
    BENCH_ANCHOR_PYTHON the Python that serves it, with Django 6.1 and gunicorn
                        (default this one; its settings are its own either way)
    DATABASE_URL        as for bench/run.py (default sqlite:///bench.sqlite3)
    REDIS_URL           required, e.g. redis://127.0.0.1:6379/5
"""

import http.client
import json
import math
import multiprocessing
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from itertools import accumulate
from pathlib import Path
from statistics import mean
from urllib.parse import urlsplit

from bench.run import MODES, TRIVIAL, client_signals, prepare, table
from bench.server import (
    A_PATH,
    anchor_server,
    fetch,
    gunicorn,
    use_production_settings,
)

ROOT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "60"))
REF_SECONDS = float(os.environ.get("BENCH_REF_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
REVIEWS = int(os.environ.get("BENCH_REVIEWS", "20000"))
ZIPF = float(os.environ.get("BENCH_ZIPF", "1.0"))
DESIGNS = os.environ.get("BENCH_DESIGNS", "global,tags").split(",")
# Shares of the readers' requests by kind of page.
SHARES = {"review": 0.70, "show": 0.10, "list": 0.10, "home": 0.10}
LIST_PAGES = 5
# The comments this benchmark adds (and deletes) are told by their fingerprint.
FINGERPRINT = "bench-mixed-"
EDITOR = "bench-mixed-editor"
HOST = "127.0.0.1"  # bench.server's DJANGO_ALLOWED_HOSTS
# A comment a second from the first half second; the first review halfway
# through a short run, then one a minute.
COMMENT_EVERY, PUBLISH_EVERY = 1.0, 60.0
FIRST_PUBLISH = min(30.0, SECONDS / 2)


# The readers


def reader(port, paths, cum_weights, seconds, seed):
    """One reader process on one connection (reopened whenever the server closes
    it) for ``seconds``: each request a page drawn from ``paths`` ((kind, path)
    pairs), from an address of its own. Returns each request's (start, index in
    ``paths``, latency, whether it answered 200, its X-Page-Cache or None)."""
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    requests = []
    indexes = range(len(paths))
    end = time.perf_counter() + seconds
    while (start := time.perf_counter()) < end:
        index = rng.choices(indexes, cum_weights=cum_weights)[0]
        address = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}"
        try:
            connection.request(
                "GET", paths[index][1], headers={"X-Forwarded-For": address}
            )
            response = connection.getresponse()
            response.read()
            ok, cached = response.status == 200, response.getheader("X-Page-Cache")
        except (OSError, http.client.HTTPException):
            connection.close()
            ok, cached = False, None
        requests.append((start, index, time.perf_counter() - start, ok, cached))
    connection.close()
    return requests


def load(pool, port, paths, weights, seconds, seen=None):
    """CONNECTIONS readers for ``seconds``: per kind and "all", req/s, p50 and
    p99 (ms), the shares (%) of hits, of misses on pages not asked before (in
    ``seen``, indexes of ``paths``, updated), of other misses, of uncached
    responses, and errors."""
    cum_weights = list(accumulate(weights))
    seeds = [secrets.randbits(32) for _ in range(CONNECTIONS)]
    results = pool.starmap(
        reader, [(port, paths, cum_weights, seconds, seed) for seed in seeds]
    )
    seen = set() if seen is None else seen
    by_kind = {}
    for _, index, latency, ok, cached in sorted(sum(results, [])):
        if cached == "miss":
            cached = "stale" if index in seen else "cold"
        seen.add(index)
        for kind in (paths[index][0], "all"):
            by_kind.setdefault(kind, []).append((latency, ok, cached or "uncached"))
    return {kind: summary(requests, seconds) for kind, requests in by_kind.items()}


def summary(requests, seconds):
    latencies = sorted(latency for latency, _, _ in requests)
    count = len(latencies)
    caching = [cached for _, _, cached in requests]
    return {
        "requests": count,
        "rps": round(count / seconds, 1),
        "p50_ms": round(1000 * latencies[count // 2], 2),
        "p99_ms": round(1000 * latencies[min(count - 1, count * 99 // 100)], 2),
        **{
            f"{key}_pct": round(100 * caching.count(key) / count, 1)
            for key in ("hit", "cold", "stale", "uncached")
        },
        # Of the requests for pages asked before: what the writes leave.
        "warm_hit_pct": round(
            100 * caching.count("hit") / max(1, count - caching.count("cold")), 1
        ),
        "errors": sum(not ok for _, ok, _ in requests),
    }


def reading_plan():
    """(kind, path) pairs and their weights: SHARES split by the Zipf law."""
    from django.urls import reverse

    from reviews.models import Review

    reviews = list(
        Review.objects.published()
        .select_related("show")
        .order_by("-published_at", "-pk")
        .only("slug", "show__slug")
    )
    if not reviews:
        raise SystemExit("The bench data set has no published review.")
    ranks = [1 / rank**ZIPF for rank in range(1, len(reviews) + 1)]
    total = sum(ranks)
    paths, weights = [], []
    shows = {}
    for review, rank in zip(reviews, ranks, strict=True):
        paths.append(("review", review.get_absolute_url()))
        weights.append(SHARES["review"] * rank / total)
        path = review.show.get_absolute_url()
        shows[path] = shows.get(path, 0) + SHARES["show"] * rank / total
    paths += [("show", path) for path in shows]
    weights += shows.values()
    pages = [1 / page**ZIPF for page in range(1, LIST_PAGES + 1)]
    review_list = reverse("reviews:review-list")
    for page, weight in enumerate(pages, 1):
        paths.append(("list", review_list + (f"?page={page}" if page > 1 else "")))
        weights.append(SHARES["list"] * weight / sum(pages))
    paths.append(("home", reverse("reviews:home")))
    weights.append(SHARES["home"])
    return paths, weights, reviews[0]


# The writes


def remove_added_comments():
    from comments.models import Comment

    Comment.objects.filter(fingerprint__startswith=FINGERPRINT).delete()


def prepare_writes(review):
    """Pending comments on ``review`` for a comment a second, drafts ready to
    publish for one a minute, and an editor; what the writer needs (their ids)
    and what restore() needs (the drafts as they were)."""
    from django.contrib.auth import get_user_model

    from comments.models import Comment, render_comment_text
    from reviews.models import Review

    remove_added_comments()
    text = "A pending comment of the mixed benchmark, approved during the run."
    html = render_comment_text(text)
    comments = Comment.objects.bulk_create(
        Comment(
            review=review,
            name="Bench Reader",
            email="reader@example.com",
            text=text,
            text_html=html,
            status=Comment.Status.PENDING,
            ip_address="192.0.2.0/24",
            fingerprint=f"{FINGERPRINT}{number}",
        )
        for number in range(math.ceil(SECONDS / COMMENT_EVERY) + 1)
    )
    wanted = math.ceil(max(0, SECONDS - FIRST_PUBLISH) / PUBLISH_EVERY) + 1
    drafts = [
        draft
        for draft in Review.objects.filter(
            status__in=[Review.Status.DRAFT, Review.Status.SUBMITTED]
        ).order_by("pk")[: 10 * wanted]
        if not draft.missing_before_publication()
    ][:wanted]
    if len(drafts) < wanted:
        raise SystemExit(f"The bench data set has fewer than {wanted} drafts.")
    editor, _ = get_user_model().objects.get_or_create(
        username=EDITOR, defaults={"is_staff": True, "is_superuser": True}
    )
    if editor.has_usable_password():
        editor.set_unusable_password()
        editor.save()
    job = {
        "comments": [comment.pk for comment in comments],
        "drafts": [draft.pk for draft in drafts],
        "editor": editor.pk,
        "seconds": SECONDS,
    }
    was = {draft.pk: (draft.status, draft.published_at) for draft in drafts}
    return job, was


def restore(was):
    """The drafts back as they were (saved, so what derives from them follows),
    the added comments deleted."""
    from reviews.models import Review

    for review in Review.objects.filter(pk__in=was):
        review.status, review.published_at = was[review.pk]
        review.save()
    remove_added_comments()


def writer():
    """The side process (python -m bench.mixed write), with the server's
    environment: reads its job (a JSON line), says it is ready (and the setting
    it reads), waits for a line, then approves and publishes on schedule; prints
    what it did as a JSON line."""
    job = json.loads(sys.stdin.readline())
    import django

    django.setup()
    import reversion
    from django.conf import settings
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    from comments.models import Comment
    from reviews.models import Review

    editor = get_user_model().objects.get(pk=job["editor"])
    review_admin = admin.site.get_model_admin(Review)

    def publish(pk):
        # The admin list's action, as the list runs it (reversion's VersionAdmin
        # wraps it in a revision) for an editor's POST.
        request = RequestFactory().post("/admin/reviews/review/", HTTP_HOST=HOST)
        request.user = editor
        request._messages = CookieStorage(request)
        action = review_admin.get_actions(request)["make_published"][0]
        with reversion.create_revision():
            reversion.set_user(editor)
            action(review_admin, request, Review.objects.filter(pk=pk))
        return Review.objects.get(pk=pk).is_published()

    def approve(pk):
        approved = Comment.objects.filter(pk=pk)
        return approved.moderate(Comment.Status.APPROVED, None) == 1

    seconds = job["seconds"]
    events = [
        (COMMENT_EVERY / 2 + i * COMMENT_EVERY, approve, pk)
        for i, pk in enumerate(job["comments"])
    ]
    events += [
        (FIRST_PUBLISH + i * PUBLISH_EVERY, publish, pk)
        for i, pk in enumerate(job["drafts"])
    ]
    events = sorted(event for event in events if event[0] < seconds)
    setting = getattr(settings, "PAGE_CACHE_INVALIDATION", None)
    print(json.dumps({"ready": True, "setting": setting}), flush=True)
    sys.stdin.readline()
    started = time.monotonic()
    done = {"approve": [], "publish": []}
    for at, write, pk in events:
        time.sleep(max(0, started + at - time.monotonic()))
        before = time.perf_counter()
        if write(pk):
            done[write.__name__].append(1000 * (time.perf_counter() - before))
    print(json.dumps(done), flush=True)


def start_writer(env, job):
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.mixed", "write"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    process.stdin.write(json.dumps(job) + "\n")
    process.stdin.flush()
    line = process.stdout.readline()
    if not line:
        raise SystemExit("The writer process did not start (its error above).")
    return process, json.loads(line)


# A run


def measure(pool, anchor_port, url, paths, weights, review, design):
    """One design: the reference pages, then readers and writes, then A again."""
    env = {
        **os.environ,
        **MODES["pages"],
        "DATABASE_URL": url,
        "DJANGO_RELEASE": f"bench-mixed-{design}-{secrets.token_hex(4)}",
        "DJANGO_PAGE_CACHE_INVALIDATION": design,
    }
    job, was = prepare_writes(review)
    rows, kinds = [], []
    try:
        with gunicorn(
            "bench.run:application()", TRIVIAL, ["--max-requests=0"], env
        ) as port:
            reported = ", ".join(
                f"{name}: {value}"
                for name, value in fetch(port, paths[-1][1]).getheaders()
                if "invalidation" in name.lower()
            )

            def reference(page, at, path):
                print(f"  {design}: {page}...", file=sys.stderr)
                row = load(pool, at, [(page, path)], [1], REF_SECONDS)["all"]
                rows.append({"design": design, "page": page, **row})

            reference("A", anchor_port, A_PATH)
            reference("plain (anchor)", anchor_port, "/plain/")
            reference("trivial (ours)", port, TRIVIAL)
            print(f"  {design}: warming up for {WARMUP:g} s...", file=sys.stderr)
            seen = set()
            if WARMUP:
                load(pool, port, paths, weights, WARMUP, seen)
            writer_process, ready = start_writer(env, job)
            try:
                print(f"  {design}: readers and writes...", file=sys.stderr)
                writer_process.stdin.write("go\n")
                writer_process.stdin.flush()
                read = load(pool, port, paths, weights, SECONDS, seen)
                line = writer_process.stdout.readline()
                if not line:
                    raise SystemExit("The writer process failed (its error above).")
                written = json.loads(line)
            finally:
                writer_process.kill()
                writer_process.wait()
            rows.append({"design": design, "page": "mixed readers", **read["all"]})
            for kind in SHARES:
                if kind in read:
                    kinds.append({"design": design, "kind": kind, **read[kind]})
            reference("A", anchor_port, A_PATH)
    finally:
        restore(was)
    a_rows = [row for row in rows if row["page"] == "A"]
    a_rps = mean(row["rps"] for row in a_rows)
    rows = [rows[0] | {"rps": round(a_rps, 1)}, *rows[1:-1]]
    rows[0]["note"] = f"mean of {a_rows[0]['rps']} before, {a_rows[1]['rps']} after"
    for row in rows:
        row["ratio"] = round(row["rps"] / a_rps, 2)
    approved, published = written["approve"], written["publish"]
    writes = {
        "design": design,
        "setting": ready["setting"],
        "header": reported or None,
        "approved": len(approved),
        "published": len(published),
        "approve_ms": round(mean(approved), 1) if approved else None,
        "publish_ms": round(mean(published), 1) if published else None,
    }
    return rows, kinds, writes


COLUMNS = {"design": "<8", "page": "<16", "rps": ">9.1f", "p50_ms": ">8.2f"}
COLUMNS |= {"p99_ms": ">8.2f", "ratio": ">6.2f", "hit_pct": ">6.1f"}
COLUMNS |= {"cold_pct": ">7.1f", "stale_pct": ">8.1f", "uncached_pct": ">11.1f"}
COLUMNS |= {"warm_hit_pct": ">11.1f", "errors": ">7"}
KIND_COLUMNS = {"design": "<8", "kind": "<8", "requests": ">9"}
KIND_COLUMNS |= {key: COLUMNS[key] for key in ("rps", "p50_ms", "p99_ms")}
KIND_COLUMNS |= {
    key: COLUMNS[key]
    for key in ("hit_pct", "cold_pct", "stale_pct", "uncached_pct", "warm_hit_pct")
}


def report(results):
    from bench import run

    run.TITLES.update(
        ratio="×A",
        hit_pct="hit %",
        cold_pct="cold %",
        stale_pct="stale %",
        uncached_pct="uncached %",
        warm_hit_pct="warm hit %",
    )
    table(results["rows"], COLUMNS)
    table(results["kinds"], KIND_COLUMNS)
    print(
        f"\n{results['vendor']} ({results['database']}), gunicorn with 2 sync workers, "
        f"page and fragment caches in Redis; {results['connections']} Python reader "
        f"processes, {results['seconds']:g} s of mixed load per design after "
        f"{results['warmup']:g} s of readers alone, {results['ref_seconds']:g} s per "
        f"reference page; client and server share this machine's {results['cpus']} "
        f"CPUs. {results['pages']} pages read (Zipf {results['zipf']:g}); comments "
        f"approved on {results['popular']}. A is the mean of the runs before and "
        "after the readers."
    )
    for writes in results["writes"]:
        setting = writes["setting"] or "not a setting (ignored: the global design)"
        print(
            f"  {writes['design']}: {writes['approved']} comments approved "
            f"({writes['approve_ms']} ms each), {writes['published']} reviews "
            f"published ({writes['publish_ms']} ms each); PAGE_CACHE_INVALIDATION "
            f"as the settings read it: {setting}; server's header: "
            f"{writes['header'] or 'none'}."
        )


def main():
    signal.signal(signal.SIGTERM, lambda *args: sys.exit(143))
    if not os.environ.get("REDIS_URL"):
        raise SystemExit(
            "The mixed benchmark needs Redis: set REDIS_URL (e.g. "
            "redis://127.0.0.1:6379/5). Without it each gunicorn worker caches in "
            "its own memory and a write never reaches the other worker's pages."
        )
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'bench.sqlite3'}"
    use_production_settings(
        "bench-mixed",
        DATABASE_URL=url,
        DJANGO_ROOT_URLCONF="bench.urls",
        # Each reader's address in X-Forwarded-For, as a proxy would send it.
        DJANGO_TRUSTED_PROXY_COUNT="1",
    )
    import django
    from django.conf import settings
    from django.db import DatabaseError, connection

    django.setup()
    # Comments a stopped run left, before bench_data counts the comments.
    with suppress(DatabaseError):  # not migrated yet
        remove_added_comments()
    connection.close()
    prepare(url, REVIEWS)

    from django.core.management import call_command

    settings.STATIC_ROOT = tempfile.mkdtemp(prefix="bench-static-")
    os.environ["BENCH_STATIC_ROOT"] = settings.STATIC_ROOT
    pool = multiprocessing.Pool(CONNECTIONS, client_signals)
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
        print("The reference project...", file=sys.stderr)
        paths, weights, popular = reading_plan()
        rows, kinds, writes = [], [], []
        with anchor_server() as anchor_port:
            for design in DESIGNS:
                print(f"Measuring the {design} design...", file=sys.stderr)
                measured = measure(
                    pool, anchor_port, url, paths, weights, popular, design
                )
                rows += measured[0]
                kinds += measured[1]
                writes.append(measured[2])
    finally:
        pool.terminate()
        shutil.rmtree(settings.STATIC_ROOT, ignore_errors=True)

    results = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "vendor": connection.vendor,
        "database": urlsplit(url).path.rsplit("/", 1)[-1],
        "connections": CONNECTIONS,
        "seconds": SECONDS,
        "warmup": WARMUP,
        "ref_seconds": REF_SECONDS,
        "cpus": os.cpu_count(),
        "zipf": ZIPF,
        "pages": len(paths),
        "popular": popular.get_absolute_url(),
        "rows": rows,
        "kinds": kinds,
        "writes": writes,
    }
    report(results)
    output = ROOT / "bench" / f"results-mixed-{connection.vendor}.json"
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWritten to {output.relative_to(ROOT)}.")


if __name__ == "__main__":
    try:
        writer() if sys.argv[1:] == ["write"] else main()
    except KeyboardInterrupt:
        sys.exit("Interrupted.")
