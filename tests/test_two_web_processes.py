"""Nothing pins a user to one web process: sessions, the cache and locks live in PostgreSQL and
Redis, so a parent who signs in through one web process is served by another, and signing out
through the second ends the session on the first (docs/capacity.md scales the site out on it).

Two gunicorn servers are started on loopback with the test database and the run's Redis and cache
key prefix. They must see the test's data, so this test commits (transactional_db).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection
from django.urls import reverse

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30  # seconds; on a quiet machine a server answers within 2

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql" and not os.environ.get("REQUIRE_POSTGRES"),
                       reason="other processes share the test database on PostgreSQL only"),
]

# A web process as production runs it (gunicorn, one sync worker, sessions in the cache and the
# database), on the test settings with the cache key prefix of this test run: the prefix the test
# settings give is per process id.
SERVER = textwrap.dedent("""
    import os
    import sys

    import tests.settings

    tests.settings.CACHES["default"]["KEY_PREFIX"] = os.environ["TEST_CACHE_KEY_PREFIX"]
    tests.settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    from gunicorn.app.wsgiapp import run

    sys.argv = ["gunicorn", "ejournal.wsgi", "--bind", sys.argv[1], "--workers", "1",
                "--worker-class", "sync", "--timeout", "30", "--log-level", "warning"]
    run()
""")


def database_url() -> str:
    """The test database, for another process."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}"
                                                if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_url() -> str:
    """The run's Redis: two processes share no local-memory cache."""
    if not django_settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must run the tests with REDIS_URL")
        pytest.skip("the run has no REDIS_URL")
    return django_settings.REDIS_URL


@contextlib.contextmanager
def web_processes(count: int, redis: str, log_dir: Path) -> Iterator[list[str]]:
    """`count` web servers on free ports of 127.0.0.1, started side by side; their base URLs."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/"),
           "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT), "DEBUG": "1",
           "DATABASE_URL": database_url(), "REDIS_URL": redis,
           "TEST_CACHE_KEY_PREFIX": caches["default"].key_prefix}
    servers: list[tuple[subprocess.Popen, str, Path]] = []
    try:
        for number in range(count):
            bind = f"127.0.0.1:{free_port()}"
            log = log_dir / f"web{number + 1}.log"
            with log.open("wb") as output:
                # Its own process group: stopping it stops its worker too.
                process = subprocess.Popen(  # noqa: S603 - our own server
                    [sys.executable, "-c", SERVER, bind], cwd=ROOT, env=env,
                    stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                    start_new_session=True)
            servers.append((process, f"http://{bind}", log))
        for process, base, log in servers:
            wait_until_it_answers(process, base, log)
        yield [base for _, base, _ in servers]
    finally:
        for process, _, _ in servers:
            stop(process)


def wait_until_it_answers(process: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"{base} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            requests.get(f"{base}/healthz", timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or its worker still loading the site
        if time.monotonic() > deadline:
            pytest.fail(f"{base} did not answer in {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_session_started_on_one_web_process_is_served_and_ended_by_another(
        parent, children, redis_url, tmp_path):
    child = children[0]
    week = reverse("diary:week", args=[child.pk])
    browser = requests.Session()  # cookies go by host, not port: both servers get them

    with web_processes(2, redis_url, tmp_path) as (first, second):
        form = browser.get(f"{first}/login/", timeout=10)
        signed_in = browser.post(f"{first}/login/", timeout=10, allow_redirects=False, data={
            "username": "petrova", "password": PASSWORD,
            "csrfmiddlewaretoken": csrf_token(form.text)}, headers={"Referer": form.url})
        assert signed_in.status_code == 302, signed_in.text[-2000:]
        assert django_settings.SESSION_COOKIE_NAME in browser.cookies

        diary = browser.get(f"{second}{week}", timeout=10, allow_redirects=False)

        assert diary.status_code == 200
        assert "Петров Василий" in diary.text

        signed_out = browser.post(f"{second}/logout/", timeout=10, allow_redirects=False,
                                  data={"csrfmiddlewaretoken": csrf_token(diary.text)},
                                  headers={"Referer": diary.url})
        assert signed_out.status_code == 302
        # The old cookie, as a copy kept elsewhere would send it: the session itself is gone.
        stale = requests.get(f"{first}{week}", timeout=10, allow_redirects=False,
                             cookies={django_settings.SESSION_COOKIE_NAME:
                                      signed_in.cookies[django_settings.SESSION_COOKIE_NAME]})

        assert stale.status_code == 302
        assert stale.headers["Location"].startswith("/login/")
