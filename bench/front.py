"""
`BENCH_MODE=front make bench` (or `python -m bench.front`): cache hits through
Varnish (deploy/varnish/default.vcl) beside Django's own page cache, for the
same pages, with the reference page A before and after, in one run. Needs
varnishd with varnish-modules and Redis (REDIS_URL); uses the bench data set
(bench/run.py's, built when missing). Never part of the test suite.

Environment: BENCH_SECONDS (per page, default 5), BENCH_CONNECTIONS (4),
BENCH_REVIEWS, DATABASE_URL, REDIS_URL as for bench/run.py; BENCH_ANCHOR and
BENCH_ANCHOR_PYTHON as for bench/mixed.py. wrk is used when installed (a Python
client cannot load Varnish to its limit).
"""

import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from statistics import mean

from bench.run import (
    CONNECTIONS,
    MODES,
    REVIEWS,
    TRIVIAL,
    client_signals,
    load,
    pages,
    prepare,
    table,
)
from bench.server import (
    A_PATH,
    anchor_server,
    fetch,
    gunicorn,
    use_production_settings,
)

ROOT = Path(__file__).resolve().parent.parent
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def varnish(backend_port, port, purge_port):
    """varnishd with the shipped VCL in front of ``backend_port``."""
    folder = tempfile.mkdtemp(prefix="bench-varnish-")
    os.chmod(folder, 0o755)  # read by varnishd's own user
    vcl = Path(folder) / "default.vcl"
    vcl.write_text(VCL.read_text().replace('"8000"', f'"{backend_port}"'))
    command = [VARNISHD, "-F", "-f", str(vcl), "-n", folder, "-s", "malloc,256m"]
    command += ["-a", f"127.0.0.1:{port}", "-a", f"purge=127.0.0.1:{purge_port}"]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while fetch(port, "/robots.txt", quiet=True) is None:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("varnishd did not start.")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def measure(pool, name, port, path, rows, header):
    for _ in range(2 * CONNECTIONS):  # every worker has it, Varnish has it
        response = fetch(port, path)
    state = response.getheader(header, "-")
    print(f"  {name}...", file=sys.stderr)
    rows.append({"page": name, "cache": state, **load(pool, port, path)})


def main():
    if not Path(VARNISHD).exists() or not os.environ.get("REDIS_URL"):
        raise SystemExit("This benchmark needs varnishd and Redis (REDIS_URL).")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'bench.sqlite3'}"
    use_production_settings(
        "bench-front", DATABASE_URL=url, DJANGO_ROOT_URLCONF="bench.urls"
    )
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    prepare(url, REVIEWS)
    paths = pages()
    settings.STATIC_ROOT = tempfile.mkdtemp(prefix="bench-static-")
    os.environ["BENCH_STATIC_ROOT"] = settings.STATIC_ROOT
    call_command("collectstatic", interactive=False, verbosity=0)
    port, purge_port = free_port(), free_port()
    env = {
        **os.environ,
        **MODES["pages"],
        "DJANGO_FRONT_CACHES": f"http://127.0.0.1:{purge_port}",
    }
    pool = multiprocessing.Pool(CONNECTIONS, client_signals)
    rows = []
    try:
        with (
            anchor_server() as anchor,
            gunicorn(
                "bench.run:application()", TRIVIAL, ["--max-requests=0"], env
            ) as ours,
            varnish(ours, port, purge_port) as front,
        ):
            measure(pool, "A", anchor, A_PATH, rows, "-")
            for page in ("review", "home"):
                path = paths[page]
                measure(pool, f"{page}, Django hit", ours, path, rows, "X-Page-Cache")
                measure(pool, f"{page}, Varnish", front, path, rows, "X-Front-Cache")
            measure(pool, "A", anchor, A_PATH, rows, "-")
    finally:
        pool.terminate()
        shutil.rmtree(settings.STATIC_ROOT, ignore_errors=True)
    a_rps = mean(row["rps"] for row in rows if row["page"] == "A")
    for row in rows:
        row["×A"] = round(row["rps"] / a_rps, 2)
    columns = {"page": "<20", "cache": "<6", "rps": ">9.1f", "p50_ms": ">8.2f"}
    columns |= {"p99_ms": ">8.2f", "×A": ">8.2f", "errors": ">7"}
    table(rows, columns)
    client = "wrk" if shutil.which("wrk") else "Python clients"
    print(f"\nA: {a_rps:.1f} req/s, the mean of before and after; load by {client}.")


if __name__ == "__main__":
    main()
