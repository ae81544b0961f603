"""Every URL of `journal/urls.py` × every role, with the exact status for an own and a foreign
id. The rule: an outsider gets 404 (as for a missing id), someone who reads a journal but may not
write gets 403 on every write, anonymous visitors are sent to sign in.

The school is built once for the module (inside a transaction rolled back at the end); each
request runs in a savepoint rolled back after it, so every cell starts from the same school.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import StaffRole, Student, User
from accounts.roles import Role
from journal import urls
from journal.models import (
    Absence,
    AcademicYear,
    Homework,
    HomeworkFile,
    JournalCheck,
    Lesson,
    Mark,
    Remark,
    TeachingAssignment,
    YearRollover,
)
from journal.models.rights import CHECK_CLASS_JOURNALS, CO_KEEP_JOURNAL, INSPECT_JOURNAL
from journal.services.cells import set_cell
from journal.services.class_lists import class_list
from journal.services.homework import add_homework_files, set_homework
from journal.services.rights import grant, sync_journal_rights
from journal.views.class_lists import shown_list
from tests.conftest import (
    make_children,
    make_parent,
    make_school,
    make_small_school,
    make_staff,
    make_student,
    make_user,
    make_year,
)
from tests.journal.journal_setup import TODAY, at, make_lesson

PLAN_CSV = "№;Раздел;Тема урока;Часов;Дата по плану\r\n1;Числа;Натуральные числа;1;\r\n".encode(
    "utf-8-sig")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ROLES = ["anonymous", "outsider_parent", "student", "teacher", "other_teacher", "co_teacher",
         "inspector", "lapsed_inspector", "class_checker", "class_teacher", "deputy", "director",
         "administrator"]


@dataclass
class Side:
    """One journal with what the requests need: the own one (5А maths) or a foreign one (5Б)."""

    assignment: TeachingAssignment
    lesson: Lesson
    student: Student
    mark: Mark
    file: HomeworkFile
    absence: Absence


@dataclass
class World:
    users: dict[str, User | None]
    sides: dict[str, Side]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), transaction.atomic(), \
            override_settings(MEDIA_ROOT=media), time_machine.travel(at(TODAY), tick=False):
        yield _build()
        transaction.set_rollback(True)


def _build() -> World:
    school = make_school()
    school.class_teachers_confirm_lists = True   # class teachers confirm their lists
    school.save(update_fields=["class_teachers_confirm_lists"])
    year = make_year(school)
    staff = {name: make_staff(school, login, last, "Тест", role=role) for name, login, last, role in (
        ("teacher", "matveeva", "Матвеева", Role.TEACHER),
        ("class_teacher", "klassnaya", "Руднева", Role.TEACHER),
        ("other_teacher", "zamenin", "Заменин", Role.TEACHER),
        ("co_teacher", "soavtor", "Соавторова", Role.TEACHER),
        ("inspector", "inspektor", "Инспекторова", Role.TEACHER),
        ("lapsed_inspector", "byvshiy", "Бывшева", Role.TEACHER),
        ("class_checker", "metodist", "Методистова", Role.TEACHER),
        ("deputy", "zavuch", "Завьялова", Role.DEPUTY),
        ("director", "director", "Директорова", Role.DIRECTOR),
        ("administrator", "admin", "Админов", Role.ADMINISTRATOR),
    )}
    small = make_small_school(school, year, staff["teacher"], staff["class_teacher"])
    vasya, _ = make_children(small)
    stranger = make_student(school, "chuzhoy", "Сидоров", "Артём", small.class_5b)
    outsider_parent = make_parent("sidorov", "Сидоров", "Олег", "Иванович", [stranger])
    deputy = staff["deputy"]
    grant(deputy, CO_KEEP_JOURNAL, small.maths_5a, staff["co_teacher"])
    grant(deputy, INSPECT_JOURNAL, small.maths_5a, staff["inspector"],
          expires_on=TODAY + dt.timedelta(days=14))
    grant(deputy, CHECK_CLASS_JOURNALS, small.class_5a, staff["class_checker"])
    with time_machine.travel(at(TODAY - dt.timedelta(days=30)), tick=False):
        grant(deputy, INSPECT_JOURNAL, small.maths_5a, staff["lapsed_inspector"],
              expires_on=TODAY - dt.timedelta(days=1))

    # Russian in 5Б, kept by a teacher nobody in the matrix is.
    russian_5b = TeachingAssignment.objects.create(
        year=year, teacher=make_user("russkaya", "Русакова", "Инна"), subject=small.russian,
        school_class=small.class_5b)
    sync_journal_rights(russian_5b)
    sides = {}
    for which, assignment, student, other_journal in (
            ("own", small.maths_5a, vasya, small.russian_5a),
            ("foreign", small.maths_5b, stranger, russian_5b)):
        keeper = assignment.teacher
        lesson = make_lesson(assignment, TODAY, 2)
        next_lesson = make_lesson(assignment, TODAY + dt.timedelta(days=7), 2)
        set_cell(keeper, lesson, student, "5")
        set_homework(keeper, lesson, text="№ 1", due_lesson=next_lesson)
        [attached] = add_homework_files(keeper, lesson, [SimpleUploadedFile(
            "Задание.pdf", PDF, content_type="application/pdf")])
        # An absence on another lesson of the day, for the attendance page.
        missed = make_lesson(other_journal, TODAY, 3)
        set_cell(other_journal.teacher, missed, student, "н")
        lesson.refresh_from_db()
        sides[which] = Side(assignment, lesson, student,
                            Mark.objects.get(lesson=lesson, student=student), attached,
                            Absence.objects.get(lesson=missed, student=student))
        # A remark of the check to the journal's teacher.
        Remark.objects.create(school=school, author=deputy, addressee=keeper,
                              assignment=assignment, school_class=assignment.school_class,
                              text="Нет темы урока", due_on=TODAY + dt.timedelta(days=7))
    JournalCheck.objects.create(school=school, starts_on=dt.date(2026, 10, 1),
                                ends_on=dt.date(2026, 10, 31))
    return World(users={**staff, "anonymous": None, "student": vasya.user,
                        "outsider_parent": outsider_parent}, sides=sides)


# The requests ------------------------------------------------------------------------------

Request = tuple[str, str, dict[str, Any]]   # method, URL, data
Make = Callable[[Side], Request]


def ask(name: str, ids: Callable[[Side], list[int]], method: str = "get",
        **data: Callable[[Side], Any]) -> Make:
    def make(side: Side) -> Request:
        return method, reverse(f"journal:{name}", args=ids(side)), {
            key: value(side) for key, value in data.items()}
    return make


def journal_id(side: Side) -> list[int]:
    return [side.assignment.pk]


def lesson_id(side: Side) -> list[int]:
    return [side.lesson.pk]


def remark_id(side: Side) -> list[int]:
    return [Remark.objects.get(assignment=side.assignment).pk]


def class_id(side: Side) -> list[int]:
    return [side.assignment.school_class_id]


def plain(name: str, *args: str) -> Callable[[], Request]:
    return lambda: ("get", reverse(f"journal:{name}", args=args), {})


def plan_file(side: Side) -> SimpleUploadedFile:
    return SimpleUploadedFile("КТП.csv", PLAN_CSV, content_type="text/csv")


def homework_version(side: Side) -> int:
    return Homework.objects.get(lesson=side.lesson).version


def absence_correction(side: Side) -> Request:
    absence = side.absence
    return "post", reverse("journal:attendance_day", args=class_id(side)), {
        "date": TODAY.isoformat(), "student": side.student.pk, "scope": "one",
        "absence": absence.pk, f"version_{absence.pk}": absence.version, "kind": "ill",
        "document": "справка", "reason": "по справке"}


def const(value: Any) -> Callable[[Side], Any]:
    return lambda side: value


LESSON = {"lesson": lambda s: s.lesson.pk}
STUDENT = {"student": lambda s: s.student.pk}
REASON = {"reason": const("исправление по итогам проверки")}
DAY = {"date": const(TODAY.isoformat()), "student": lambda s: s.student.pk}

# (label, URL name, request on a side, or for the URLs without ids a request as it is)
ROWS: list[tuple[str, str, Make | None, Callable[[], Request] | None]] = []


def row(label: str, url_name: str, make: Make | None = None, *,
        without_ids: Callable[[], Request] | None = None) -> None:
    ROWS.append((label, url_name, make, without_ids))


row("my journals", "my_journals", without_ids=plain("my_journals"))
row("journal", "journal", ask("journal", journal_id))
row("save cell", "save_cell", ask("save_cell", journal_id, "post", **LESSON, **STUDENT, **REASON,
                                  entry=const("4"), force=const("1")))
row("cell detail", "cell_detail", ask("cell_detail", journal_id, **LESSON, **STUDENT))
row("edit mark", "edit_mark", ask("edit_mark", lambda s: [s.assignment.pk, s.mark.pk], "post",
                                  **REASON, assessment_type=const(""), comment=const("у доски"),
                                  version=const("")))
row("fill column", "fill_column", ask("fill_column", journal_id, "post", **LESSON, **REASON,
                                      entry=const("4")))
row("term mark", "save_term_mark", ask(
    "save_term_mark", journal_id, "post", **STUDENT, **REASON, entry=const("5"),
    version=const("0"),
    period=lambda s: s.assignment.year.periods.get(kind="quarter", number=2).pk))
row("plan", "plan", ask("plan", journal_id))
row("plan: save", "plan", ask("plan", journal_id, "post", plan_version=const(""), **{
    "items-TOTAL_FORMS": const(0), "items-INITIAL_FORMS": const(0)}))
row("plan: import", "plan_import", ask("plan_import", journal_id, "post", file=plan_file,
                                       mode=const("replace")))
row("plan: fill dates", "plan_fill_dates", ask("plan_fill_dates", journal_id, "post",
                                               plan_version=const("")))
row("plan template xlsx", "plan_template", ask("plan_template", journal_id))
row("plan template csv", "plan_template_csv", ask("plan_template_csv", journal_id))
row("lesson", "lesson", ask("lesson", lesson_id))
row("lesson: save", "lesson", ask(
    "lesson", lesson_id, "post", **REASON, topic=const("Сложение дробей"), plan_item=const(""),
    is_held=const("on"), assessment_type=const(""), homework=const("№ 2"), due_lesson=const(""),
    lesson_version=lambda s: s.lesson.version, homework_version=homework_version))
row("substitution", "lesson_substitute", ask("lesson_substitute", lesson_id))
row("substitution: save", "lesson_substitute", ask(
    "lesson_substitute", lesson_id, "post", substitute_reason=const("курсы"),
    substitute=lambda s: User.objects.get(username="zamenin").pk,
    lesson_version=lambda s: s.lesson.version))
row("file: delete", "homework_file_delete", ask(
    "homework_file_delete", lambda s: [s.lesson.pk, s.file.pk], "post", **REASON))
row("file", "homework_file", ask("homework_file", lambda s: [s.file.pk]))
row("attendance", "class_attendance", ask("class_attendance", class_id))
row("attendance day", "attendance_day", ask("attendance_day", class_id, **DAY))
row("attendance day: save", "attendance_day", absence_correction)
row("late entries", "late_entries", without_ids=plain("late_entries"))
row("checks", "checks", without_ids=plain("checks"))
row("checks: keep", "check_keep",
    without_ids=lambda: ("post", reverse("journal:check_keep"), {"month": "2026-10"}))
row("check", "check", without_ids=lambda: plain("check", JournalCheck.objects.get().pk)())
row("check: справка", "check_spravka",
    without_ids=lambda: plain("check_spravka", JournalCheck.objects.get().pk)())
row("check: figure", "check_figure", without_ids=plain("check_figure", "lessons"))
row("remarks", "remarks", without_ids=plain("remarks"))
row("my remarks", "my_remarks", without_ids=plain("my_remarks"))
row("remark: new", "remark_new", without_ids=plain("remark_new"))
row("remark: new: save", "remark_new", without_ids=lambda: ("post", reverse("journal:remark_new"), {
    "addressee": User.objects.get(username="matveeva").pk, "text": "Заполните темы уроков",
    "due_on": f"{TODAY + dt.timedelta(days=7):%d.%m.%Y}"}))
row("remark", "remark", ask("remark", remark_id))
row("remark: done", "remark_step", ask("remark_step", remark_id, "post", step=const("done"),
                                       comment=const("исправлено")))
row("import", "import_index", without_ids=plain("import_index"))
row("import template", "import_template", without_ids=plain("import_template"))
row("import upload", "import_upload", without_ids=plain("import_upload", "staff"))
row("timetable", "timetable", without_ids=plain("timetable"))
row("timetable: slot", "timetable_slot",
    without_ids=lambda: ("post", reverse("journal:timetable_slot"), {}))
row("timetable: copy", "timetable_copy",
    without_ids=lambda: ("post", reverse("journal:timetable_copy"), {}))
row("substitutions", "substitutions", without_ids=plain("substitutions"))
row("substitutions: save", "substitutions", ask(
    "substitutions", lambda s: [], "post", **LESSON, substitute_reason=const("курсы"),
    substitute=lambda s: User.objects.get(username="zamenin").pk,
    lesson_version=lambda s: s.lesson.version))
row("class list", "confirm_class_list", ask("confirm_class_list", class_id))
row("class list: confirm", "confirm_class_list", ask(
    "confirm_class_list", class_id, "post",
    shown=lambda s: shown_list(class_list(s.assignment.school_class).decisions)))


def past_rollover() -> YearRollover:
    """A rollover into the world's year from the one before, made once for the record's rows."""
    done = YearRollover.objects.first()
    if done is None:
        year = AcademicYear.objects.get(is_current=True)
        past = AcademicYear.objects.create(school=year.school, name="2025/2026",
                                           starts_on=dt.date(2025, 9, 1),
                                           ends_on=dt.date(2026, 8, 31), closed_at=at(TODAY))
        done = YearRollover.objects.create(school=year.school, from_year=past, to_year=year,
                                           order_number="12-у", order_date=dt.date(2026, 8, 25),
                                           by=User.objects.get(username="admin"))
    return done


row("rollover", "rollover", without_ids=plain("rollover"))
row("rollover: begin", "rollover",
    without_ids=lambda: ("post", reverse("journal:rollover"), {"action": "begin"}))
row("rollover: step", "rollover_step", without_ids=plain("rollover_step", 1))
row("rollover: class", "rollover_class", ask("rollover_class", class_id))
row("rollover records", "rollover_records", without_ids=plain("rollover_records"))
row("rollover record", "rollover_record",
    without_ids=lambda: plain("rollover_record", past_rollover().pk)())
row("rollover print", "rollover_print",
    without_ids=lambda: plain("rollover_print", past_rollover().pk)())
row("draft journals", "draft_journals", without_ids=plain("draft_journals"))
row("draft journals: confirm all", "draft_journals",
    without_ids=lambda: ("post", reverse("journal:draft_journals"), {"confirm_all": "1"}))
row("movement", "movement", without_ids=plain("movement"))
row("movement form", "movement_form", without_ids=plain("movement_form", "transfer"))
row("movement form: save", "movement_form", ask(
    "movement_form", lambda s: ["departure"], "post", student=lambda s: s.student.pk,
    on=const(f"{TODAY:%d.%m.%Y}"), order_number=const("45-у"), order_date=const("13.11.2026"),
    reason=const("переезд")))

# Expected status per role, in the order of ROLES: "own/foreign", or one code for both (and for
# the URLs without ids). Columns: anonymous, outsider parent, student, teacher, other teacher,
# co-teacher, inspector, lapsed inspector, class checker, class teacher, deputy, director,
# administrator.
EXPECTED = {
    "my journals":        "302 200 200 200 200 200 200 200 200 200 200 200 200",
    "journal":            "302 404 404 200/404 404 200/404 200/404 404 200/404 200/404 200 200 404",
    "save cell":          "302 404 404 200/404 404 200/404 403/404 404 403/404 403/404 200 403 404",
    "cell detail":        "302 404 404 200/404 404 200/404 200/404 404 200/404 200/404 200 200 404",
    "edit mark":          "302 404 404 200/404 404 200/404 403/404 404 403/404 403/404 200 403 404",
    "fill column":        "302 404 404 200/404 404 200/404 403/404 404 403/404 403/404 200 403 404",
    "term mark":          "302 404 404 200/404 404 200/404 403/404 404 403/404 403/404 200 403 404",
    "plan":               "302 404 404 200/404 404 200/404 200/404 404 200/404 200/404 200 200 404",
    "plan: save":         "302 404 404 302/404 404 302/404 403/404 404 403/404 403/404 403 403 404",
    "plan: import":       "302 404 404 302/404 404 302/404 403/404 404 403/404 403/404 403 403 404",
    "plan: fill dates":   "302 404 404 302/404 404 302/404 403/404 404 403/404 403/404 403 403 404",
    "plan template xlsx": "302 404 404 200/404 404 200/404 200/404 404 200/404 200/404 200 200 404",
    "plan template csv":  "302 404 404 200/404 404 200/404 200/404 404 200/404 200/404 200 200 404",
    "lesson":             "302 404 404 200/404 404 200/404 200/404 404 200/404 200/404 200 200 404",
    "lesson: save":       "302 404 404 302/404 404 302/404 403/404 404 403/404 403/404 302 403 404",
    "substitution":       "302 404 404 403/404 404 403/404 403/404 404 403/404 403/404 200 403 200",
    "substitution: save": "302 404 404 403/404 404 403/404 403/404 404 403/404 403/404 302 403 302",
    "file: delete":       "302 404 404 302/404 404 302/404 403/404 404 403/404 403/404 302 403 404",
    "file":               "302 404/200 200/404 200/404 404 200/404 200/404 404 200/404 200/404 200 200 404",
    "attendance":         "302 404 404 404 404 404 404 404 200/404 200/404 200 200 404",
    "attendance day":     "302 404 404 404 404 404 404 404 200/404 200/404 200 200 404",
    "attendance day: save": "302 404 404 404 404 404 404 404 403/404 302/404 302 403 404",
    "late entries":       "302 404 404 404 404 404 404 404 404 404 200 200 404",
    "checks":             "302 404 404 404 404 404 404 404 404 404 200 200 404",
    "checks: keep":       "302 404 404 404 404 404 404 404 404 404 302 302 404",
    "check":              "302 404 404 404 404 404 404 404 404 404 200 200 404",
    "check: справка":     "302 404 404 404 404 404 404 404 404 404 200 200 404",
    "check: figure":      "302 404 404 404 404 404 404 404 404 404 200 200 404",
    "remarks":            "302 404 404 404 404 404 404 404 404 404 200 200 404",
    "my remarks":         "302 404 404 200 200 200 200 200 200 200 200 200 200",
    "remark: new":        "302 404 404 404 404 404 404 404 404 404 200 200 404",
    "remark: new: save":  "302 404 404 404 404 404 404 404 404 404 302 302 404",
    "remark":             "302 404 404 200/404 404 404 404 404 404 404 200 200 404",
    "remark: done":       "302 404 404 302/404 404 404 404 404 404 404 400 400 404",
    "import":             "302 404 404 404 404 404 404 404 404 404 200 404 200",
    "import template":    "302 404 404 404 404 404 404 404 404 404 200 404 200",
    "import upload":      "302 404 404 404 404 404 404 404 404 404 302 404 302",
    "timetable":          "302 404 404 404 404 404 404 404 404 404 200 404 200",
    "timetable: slot":    "302 404 404 404 404 404 404 404 404 404 302 404 302",
    "timetable: copy":    "302 404 404 404 404 404 404 404 404 404 302 404 302",
    "substitutions":      "302 404 404 404 404 404 404 404 404 404 200 404 200",
    "substitutions: save": "302 404 404 404 404 404 404 404 404 404 302 404 302",
    # The class teacher confirms the class's list for the rollover (the school asks for it).
    "class list":         "302 404 404 404 404 404 404 404 404 200/404 404 404 404",
    "class list: confirm": "302 404 404 404 404 404 404 404 404 302/404 404 404 404",
    # The year rollover: the administrator and the deputy director; the director reads records.
    # Nothing planned in the session: the wizard's steps send back to its start page.
    "rollover":           "302 404 404 404 404 404 404 404 404 404 200 404 200",
    "rollover: begin":    "302 404 404 404 404 404 404 404 404 404 302 404 302",
    "rollover: step":     "302 404 404 404 404 404 404 404 404 404 302 404 302",
    "rollover: class":    "302 404 404 404 404 404 404 404 404 404 302 404 302",
    "rollover records":   "302 404 404 404 404 404 404 404 404 404 200 200 200",
    "rollover record":    "302 404 404 404 404 404 404 404 404 404 200 200 200",
    "rollover print":     "302 404 404 404 404 404 404 404 404 404 200 200 200",
    "draft journals":     "302 404 404 404 404 404 404 404 404 404 200 404 200",
    "draft journals: confirm all": "302 404 404 404 404 404 404 404 404 404 302 404 302",
    # Students' movement: the secretary (not in this matrix) and the deputy director.
    "movement":           "302 404 404 404 404 404 404 404 404 404 200 404 404",
    "movement form":      "302 404 404 404 404 404 404 404 404 404 200 404 404",
    "movement form: save": "302 404 404 404 404 404 404 404 404 404 302 404 404",
}
# Where a view answers otherwise than the rule, until the view is fixed: (label, role, side) →
# the status it answers today. Each entry fails the test once the view follows the rule.
def expected(label: str, role: str, side: str) -> int:
    cell = EXPECTED[label].split()[ROLES.index(role)]
    own, _, foreign = cell.partition("/")
    return int(foreign or own) if side == "foreign" else int(own)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(at(TODAY), tick=False):
        yield


def _send(client: Client, request: Request):
    method, url, data = request
    # Every request starts from the same school: what it writes is rolled back after it.
    with transaction.atomic():
        response = getattr(client, method)(url, data)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_rule_says(db, world, role):
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    wrong = []
    for label, _, make, without_ids in ROWS:
        cases = [("own", without_ids())] if without_ids else [
            (side, make(world.sides[side])) for side in ("own", "foreign")]
        for side, request in cases:
            status = _send(client, request).status_code
            want = expected(label, role, side)
            if status != want:
                wrong.append(f"{label} ({side}): {status}, expected {want}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


# Once the year is closed (the rollover), its journals are read-only: nobody keeps them, the
# class teacher sets no absence reasons and confirms no list; the deputy director still corrects
# (every request here gives a reason). The journal's URLs answer as above but for these cells.
CLOSED_YEAR = {
    **{label: {"teacher": "403/404", "co_teacher": "403/404"} for label in (
        "save cell", "edit mark", "fill column", "term mark", "plan: save", "plan: import",
        "plan: fill dates", "lesson: save", "file: delete")},
    "attendance day: save": {"class_teacher": "403/404"},
    # Only the deputy records a substitution in a closed year, as a correction.
    "substitution": {"administrator": "403"},
    "substitution: save": {"administrator": "403"},
    "class list": {"class_teacher": "404"},
    "class list: confirm": {"class_teacher": "404"},
}
CLOSED_YEAR_ROWS = ("journal", "save cell", "cell detail", "edit mark", "fill column",
                    "term mark", "plan", "plan: save", "plan: import", "plan: fill dates",
                    "lesson", "lesson: save", "substitution", "substitution: save",
                    "file: delete", "file", "attendance", "attendance day",
                    "attendance day: save", "class list", "class list: confirm")


# The roles that may write to a journal of an open year; the others' answers do not depend on
# the year's being closed (readers stay readers), and neither do the foreign journal's.
@pytest.mark.parametrize("role", ["teacher", "co_teacher", "class_teacher", "deputy",
                                  "administrator"])
def test_a_closed_years_urls_answer_each_role_read_only(db, world, role):
    AcademicYear.objects.filter(pk=world.sides["own"].assignment.year_id).update(
        closed_at=at(TODAY))
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    wrong = []
    for label, _, make, _ in ROWS:
        if label not in CLOSED_YEAR_ROWS:
            continue
        cell = CLOSED_YEAR.get(label, {}).get(role)
        for side in ("own",):
            if cell is None:
                want = expected(label, role, side)
            else:
                own, _, foreign = cell.partition("/")
                want = int(foreign or own) if side == "foreign" else int(own)
            status = _send(client, make(world.sides[side])).status_code
            if status != want:
                wrong.append(f"{label} ({side}): {status}, expected {want}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_anonymous_visitors_are_sent_to_sign_in(db, world):
    response = _send(Client(), ROWS[1][2](world.sides["own"]))
    assert response["Location"].startswith(reverse("login"))


def test_every_journal_url_has_a_row_and_every_row_an_expectation():
    names = {pattern.name for pattern in urls.urlpatterns}
    assert names == {url_name for _, url_name, _, _ in ROWS}
    assert set(EXPECTED) == {label for label, *_ in ROWS}
    for label, cells in EXPECTED.items():
        assert len(cells.split()) == len(ROLES), label


def test_lists_show_what_each_role_reads_and_omit_a_lapsed_inspection(db, world):
    own = world.sides["own"].assignment
    listed = {}
    for role in ("inspector", "lapsed_inspector", "co_teacher", "class_checker", "other_teacher"):
        client = Client()
        client.force_login(world.users[role])
        page = client.get(reverse("journal:my_journals")).content.decode()
        listed[role] = reverse("journal:journal", args=[own.pk]) in page
    assert listed == {"inspector": True, "lapsed_inspector": False, "co_teacher": True,
                      "class_checker": True, "other_teacher": False}


def test_a_second_teacher_finds_the_journal_at_home_and_a_reader_finds_the_journals_menu(
        db, world):
    own = world.sides["own"].assignment
    deputy = world.users["deputy"]
    editor = make_user("redaktor", "Редакторова", "Нина")
    StaffRole.objects.create(user=editor, school=own.year.school, role=Role.NEWS_EDITOR)
    menu = f'href="{reverse("journal:my_journals")}"'

    def home_of(user) -> str:
        client = Client()
        client.force_login(user)
        return client.get(reverse("home")).content.decode()

    assert menu not in home_of(editor)
    grant(deputy, INSPECT_JOURNAL, own, editor, expires_on=TODAY)
    assert menu in home_of(editor)
    assert reverse("journal:journal", args=[own.pk]) in home_of(world.users["co_teacher"])
