"""Выполнение программы по учителям: each journal's hours by the plan and the curriculum
against the lessons held, counted as the journal's plan page counts them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from exports.reports.programme import programme
from exports.table import Scope, Span
from journal.models import TeachingAssignment
from journal.queries.plans import programme_completion
from tests.exports.results_setup import frozen_time_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def q2(world) -> Span:
    return Span(world.q2.starts_on, world.q2.ends_on, world.q2)


def rows_of(table) -> dict[tuple[str, str], dict]:
    return {(row[1], row[2]): {c.title: v for c, v in zip(table.columns, row, strict=True)}
            for row in table.rows}


def test_a_journal_with_a_plan(world):
    rows = rows_of(programme(Scope(world.school, school_class=world.class_5a), q2(world)))
    maths = rows["5А", "Математика"]
    # Held by 28.12: 16.11, 18.11 (by a substitute) and 07.12, not 25.11; the plan: 6 hours,
    # 3 of them dated by 28.12; 5 hours a week over the 33 study weeks of grade 5.
    assert maths["Учитель"] == "Матвеева Ольга Игоревна"
    assert (maths["Проведено уроков"], maths["Часов по КТП"], maths["По КТП на дату"]) == (3, 6, 3)
    assert (maths["Часов в неделю"], maths["Часов по учебному плану"]) == (
        Decimal("5.00"), Decimal("165.00"))
    assert (maths["% от КТП"], maths["% от учебного плана"]) == (Decimal(50), Decimal(2))
    assert maths["Отставание от КТП, ч"] == 0


def test_it_counts_as_the_plan_page_does(world):
    rows = rows_of(programme(Scope(world.school, school_class=world.class_5a), q2(world)))
    page = programme_completion(world.small.maths_5a, today=dt.date(2026, 12, 28))
    maths = rows["5А", "Математика"]
    assert (maths["Проведено уроков"], maths["% от КТП"], maths["% от учебного плана"],
            maths["Отставание от КТП, ч"]) == (page.held, page.of_planned, page.of_curriculum,
                                               page.behind_plan)


def test_a_journal_without_plan_or_curriculum_shows_no_percent(world):
    rows = rows_of(programme(Scope(world.school, school_class=world.class_5a), q2(world)))
    russian = rows["5А", "Русский язык"]
    assert (russian["Часов по КТП"], russian["% от КТП"], russian["% от учебного плана"]) == (
        0, None, None)
    assert ("5А", "Английский язык (1 группа)") in rows


def test_rows_go_by_teacher(world):
    table = programme(Scope(world.school), q2(world))
    teachers = [row[0] for row in table.rows]
    assert teachers == sorted(teachers)
    assert teachers.count("Матвеева Ольга Игоревна") == 3      # maths 5А, English, maths 10А


def test_queries_do_not_grow_with_journals(world, django_assert_num_queries):
    # The year and the classes, the journals; lessons, plans, covered items, curriculum; the
    # study weeks once a grade (5 and 10; 1А's).
    with django_assert_num_queries(3 + 4 + 3):
        programme(Scope(world.school), q2(world))


def test_a_teacher_sees_their_own_journals_only(world):
    own = TeachingAssignment.objects.filter(teacher=world.teacher)
    table = programme(Scope(world.school), q2(world), journals=own)
    assert {row[0] for row in table.rows} == {"Матвеева Ольга Игоревна"}
    assert len(table.rows) == 3
