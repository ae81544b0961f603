"""Benchmark: `seed_demo --size large` on a fresh PostgreSQL database.

Drops and recreates the database named by DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/ejournal_bench), migrates it, then times the seeding in a
subprocess and reads that subprocess's peak resident memory from the kernel. Progress goes to
stderr; stdout gets only `name: value unit` lines. BENCH_TODAY=YYYY-MM-DD seeds as of that
date instead of today, for figures comparable across runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ejournal_bench"
SIZE = "large"

# Metric name → query on the seeded database.
COUNTS = {
    "students": "SELECT count(*) FROM accounts_student",
    "parents": "SELECT count(*) FROM accounts_parent",
    "staff": "SELECT count(DISTINCT user_id) FROM accounts_staffrole",
    "classes": "SELECT count(*) FROM journal_schoolclass",
    "journals": "SELECT count(*) FROM journal_teachingassignment",
    "lessons": "SELECT count(*) FROM journal_lesson",
    "held_lessons": "SELECT count(*) FROM journal_lesson WHERE is_held",
    "marks": "SELECT count(*) FROM journal_mark",
    "absences": "SELECT count(*) FROM journal_absence",
    "homework": "SELECT count(*) FROM journal_homework",
    "history_rows": "SELECT count(*) FROM journal_changerecord",
}


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name == "postgres":
        raise SystemExit(f"refusing to drop database {name!r}: give the benchmark its own")
    connection = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                           .format(sql.Identifier(name)))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def run_measured(command: list[str], env: dict[str, str]) -> tuple[int, float, int]:
    """(exit code, wall seconds, peak RSS in KiB) of one subprocess."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sys.stderr, stderr=sys.stderr)
    # wait4 gives this child's own rusage; RUSAGE_CHILDREN would mix in the migrate run.
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, elapsed, usage.ru_maxrss


def count_rows(url: str) -> dict[str, int]:
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            figures = {}
            for name, query in COUNTS.items():
                cursor.execute(query)
                figures[name] = cursor.fetchone()[0]
            return figures
    finally:
        connection.close()


def run() -> int:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    print(f"seed_demo benchmark on {url}", file=sys.stderr)
    recreate_database(url)
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                   stdout=sys.stderr)
    seed = [*manage, "seed_demo", "--size", SIZE]
    if os.environ.get("BENCH_TODAY"):
        seed += ["--today", os.environ["BENCH_TODAY"]]
    code, seconds, peak_kib = run_measured(seed, env)
    if code != 0:
        print(f"seed_demo failed with exit code {code}", file=sys.stderr)
        return code
    prefix = f"seed_demo_{SIZE}"
    print(f"{prefix}_time: {seconds:.1f} s")
    print(f"{prefix}_peak_memory: {peak_kib / 1024:.0f} MiB")
    for name, value in count_rows(url).items():
        print(f"{prefix}_{name}: {value} count")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(run())
