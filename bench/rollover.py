"""Benchmark: the year rollover of the large demo school (about 2,000 students, 80 classes).

Runs after `seed_demo` (which leaves the large school in the benchmark database) and changes
nothing there: each measurement runs in a process of its own, inside a transaction that is
rolled back. In it the year is first made ready to close — every student of every graded
journal gets the year mark and the last period's term mark the demo has not given yet (not
measured) — then the rollover is planned (`propose_plan`, the wizard's proposal: checks,
next year, classes, a decision per student) and confirmed (`confirm`, the one transaction).

Figures, for the whole school and for a half-size variant (every other student of each class
taken out of the class, same classes and journals — so the confirm's query count must be the
same: it may grow with classes, never with students):

- step 1's checks' time, the planning's time (the wizard's proposal), the confirm's wall time
  and its number of queries;
- the peak resident memory of the process (the kernel's ru_maxrss), and of a baseline
  process that only loads Django and the rollover's modules.

Progress goes to stderr; stdout gets only `name: value unit` lines.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from bench.common import ROOT, current_year, setup_django

ALL, HALF, NONE = "all", "half", "none"


def _give_missing_final_marks(year) -> int:
    """The marks a school has given by the year's end: a «4» as the year mark and as the last
    period's term mark wherever the demo has none yet. The number of marks given."""
    from journal.models import FinalMark, StudyPeriod, TeachingAssignment
    from journal.queries.checks.roster import Roster
    from journal.queries.rollover import GRADED

    periods = list(StudyPeriod.objects.filter(year=year))
    journals = list(TeachingAssignment.objects.filter(
        year=year, confirmed=True, school_class__grade__in=GRADED).select_related("school_class"))
    last = {journal.pk: max((p for p in periods
                             if p.applies_to_grade(journal.school_class.grade)),
                            key=lambda p: p.ends_on) for journal in journals}
    ends = [period.ends_on for period in last.values()]
    roster = Roster(journals, min(ends), max(ends))
    given = set(FinalMark.objects.filter(assignment__year=year).values_list(
        "assignment_id", "student_id", "kind", "period_id"))
    marks = []
    for journal in journals:
        period = last[journal.pk]
        for student in roster.students(journal, period.ends_on):
            if (journal.pk, student.pk, FinalMark.Kind.YEAR, None) not in given:
                marks.append(FinalMark(assignment=journal, student=student,
                                       kind=FinalMark.Kind.YEAR, value="4"))
            if (journal.pk, student.pk, FinalMark.Kind.PERIOD, period.pk) not in given:
                marks.append(FinalMark(assignment=journal, student=student,
                                       kind=FinalMark.Kind.PERIOD, period=period, value="4"))
    FinalMark.objects.bulk_create(marks, batch_size=5000)
    return len(marks)


def _take_out_half(year) -> None:
    """Every other student of each class (by id) leaves it before the year began: the class
    lists halve, the classes and journals stay."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM journal_enrolment WHERE id IN (SELECT e.id FROM journal_enrolment e "
            "JOIN journal_schoolclass c ON c.id = e.school_class_id "
            "WHERE c.year_id = %s AND e.student_id %% 2 = 0)", [year.pk])


def child(size: str) -> None:
    """The child's part: plan and confirm the rollover of `size` of the school, rolled back;
    print the figures as JSON."""
    setup_django()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User
    from accounts.roles import Role
    from journal.models import SchoolClass
    from journal.queries.rollover import checks, propose_plan, validate
    from journal.services.rollover import confirm

    if size == NONE:
        print(json.dumps({}))
        return
    year = current_year()
    with transaction.atomic():
        if size == HALF:
            _take_out_half(year)
        marks = _give_missing_final_marks(year)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE journal_finalmark, journal_enrolment")
        reverse("journal:my_journals")  # the URLs loaded, as in a web process that serves pages
        started = time.perf_counter()
        findings = checks(year)
        checks_seconds = time.perf_counter() - started
        started = time.perf_counter()
        plan = propose_plan(year)
        plan_seconds = time.perf_counter() - started
        plan.order_number, plan.order_date = "1-у", year.ends_on.replace(day=25)
        plan.warnings_accepted = True
        errors = validate(plan, 5)
        if errors:
            raise SystemExit(f"rollover benchmark: the plan was refused: {errors}")
        by = User.objects.filter(staff_roles__school=year.school,
                                 staff_roles__role=Role.ADMINISTRATOR).order_by("pk").first()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            rollover = confirm(plan, by)
            confirm_seconds = time.perf_counter() - started
        figures = {
            "students": rollover.counts["students"], "drafts": rollover.counts["drafts"],
            "classes": SchoolClass.objects.filter(year=year).count(), "marks_given": marks,
            "findings": len(findings), "checks_seconds": checks_seconds,
            "plan_seconds": plan_seconds, "confirm_seconds": confirm_seconds,
            "confirm_queries": len(queries),
        }
        transaction.set_rollback(True)
    print(json.dumps(figures))


def _in_child(size: str) -> tuple[dict, float]:
    """The child's figures and its peak resident memory, MB."""
    process = subprocess.Popen(  # noqa: S603 (this very script)
        [sys.executable, "-m", "bench.rollover", "--child", size], cwd=ROOT, stdout=subprocess.PIPE,
        env=os.environ.copy())
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"rollover benchmark: the {size} child failed")
    return json.loads(output), usage.ru_maxrss / 1024


def run() -> int:
    setup_django()
    from django.db import connection

    year = current_year()
    if year is None or connection.vendor != "postgresql":
        print("rollover: the benchmark database has no demo school; run seed_demo first",
              file=sys.stderr)
        return 1
    print(f"rollover benchmark: {year.school}, {year}", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # freshly seeded tables have no statistics yet
    connection.close()  # the children work on their own connections

    baseline = _in_child(NONE)[1]
    print(f"rollover_baseline_peak_memory: {baseline:.0f} MB")
    queries = {}
    for size in (ALL, HALF):
        figures, peak = _in_child(size)
        name = "large" if size == ALL else "half_school"
        queries[size] = figures["confirm_queries"]
        print(f"rollover: {name} done ({figures['marks_given']} final marks given first)",
              file=sys.stderr)
        print(f"rollover_{name}_students: {figures['students']} count")
        print(f"rollover_{name}_classes: {figures['classes']} count")
        print(f"rollover_{name}_draft_journals: {figures['drafts']} count")
        print(f"rollover_{name}_checks_time: {figures['checks_seconds']:.2f} s "
              f"({figures['findings']} findings)")
        print(f"rollover_{name}_plan_time: {figures['plan_seconds']:.2f} s")
        print(f"rollover_{name}_confirm_time: {figures['confirm_seconds']:.2f} s")
        print(f"rollover_{name}_confirm_queries: {figures['confirm_queries']} count")
        print(f"rollover_{name}_peak_memory: {peak:.0f} MB")
        print(f"rollover_{name}_memory_growth: {peak - baseline:.0f} MB")
        sys.stdout.flush()
    print(f"rollover_confirm_queries_flat: {'yes' if queries[ALL] == queries[HALF] else 'no'}")
    return 0 if queries[ALL] == queries[HALF] else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        sys.exit(run())
