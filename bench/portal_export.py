"""Benchmark: a full portal export (ejournal-v1) of the large demo school against PostgreSQL's
`COPY` of the same rows.

Runs after `seed_demo` (which leaves the large school in the benchmark database). The tables
are ANALYZEd first: the seeding has just filled them, and without statistics the planner
takes the year's few rows for a handful (autovacuum would catch up within minutes on a real
server). Figures:

- end to end, each in a process of its own so that its peak resident memory (the kernel's
  ru_maxrss of that process) is its own: the full export's time, rows, rows/s, bytes and peak
  memory; the same for a baseline process (Django and the export's modules loaded, nothing
  exported), and the growth over it. To show memory stays flat as the school grows, the same
  export of half of the school: the journal records (lessons, homework, marks, absences,
  final marks) of every other class deleted inside a transaction that is rolled back;
- ours against COPY in this process, ROUNDS rounds interleaved (ours, COPY, ours, COPY…): our
  full export into a temporary folder, files, manifest and the left-out lists included; and
  `COPY (SELECT …) TO STDOUT` into a file of each entity's query, the very SQL the export runs
  (same columns, joins, filters and order), in one transaction as ours. Medians, spread
  (min–max) and the ratio of the medians (goal ≤ 3).

Progress goes to stderr; stdout gets only `name: value unit` lines.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, setup_django

ROUNDS = 5
ALL, HALF, NONE = "all", "half", "none"

# The journal records of every other class (even ids), for the half-school export.
HALF_DELETES = [
    "DELETE FROM journal_mark WHERE lesson_id IN (SELECT id FROM half_lessons)",
    "DELETE FROM journal_absence WHERE lesson_id IN (SELECT id FROM half_lessons)",
    "DELETE FROM journal_homeworkfile WHERE homework_id IN (SELECT id FROM journal_homework "
    "WHERE lesson_id IN (SELECT id FROM half_lessons))",
    "DELETE FROM journal_homework WHERE lesson_id IN (SELECT id FROM half_lessons)",
    "DELETE FROM journal_lesson WHERE id IN (SELECT id FROM half_lessons)",
    "DELETE FROM journal_finalmark WHERE assignment_id IN (SELECT id FROM half_assignments)",
]


def _scope():
    """A full export of the current year of the (large) demo school, or None."""
    from django.utils import timezone

    from exports.models import PortalExport
    from exports.portal.scope import Scope
    from journal.models import AcademicYear

    year = AcademicYear.objects.filter(is_current=True).select_related("school").first()
    if year is None:
        return None
    return Scope(school=year.school, year=year, kind=PortalExport.Kind.FULL,
                 until=timezone.now(), date_from=year.starts_on, date_to=year.ends_on)


def _spread(samples: list[float]) -> str:
    return f"{min(samples):.2f}–{max(samples):.2f}"


# End to end, one process each ---------------------------------------------------------------

def _delete_half(scope) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE half_assignments ON COMMIT DROP AS SELECT id FROM "
            "journal_teachingassignment WHERE year_id = %s AND school_class_id %% 2 = 0",
            [scope.year.pk])
        cursor.execute("CREATE TEMPORARY TABLE half_lessons ON COMMIT DROP AS SELECT id FROM "
                       "journal_lesson WHERE assignment_id IN (SELECT id FROM half_assignments)")
        for statement in HALF_DELETES:
            cursor.execute(statement)


def child(size: str) -> None:
    """The child's part: export `size` of the school; print seconds, rows and bytes as JSON."""
    setup_django()
    from django.db import transaction

    from exports.portal.formats import get_format

    scope = _scope()
    portal_format = get_format("ejournal-v1")
    if size == NONE:
        print(json.dumps({"seconds": 0, "rows": 0, "bytes": 0}))
        return
    with transaction.atomic(), tempfile.TemporaryDirectory() as folder:
        if size == HALF:
            _delete_half(scope)
        started = time.perf_counter()
        written = portal_format.write(scope, Path(folder) / "run")
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    print(json.dumps({"seconds": seconds, "rows": sum(written.counts.values()),
                      "bytes": written.bytes}))


def _in_child(size: str) -> tuple[dict, float]:
    """The child's figures and its peak resident memory, MB."""
    process = subprocess.Popen(  # noqa: S603 (this very script)
        [sys.executable, "-m", "bench.portal_export", "--child", size], cwd=ROOT, stdout=subprocess.PIPE,
        env=os.environ.copy())
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"portal_export benchmark: the {size} child failed")
    return json.loads(output), usage.ru_maxrss / 1024


# Against COPY --------------------------------------------------------------------------------

def _copy_statements(scope) -> list[str]:
    """COPY of each entity's query, its parameters inlined by the driver."""
    from django.db import connection

    from exports.portal.content import entities_of

    statements = []
    with connection.cursor() as cursor:
        for entity in entities_of(scope.kind):
            sql, params = entity.select(scope).query.sql_with_params()
            statements.append(f"COPY ({cursor.mogrify(sql, params).decode()}) TO STDOUT")
    return statements


def _ours(scope) -> float:
    from exports.portal.formats import get_format

    portal_format = get_format("ejournal-v1")
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        portal_format.write(scope, Path(folder) / "run")
        return time.perf_counter() - started


def _copy(statements: list[str]) -> float:
    from django.db import connection, transaction

    with tempfile.TemporaryFile() as target:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.copy_expert(statement, target)
        return time.perf_counter() - started


def run() -> int:
    setup_django()
    from django.db import connection

    scope = _scope()
    if scope is None:
        print("portal_export: the benchmark database has no demo school; run seed_demo first",
              file=sys.stderr)
        return 1
    if connection.vendor != "postgresql":
        print("portal_export: needs PostgreSQL (COPY)", file=sys.stderr)
        return 1
    print(f"portal_export benchmark: full export of {scope.school}, {scope.year}",
          file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    baseline = _in_child(NONE)[1]
    print(f"portal_export_baseline_peak_memory: {baseline:.0f} MB")
    for size in (ALL, HALF):
        figures, peak = _in_child(size)
        name = "full" if size == ALL else "half_school"
        print(f"portal_export: {name} end to end done", file=sys.stderr)
        print(f"portal_export_{name}_rows: {figures['rows']} count")
        print(f"portal_export_{name}_bytes: {figures['bytes'] / 1024 ** 2:.1f} MB")
        print(f"portal_export_{name}_time: {figures['seconds']:.2f} s")
        print(f"portal_export_{name}_rows_per_s: {figures['rows'] / figures['seconds']:.0f} rows/s")
        print(f"portal_export_{name}_peak_memory: {peak:.0f} MB")
        print(f"portal_export_{name}_memory_growth: {peak - baseline:.0f} MB")
        sys.stdout.flush()

    statements = _copy_statements(scope)
    ours, copy = [], []
    for number in range(ROUNDS):
        ours.append(_ours(scope))
        copy.append(_copy(statements))
        print(f"portal_export: round {number + 1} of {ROUNDS}: ours {ours[-1]:.2f} s, "
              f"COPY {copy[-1]:.2f} s", file=sys.stderr)
    ratio = statistics.median(ours) / statistics.median(copy)
    print(f"portal_export_ours_median: {statistics.median(ours):.2f} s")
    print(f"portal_export_ours_spread: {_spread(ours)} s")
    print(f"portal_export_copy_median: {statistics.median(copy):.2f} s")
    print(f"portal_export_copy_spread: {_spread(copy)} s")
    print(f"portal_export_ratio: {ratio:.2f} (goal <= 3)")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        sys.exit(run())
