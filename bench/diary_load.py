"""Benchmark: the diary's week, marks and homework pages under load, each against a bare Django
page of the same size, measured interleaved.

Runs after `seed_demo` (which leaves the large school in the benchmark database, DATABASE_URL or
postgres://postgres@127.0.0.1:5432/ejournal_bench). Starts gunicorn in production mode (DEBUG=0,
static files collected and served compressed by WhiteNoise, Redis for the cache and the broker
as in docker-compose.yml) on a free port of 127.0.0.1, signs in PARENTS parents of the large
school as `Client.force_login` does (the session store and every sign-in receiver, no password
hash), and fetches each parent's own child's pages once: each must answer 200, and their median
size sizes the bare page each is compared with (`/bench/bare/?bytes=N`, BENCHMARK_VIEWS=1: a
template of that many bytes, no database, no session).

The machine is shared and noisy, so the sides are not measured one after the other: ROUNDS
rounds (BENCH_ROUNDS, 6), in each a burst of BURST seconds (BENCH_BURST, 5) of wrk on every
page and one on its bare page, the pair's order swapped every round, so that a busy neighbour
hurts both sides of a pair alike. The ratio is each round's pair's, and every figure is the
median of the rounds with its spread (min–max). Errors are non-2xx answers and socket errors.
The parents reload the same addresses, so after the first round their pages are mostly the
ones kept for them (`diary.pages`): a third burst in each round asks for every page at an address
of its own (`&first=<n>`), which is never kept, so that each is built for its reader around the
cached body, as a parent's first look at a page in an evening is (`diary_<page>_built_*`).
Each burst also reads from /proc the CPU time the server's processes and their own PostgreSQL
backends spent per request, the figure docs/capacity.md sizes cores with. The run's sessions and
its visit records (the views waiting in Redis are written first, as beat would) go at the end.

Finally it counts the bytes a phone transfers for a first and a repeat visit of each page:
bodies as served (compressed), the stylesheets, scripts, the icon and the fonts the stylesheets
declare; on the repeat visit files cached for a month or more are not fetched, and others are
revalidated (a 304 has no body).

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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ejournal_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
HOST = "127.0.0.1"
PARENTS = 200
PAGES = ["week", "marks", "homework"]  # diary:<name>
ROUNDS = 6
BURST = 5  # seconds
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
# The goals: a diary page serves at least half the bare page's rate, with p95 within
# 100 ms at 8 connections and no error; a first visit under 100 KB.
GOAL_RATIO = 0.5
GOAL_P95_MS = 100.0
GOAL_FIRST_VISIT_BYTES = 100_000

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

counter = 0

function request()
  index = index %% #pairs_list + 1
  local pair = pairs_list[index]
  local path = pair[2]
  if %(fresh)s then
    counter = counter + 1
    local sep = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. sep .. "first=%(run)s-" .. index .. "-" .. counter
  end
  return wrk.format("GET", path, {["Cookie"] = pair[1], ["Accept-Encoding"] = "%(encoding)s"})
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


def spread(samples: list[float], digits: int = 2) -> str:
    """«median (min–max, n=…)»."""
    return (f"{statistics.median(samples):.{digits}f} "
            f"({min(samples):.{digits}f}–{max(samples):.{digits}f}, n={len(samples)})")


def _setup_django(url: str, redis_url: str) -> None:
    os.environ["DATABASE_URL"] = url
    # The same cache as the server's: sessions may be kept in it.
    os.environ["REDIS_URL"] = redis_url
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


def redis_of_the_run() -> str:
    """BENCH_REDIS_URL, else REDIS_URL, else the local Redis; "" when none answers."""
    url = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or DEFAULT_REDIS
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return ""
    return url


def celery_queue_length(redis_url: str) -> int:
    import redis

    return redis.Redis.from_url(redis_url).llen("celery")


# --- the server -----------------------------------------------------------------------------

def named(url: str, application_name: str) -> str:
    """The database URL with the name the server's connections give PostgreSQL."""
    return f"{url}{'&' if '?' in url else '?'}application_name={application_name}"


def production_env(url: str, redis_url: str, secret_key: str, static_root: Path
                   ) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "SECRET_KEY": secret_key,
           "ALLOWED_HOSTS": HOST, "SECURE_SSL_REDIRECT": "0", "STATIC_ROOT": str(static_root),
           "BENCHMARK_VIEWS": "1", "LOG_LEVEL": "WARNING", "REDIS_URL": redis_url}
    for name in ("SECRET_KEY_FILE", "DJANGO_SETTINGS_MODULE", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)
    if not redis_url:
        env.pop("REDIS_URL")
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

def pages_of_parents(count: int) -> list[tuple[int, dict[str, str]]] | None:
    """(user, {page: path}) of `count` parents of the largest school, spread over its parents,
    each with one of their own children currently in a class. Half of them look at this week,
    half at the week before (the one with marks in it when today is a Monday); the marks page
    opens on the current period, the homework page on what is due from today."""
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
        paths = {page: reverse(f"diary:{page}", args=[first_child[user_id]]) for page in PAGES}
        if i % 2:
            paths["week"] += f"?week={last_week}"
        chosen.append((user_id, paths))
    return chosen


def sign_in(user_ids: list[int], keys: list[str]) -> None:
    """Adds to `keys` a session key per user, signed in as `Client.force_login` signs in: the
    first backend that loads users, the session store, every `user_logged_in` receiver (added
    one by one, so that a failure half-way still signs out those made)."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    users = User.objects.in_bulk(user_ids)
    for user_id in user_ids:
        client = Client()
        client.force_login(users[user_id])
        keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)


def sign_out(keys: list[str]) -> None:
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(session_key=key).delete()


def write_waiting_views() -> None:
    """With Redis, diary views wait there for beat's flush, which does not run here: the flush
    runs once, as beat would, and is timed."""
    from diary.activity import flush_activity

    started = time.perf_counter()
    written = flush_activity()
    seconds = time.perf_counter() - started
    log(f"flush_activity wrote {written} waiting diary views in {seconds:.2f} s")
    if written:
        print(f"diary_views_flush_rate: {written / seconds:.0f} views/s ({written} views)")


def forget_visits(user_ids: list[int], since) -> int:
    """The sign-ins and diary views the run recorded: gone, so that runs stay comparable."""
    from diary.models import ActivityRecord

    deleted, _ = ActivityRecord.objects.filter(user_id__in=user_ids, at__gte=since).delete()
    return deleted


# --- load -----------------------------------------------------------------------------------

def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_script(path: Path, pairs: list[tuple[str, str]], *, fresh: bool = False) -> Path:
    """`fresh`: every request at an address of its own (never a kept page)."""
    path.write_text(WRK_SCRIPT % {
        "pairs": ",\n".join(f"  {{{lua_string(cookie)}, {lua_string(url)}}}"
                            for cookie, url in pairs),
        "encoding": ACCEPT_ENCODING, "fresh": "true" if fresh else "false",
        "run": secrets.token_hex(4)}, encoding="utf-8")
    return path


def load(port: int, script: Path, seconds: int) -> dict[str, float]:
    command = ["wrk", "--threads", "1", "--connections", str(WRK_CONNECTIONS),
               "--duration", f"{seconds}s", "--timeout", "10s", "--script", str(script),
               f"http://{HOST}:{port}/"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60,  # noqa: S603
                            check=False)
    match = _RESULT.search(result.stdout)
    if result.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    requests, duration, p50, p95, p99, non2xx, socket_errors = match.groups()
    return {"requests": int(requests), "requests_per_second": int(requests) / float(duration),
            "p50": float(p50), "p95": float(p95), "p99": float(p99),
            "errors": int(non2xx) + int(socket_errors)}


class CpuMeter:
    """CPU time the web server's processes and its PostgreSQL backends spend per request,
    read from /proc (Linux, the database on this machine): what sizes web and database cores
    (docs/capacity.md). Less sensitive to a busy neighbour than requests per second, though a
    shared CPU's caches still make it somewhat dearer."""

    def __init__(self, arbiter: int, application_name: str) -> None:
        self.arbiter = arbiter
        self.application_name = application_name
        self.ticks = os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _stat(pid: int | str) -> list[str] | None:
        try:
            # After the command's closing parenthesis: state, ppid, ... utime, stime.
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None

    def _seconds(self, pids: list[int]) -> dict[int, float]:
        seconds = {}
        for pid in pids:
            stat = self._stat(pid)
            if stat is not None:
                seconds[pid] = (int(stat[11]) + int(stat[12])) / self.ticks
        return seconds

    def _web_pids(self) -> list[int]:
        pids = [self.arbiter]
        for entry in Path("/proc").iterdir():
            stat = self._stat(entry.name) if entry.name.isdigit() else None
            if stat is not None and int(stat[1]) == self.arbiter:
                pids.append(int(entry.name))
        return pids

    def _database_pids(self) -> list[int]:
        """The backends of the server's workers (their connections carry its name), not of
        anybody else who uses the database meanwhile."""
        from django.db import connection

        if connection.vendor != "postgresql":
            return []
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s",
                           [self.application_name])
            return [pid for (pid,) in cursor.fetchall()]

    def sample(self) -> dict[str, dict[int, float]]:
        return {"web": self._seconds(self._web_pids()),
                "db": self._seconds(self._database_pids())}

    @staticmethod
    def per_request(before: dict, after: dict, requests: int) -> dict[str, float]:
        """Milliseconds per request of each kind of process; a backend that started during
        the burst counts from its start, one that ended is lost (CONN_MAX_AGE renews them)."""
        figures = {}
        for kind in ("web", "db"):
            spent = sum(max(0.0, seconds - before[kind].get(pid, 0.0))
                        for pid, seconds in after[kind].items())
            if after[kind] and requests:
                figures[f"{kind}_cpu_ms"] = 1000 * spent / requests
        return figures


@dataclass
class Side:
    """One side of a comparison: its wrk script and a figure per burst."""

    script: Path
    bursts: list[dict[str, float]] = field(default_factory=list)

    def samples(self, name: str) -> list[float]:
        return [burst[name] for burst in self.bursts]


def print_side(prefix: str, side: Side) -> None:
    print(f"{prefix}_requests_per_second: {spread(side.samples('requests_per_second'), 1)} rps")
    print(f"{prefix}_latency_p50: {spread(side.samples('p50'), 1)} ms")
    print(f"{prefix}_latency_p95: {spread(side.samples('p95'), 1)} ms")
    print(f"{prefix}_latency_p99: {spread(side.samples('p99'), 1)} ms")
    print(f"{prefix}_errors: {int(sum(side.samples('errors')))} count")
    for kind, what in (("web", "web"), ("db", "database")):
        if all(f"{kind}_cpu_ms" in burst for burst in side.bursts):
            print(f"{prefix}_{what}_cpu_per_request: {spread(side.samples(f'{kind}_cpu_ms'), 1)} ms")


# --- bytes over the wire --------------------------------------------------------------------

class _Assets(HTMLParser):
    """What a browser fetches for the page: stylesheets, scripts, preloads, images and one
    icon (the SVG one when offered, as current browsers choose)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.icons: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        rel = attributes.get("rel", "").lower().split()
        if tag == "link" and {"stylesheet", "preload", "modulepreload"} & set(rel):
            self.urls.append(attributes.get("href", ""))
        elif tag == "link" and "icon" in rel:
            self.icons.append((attributes.get("href", ""), attributes.get("type", "")))
        elif tag in ("script", "img") and attributes.get("src"):
            self.urls.append(attributes["src"])

    def fetched(self) -> list[str]:
        svg = [href for href, kind in self.icons if kind == "image/svg+xml"]
        icon = svg[:1] or [href for href, _ in self.icons[:1]]
        return [u for u in [*self.urls, *icon] if u and not u.startswith("data:")]


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


def fonts_of(css: str, stylesheet: str) -> list[str]:
    """The font each @font-face of a stylesheet makes a browser fetch: the first of its
    sources (WOFF2 first, as stylesheets list them)."""
    fonts = []
    for face in re.findall(r"@font-face\s*{([^}]*)}", css):
        source = re.search(r"url\(\s*['\"]?([^'\")]+)", face)
        if source and not source.group(1).startswith("data:"):
            fonts.append(urljoin(stylesheet, source.group(1)))
    return fonts


def transfer(port: int, url: str) -> tuple[int, int, bytes] | None:
    """(bytes of a first fetch, of a repeat visit's, plain body) of a static file."""
    status, headers, body = fetch(port, url, {"Accept-Encoding": ACCEPT_ENCODING})
    if status != 200:
        log(f"NOTICE: {url} answered {status}")
        return None
    encoding = headers.get("content-encoding", "identity")
    cache_control = headers.get("cache-control", "-")
    log(f"  {url}: {len(body)} bytes ({encoding}), Cache-Control: {cache_control}")
    if max_age(cache_control) >= FAR_FUTURE:
        repeat = 0
    else:
        # Revalidated: a 304 sends no body.
        conditions = {"Accept-Encoding": ACCEPT_ENCODING}
        if headers.get("etag"):
            conditions["If-None-Match"] = headers["etag"]
        if headers.get("last-modified"):
            conditions["If-Modified-Since"] = headers["last-modified"]
        _, _, again = fetch(port, url, conditions)
        repeat = len(again)
    plain = body if encoding == "identity" else fetch(port, url)[2]
    return len(body), repeat, plain


def page_weight(port: int, cookie: str, path: str) -> dict[str, int] | None:
    """Bytes a phone transfers for a first and a repeat visit of the page (bodies, compressed
    as served), and of that the fonts."""
    status, headers, html = fetch(port, path, {"Cookie": cookie,
                                               "Accept-Encoding": ACCEPT_ENCODING})
    if status != 200:
        log(f"{path} answered {status}")
        return None
    if not headers.get("content-encoding"):
        log(f"NOTICE: {path} is served uncompressed")
    _, _, plain = fetch(port, path, {"Cookie": cookie})
    parser = _Assets()
    parser.feed(plain.decode("utf-8"))
    first = repeat = len(html)
    fonts = 0
    seen: set[str] = set()
    queue = [urljoin(path, u) for u in parser.fetched()]
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        if urlsplit(url).netloc:
            log(f"NOTICE: {url} is on another site and not counted")
            continue
        sizes = transfer(port, url)
        if sizes is None:
            continue
        first += sizes[0]
        repeat += sizes[1]
        if re.search(r"\.(woff2?|ttf|otf)$", urlsplit(url).path):
            fonts += sizes[0]
        if urlsplit(url).path.endswith(".css"):
            css = sizes[2].decode("utf-8", "replace")
            queue.extend(fonts_of(css, url))
            for other in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
                if not (other.startswith("data:") or re.search(r"\.(woff2?|ttf|otf|eot)\b", other)):
                    log(f"NOTICE: {url} links {other}, not counted (fetched only if a rule "
                        f"that uses it applies)")
    return {"html": len(plain), "html_compressed": len(html), "first": first, "repeat": repeat,
            "fonts": fonts}


# --- the run --------------------------------------------------------------------------------

def run() -> int:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    rounds = int(os.environ.get("BENCH_ROUNDS") or ROUNDS)
    burst = int(os.environ.get("BENCH_BURST") or BURST)
    manage = [sys.executable, str(ROOT / "manage.py")]
    if not shutil.which("wrk"):
        log("diary_load: wrk is not installed (Debian package wrk; `make bench` installs it)")
        return 1
    redis_url = redis_of_the_run()
    if not redis_url:
        log("NOTICE: no Redis answers: the server runs without it, unlike production")
    log(f"diary_load benchmark on {url} with Redis {redis_url or '-'}: {rounds} rounds of "
        f"{burst} s bursts per side, pages {', '.join(PAGES)}")
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT,  # noqa: S603
                   env={**os.environ, "DATABASE_URL": url, "DEBUG": "1"}, check=True,
                   stdout=sys.stderr, timeout=MANAGE_TIMEOUT)
    _setup_django(url, redis_url)
    from django.conf import settings
    from django.utils import timezone

    chosen = pages_of_parents(PARENTS)
    if not chosen:
        log("diary_load: the benchmark database has no demo school; run seed_demo first")
        return 1
    user_ids = [user_id for user_id, _ in chosen]
    # Sessions and their auth hashes are signed with SECRET_KEY: this process signs them with
    # the key the server gets.
    secret_key = secrets.token_urlsafe(45)  # 60 characters
    saved_key, settings.SECRET_KEY = settings.SECRET_KEY, secret_key
    keys: list[str] = []
    started = timezone.now()
    queued = celery_queue_length(redis_url) if redis_url else 0
    server = None
    try:
        with tempfile.TemporaryDirectory(prefix="diary_load-") as temp:
            temp_dir = Path(temp)
            application_name = f"diary_load-{os.getpid()}"
            env = production_env(named(url, application_name), redis_url, secret_key,
                                 temp_dir / "static")
            log("collecting static files")
            subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,  # noqa: S603
                           check=True, stdout=sys.stderr, timeout=MANAGE_TIMEOUT)
            sign_in(user_ids, keys)
            cookie_name = settings.SESSION_COOKIE_NAME
            visits = [(f"{cookie_name}={key}", paths)
                      for key, (_, paths) in zip(keys, chosen, strict=True)]
            port = free_port()
            log_path = temp_dir / "gunicorn.log"
            server = start_server(env, port, log_path)
            try:
                wait_healthy(server, port, log_path)
                return measure(port, visits, rounds, burst, temp_dir, CpuMeter(server.pid, application_name))
            finally:
                stop_server(server)
                errors = log_path.read_text(errors="replace").strip()
                if errors:
                    log(f"gunicorn's log:\n{errors[-3000:]}")
    finally:
        sign_out(keys)
        settings.SECRET_KEY = saved_key
        write_waiting_views()
        log(f"{forget_visits(user_ids, started)} visit records of the run deleted")
        if redis_url and celery_queue_length(redis_url) > queued:
            log(f"NOTICE: the pages enqueued tasks: the Celery queue grew from {queued} to "
                f"{celery_queue_length(redis_url)}")


def first_fetch(port: int, visits: list[tuple[str, dict[str, str]]], page: str) -> list[int]:
    """Every parent's page once, uncompressed (it must be the page, not the sign-in form, and
    it warms the workers and whatever they cache); the sizes."""
    def one(visit: tuple[str, dict[str, str]]) -> int:
        cookie, paths = visit
        status, headers, body = fetch(port, paths[page], {"Cookie": cookie})
        if status != 200:
            raise RuntimeError(f"diary_load: {paths[page]} as a signed-in parent answered "
                               f"{status} {headers.get('location', '')}")
        return len(body)

    with ThreadPoolExecutor(max_workers=WRK_CONNECTIONS) as pool:
        return list(pool.map(one, visits))


def measure(port: int, visits: list[tuple[str, dict[str, str]]], rounds: int, burst: int,
            temp_dir: Path, cpu: CpuMeter) -> int:
    sides: dict[tuple[str, str], Side] = {}
    median_visit: dict[str, tuple[str, str]] = {}
    for page in PAGES:
        try:
            sizes = first_fetch(port, visits, page)
        except RuntimeError as error:
            log(str(error))
            return 1
        size = int(statistics.median(sizes))
        log(f"{len(visits)} parents' {page} pages: {min(sizes)}–{max(sizes)} bytes, median {size}")
        closest = min(range(len(sizes)), key=lambda i: abs(sizes[i] - size))
        median_visit[page] = (visits[closest][0], visits[closest][1][page])
        bare_path = f"/bench/bare/?bytes={size}"
        status, _, body = fetch(port, bare_path)
        if status != 200 or abs(len(body) - size) > 16:
            log(f"diary_load: {bare_path} answered {status} with {len(body)} bytes")
            return 1
        pairs = [(c, paths[page]) for c, paths in visits]
        sides[page, "diary"] = Side(write_script(temp_dir / f"{page}.lua", pairs))
        sides[page, "built"] = Side(write_script(temp_dir / f"built-{page}.lua", pairs,
                                                 fresh=True))
        sides[page, "bare"] = Side(write_script(temp_dir / f"bare-{page}.lua",
                                                [(c, bare_path) for c, _ in visits]))

    for number in range(rounds):
        for page in PAGES:
            # The bare page before, between and after the diary's sides in turn.
            order = ["diary", "built"]
            order.insert(number % 3, "bare")
            for kind in order:
                before = cpu.sample()
                figures = load(port, sides[page, kind].script, burst)
                figures.update(cpu.per_request(before, cpu.sample(), figures["requests"]))
                sides[page, kind].bursts.append(figures)
            plain = sides[page, "bare"].bursts[-1]
            line = [f"round {number + 1}/{rounds} {page}:"]
            for kind in ("diary", "built"):
                burst_figures = sides[page, kind].bursts[-1]
                line.append(
                    f"{kind} {burst_figures['requests_per_second']:.1f} rps (p95 "
                    f"{burst_figures['p95']:.0f} ms, CPU ms per request: web "
                    f"{burst_figures.get('web_cpu_ms', 0):.1f}, database "
                    f"{burst_figures.get('db_cpu_ms', 0):.1f}, "
                    f"{burst_figures['requests_per_second'] / plain['requests_per_second']:.2f} "
                    f"of bare);")
            line.append(f"bare {plain['requests_per_second']:.1f} rps (p95 {plain['p95']:.0f} ms, "
                        f"web {plain.get('web_cpu_ms', 0):.1f})")
            log(" ".join(line))

    missed = []
    for page in PAGES:
        log(f"bytes of the {page} page {median_visit[page][1]}:")
        weight = page_weight(port, *median_visit[page])
        if weight is None:
            return 1
        diary, built, bare = (sides[page, kind] for kind in ("diary", "built", "bare"))
        ratios, built_ratios = ([d / b for d, b in zip(side.samples("requests_per_second"),
                                                       bare.samples("requests_per_second"),
                                                       strict=True)] for side in (diary, built))
        print_side(f"diary_{page}", diary)
        print_side(f"bare_for_{page}", bare)
        print(f"diary_{page}_vs_bare_ratio: {spread(ratios)} ratio (goal >= {GOAL_RATIO})")
        print_side(f"diary_{page}_built", built)
        print(f"diary_{page}_built_vs_bare_ratio: {spread(built_ratios)} ratio")
        print(f"diary_{page}_html_bytes: {weight['html']} bytes")
        print(f"diary_{page}_html_compressed_bytes: {weight['html_compressed']} bytes")
        print(f"diary_{page}_first_visit_bytes: {weight['first']} bytes "
              f"(goal < {GOAL_FIRST_VISIT_BYTES})")
        print(f"diary_{page}_first_visit_font_bytes: {weight['fonts']} bytes")
        print(f"diary_{page}_repeat_visit_bytes: {weight['repeat']} bytes")
        ratio = statistics.median(ratios)
        p95 = statistics.median(diary.samples("p95"))
        errors = int(sum(sum(side.samples("errors")) for side in (diary, built, bare)))
        if ratio < GOAL_RATIO:
            missed.append(f"{page}: ratio {ratio:.2f}")
        if p95 > GOAL_P95_MS:
            missed.append(f"{page}: p95 {p95:.0f} ms")
        if errors:
            missed.append(f"{page}: {errors} errors")
        if weight["first"] >= GOAL_FIRST_VISIT_BYTES:
            missed.append(f"{page}: first visit {weight['first']} bytes")
    sys.stdout.flush()
    if missed:
        log(f"diary_load: goals missed: {'; '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(run())
