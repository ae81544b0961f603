"""The year rollover's confirm: one transaction that opens the next year as planned — 5А is 6А
with its students and class teacher, the repeating student in the new 5А, the debt of a
conditional promotion recorded, graduates gone, journals carried as drafts that give nobody
rights until the deputy director confirms them — and that leaves the old year exactly as it
was when it fails or is killed part-way, and cannot run twice."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
from decimal import Decimal

import pytest
import time_machine
from django.db import connection, transaction
from django.http import Http404

from exports.models import ExportSchedule, PortalExport
from journal.models import (
    AcademicDebt,
    AcademicYear,
    CurriculumItem,
    Enrolment,
    RolloverDecision,
    SchoolClass,
    SchoolClassUserObjectPermission,
    Subgroup,
    TeachingAssignment,
    TeachingAssignmentUserObjectPermission,
    YearRollover,
)
from journal.models.rights import KEEP_JOURNAL, VIEW_CLASS_JOURNALS
from journal.permissions import access_assignment
from journal.queries.rollover import Plan
from journal.services import rollover as service
from journal.services.rights import rights_disagreements
from journal.services.rollover import RolloverRefused, confirm, confirm_assignment
from tests.journal.rollover_setup import (
    NEW_START,
    NOW,
    ORDER_DATE,
    RolloverSchool,
    add_students,
    build_rollover_school,
    ready_plan,
)

Kind = RolloverDecision.Kind
OLD_END = dt.date(2027, 8, 31)
# Queries of a whole confirm of the test school, whatever its number of students.
MAX_QUERIES = 80


def with_curriculum(built: RolloverSchool) -> RolloverSchool:
    small = built.small
    CurriculumItem.objects.create(year=small.year, subject=small.maths, grade=5,
                                  hours_per_week=Decimal(5))
    CurriculumItem.objects.create(year=small.year, subject=small.russian,
                                  school_class=small.class_5a, hours_per_week=Decimal(6))
    return built


@pytest.fixture
def rolled(db):
    """The school, its plan and the rollover made of it by the administrator (a school that
    exports to the portal)."""
    built = with_curriculum(build_rollover_school())
    ExportSchedule.objects.create(school=built.small.school, enabled=True, daily_hours=[1])
    plan = ready_plan(built)
    return built, plan, confirm(plan, built.administrator)


@pytest.fixture(autouse=True)
def _late_august(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        yield  # another process shares the database: it lives in real time, and so does the test
        return
    with time_machine.travel(NOW, tick=False):
        yield


def new_class(rollover: YearRollover, key: str) -> SchoolClass:
    (found,) = [c for c in SchoolClass.objects.filter(year=rollover.to_year) if str(c) == key]
    return found


def students_of(school_class: SchoolClass, day: dt.date = NEW_START) -> list[str]:
    return sorted(e.student.user.last_name for e in Enrolment.objects.active_on(day)
                  .filter(school_class=school_class).select_related("student__user"))


# What the rollover made ----------------------------------------------------------------------

def test_5a_is_6a_with_its_class_teacher_and_students_from_the_new_years_first_day(rolled):
    built, _, rollover = rolled
    class_6a = new_class(rollover, "6А")

    assert class_6a.class_teacher_id == built.small.class_5a.class_teacher_id
    assert list(SchoolClassUserObjectPermission.objects.filter(
        content_object=class_6a, permission__codename=VIEW_CLASS_JOURNALS
    ).values_list("user_id", flat=True)) == [class_6a.class_teacher_id]
    assert students_of(class_6a) == ["Неаттестов", "Петров"]
    assert students_of(class_6a, NEW_START - dt.timedelta(days=1)) == []
    enrolment = Enrolment.objects.get(school_class=class_6a, student=built.petrov)
    assert (enrolment.enrolled_on, enrolment.left_on, enrolment.order_number,
            enrolment.order_date) == (NEW_START, None, "45-у", ORDER_DATE)
    # Last year's class keeps its list as it was.
    assert students_of(built.small.class_5a, OLD_END) == ["Двойкин", "Неаттестов", "Петров"]


def test_the_repeating_student_is_in_the_new_5th_class(rolled):
    built, _, rollover = rolled

    assert students_of(new_class(rollover, "5А")) == ["Двойкин", "Четвёркин"]
    assert RolloverDecision.objects.get(student=built.dvoikin).kind == Kind.REPEAT


def test_a_conditional_promotion_records_the_debt_by_subject(rolled):
    built, _, rollover = rolled

    (debt,) = AcademicDebt.objects.select_related("decision")
    assert (debt.student, debt.subject, debt.year, debt.cleared_on) == (
        built.neattestov, built.small.russian, built.year, None)
    assert (debt.decision.rollover, debt.decision.kind) == (rollover, Kind.CONDITIONAL)


def test_graduates_leave_and_the_9th_completes_into_the_new_10th(rolled):
    built, _, rollover = rolled

    assert not Enrolment.objects.filter(student=built.vypusknik,
                                        school_class__year=rollover.to_year).exists()
    assert Enrolment.objects.get(student=built.vypusknik).left_on == OLD_END
    assert students_of(new_class(rollover, "10А")) == ["Девятов"]
    assert students_of(new_class(rollover, "11А")) == ["Десятов"]
    assert students_of(new_class(rollover, "2А")) == ["Первоклассник"]
    assert students_of(new_class(rollover, "1А")) == []
    assert Enrolment.objects.get(student=built.devyatov,
                                 school_class=built.class_9a).left_on is None


def test_the_new_year_is_current_and_the_old_one_closed(rolled):
    built, plan, rollover = rolled
    old = AcademicYear.objects.get(pk=built.year.pk)

    assert AcademicYear.objects.filter(school=built.small.school).current() == rollover.to_year
    assert (old.is_current, old.closed_at) == (False, NOW)
    new = rollover.to_year
    assert (new.name, new.starts_on, new.ends_on) == ("2027/2028", NEW_START, dt.date(2028, 8, 31))
    assert new.periods.count() == len(plan.next_year.periods) == 6
    assert list(new.holidays.values_list("name", "starts_on")) == [
        ("День народного единства", dt.date(2027, 11, 4))]
    assert sorted(str(c) for c in new.classes.all()) == [
        "10А", "11А", "1А", "2А", "5А", "6А", "6Б"]


def test_curriculum_rows_of_a_grade_stay_and_a_class_s_rows_go_with_the_class(rolled):
    built, _, rollover = rolled

    rows = {(str(item.school_class) if item.school_class else item.grade, item.subject.name,
             item.hours_per_week) for item in CurriculumItem.objects.filter(year=rollover.to_year)}
    assert rows == {(5, "Математика", Decimal(5)), ("6А", "Русский язык", Decimal(6))}


def test_journals_are_carried_as_drafts_that_give_their_teachers_no_rights(rolled):
    built, _, rollover = rolled
    small = built.small
    drafts = TeachingAssignment.objects.filter(year=rollover.to_year)

    assert sorted((str(d.school_class), d.subject.name, d.subgroup.name if d.subgroup else "",
                   d.teacher.last_name, d.confirmed) for d in drafts) == [
        ("2А", "Литературное чтение", "", "Руднева", False),
        ("6А", "Английский язык", "1 группа", "Матвеева", False),
        ("6А", "Английский язык", "2 группа", "Иванов", False),
        ("6А", "Математика", "", "Матвеева", False),
        ("6А", "Русский язык", "", "Руднева", False),
        ("6Б", "Английский язык", "1 группа", "Иванов", False),
        ("6Б", "Математика", "", "Иванов", False),
    ]
    assert not TeachingAssignmentUserObjectPermission.objects.filter(
        content_object__year=rollover.to_year).exists()
    draft = drafts.get(school_class__letter="А", subject=small.maths)
    with pytest.raises(Http404):  # not even read: no right without the deputy's confirmation
        access_assignment(small.maths_5a.teacher, draft.pk)
    # 5Б moved whole: its group keeps its members; 5А did not (Двойкин repeats): empty groups.
    members = {str(group): [s.user.last_name for s in group.students.all()]
               for group in Subgroup.objects.filter(school_class__year=rollover.to_year)}
    assert members == {"6А, Английский язык: 1 группа": [], "6А, Английский язык: 2 группа": [],
                       "6Б, Английский язык: 1 группа": ["Сидоров"]}


def test_the_deputy_confirms_a_draft_and_only_then_its_teacher_keeps_it(rolled):
    built, _, rollover = rolled
    small = built.small
    drafts = TeachingAssignment.objects.filter(year=rollover.to_year)
    maths = drafts.get(school_class__letter="А", subject=small.maths)

    confirm_assignment(built.deputy, maths)

    maths.refresh_from_db()
    assert maths.confirmed
    _, rights = access_assignment(small.maths_5a.teacher, maths.pk, write=True)
    assert rights.keep
    with pytest.raises(RolloverRefused, match="Журнал уже подтверждён"):
        confirm_assignment(built.deputy, maths)
    # Иванов is not on the school's staff: his journals go to somebody who is.
    ivanov_s = drafts.filter(teacher__last_name="Иванов")
    with pytest.raises(RolloverRefused, match="не числится сотрудником этой школы"):
        confirm_assignment(built.deputy, ivanov_s.first())
    for draft in ivanov_s:
        confirm_assignment(built.deputy, draft, teacher=small.maths_5a.teacher)
    for draft in drafts.filter(confirmed=False):
        confirm_assignment(built.deputy, draft)

    assert rights_disagreements() == []
    assert set(TeachingAssignmentUserObjectPermission.objects.filter(
        content_object__year=rollover.to_year, permission__codename=KEEP_JOURNAL
    ).values_list("content_object_id", "user_id")) == set(drafts.values_list("pk", "teacher_id"))


def test_last_years_teachers_keep_reading_their_journals(rolled):
    built, _, _ = rolled
    small = built.small

    assert rights_disagreements(built.year) == []
    for user, journal in ((small.maths_5a.teacher, small.maths_5a),
                          (small.class_5a.class_teacher, small.maths_5a),
                          (small.russian_5a.teacher, small.russian_5a)):
        _, rights = access_assignment(user, journal.pk)
        assert rights.view


def test_the_record_has_the_order_counts_and_a_decision_per_student(rolled):
    built, _, rollover = rolled

    assert (rollover.from_year, rollover.order_number, rollover.order_date, rollover.by,
            rollover.at) == (built.year, "45-у", ORDER_DATE, built.administrator, NOW)
    assert rollover.counts == {
        "promote": 5, "complete": 1, "conditional": 1, "repeat": 1, "graduate": 1,
        "transfer_out": 0, "students": 9, "classes_created": 7, "classes_ended": 2, "debts": 1,
        "drafts": 7}
    assert {w["code"] for w in rollover.warnings} == {"open_journals", "needs_choice"}
    assert rollover.decisions.count() == 9
    decision = rollover.decisions.get(student=built.petrov)
    assert (decision.from_class, str(decision.to_class), decision.kind) == (
        built.small.class_5a, "6А", Kind.PROMOTE)


def test_a_full_portal_export_of_the_new_year_is_started(rolled):
    built, _, rollover = rolled

    (run,) = PortalExport.objects.all()
    assert (run.kind, run.reason, run.requested_by, run.date_from, run.date_to) == (
        PortalExport.Kind.FULL, PortalExport.Reason.ROLLOVER, built.administrator, NEW_START,
        dt.date(2028, 8, 31))


def test_it_cannot_run_twice(rolled):
    built, plan, _ = rolled
    years = AcademicYear.objects.count()

    with pytest.raises(RolloverRefused) as refused:
        confirm(plan, built.administrator)

    assert refused.value.message == (
        "Учебный год 2026/2027 уже закрыт: переход на новый год из него проведён, повторить "
        "его нельзя.")
    assert AcademicYear.objects.count() == years


# Refusals, failures, the cost ----------------------------------------------------------------

def table_snapshot() -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of all its rows' values."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted(repr(row) for row in cursor.fetchall())
            snapshot[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return snapshot


def test_without_portal_exports_none_is_started_and_a_changed_school_is_refused(db):
    built = build_rollover_school()
    plan = ready_plan(built)
    # Since the wizard began, a year mark was deleted: the confirm checks again.
    built.small.maths_5a.final_marks.filter(student=built.petrov, kind="year").delete()
    before = table_snapshot()

    with pytest.raises(RolloverRefused) as refused:
        confirm(plan, built.administrator)

    assert refused.value.message.startswith(
        "Переход не проведён: 5А Математика, Матвеева О. И.: нет годовой отметки")
    assert list(refused.value.errors) == ["checks"]
    assert table_snapshot() == before
    built.small.maths_5a.final_marks.create(student=built.petrov, kind="year", value="5")
    confirm(plan, built.administrator)
    assert not PortalExport.objects.exists()


def test_a_failure_part_way_leaves_the_old_year_exactly_as_it_was(db, monkeypatch):
    built = with_curriculum(build_rollover_school())
    plan = ready_plan(built)
    before = table_snapshot()

    def broken(*args, **kwargs):
        assert SchoolClass.objects.filter(year__name="2027/2028").count() == 7  # classes made
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(service, "_move_students", broken)
    with pytest.raises(RuntimeError, match="the disk is full"):
        confirm(plan, built.administrator)

    assert table_snapshot() == before
    monkeypatch.undo()
    assert confirm(plan, built.administrator).to_year.is_current


def test_the_confirm_costs_the_same_queries_for_a_bigger_school(db, django_assert_max_num_queries):
    built = build_rollover_school()
    counts = []
    for more in (0, 6):
        add_students(built, more, f"more{more}")
        plan = ready_plan(built)
        with transaction.atomic():
            with django_assert_max_num_queries(MAX_QUERIES) as captured:
                rollover = confirm(plan, built.administrator)
            counts.append((len(captured), rollover.counts["students"]))
            transaction.set_rollback(True)

    assert counts[1][1] == counts[0][1] + 6 * 7
    assert counts[0][0] == counts[1][0]


# A confirm killed between two steps, in a process of its own ---------------------------------

KILLED_BETWEEN_STEPS = textwrap.dedent("""
    import os, signal, sys
    import django
    django.setup()
    from accounts.models import User
    from journal.queries.rollover import Plan
    from journal.services import rollover

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    rollover._move_students = die  # after the year, the classes and the drafts were written
    rollover.confirm(Plan.from_json(sys.stdin.read()), User.objects.get(pk=int(sys.argv[1])))
""")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql" and not os.environ.get("REQUIRE_POSTGRES"),
                    reason="another process shares the test database on PostgreSQL only")
def test_a_confirm_killed_between_steps_leaves_the_old_year_exactly_as_it_was():
    from tests.exports.portal.test_worker import BASE_DIR, WAIT, environment

    built = with_curriculum(build_rollover_school())
    plan = ready_plan(built)
    before = table_snapshot()

    killed = subprocess.run([sys.executable, "-c", KILLED_BETWEEN_STEPS,  # noqa: S603
                             str(built.administrator.pk)], input=plan.to_json(), cwd=BASE_DIR,
                            env=environment(), capture_output=True, text=True, timeout=WAIT,
                            check=False)

    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    assert table_snapshot() == before
    year = AcademicYear.objects.get(pk=built.year.pk)
    assert (year.is_current, year.closed_at) == (True, None)
    # Nothing of it is left in the way: the rollover runs through now.
    rollover = confirm(Plan.from_json(plan.to_json()), built.administrator)
    assert rollover.to_year.is_current
