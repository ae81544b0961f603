"""Benchmark: the diary's week page under load, against a bare Django page of the same size.

Runs after `seed_demo` (which leaves the large school in the benchmark database, DATABASE_URL or
postgres://postgres@127.0.0.1:5432/ejournal_bench). Starts gunicorn in production mode (DEBUG=0,
static files collected and served compressed by WhiteNoise) on a free port of 127.0.0.1, signs
in PARENTS parents of the large school through Django's session store (what
`Client.force_login` does), and has wrk request each parent's own child's week page in turn for
BENCH_DURATION seconds (60). Then, on the same server, the same load on `/bench/bare/`, a view
rendering a template of the week page's size with no database queries (BENCHMARK_VIEWS=1).
Finally it counts the bytes a phone transfers for a first and a repeat visit of the week page.

Progress goes to stderr; stdout gets only `name: value unit` lines. Latency under saturation is
mostly queueing: the figures are for WRK_CONNECTIONS clients against SERVER.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ejournal_bench"
HOST = "127.0.0.1"
PARENTS = 200
# Three sync workers on this 2-core machine, which also runs PostgreSQL and wrk: a sync worker
# sits idle while its queries run in PostgreSQL, and a third process fills that gap. In 10 s
# trials here (noisy: the machine is shared) the week page ran at about the same rate with 3
# sync workers as with production's 2 gthread workers x 2 threads (26-38 rps either way), and
# better than with 2 sync or 3x2 gthread; the bare page ran 2-3x faster on sync workers (no GIL
# hand-offs between threads), so sync gives the ratio its true ceiling.
SERVER = ["--worker-class", "sync", "--workers", "3"]
WRK_CONNECTIONS = 8  # a few times the workers, so that the server is never waiting for wrk
ACCEPT_ENCODING = "gzip, br"  # what a phone's browser sends
FAR_FUTURE = 30 * 24 * 3600  # static files cached at least this long are not fetched again
STARTUP_SECONDS = 90
MANAGE_TIMEOUT = 900

WRK_SCRIPT = """
local pairs_list = {
%(pairs)s
}
local threads = {}
index = 0
errors = 0

function setup(thread)
  thread:set("index", #threads * 37)
  table.insert(threads, thread)
end

function request()
  index = index %% #pairs_list + 1
  local pair = pairs_list[index]
  return wrk.format("GET", pair[2], {["Cookie"] = pair[1], ["Accept-Encoding"] = "%(encoding)s"})
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("errors")
  end
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%%d seconds=%%.6f p50=%%.3f p95=%%.3f p99=%%.3f non2xx=%%d socket=%%d\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, bad,
    e.connect + e.read + e.write + e.timeout))
end
"""
_RESULT = re.compile(r"WRK_RESULT requests=(\d+) seconds=([\d.]+) p50=([\d.]+) p95=([\d.]+) "
                     r"p99=([\d.]+) non2xx=(\d+) socket=(\d+)")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ejournal.settings")
    import django

    django.setup()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str, headers: dict[str, str] | None = None
          ) -> tuple[int, dict[str, str], bytes]:
    """(status, headers with lower-case names, body exactly as transferred: not decoded)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


# --- the server -----------------------------------------------------------------------------

def production_env(url: str, secret_key: str, static_root: Path) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "SECRET_KEY": secret_key,
           "ALLOWED_HOSTS": HOST, "SECURE_SSL_REDIRECT": "0", "STATIC_ROOT": str(static_root),
           "BENCHMARK_VIEWS": "1", "LOG_LEVEL": "WARNING"}
    for name in ("REDIS_URL", "SECRET_KEY_FILE", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    return env


def start_server(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    command = [str(Path(sys.executable).parent / "gunicorn"), "ejournal.wsgi",
               "--bind", f"{HOST}:{port}", *SERVER, "--timeout", "60",
               "--error-logfile", str(log_path), "--log-level", "warning"]
    # Its own process group, so that stopping it stops the workers too.
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,  # noqa: S603
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_healthy(server: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()}")
        try:
            status, _, body = fetch(port, "/healthz")
        except OSError:
            status, body = 0, b""
        if status == 200:
            return
        if status:
            raise RuntimeError(f"/healthz answered {status}: {body[:300]!r}")
        time.sleep(0.25)
    raise RuntimeError(f"gunicorn did not answer /healthz in {STARTUP_SECONDS} s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        except ProcessLookupError:
            pass
    # Workers left behind by a dead arbiter share its group.
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# --- who signs in ---------------------------------------------------------------------------

def week_pages_of_parents(count: int) -> list[tuple[int, str]] | None:
    """(user, week page path) of `count` parents of the largest school, spread over its
    parents, each with one of their own children currently in a class. Half of them look at
    this week, half at the week before (the one with marks in it when today is a Monday)."""
    import datetime as dt

    from django.db.models import Count, Exists, OuterRef
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import ParentStudent
    from journal.models import Enrolment, School

    school = School.objects.annotate(size=Count("students")).order_by("-size", "pk").first()
    if school is None or not school.size:
        return None
    today = timezone.localdate()
    current = Enrolment.objects.current().filter(student_id=OuterRef("student_id"))
    links = (ParentStudent.objects.filter(Exists(current), student__school=school,
                                          parent__user__is_active=True)
             .order_by("parent_id", "student_id").values_list("parent__user_id", "student_id"))
    first_child: dict[int, int] = {}
    for user_id, student_id in links:
        first_child.setdefault(user_id, student_id)
    users = sorted(first_child)
    step = max(1, len(users) // count)
    last_week = (today - dt.timedelta(days=today.weekday() + 7)).isoformat()
    chosen = []
    for i, user_id in enumerate(users[::step][:count]):
        path = reverse("diary:week", args=[first_child[user_id]])
        chosen.append((user_id, path if i % 2 == 0 else f"{path}?week={last_week}"))
    return chosen


def sign_in(user_ids: list[int], keys: list[str]) -> None:
    """Adds to `keys` a session key per user, stored as `Client.force_login` with ModelBackend
    stores them (added one by one, so that a failure half-way still signs out those made)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User

    store = import_module(settings.SESSION_ENGINE).SessionStore
    users = User.objects.in_bulk(user_ids)
    for user_id in user_ids:
        user = users[user_id]
        session = store()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)


def sign_out(keys: list[str]) -> None:
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(session_key=key).delete()


# --- load -----------------------------------------------------------------------------------

def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def load(port: int, pairs: list[tuple[str, str]], seconds: int, script: Path) -> dict[str, float]:
    script.write_text(WRK_SCRIPT % {
        "pairs": ",\n".join(f"  {{{lua_string(cookie)}, {lua_string(path)}}}"
                            for cookie, path in pairs),
        "encoding": ACCEPT_ENCODING}, encoding="utf-8")
    command = ["wrk", "--threads", "1", "--connections", str(WRK_CONNECTIONS),
               "--duration", f"{seconds}s", "--timeout", "10s", "--script", str(script),
               f"http://{HOST}:{port}/"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60,  # noqa: S603
                            check=False)
    match = _RESULT.search(result.stdout)
    if result.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    requests, duration, p50, p95, p99, non2xx, socket_errors = match.groups()
    return {"requests_per_second": int(requests) / float(duration), "p50": float(p50),
            "p95": float(p95), "p99": float(p99), "errors": int(non2xx) + int(socket_errors)}


def print_load(prefix: str, figures: dict[str, float]) -> None:
    print(f"{prefix}_requests_per_second: {figures['requests_per_second']:.1f} rps")
    for share in ("p50", "p95", "p99"):
        print(f"{prefix}_latency_{share}: {figures[share]:.1f} ms")
    print(f"{prefix}_errors: {figures['errors']} count")


# --- bytes over the wire --------------------------------------------------------------------

class _Assets(HTMLParser):
    """The stylesheets and scripts a page links."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").lower().split():
            self.urls.append(attributes.get("href") or "")
        elif tag == "script" and attributes.get("src"):
            self.urls.append(attributes["src"])


def max_age(cache_control: str) -> int:
    directives = [d.strip().lower() for d in cache_control.split(",")]
    if "no-cache" in directives or "no-store" in directives:
        return 0
    for directive in directives:
        if directive.startswith("max-age="):
            try:
                return int(directive.split("=", 1)[1])
            except ValueError:
                return 0
    return 0


def page_weight(port: int, cookie: str, path: str) -> dict[str, int] | None:
    """Bytes transferred for a first and a repeat visit, counted as served (compressed)."""
    status, headers, html = fetch(port, path, {"Cookie": cookie,
                                               "Accept-Encoding": ACCEPT_ENCODING})
    if status != 200:
        log(f"{path} answered {status}")
        return None
    if not headers.get("content-encoding"):
        log("NOTICE: the week page is served uncompressed")
    _, _, plain = fetch(port, path, {"Cookie": cookie})
    parser = _Assets()
    parser.feed(plain.decode("utf-8"))
    first = repeat = len(html)
    fonts = 0
    for url in dict.fromkeys(urljoin(path, u) for u in parser.urls if u):
        if urlsplit(url).netloc:
            log(f"NOTICE: {url} is on another site and not counted")
            continue
        status, headers, body = fetch(port, url, {"Accept-Encoding": ACCEPT_ENCODING})
        if status != 200:
            log(f"NOTICE: {url} answered {status}")
            continue
        cacheable = max_age(headers.get("cache-control", "")) >= FAR_FUTURE
        log(f"  {url}: {len(body)} bytes ({headers.get('content-encoding', 'identity')}), "
            f"Cache-Control: {headers.get('cache-control', '-')}")
        first += len(body)
        repeat += 0 if cacheable else len(body)
        if url.endswith(".css"):
            fonts += font_bytes(port, url)
    return {"html": len(plain), "html_compressed": len(html), "first": first, "repeat": repeat,
            "fonts": fonts}


def font_bytes(port: int, stylesheet: str) -> int:
    """The WOFF2 fonts a stylesheet declares (a browser fetches the ones the page uses; the
    page uses its icon font)."""
    _, _, css = fetch(port, stylesheet)
    total = 0
    for url in dict.fromkeys(re.findall(r"url\(\s*['\"]?([^'\")]+\.woff2[^'\")]*)", css.decode())):
        status, _, body = fetch(port, urljoin(stylesheet, url), {"Accept-Encoding": ACCEPT_ENCODING})
        if status == 200:
            total += len(body)
    return total


# --- the run --------------------------------------------------------------------------------

def run() -> int:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    seconds = int(os.environ.get("BENCH_DURATION") or 60)
    manage = [sys.executable, str(ROOT / "manage.py")]
    if not shutil.which("wrk"):
        log("diary_load: wrk is not installed (Debian package wrk; `make bench` installs it)")
        return 1
    log(f"diary_load benchmark on {url}, {seconds} s per page")
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT,  # noqa: S603
                   env={**os.environ, "DATABASE_URL": url, "DEBUG": "1"}, check=True,
                   stdout=sys.stderr, timeout=MANAGE_TIMEOUT)
    _setup_django(url)
    from django.conf import settings

    chosen = week_pages_of_parents(PARENTS)
    if not chosen:
        log("diary_load: the benchmark database has no demo school; run seed_demo first")
        return 1
    # Sessions and their auth hashes are signed with SECRET_KEY: this process signs them with
    # the key the server gets.
    secret_key = secrets.token_urlsafe(45)  # 60 characters
    saved_key, settings.SECRET_KEY = settings.SECRET_KEY, secret_key
    keys: list[str] = []
    server = None
    try:
        with tempfile.TemporaryDirectory(prefix="diary_load-") as temp:
            temp_dir = Path(temp)
            env = production_env(url, secret_key, temp_dir / "static")
            log("collecting static files")
            subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,  # noqa: S603
                           check=True, stdout=sys.stderr, timeout=MANAGE_TIMEOUT)
            sign_in([user_id for user_id, _ in chosen], keys)
            cookie_name = settings.SESSION_COOKIE_NAME
            pairs = [(f"{cookie_name}={key}", path) for key, (_, path) in zip(keys, chosen, strict=True)]
            port = free_port()
            log_path = temp_dir / "gunicorn.log"
            server = start_server(env, port, log_path)
            try:
                wait_healthy(server, port, log_path)
                return measure(port, pairs, seconds, temp_dir)
            finally:
                stop_server(server)
                errors = log_path.read_text(errors="replace").strip()
                if errors:
                    log(f"gunicorn's log:\n{errors[-3000:]}")
    finally:
        sign_out(keys)
        settings.SECRET_KEY = saved_key


def measure(port: int, pairs: list[tuple[str, str]], seconds: int, temp_dir: Path) -> int:
    # Every parent's page once: it must be the page (not the sign-in form) and warms the workers.
    sizes = []
    for cookie, path in pairs:
        status, headers, body = fetch(port, path, {"Cookie": cookie})
        if status != 200:
            log(f"diary_load: {path} as a signed-in parent answered {status} "
                f"{headers.get('location', '')}")
            return 1
        sizes.append(len(body))
    html_bytes = int(statistics.median(sizes))
    log(f"{len(pairs)} parents signed in; week pages of {min(sizes)}–{max(sizes)} bytes, "
        f"median {html_bytes}")

    log(f"wrk on the week pages for {seconds} s")
    diary = load(port, pairs, seconds, temp_dir / "diary.lua")
    bare_path = f"/bench/bare/?bytes={html_bytes}"
    status, _, body = fetch(port, bare_path)
    if status != 200 or abs(len(body) - html_bytes) > 16:
        log(f"diary_load: {bare_path} answered {status} with {len(body)} bytes")
        return 1
    log(f"wrk on {bare_path} for {seconds} s")
    bare = load(port, [(cookie, bare_path) for cookie, _ in pairs], seconds,
                temp_dir / "bare.lua")

    median_page = pairs[sizes.index(sorted(sizes)[len(sizes) // 2])]
    weight = page_weight(port, *median_page)
    if weight is None:
        return 1

    print_load("diary_week", diary)
    print_load("bare_page", bare)
    print(f"diary_week_vs_bare_ratio: {diary['requests_per_second'] / bare['requests_per_second']:.2f}")
    print(f"diary_week_html_bytes: {weight['html']} bytes")
    print(f"diary_week_html_compressed_bytes: {weight['html_compressed']} bytes")
    print(f"diary_week_first_visit_bytes: {weight['first']} bytes")
    print(f"diary_week_repeat_visit_bytes: {weight['repeat']} bytes")
    print(f"diary_week_first_visit_font_bytes: {weight['fonts']} bytes")
    sys.stdout.flush()
    return 0 if diary["errors"] == 0 and bare["errors"] == 0 else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(run())
