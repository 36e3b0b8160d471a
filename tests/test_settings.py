import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

ENVIRONMENT_WITHOUT_KEY = {
    name: value
    for name, value in os.environ.items()
    if name not in {"DJANGO_SECRET_KEY", "DJANGO_DEBUG"}
}
ENVIRONMENT_WITHOUT_RELEASE = {
    name: value
    for name, value in os.environ.items()
    if name not in {"DJANGO_RELEASE", "DJANGO_DEBUG"}
}


def run_python(code, env=ENVIRONMENT_WITHOUT_KEY):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("entry_point", ["reviewsite.wsgi", "reviewsite.asgi"])
def test_site_refuses_to_serve_without_a_secret_key(entry_point):
    result = run_python(f"import {entry_point}")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_management_checks_run_without_a_secret_key():
    result = run_python(
        "import django, os;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'reviewsite.settings';"
        "from django.core.management import call_command;"
        "django.setup(); call_command('check')"
    )
    assert result.returncode == 0, result.stderr


def test_debug_has_a_local_secret_key_without_configuration():
    result = run_python(
        "import os; os.environ['DJANGO_DEBUG'] = '1';import reviewsite.wsgi"
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("entry_point", ["reviewsite.wsgi", "reviewsite.asgi"])
def test_site_refuses_to_serve_without_a_release_name(entry_point):
    result = run_python(f"import {entry_point}", env=ENVIRONMENT_WITHOUT_RELEASE)
    assert result.returncode != 0
    assert "DJANGO_RELEASE is not set" in result.stderr


def test_deploy_check_asks_for_a_release_name():
    result = run_python(
        "import django, os;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'reviewsite.settings';"
        "from django.core.management import call_command;"
        "django.setup(); call_command('check', deploy=True)",
        env=ENVIRONMENT_WITHOUT_RELEASE,
    )
    assert result.returncode != 0
    assert "reviews.E001" in result.stderr
    assert "DJANGO_RELEASE is not set" in result.stderr


def test_local_runs_have_a_release_without_configuration():
    result = run_python(
        "import os; os.environ['DJANGO_DEBUG'] = '1';"
        "from django.conf import settings; import reviewsite.wsgi;"
        "print(settings.RELEASE)",
        env=ENVIRONMENT_WITHOUT_RELEASE,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "local"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
@pytest.mark.django_db
def test_postgresql_connections_do_not_jit_compile_queries():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
