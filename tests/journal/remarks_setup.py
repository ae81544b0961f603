"""The school of the remarks' tests, built once per module inside a transaction rolled back at
its end (each test's own changes roll back after it).

Time is frozen on Monday 16 November 2026, in the second quarter. School № 7 is the suite's
small school (Матвеева keeps maths in 5А, Руднева leads 5А, Иванов keeps maths in 5Б) with its
deputy director Завьялова, its director, and a second deputy director, Крылова, who also
teaches Russian in 5Б; October's check of school № 7 is kept. School № 9 (`make_other_school`)
has its own deputy director, a teacher with a journal and a check: no one of school № 7 may
reach them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import User
from accounts.roles import Role
from journal.models import (
    JournalCheck,
    Lesson,
    Remark,
    RemarkStep,
    School,
    Subject,
    TeachingAssignment,
)
from journal.services.rights import sync_journal_rights
from tests.accounts.role_pages_setup import make_other_school
from tests.conftest import (
    SmallSchool,
    build_small_school,
    built_once,
    make_children,
    make_parent,
    make_staff,
)

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=MOSCOW)
TODAY = NOW.date()
LAST_MONDAY = dt.date(2026, 11, 9)
NEXT_WEEK = dt.date(2026, 11, 23)
Status = Remark.Status


@dataclass
class RemarkSchool:
    small: SmallSchool
    teacher: User          # Матвеева: maths and the 1st English group in 5А
    class_teacher: User    # Руднева: leads 5А, Russian in 5А
    ivanov: User           # maths in 5Б, the 2nd English group in 5А
    deputy: User
    director: User
    teaching_deputy: User  # Крылова: deputy director, Russian in 5Б
    parent: User
    lesson: Lesson         # maths 5А on 09.11, 2nd lesson, no topic
    check: JournalCheck    # October 2026
    other_deputy: User
    other_teacher: User
    other_journal: TeachingAssignment
    other_check: JournalCheck

    @property
    def school(self) -> School:
        return self.small.school

    @property
    def maths_5a(self) -> TeachingAssignment:
        return self.small.maths_5a


@pytest.fixture(name="frozen_time", autouse=True)
def frozen_time_fixture():
    with time_machine.travel(NOW, tick=False):
        yield


def build_school() -> RemarkSchool:
    small = build_small_school()
    school = small.school
    children = make_children(small)
    teaching_deputy = make_staff(school, "krylova", "Крылова", "Вера", "Андреевна",
                                 role=Role.DEPUTY)
    sync_journal_rights(TeachingAssignment.objects.create(
        year=small.year, teacher=teaching_deputy, subject=small.russian,
        school_class=small.class_5b))
    other_school = make_other_school()
    other, other_class = other_school.school, other_school.school_class
    other_teacher = make_staff(other, "chuzhoy_uchitel", "Чужов", "Олег", "Олегович")
    other_journal = TeachingAssignment.objects.create(
        year=other_class.year, teacher=other_teacher,
        subject=Subject.objects.create(school=other, name="Математика", order=1),
        school_class=other_class)
    sync_journal_rights(other_journal)
    october = {"kind": JournalCheck.Kind.MONTH, "starts_on": dt.date(2026, 10, 1),
               "ends_on": dt.date(2026, 10, 31)}
    return RemarkSchool(
        small=small, teacher=small.maths_5a.teacher, class_teacher=small.class_5a.class_teacher,
        ivanov=small.maths_5b.teacher,
        deputy=make_staff(school, "zavuch", "Завьялова", "Елена", "Викторовна", role=Role.DEPUTY),
        director=make_staff(school, "director", "Директорова", "Марина", "Львовна",
                            role=Role.DIRECTOR),
        teaching_deputy=teaching_deputy,
        parent=make_parent("petrova", "Петрова", "Наталья", "Андреевна", children),
        lesson=Lesson.objects.create(assignment=small.maths_5a, date=LAST_MONDAY, number=2),
        check=JournalCheck.objects.create(school=school, **october),
        other_deputy=make_staff(other, "chuzhoy_zavuch", "Чужая", "Анна", "Ивановна",
                                role=Role.DEPUTY),
        other_teacher=other_teacher, other_journal=other_journal,
        other_check=JournalCheck.objects.create(school=other, **october))


def remark(s: RemarkSchool, status: str = Status.OPEN, *, to: User | None = None,
           by: User | None = None, due_on: dt.date = NEXT_WEEK, text: str = "Нет темы урока",
           **fields) -> Remark:
    """A remark written straight into the table, in `status`, with its first step (the
    service's own tests make them through the service)."""
    fields.setdefault("assignment", s.maths_5a if to is None else None)
    if fields["assignment"] is not None:
        fields.setdefault("school_class", fields["assignment"].school_class)
    made = Remark.objects.create(school=fields.pop("school", s.school), author=by or s.deputy,
                                 addressee=to or s.teacher, text=text, due_on=due_on,
                                 status=status, **fields)
    RemarkStep.objects.create(remark=made, status=Status.OPEN, by=made.author)
    return made


built_fixture = built_once(build_school, NOW)
