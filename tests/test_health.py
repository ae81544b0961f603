"""`/healthz`: what the container's health check and a monitoring system see."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def _local_redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def local_redis(settings):
    """The real local Redis; CI starts one (.ci/run), a developer's machine may not have it."""
    if not _local_redis_answers():
        if os.environ.get("CI"):
            pytest.fail("CI must have Redis listening on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.REDIS_URL = LOCAL_REDIS
    return LOCAL_REDIS


@pytest.mark.django_db
def test_healthy_when_database_and_redis_answer(client, local_redis):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


@pytest.mark.django_db
def test_unhealthy_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["redis"].startswith("error: ConnectionError")


@pytest.mark.django_db
def test_unhealthy_when_the_database_query_fails(client, settings):
    settings.REDIS_URL = ""  # the embedded set-up: no Redis, tasks in-process, still healthy

    with mock.patch.object(connection, "cursor",
                           side_effect=OperationalError("server closed the connection")):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    # The public answer names the kind of failure only; details go to the log.
    assert body["database"] == "error: OperationalError"
    assert body["redis"] == "not configured (tasks run in-process)"


@pytest.mark.django_db
def test_needs_no_sign_in_while_the_rest_of_the_site_does(client, settings):
    settings.REDIS_URL = ""

    assert client.get("/healthz").status_code == 200
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith("/login/")


def test_production_settings_do_not_redirect_healthz_to_https(tmp_path):
    """With DEBUG=0 plain HTTP is redirected to HTTPS, except the probe the container sends itself."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "ejournal.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(45),
        "ALLOWED_HOSTS": "school.example.ru",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
    }
    script = textwrap.dedent("""
        import json
        import django
        django.setup()
        from django.test import Client
        client = Client(HTTP_HOST="school.example.ru")
        health = client.get("/healthz")
        home = client.get("/")
        print(json.dumps({"health": health.status_code, "health_body": health.json(),
                          "home": home.status_code, "home_location": home.get("Location")}))
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=BASE_DIR, env=env,  # noqa: S603 - our own code
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["home"] == 301
    assert seen["home_location"] == "https://school.example.ru/"
    assert seen["health"] == 200
    assert seen["health_body"]["database"] == "ok"
