"""The marks page: every mark of the period with its date and type, the weighted average, the
forecast (the journal's own recommendation) and the term mark; a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diary import queries
from journal.models import StudyPeriod
from journal.queries.grid import term_recommendations
from journal.services.cells import set_cell
from journal.services.final_marks import set_final_mark
from tests.diary.budget import budget
from tests.diary.conftest import control_work, url
from tests.journal.journal_setup import TODAY, at, make_lesson


@pytest.fixture
def second_quarter(year):
    return StudyPeriod.objects.get(year=year, kind="quarter", number=2)


def give_marks(small_school, teacher, vasya, entries, start=dt.date(2026, 11, 9)):
    """One maths lesson a day from `start`, each with (value, is a control work)."""
    for offset, (value, control) in enumerate(entries):
        lesson = make_lesson(small_school.maths_5a, start + dt.timedelta(days=offset), number=2,
                             assessment_type=control_work(small_school.school) if control
                             else None)
        set_cell(teacher, lesson, vasya, value)


def marks_page(client, user, student, **query) -> str:
    client.force_login(user)
    response = client.get(url("diary:marks", student, **query))
    assert response.status_code == 200
    return response.content.decode()


def maths_row(page: str) -> str:
    return page.split('data-subject="Математика"')[1].split("</tr>")[0]


def test_the_forecast_is_the_journals_recommended_mark(client, parent, vasya, small_school,
                                                       teacher, second_quarter):
    # 5 (control work, weight 3), 4, 4: (15 + 8) / 5 = 4.60. At the school's threshold of
    # 0.65 that recommends 4 (ordinary rounding would give 5).
    small_school.school.rounding_threshold = Decimal("0.65")
    small_school.school.save()
    give_marks(small_school, teacher, vasya, [("5", True), ("4", False), ("4", False)])
    journal = term_recommendations(small_school.maths_5a, second_quarter, [vasya.pk])[vasya.pk]
    assert (journal.average, journal.mark) == (Decimal("4.60"), 4)

    assignments = queries.assignments_of(vasya, small_school.year, [small_school.class_5a.pk])
    maths = next(s for s in queries.build_marks(vasya, small_school.year, assignments,
                                                second_quarter)
                 if s.assignment == small_school.maths_5a)
    assert (maths.average, maths.forecast, maths.mark_count) == (journal.average, journal.mark,
                                                                 journal.mark_count)
    assert maths.required == journal.required

    row = maths_row(marks_page(client, parent, vasya))
    assert 'data-testid="average">4,60<' in row
    assert ">4</span>" in row.split('data-testid="forecast"')[1]


def test_every_mark_has_its_date_and_type(client, parent, vasya, small_school, teacher):
    give_marks(small_school, teacher, vasya, [("5", True), ("3/4", False)])
    row = maths_row(marks_page(client, parent, vasya))
    assert row.count('data-testid="mark"') == 3
    assert 'title="09.11.2026, Контрольная работа (вес 3)"' in row
    assert "09.11 ×3" in row and "10.11" in row


def test_the_term_mark_appears_once_set(client, parent, vasya, small_school, teacher,
                                        second_quarter):
    give_marks(small_school, teacher, vasya, [("5", False)] * 3)
    assert "не выставлена" in maths_row(marks_page(client, parent, vasya))
    set_final_mark(teacher, small_school.maths_5a, vasya, "period", second_quarter, "5")
    term = maths_row(marks_page(client, parent, vasya)).split('data-testid="term-mark"')[1]
    assert ">5</span>" in term


def test_too_few_marks_make_a_neutral_note_beside_the_forecast(client, parent, vasya,
                                                              small_school, teacher):
    give_marks(small_school, teacher, vasya, [("5", False)])
    row = maths_row(marks_page(client, parent, vasya))
    note = row.split('data-testid="few-marks-note"')[1].split("</div>")[0]
    assert ("Прогноз предварительный: пока 1 отметка, а для отметки за четверть обычно нужно "
            "не меньше 3.") in note
    assert "text-danger" not in row            # a note for parents, not an alarm
    assert ">5</span>" in row.split('data-testid="forecast"')[1]


def test_the_note_goes_once_there_are_enough_marks(client, parent, vasya, small_school,
                                                   teacher):
    give_marks(small_school, teacher, vasya, [("5", False), ("4", False)])
    assert "пока 2 отметки," in maths_row(marks_page(client, parent, vasya))
    give_marks(small_school, teacher, vasya, [("4", False)], start=dt.date(2026, 11, 11))
    assert 'data-testid="few-marks-note"' not in maths_row(marks_page(client, parent, vasya))


def test_another_period_is_chosen_by_its_id(client, parent, vasya, small_school, teacher, year):
    give_marks(small_school, teacher, vasya, [("2", False)], start=dt.date(2026, 10, 5))
    first = StudyPeriod.objects.get(year=year, kind="quarter", number=1)
    assert 'data-testid="average">—<' in maths_row(marks_page(client, parent, vasya))
    assert 'data-testid="average">2,00<' in maths_row(marks_page(client, parent, vasya,
                                                                  period=first.pk))


def test_a_subgroup_journal_shows_only_for_its_members(client, parent, vasya, small_school):
    small_school.english_5a_group1.subgroup.students.add(vasya)
    page = marks_page(client, parent, vasya)
    assert "1 группа" in page and "2 группа" not in page


def test_grade_one_says_there_are_no_marks(client, parent, masha):
    assert "В 1 классе отметки не выставляются" in marks_page(client, parent, masha)


def _count(client, student) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url("diary:marks", student)).status_code == 200
    return len(captured)


def test_the_marks_page_costs_the_same_with_one_mark_and_with_many(
        client, parent, vasya, small_school, teacher, class_teacher,
        django_assert_max_num_queries):
    give_marks(small_school, teacher, vasya, [("5", False)])
    client.force_login(parent)
    # The session, the menu and the unread counts settle, as after any first page (a moment
    # before: each visit is then after the last one).
    with time_machine.travel(at(TODAY) - dt.timedelta(seconds=3), tick=False):
        client.get(url("diary:week", vasya))
    with time_machine.travel(at(TODAY) - dt.timedelta(seconds=2), tick=False):
        one = _count(client, vasya)     # built from the journal
    give_marks(small_school, teacher, vasya, [("4", True), ("3/5", False)] * 3,
               start=dt.date(2026, 11, 10))
    for offset in range(5):
        lesson = make_lesson(small_school.russian_5a, TODAY - dt.timedelta(days=offset + 1), 3)
        set_cell(class_teacher, lesson, vasya, "4")
    with time_machine.travel(at(TODAY) - dt.timedelta(seconds=1), tick=False):
        assert _count(client, vasya) == one
    with django_assert_max_num_queries(budget()):
        page = client.get(url("diary:marks", vasya)).content.decode()
    assert page.count('data-testid="mark"') == 1 + 9 + 5
