"""Benchmark: Lighthouse's performance score on a phone for the diary's week and marks pages and
the sign-in page, of the demo as `make demo` serves it.

Runs after `seed_demo` (the benchmark database, DATABASE_URL or
postgres://postgres@127.0.0.1:5432/ejournal_bench, or any database holding a demo school). Does
what `make demo` does before it serves: collects the static files (into a temporary folder) and
runs `manage.py runserver` with the demo's settings (DEMO=1, DEBUG=0) on a free port of
127.0.0.1. Signs in the demo parent through the sign-in form (login `parent`, the demo password)
and runs Lighthouse (the npm development package) against Debian's Chromium, headless, with its
default mobile emulation and simulated slow 4G, each page LIGHTHOUSE_RUNS times (3), the session
cookie passed with --extra-headers. Every run starts with an empty browser cache: a first visit.

Progress and each run's figures go to stderr; stdout gets `name: value unit` lines, the median
of the runs (their range on stderr).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ejournal_bench"
HOST = "127.0.0.1"
LIGHTHOUSE = ROOT / "node_modules/.bin/lighthouse"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"  # Debian's package
CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]
LOGIN = "parent"
STARTUP_SECONDS = 120
RUN_TIMEOUT = 180
# Lighthouse's audits: (name printed, audit id, unit, decimals).
METRICS = [("fcp", "first-contentful-paint", "ms", 0),
           ("lcp", "largest-contentful-paint", "ms", 0),
           ("tbt", "total-blocking-time", "ms", 0),
           ("cls", "cumulative-layout-shift", "shift", 3),
           ("speed_index", "speed-index", "ms", 0),
           ("transfer", "total-byte-weight", "bytes", 0)]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def request(port: int, method: str, path: str, *, body: str = "",
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, list[str]], str]:
    """(status, headers by lower-case name, body). Redirects are not followed."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        named: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            named.setdefault(name.lower(), []).append(value)
        return response.status, named, response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()


# --- the demo -------------------------------------------------------------------------------

def demo_env(url: str, static_root: Path) -> dict[str, str]:
    """The environment of `make demo` (DEMO_ENV in the Makefile), with the given database."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "DEBUG", "SECRET_KEY"))}
    env.update(DEMO="1", DEBUG="0", CELERY_TASK_ALWAYS_EAGER="1", DATABASE_URL=url,
               STATIC_ROOT=str(static_root), DJANGO_SETTINGS_MODULE="ejournal.settings",
               LOG_LEVEL="WARNING")
    return env


def start_demo(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    manage = [sys.executable, str(ROOT / "manage.py")]
    log("collecting static files as `make demo` does")
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,  # noqa: S603
                   check=True, stdout=sys.stderr, timeout=600)
    # Its own process group, so that stopping it stops everything it started.
    with log_path.open("w") as output:
        return subprocess.Popen([*manage, "runserver", f"{HOST}:{port}", "--noreload"],  # noqa: S603
                                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=output,
                                stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(server: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the demo exited with {server.returncode}:\n"
                               f"{log_path.read_text()[-3000:]}")
        try:
            status, _, _ = request(port, "GET", "/login/")
        except OSError:
            status = 0
        if status == 200:
            return
        time.sleep(0.25)
    raise RuntimeError(f"the demo did not answer /login/ in {STARTUP_SECONDS} s")


def stop(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGINT)  # what Ctrl-C does to `make demo`
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    except ProcessLookupError:
        pass


def cookies_of(headers: dict[str, list[str]]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for value in headers.get("set-cookie", []):
        jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


def sign_in(port: int) -> str:
    """The Cookie header of the demo parent's session, signed in through the sign-in form."""
    status, headers, html = request(port, "GET", "/login/")
    cookies = cookies_of(headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if status != 200 or not token or "csrftoken" not in cookies:
        raise RuntimeError(f"/login/ answered {status} without a form to sign in")
    from journal.demo.cast import DEMO_PASSWORD

    form = urlencode({"csrfmiddlewaretoken": token.group(1), "username": LOGIN,
                      "password": DEMO_PASSWORD, "next": "/diary/"})
    status, headers, _ = request(port, "POST", "/login/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookies['csrftoken']}"})
    session = {name: value for name, value in cookies_of(headers).items() if name != "csrftoken"}
    if status != 302 or not session:
        raise RuntimeError(f"signing in as {LOGIN!r} answered {status}: is the demo school in "
                           "this database (seed_demo)?")
    return "; ".join(f"{name}={value}" for name, value in session.items())


def diary_pages(port: int, cookie: str) -> dict[str, str]:
    """The first child's week and marks pages, where the diary's own address sends a parent."""
    status, headers, _ = request(port, "GET", "/diary/", headers={"Cookie": cookie})
    location = (headers.get("location") or [""])[0]
    match = re.search(r"/diary/(\d+)/", location)
    if status != 302 or not match:
        raise RuntimeError(f"/diary/ answered {status} {location!r} for the demo parent")
    student = match.group(1)
    return {"diary_week": f"/diary/{student}/week/", "diary_marks": f"/diary/{student}/marks/"}


# --- Lighthouse -----------------------------------------------------------------------------

def lighthouse(port: int, path: str, cookie: str | None, report: Path) -> dict[str, float]:
    command = [str(LIGHTHOUSE), f"http://{HOST}:{port}{path}", "--quiet",
               "--only-categories=performance", "--output=json", f"--output-path={report}",
               f"--chrome-path={CHROMIUM}", f"--chrome-flags={' '.join(CHROME_FLAGS)}"]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,  # noqa: S603
                            timeout=RUN_TIMEOUT, check=False)
    if result.returncode != 0 or not report.exists():
        raise RuntimeError(f"lighthouse failed ({result.returncode}):\n{result.stderr[-3000:]}")
    data = json.loads(report.read_text(encoding="utf-8"))
    if data.get("runtimeError"):
        raise RuntimeError(f"lighthouse: {data['runtimeError']}")
    final = data.get("finalDisplayedUrl") or data.get("finalUrl") or ""
    if not final.endswith(path):
        raise RuntimeError(f"lighthouse was sent from {path} to {final}")
    figures = {"performance": round(100 * data["categories"]["performance"]["score"])}
    for name, audit, _, _ in METRICS:
        figures[name] = data["audits"][audit]["numericValue"]
    return figures


def spread(values: list[float], decimals: int) -> str:
    shown = [f"{value:.{decimals}f}" for value in values]
    return f"median {statistics.median(values):.{decimals}f}, runs {', '.join(shown)}"


def run() -> int:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    runs = int(os.environ.get("LIGHTHOUSE_RUNS") or 3)
    if not LIGHTHOUSE.exists():
        log("lighthouse: node_modules/.bin/lighthouse is missing (`make setup` installs it)")
        return 1
    if not Path(CHROMIUM).exists():
        log(f"lighthouse: {CHROMIUM} is missing (Debian's package chromium; `make bench` installs it)")
        return 1
    log(f"lighthouse benchmark on {url}, {runs} runs a page")
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as temp:
        temp_dir = Path(temp)
        port = free_port()
        log_path = temp_dir / "demo.log"
        server = start_demo(demo_env(url, temp_dir / "static"), port, log_path)
        try:
            wait_ready(server, port, log_path)
            cookie = sign_in(port)
            pages = {**diary_pages(port, cookie), "login": "/login/"}
            results: dict[str, list[dict[str, float]]] = {name: [] for name in pages}
            # Pages in turn, run after run: a busy neighbour hurts each page alike.
            for number in range(runs):
                for name, path in pages.items():
                    figures = lighthouse(port, path, None if name == "login" else cookie,
                                         temp_dir / f"{name}-{number}.json")
                    log(f"  {name} run {number + 1}: " + ", ".join(
                        f"{key} {value:.3g}" for key, value in figures.items()))
                    results[name].append(figures)
        finally:
            stop(server)
    for name, figures in results.items():
        scores = [f["performance"] for f in figures]
        log(f"{name} performance: {spread(scores, 0)}")
        print(f"lighthouse_{name}_performance: {statistics.median(scores):.0f} score")
        for metric, _, unit, decimals in METRICS:
            values = [f[metric] for f in figures]
            log(f"{name} {metric}: {spread(values, decimals)}")
            print(f"lighthouse_{name}_{metric}: {statistics.median(values):.{decimals}f} {unit}")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(run())
