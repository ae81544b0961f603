"""A closed year's journals are read-only for everybody: the teacher, a second teacher, a
substitute and the class teacher write nothing more; the deputy director still corrects, giving
a reason that the history keeps; everyone who read the journals reads them still.

The school is built once for the module (its year closed at the end of August); each test runs
in a savepoint rolled back after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import Student, User
from accounts.roles import Role
from journal.models import (
    Absence,
    AcademicYear,
    ChangeRecord,
    FinalMark,
    Homework,
    Lesson,
    Mark,
    PlanItem,
    StudyPeriod,
    TimetableSlot,
)
from journal.models.rights import CO_KEEP_JOURNAL
from journal.permissions import CLOSED_YEAR, access_assignment, access_class, access_lesson
from journal.rules import JournalError, NotAllowed
from journal.services.absences import set_absence_reason
from journal.services.cells import fill_column, set_cell
from journal.services.final_marks import set_final_mark
from journal.services.homework import add_homework_files, set_homework
from journal.services.lesson_record import assign_substitute, save_lesson_record
from journal.services.marks import change_mark
from journal.services.plans import PlanRow, save_plan
from journal.services.records import REASON_REQUIRED
from journal.services.rights import grant
from journal.services.timetable import add_slot
from tests.conftest import (
    SmallSchool,
    build_small_school,
    built_once,
    make_children,
    make_parent,
    make_staff,
)
from tests.journal.journal_setup import TODAY, at, make_lesson

CLOSED_ON = dt.date(2027, 8, 30)   # the rollover week: the year runs to 31.08.2027
CLOSED = "Учебный год закрыт"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@dataclass
class ClosedYear:
    small: SmallSchool
    users: dict[str, User]
    vasya: Student
    lesson: Lesson          # Василий's «5», homework «№ 1», topic «Дроби»
    missed: Lesson          # Василий's «н», to be excused by the class teacher
    substituted: Lesson     # given by a substitute
    q1: StudyPeriod         # Василий's «5» for the 1st quarter

    @property
    def year(self) -> AcademicYear:
        return self.small.year

    @property
    def journal(self):
        return self.small.maths_5a


def _build() -> ClosedYear:
    small = build_small_school()
    school = small.school
    users = {
        "teacher": User.objects.get(username="matveeva"),
        "class_teacher": User.objects.get(username="klassnaya"),
        "co_teacher": make_staff(school, "soavtor", "Соавторова", "Нина"),
        "substitute": make_staff(school, "zamenin", "Заменин", "Пётр"),
        "deputy": make_staff(school, "zavuch", "Завьялова", "Елена", role=Role.DEPUTY),
        "director": make_staff(school, "director", "Директорова", "Марина", role=Role.DIRECTOR),
        "administrator": make_staff(school, "admin", "Админов", "Игорь",
                                    role=Role.ADMINISTRATOR),
    }
    vasya, _ = make_children(small)
    users["parent"] = make_parent("petrova", "Петрова", "Наталья", "Андреевна", [vasya])
    grant(users["deputy"], CO_KEEP_JOURNAL, small.maths_5a, users["co_teacher"])
    teacher = users["teacher"]
    lesson = make_lesson(small.maths_5a, TODAY, 2)
    save_lesson_record(teacher, lesson, topic="Дроби")
    set_cell(teacher, lesson, vasya, "5")
    set_homework(teacher, lesson, text="№ 1")
    missed = make_lesson(small.maths_5a, dt.date(2026, 11, 9), 2)
    set_cell(teacher, missed, vasya, "н")
    substituted = make_lesson(small.maths_5a, dt.date(2026, 11, 10), 2,
                              substitute=users["substitute"], substitute_reason="курсы")
    q1 = StudyPeriod.objects.get(year=small.year, kind="quarter", number=1)
    set_final_mark(teacher, small.maths_5a, vasya, "period", q1, "5")
    save_plan(teacher, small.maths_5a, [PlanRow(topic="Дроби", number=1)])
    with time_machine.travel(at(CLOSED_ON, 10), tick=False):
        small.year.closed_at = at(CLOSED_ON, 10)
        small.year.save(update_fields=["closed_at"])
    return ClosedYear(small, users, vasya, lesson, missed, substituted, q1)


built = built_once(_build, at(TODAY))


@pytest.fixture(autouse=True)
def _rollover_week():
    with time_machine.travel(at(CLOSED_ON), tick=False):
        yield


@pytest.fixture
def world(db, built) -> ClosedYear:
    return built


def _journal_as_it_is(world: ClosedYear) -> tuple:
    """What a refused write must leave as it was."""
    return (
        list(Mark.objects.order_by("pk").values_list("pk", "value", "comment", "version")),
        list(Absence.objects.order_by("pk").values_list("pk", "kind", "reason", "version")),
        list(Lesson.objects.order_by("pk").values_list("pk", "topic", "is_held", "substitute_id",
                                                       "version")),
        list(Homework.objects.order_by("pk").values_list("pk", "text", "version")),
        list(FinalMark.objects.order_by("pk").values_list("pk", "value", "version")),
        list(PlanItem.objects.order_by("pk").values_list("pk", "topic")),
        TimetableSlot.objects.count(),
        ChangeRecord.objects.count(),
    )


# Services ----------------------------------------------------------------------------------

def test_the_teacher_writes_nothing_more_in_a_closed_year(world):
    teacher, lesson, vasya = world.users["teacher"], world.lesson, world.vasya
    mark = Mark.objects.get(lesson=lesson, student=vasya)
    before = _journal_as_it_is(world)
    writes = {
        "cell": lambda: set_cell(teacher, lesson, vasya, "4"),
        "clearing the cell": lambda: set_cell(teacher, lesson, vasya, ""),
        "column": lambda: fill_column(teacher, world.substituted, "4"),
        "mark's comment": lambda: change_mark(teacher, mark, comment="у доски"),
        "lesson record": lambda: save_lesson_record(teacher, lesson, topic="Другая тема"),
        "homework": lambda: set_homework(teacher, lesson, text="№ 2"),
        "homework file": lambda: add_homework_files(teacher, lesson, [SimpleUploadedFile(
            "Задание.pdf", PDF, content_type="application/pdf")]),
        "term mark": lambda: set_final_mark(teacher, world.journal, vasya, "period", world.q1,
                                            "4"),
        "year mark": lambda: set_final_mark(teacher, world.journal, vasya, "year", None, "5"),
        "plan": lambda: save_plan(teacher, world.journal, [PlanRow(topic="Ещё тема")]),
    }
    refused = {}
    for what, write in writes.items():
        with pytest.raises(NotAllowed) as refusal:
            write()
        refused[what] = refusal.value.message
    assert set(refused.values()) == {CLOSED_YEAR}, refused
    assert _journal_as_it_is(world) == before


def test_a_second_teacher_and_a_substitute_write_nothing_more(world):
    before = _journal_as_it_is(world)
    with pytest.raises(NotAllowed, match=CLOSED):
        set_cell(world.users["co_teacher"], world.lesson, world.vasya, "4")
    with pytest.raises(NotAllowed, match=CLOSED):
        set_cell(world.users["substitute"], world.substituted, world.vasya, "4")
    with pytest.raises(NotAllowed, match=CLOSED):
        save_lesson_record(world.users["substitute"], world.substituted, topic="Дроби")
    assert _journal_as_it_is(world) == before


def test_the_class_teacher_sets_no_more_absence_reasons(world):
    absence = Absence.objects.get(lesson=world.missed)
    before = _journal_as_it_is(world)
    class_teacher = world.users["class_teacher"]
    with pytest.raises(NotAllowed, match=CLOSED):
        set_absence_reason(class_teacher, absence, kind="ill", document="справка")
    with pytest.raises(NotAllowed, match=CLOSED):
        set_cell(class_teacher, world.missed, world.vasya, "б")   # н → б from the grid
    assert _journal_as_it_is(world) == before


def test_the_deputys_correction_needs_a_reason(world):
    deputy, vasya = world.users["deputy"], world.vasya
    before = _journal_as_it_is(world)
    with pytest.raises(JournalError) as refusal:
        set_cell(deputy, world.lesson, vasya, "4")
    assert refusal.value.message == REASON_REQUIRED
    with pytest.raises(JournalError, match="Укажите причину"):
        set_final_mark(deputy, world.journal, vasya, "period", world.q1, "4", reason="   ")
    assert _journal_as_it_is(world) == before


def test_the_deputys_correction_with_a_reason_is_saved_and_in_the_history(world):
    deputy, vasya = world.users["deputy"], world.vasya
    cell = set_cell(deputy, world.lesson, vasya, "4", reason="ошибка учителя")
    term = set_final_mark(deputy, world.journal, vasya, "period", world.q1, "4",
                          reason="пересчёт по итогам проверки")
    assert [m.value for m in cell.marks] == ["4"]
    assert FinalMark.objects.get(pk=term.pk).value == "4"
    mark_row = ChangeRecord.objects.filter(entity="mark").latest("pk")
    term_row = ChangeRecord.objects.filter(entity="final_mark").latest("pk")
    assert (mark_row.user, mark_row.old["value"], mark_row.new["value"], mark_row.reason) == (
        deputy, "5", "4", "ошибка учителя")
    assert (term_row.user, term_row.old["value"], term_row.new["value"], term_row.reason) == (
        deputy, "5", "4", "пересчёт по итогам проверки")
    # The deputy's correction of an absence's reason goes the same way.
    absence = set_absence_reason(deputy, Absence.objects.get(lesson=world.missed), kind="ill",
                                 document="справка", reason="справка принесена после закрытия")
    assert absence.kind == "ill"


def test_substitutions_and_the_timetable_of_a_closed_year_stay_as_they_were(world):
    administrator, deputy = world.users["administrator"], world.users["deputy"]
    before = _journal_as_it_is(world)
    with pytest.raises(NotAllowed, match=CLOSED):
        assign_substitute(administrator, world.lesson, world.users["substitute"], "болезнь")
    with pytest.raises(NotAllowed, match=CLOSED):
        assign_substitute(administrator, world.substituted, None)
    with pytest.raises(NotAllowed, match="закрыт"):
        add_slot(deputy, world.year, world.journal, 1, 3, "21", from_date=CLOSED_ON)
    assert _journal_as_it_is(world) == before
    # The deputy's correction of a substitution keeps its reason in the history.
    assign_substitute(deputy, world.lesson, world.users["substitute"], "болезнь учителя")
    row = ChangeRecord.objects.filter(entity="lesson").latest("pk")
    assert (row.user, row.reason) == (deputy, "болезнь учителя")


def test_the_rights_say_closed_and_reading_is_kept(world):
    """Everyone who read the journal reads it still; nobody but the deputy may write."""
    year_rights = {}
    for name in ("teacher", "co_teacher", "class_teacher", "deputy", "director", "substitute"):
        _, rights = access_lesson(world.users[name],
                                  (world.substituted if name == "substitute" else world.lesson).pk)
        year_rights[name] = (rights.view, rights.may_write, rights.is_correction, rights.closed)
    assert year_rights == {
        "teacher": (True, False, False, True), "co_teacher": (True, False, False, True),
        "class_teacher": (True, False, False, True), "deputy": (True, True, True, True),
        "director": (True, False, False, True), "substitute": (True, False, False, True),
    }
    _, rights = access_assignment(world.users["teacher"], world.journal.pk)
    assert rights.view and not rights.may_write
    _, class_rights = access_class(world.users["class_teacher"], world.small.class_5a.pk)
    assert class_rights.view and not class_rights.may_set_reasons
    _, class_rights = access_class(world.users["deputy"], world.small.class_5a.pk)
    assert class_rights.may_set_reasons


# Pages ---------------------------------------------------------------------------------------

def _client(world: ClosedYear, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def _grid(world: ClosedYear, name: str) -> str:
    """The journal's 2nd quarter (the one with the lessons), as `name` sees it."""
    q2 = StudyPeriod.objects.get(year=world.year, kind="quarter", number=2)
    response = _client(world, name).get(reverse("journal:journal", args=[world.journal.pk]),
                                        {"period": q2.pk})
    assert response.status_code == 200
    return response.content.decode()


def test_the_teachers_journal_page_shows_the_read_only_year(world):
    client = _client(world, "teacher")
    page = _grid(world, "teacher")
    assert "Учебный год закрыт: журнал только для просмотра" in page
    assert 'data-writable="0"' in page and 'id="correction-reason"' not in page
    year_page = client.get(reverse("journal:journal", args=[world.journal.pk]) + "?view=year")
    assert "Учебный год закрыт" in year_page.content.decode()
    lesson_page = client.get(reverse("journal:lesson", args=[world.lesson.pk])).content.decode()
    assert "Учебный год закрыт" in lesson_page and 'data-testid="lesson-form"' not in lesson_page
    assert "Дроби" in lesson_page
    plan_page = client.get(reverse("journal:plan", args=[world.journal.pk])).content.decode()
    assert "Тематическое планирование закрытого года не меняется" in plan_page


def test_a_save_from_the_teachers_grid_is_refused_in_russian(world):
    before = _journal_as_it_is(world)
    response = _client(world, "teacher").post(
        reverse("journal:save_cell", args=[world.journal.pk]),
        {"lesson": world.lesson.pk, "student": world.vasya.pk, "entry": "4", "force": "1"})
    assert response.status_code == 403
    assert response.json()["error"] == CLOSED_YEAR
    term = _client(world, "teacher").post(
        reverse("journal:save_term_mark", args=[world.journal.pk]),
        {"student": world.vasya.pk, "entry": "4", "period": world.q1.pk, "version": "1"})
    assert term.status_code == 403
    assert _journal_as_it_is(world) == before


def test_the_deputy_is_told_a_correction_needs_a_reason(world):
    page = _grid(world, "deputy")
    assert "Вы можете исправить запись как заместитель директора" in page
    assert 'id="correction-reason"' in page and 'data-writable="1"' in page
    refused = _client(world, "deputy").post(
        reverse("journal:save_cell", args=[world.journal.pk]),
        {"lesson": world.lesson.pk, "student": world.vasya.pk, "entry": "4", "force": "1"})
    assert (refused.status_code, refused.json()["error"]) == (400, REASON_REQUIRED)
    saved = _client(world, "deputy").post(
        reverse("journal:save_cell", args=[world.journal.pk]),
        {"lesson": world.lesson.pk, "student": world.vasya.pk, "entry": "4", "force": "1",
         "reason": "по итогам проверки"})
    assert saved.json() == {"ok": True, "text": "4", "version": saved.json()["version"]}


def test_the_class_teachers_attendance_page_is_read_only(world):
    client = _client(world, "class_teacher")
    class_id = world.small.class_5a.pk
    week = client.get(reverse("journal:class_attendance", args=[class_id]),
                      {"week": "2026-11-09"}).content.decode()
    assert "Учебный год закрыт" in week and 'data-testid="read-only"' in week
    absence = Absence.objects.get(lesson=world.missed)
    response = client.post(reverse("journal:attendance_day", args=[class_id]), {
        "date": "2026-11-09", "student": world.vasya.pk, "scope": "one", "absence": absence.pk,
        f"version_{absence.pk}": absence.version, "kind": "ill", "document": "справка"})
    assert response.status_code == 403
    assert Absence.objects.get(pk=absence.pk).kind == "absent"


@pytest.mark.parametrize("name", ["teacher", "co_teacher", "class_teacher", "deputy", "director"])
def test_everyone_who_read_the_journal_reads_it_still(world, name):
    row = _grid(world, name).split(f'<tr id="student-{world.vasya.pk}"')[1].split("</tr>")[0]
    assert ">5<" in row


def test_the_family_reads_the_closed_years_marks_in_the_diary(world):
    client = _client(world, "parent")
    page = client.get(reverse("diary:finals", args=[world.vasya.pk])).content.decode()
    maths = page.split('data-subject="Математика"')[1].split("</tr>")[0]
    assert 'data-label="1-я четверть"><span class="final-value">5<' in maths
