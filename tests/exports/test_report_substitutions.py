"""Замены и пропущенные уроки по сотрудникам и месяцам: lessons given as a substitute, one's
lessons given by someone else, lessons not held — today's and future ones not yet."""

from __future__ import annotations

import datetime as dt

import pytest

from exports.reports.substitutions import substitutions
from exports.table import Scope, Span
from tests.exports.results_setup import frozen_time_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def whole_year(world) -> Span:
    return Span(world.small.year.starts_on, world.small.year.ends_on)


def test_a_class_by_employee_and_month(world):
    table = substitutions(Scope(world.school, school_class=world.class_5a), whole_year(world))
    # Заменин gave maths in 5А on 18.11; Матвеева's lesson of 25.11 was not held; today's and
    # the 13.01 lessons are not held yet, and do not count.
    assert list(table.rows) == [
        ["Заменин Пётр Сергеевич", "ноябрь 2026", 1, 0, 0],
        ["Матвеева Ольга Игоревна", "ноябрь 2026", 0, 1, 1],
        ["Итого", "", 1, 1, 1],
    ]


def test_the_school_takes_in_every_class(world):
    table = substitutions(Scope(world.school), whole_year(world))
    assert ["Иванов Сергей Петрович", "декабрь 2026", 0, 0, 1] in table.rows
    assert table.rows[-1] == ["Итого", "", 1, 1, 2]


def test_a_month_without_any_says_so(world):
    october = Span(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    table = substitutions(Scope(world.school), october)
    assert list(table.rows) == []
    assert table.notes[0] == "В эти даты замен и непроведённых уроков нет."


def test_queries_do_not_grow_with_lessons(world, django_assert_num_queries):
    # The year and the classes, the two groupings of lessons, the people.
    with django_assert_num_queries(5):
        substitutions(Scope(world.school), whole_year(world))
