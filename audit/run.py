"""
`make audit`: Lighthouse on the home page, a review, a show, the scores page,
the season, studio and genre indexes and the 404 page, mobile and desktop,
against the site served as in production.

Fills a database of its own (audit.sqlite3 at the repository's root, with its
covers in audit/media/) with `manage.py demo`, collects the static files into a
temporary directory (WhiteNoise's compressed, hashed names), serves the site with
gunicorn (debug off, plain HTTP on a free port of 127.0.0.1) and runs Lighthouse
(pinned in audit/package-lock.json) in Debian's Chromium, one page at a time.

Prints the four category scores of every page and form factor, then the audits
that cost points, and exits 1 if accessibility, best practices or SEO is below
100 on any of them (an error page is gated otherwise: see ERROR_PAGES);
performance is printed, not gated. The reports are written
to audit/reports/<page>-<form factor>.report.{json,html}.

Environment:
    CHROME_PATH   the Chromium Lighthouse drives (default /usr/bin/chromium)
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.server import fetch, gunicorn, use_production_settings

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "audit"
DATABASE = ROOT / "audit.sqlite3"
MEDIA = HERE / "media"
REPORTS = HERE / "reports"
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
CATEGORIES = {
    "performance": "performance",
    "accessibility": "accessibility",
    "best-practices": "best practices",
    "seo": "SEO",
}
GATED = ["accessibility", "best-practices", "seo"]
FORM_FACTORS = ["mobile", "desktop"]
# Pages whose answer is an error by design, and that status. Lighthouse scores
# them low by design too, so they are gated on accessibility and best practices
# only: SEO fails any page that answers an error status ("Page has unsuccessful
# HTTP status code") or is noindex ("Page is blocked from indexing"), and an
# error page must be both; and best practices lose "Browser errors were logged
# to the console" for the one line Chromium logs for the page's own status
# ("Failed to load resource: ... 404"), which is then the one error forgiven
# (own_status_only); any other error, or any other audit, still fails it.
ERROR_PAGES = {"not-found": 404}


def application():
    """What gunicorn serves ("audit.run:application()"): the project's WSGI
    application with the static files collected for this run, and the uploaded
    images served as production's web server would."""
    from django.conf import settings
    from whitenoise import WhiteNoise

    settings.STATIC_ROOT = os.environ["AUDIT_STATIC_ROOT"]
    from reviewsite.wsgi import application

    return WhiteNoise(application, root=settings.MEDIA_ROOT, prefix=settings.MEDIA_URL)


def require_tools():
    if not shutil.which("node"):
        sys.exit("error: Lighthouse needs Node.js 20 or newer on PATH.")
    if not LIGHTHOUSE.exists():
        sys.exit(f"error: {LIGHTHOUSE.relative_to(ROOT)} is missing: run `make audit`.")
    if not os.access(CHROME, os.X_OK):
        sys.exit(
            f"error: no Chromium at {CHROME}: `apt-get install chromium` (or set "
            "CHROME_PATH). Lighthouse never downloads a browser here."
        )


def prepare(static_root):
    """Migrate and fill the audit's database, and collect the static files."""
    if not DATABASE.exists():
        # Covers belong to the database that names them.
        shutil.rmtree(MEDIA, ignore_errors=True)
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--no-input", "-v0"], ["demo", "--no-accounts"]):
        subprocess.run(
            [*manage, *command], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
        )

    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.STATIC_ROOT = static_root
    call_command("collectstatic", interactive=False, verbosity=0)


def pages():
    """The pages to audit: the review has a cover, spoilers, a footnote and
    comments; the show is the demo's richest; the indexes; a missing page."""
    from django.urls import reverse

    from reviews.models import Review, Show

    return {
        "home": reverse("reviews:home"),
        "review": Review.objects.get(
            slug="metallic-rouge-episode-1-review"
        ).get_absolute_url(),
        "show": Show.objects.get(slug="metallic-rouge").get_absolute_url(),
        "scores": reverse("reviews:scores"),
        "seasons": reverse("reviews:season-list"),
        "studios": reverse("reviews:studio-list"),
        "genres": reverse("reviews:genre-list"),
        "not-found": "/no-such-page/",
    }


def serve():
    """The site on a free port of 127.0.0.1, with gunicorn's access log."""
    return gunicorn("audit.run:application()", "/robots.txt", ["--access-logfile=-"])


def lighthouse(url, name, form_factor, error_page=False):
    """Runs Lighthouse on one page (``error_page``: one that answers an error
    status); returns its report (a dict). Now and then Chromium's trace of the
    load comes out broken (NO_NAVSTART, NO_FCP): such a run is tried again,
    twice at most."""
    command = [LIGHTHOUSE, url, "--quiet", "--output=json", "--output=html"]
    command += [f"--output-path={REPORTS / name}", f"--chrome-flags={CHROME_FLAGS}"]
    command += [f"--only-categories={','.join(CATEGORIES)}"]
    command += ["--no-enable-error-reporting"]
    if error_page:
        # Else Lighthouse refuses to audit it (ERRORED_DOCUMENT_REQUEST).
        command.append("--ignore-status-code")
    if form_factor == "desktop":
        command.append("--preset=desktop")
    output = REPORTS / f"{name}.report.json"
    for _ in range(3):
        output.unlink(missing_ok=True)
        run = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROME})
        report = json.loads(output.read_text()) if output.exists() else {}
        error = report.get("runtimeError", {}).get("code")
        if run.returncode == 0 and report and not error:
            return report
        print(
            f"  Lighthouse failed ({error or 'no report'}), trying again",
            file=sys.stderr,
        )
    sys.exit(f"Lighthouse failed three times on {url}.")


def scores(report):
    """Each category's score out of 100 (0 when Lighthouse could not score it),
    and the audits that cost points in the categories below 100."""
    result, lost = {}, []
    for key, category in report["categories"].items():
        result[key] = round(100 * (category["score"] or 0))
        if result[key] == 100:
            continue
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                title = audit["title"]
                if audit.get("displayValue"):
                    title += f" ({audit['displayValue']})"
                lost.append((CATEGORIES[key], audit["id"], title))
    return result, lost


def below_gate(page, report, result, lost):
    """The gated categories below 100 on this page (see ERROR_PAGES)."""
    below = [key for key in GATED if result[key] < 100]
    if page not in ERROR_PAGES:
        return below
    best_practices = CATEGORIES["best-practices"]
    others = [
        audit_id
        for category, audit_id, _ in lost
        if category == best_practices and audit_id != "errors-in-console"
    ]
    if not others and own_status_only(report):
        below = [key for key in below if key != "best-practices"]
    return [key for key in below if key != "seo"]


def own_status_only(report):
    """Whether the only console error is Chromium's line for the page's own
    error status."""
    audit = report["audits"]["errors-in-console"]
    items = (audit.get("details") or {}).get("items", [])
    return all(
        item.get("source") == "network"
        and item.get("sourceLocation", {}).get("url") == report["mainDocumentUrl"]
        for item in items
    )


def print_table(rows, lost):
    header = f"{'page':<11}{'form factor':<13}" + "".join(
        f"{title:>16}" for title in CATEGORIES.values()
    )
    print(f"\n{header}\n{'-' * len(header)}")
    for page, form_factor, result in rows:
        values = "".join(f"{result[key]:>16}" for key in CATEGORIES)
        print(f"{page:<11}{form_factor:<13}{values}")
    if lost:
        print("\nAudits that cost points:")
        for name, category, audit_id, title in lost:
            print(f"  {name:<16} {category:<15} {audit_id}: {title}")
    print(f"\nReports in {REPORTS.relative_to(ROOT)}/.")


def main():
    signal.signal(signal.SIGTERM, lambda *args: sys.exit(143))
    require_tools()
    use_production_settings(
        "audit", DATABASE_URL=f"sqlite:///{DATABASE}", DJANGO_MEDIA_ROOT=str(MEDIA)
    )
    os.environ.pop("REDIS_URL", None)
    static_root = tempfile.mkdtemp(prefix="audit-static-")
    os.environ["AUDIT_STATIC_ROOT"] = static_root
    REPORTS.mkdir(exist_ok=True)
    rows, lost, failed = [], [], False
    try:
        prepare(static_root)
        paths = pages()
        with serve() as port:
            for page, path in paths.items():
                status = ERROR_PAGES.get(page, 200)
                if (code := fetch(port, path).status) != status:
                    sys.exit(f"{path} answered {code}, not {status}.")
                for form_factor in FORM_FACTORS:
                    name = f"{page}-{form_factor}"
                    print(f"Lighthouse: {name} ({path})", file=sys.stderr)
                    url = f"http://127.0.0.1:{port}{path}"
                    report = lighthouse(url, name, form_factor, page in ERROR_PAGES)
                    result, lost_here = scores(report)
                    rows.append((page, form_factor, result))
                    lost += [(name, *item) for item in lost_here]
                    failed |= bool(below_gate(page, report, result, lost_here))
    finally:
        shutil.rmtree(static_root, ignore_errors=True)

    print_table(rows, lost)
    gated = ", ".join(CATEGORIES[key] for key in GATED)
    where = "every page and form factor (error pages: see ERROR_PAGES in audit/run.py)"
    if failed:
        sys.exit(f"FAIL: {gated} must be 100 on {where}.")
    print(f"PASS: {gated} are 100 on {where}.")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("Interrupted.")
