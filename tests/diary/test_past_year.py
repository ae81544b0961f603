"""After the rollover the family's diary still shows last year's term, year and final marks:
the final marks page lists the years the child was enrolled in, the current one first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Student, User
from journal.models import (
    AcademicYear,
    Enrolment,
    SchoolClass,
    StudyPeriod,
    TeachingAssignment,
)
from journal.services.final_marks import set_final_mark
from journal.services.rights import sync_journal_rights
from tests.conftest import (
    YEAR_END,
    build_small_school,
    built_once,
    make_children,
    make_parent,
    make_student,
)
from tests.diary.budget import budget
from tests.journal.journal_setup import at

NEW_START, NEW_END = dt.date(2027, 9, 1), dt.date(2028, 8, 31)
IN_OCTOBER = dt.date(2027, 10, 14)


@dataclass
class TwoYears:
    old: AcademicYear
    new: AcademicYear
    vasya: Student
    parent: User
    outsider_parent: User
    newcomer: Student   # arrived in the new year: one year only


def _build() -> TwoYears:
    small = build_small_school()
    old = small.year
    teacher = User.objects.get(username="matveeva")
    vasya, _ = make_children(small)
    parent = make_parent("petrova", "Петрова", "Наталья", "Андреевна", [vasya])
    stranger = make_student(small.school, "chuzhoy", "Сидоров", "Артём", small.class_5b)
    outsider_parent = make_parent("sidorov", "Сидоров", "Олег", "Иванович", [stranger])
    quarters = list(StudyPeriod.objects.filter(year=old, kind="quarter").order_by("number"))
    with time_machine.travel(at(dt.date(2027, 5, 28)), tick=False):
        set_final_mark(teacher, small.maths_5a, vasya, "period", quarters[3], "4")
        set_final_mark(teacher, small.maths_5a, vasya, "year", None, "5")
        set_final_mark(teacher, small.maths_5a, vasya, "final", None, "5")

    # The rollover, as it leaves the data: the old year closed, 5А's students in 6А.
    with time_machine.travel(at(dt.date(2027, 8, 30)), tick=False):
        old.closed_at = at(dt.date(2027, 8, 30))
        old.is_current = False
        old.save(update_fields=["closed_at", "is_current"])
    Enrolment.objects.filter(school_class__year=old).update(left_on=YEAR_END)
    new = AcademicYear.objects.create(school=small.school, name="2027/2028", starts_on=NEW_START,
                                      ends_on=NEW_END, is_current=True)
    StudyPeriod.objects.create(year=new, kind="quarter", number=1, starts_on=NEW_START,
                               ends_on=dt.date(2027, 10, 25), grade_from=1, grade_to=9)
    StudyPeriod.objects.create(year=new, kind="quarter", number=2, starts_on=dt.date(2027, 11, 5),
                               ends_on=dt.date(2027, 12, 28), grade_from=1, grade_to=9)
    class_6a = SchoolClass.objects.create(year=new, grade=6, letter="А")
    maths_6a = TeachingAssignment.objects.create(year=new, teacher=teacher, subject=small.maths,
                                                 school_class=class_6a)
    sync_journal_rights(maths_6a)
    Enrolment.objects.create(student=vasya, school_class=class_6a, enrolled_on=NEW_START)
    newcomer = make_student(small.school, "novik", "Новиков", "Игорь", class_6a)
    Enrolment.objects.filter(student=newcomer).update(enrolled_on=NEW_START)
    return TwoYears(old, new, vasya, parent, outsider_parent, newcomer)


built = built_once(_build, at(IN_OCTOBER))


@pytest.fixture(autouse=True)
def _today():
    """Overrides the diary's frozen day: October of the new year."""
    with time_machine.travel(at(IN_OCTOBER), tick=False):
        yield


@pytest.fixture
def world(db, built) -> TwoYears:
    return built


def finals_of(user: User, student: Student, **query) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("diary:finals", args=[student.pk]), query)
    return response.status_code, response.content.decode()


def maths_row(html: str) -> str:
    return html.split('data-subject="Математика"')[1].split("</tr>")[0]


def test_the_current_year_comes_first_and_last_year_is_offered(world):
    status, html = finals_of(world.parent, world.vasya)
    assert status == 200
    picker = html.split('data-testid="year-picker"')[1].split("</form>")[0]
    assert picker.index("2027/2028 (текущий)") < picker.index("2026/2027 (закрыт)")
    assert "4-я четверть" not in html          # the new year's quarters: none of last year's
    assert 'data-testid="year-mark"' in html and ">5<" not in maths_row(html)


def test_last_years_term_year_and_final_marks_are_shown(world):
    status, html = finals_of(world.parent, world.vasya, year=world.old.pk)
    assert status == 200
    assert "2026/2027 учебный год, 5А класс" in html
    row = maths_row(html)
    assert 'data-label="4-я четверть"><span class="final-value">4<' in row
    assert 'data-label="Год"><span class="final-value">5<' in row
    assert 'data-label="Итоговая">5<' in row


def test_the_student_reads_their_own_last_year(world):
    status, html = finals_of(world.vasya.user, world.vasya, year=world.old.pk)
    assert status == 200 and 'data-label="Год"><span class="final-value">5<' in maths_row(html)


def test_rights_are_as_before(world):
    assert finals_of(world.outsider_parent, world.vasya, year=world.old.pk)[0] == 404
    # A year the child was not enrolled in, or no year at all, is not found either.
    assert finals_of(world.parent, world.vasya, year="abc")[0] == 404
    assert finals_of(world.parent, world.vasya, year=world.old.pk + world.new.pk)[0] == 404
    status, html = finals_of(world.newcomer.user, world.newcomer)
    assert status == 200 and 'data-testid="year-picker"' not in html
    assert finals_of(world.newcomer.user, world.newcomer, year=world.old.pk)[0] == 404


def test_the_query_count_is_the_same_for_either_year(world):
    client = Client()
    client.force_login(world.parent)
    client.get(reverse("diary:week", args=[world.vasya.pk]))   # the session settles first
    url = reverse("diary:finals", args=[world.vasya.pk])
    with CaptureQueriesContext(connection) as this_year:
        client.get(url)
    with CaptureQueriesContext(connection) as last_year:
        client.get(url, {"year": world.old.pk})
    assert len(this_year) == len(last_year) <= budget()
