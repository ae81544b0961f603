"""`make demo` as a person runs it: the site comes up with its own Russian error pages (not
Django's debug pages), and Ctrl-C stops everything it started, quietly."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
START_TIMEOUT = 120  # seconds: migrations and the small demo school on SQLite
STOP_TIMEOUT = 5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port: int, method: str, path: str, body: str = "") -> tuple[int, str, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace"), dict(response.getheaders())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`make demo` on a free port with an empty SQLite database and the small demo school,
    in its own process group, as a terminal would run it."""
    var = tmp_path_factory.mktemp("demo-var")
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "MAKE", "MFLAGS", "DATABASE_", "REDIS_", "DEBUG"))}
    env.update(VAR_DIR=str(var), DATABASE_URL=f"sqlite:///{var / 'db.sqlite3'}",
               DJANGO_SETTINGS_MODULE="ejournal.settings")
    log = (var / "demo.log").open("w+")
    # -o setup: the test run has set up the environment; never reinstall from here.
    process = subprocess.Popen(["make", "--no-print-directory", "-o", "setup", "demo",  # noqa: S603, S607
                                f"PORT={port}", "DEMO_SIZE=small"],
                               cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            request(port, "GET", "/login/")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
                log.seek(0)
                pytest.fail(f"the demo did not start:\n{log.read()[-3000:]}")
            time.sleep(0.25)
    yield port, process, log
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    log.close()


def test_the_demo_shows_the_sites_russian_404_page(demo):
    port, _, _ = demo
    status, html, _ = request(port, "GET", "/no-such-page/")

    assert status == 404
    assert '<html lang="ru">' in html
    assert "Страница не найдена" in html
    assert "Using the URLconf" not in html  # Django's debug page lists every URL


def test_the_demo_shows_the_sites_russian_403_page(demo):
    port, _, _ = demo
    status, html, _ = request(port, "POST", "/login/", body="username=teacher&password=demo2026")

    assert status == 403
    assert '<html lang="ru">' in html
    assert "Страница устарела" in html
    assert "CSRF" not in html


def test_the_demo_serves_its_styles_and_icon(demo):
    port, _, _ = demo
    assert request(port, "GET", "/static/css/ejournal.css")[0] == 200
    status, _, headers = request(port, "GET", "/favicon.ico")
    assert status == 302
    assert request(port, "GET", headers["Location"])[0] == 200


def test_ctrl_c_stops_the_demo_and_everything_it_started(demo):
    port, process, log = demo
    group = process.pid

    os.killpg(group, signal.SIGINT)  # what Ctrl-C in the terminal does

    process.wait(timeout=STOP_TIMEOUT)
    deadline = time.monotonic() + STOP_TIMEOUT
    while True:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            break  # nothing of the group is left
        assert time.monotonic() < deadline, "a process of the demo outlived Ctrl-C"
        time.sleep(0.1)
    with pytest.raises(OSError):
        request(port, "GET", "/login/")
    log.seek(0)
    output = log.read()
    assert "Демо остановлено." in output
    assert "Traceback" not in output
    assert "make: ***" not in output
