"""Активность пользователей по месяцам: teachers' journal entries from the change history (rights
changes are not entries), families' diary visits by class."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from exports.reports.user_activity import user_activity
from exports.table import Kind, Scope, Span
from tests.exports.results_setup import frozen_time_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
AUTUMN = Span(dt.date(2026, 9, 1), dt.date(2026, 12, 31))


def test_months_are_typed_columns(world):
    table = user_activity(Scope(world.school, school_class=world.class_5a), AUTUMN)
    assert [c.title for c in table.columns][6:] == [
        "сентябрь 2026", "октябрь 2026", "ноябрь 2026", "декабрь 2026", "Всего"]
    assert {c.kind for c in table.columns[6:]} == {Kind.INT}
    assert table.landscape


def test_staff_entries_in_the_class_journals(world):
    table = user_activity(Scope(world.school, school_class=world.class_5a), AUTUMN)
    staff = {row[2]: row[3:] for row in table.rows if row[0] == "Сотрудники"}
    # Иванов keeps the 2nd English group and made no entry there (his 4 are in 5Б).
    assert staff["Иванов Сергей Петрович"] == [1, 0, Decimal("0.0"), 0, 0, 0, 0, 0]
    # Матвеева: 3 in November, 1 in December; the right given to her is not an entry.
    assert staff["Матвеева Ольга Игоревна"] == [1, 1, Decimal("100.0"), 0, 0, 3, 1, 4]
    assert staff["Руднева Анна Павловна"] == [1, 1, Decimal("100.0"), 0, 0, 2, 0, 2]
    assert staff["всего"] == [3, 2, Decimal("66.7"), 0, 0, 5, 1, 6]
    assert list(staff) == ["Иванов Сергей Петрович", "Матвеева Ольга Игоревна",
                           "Руднева Анна Павловна", "всего"]


def test_families_visits_by_class(world):
    table = user_activity(Scope(world.school, school_class=world.class_5a), AUTUMN)
    families = {(row[0], row[1]): row[3:] for row in table.rows if row[0] != "Сотрудники"}
    # Two parents: the mother twice in November, the father once in October; of the 10
    # students who studied in 5А in these months, Волков once in December.
    assert families["Родители", "5А"] == [2, 2, Decimal("100.0"), 0, 1, 2, 0, 3]
    assert families["Обучающиеся", "5А"] == [10, 1, Decimal("10.0"), 0, 0, 0, 1, 1]
    assert len(families) == 2


def test_a_month_of_the_school(world):
    december = Span(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    table = user_activity(Scope(world.school), december)
    rows = {(row[0], row[1], row[2]): row[3:] for row in table.rows}
    assert rows["Сотрудники", "", "Иванов Сергей Петрович"] == [1, 1, Decimal("100.0"), 4, 4]
    assert ("Сотрудники", "", "Заменин Пётр Сергеевич") not in rows  # no journal, no entry
    assert rows["Родители", "всего", ""] == [2, 0, Decimal("0.0"), 0, 0]
    assert rows["Обучающиеся", "всего", ""][:2] == [13, 1]     # 10 in 5А, 2 in 5Б, 1 in 10А
    assert [key[1] for key in rows if key[0] == "Родители"] == ["1А", "5А", "5Б", "10А", "всего"]


def test_an_empty_scope_says_why(world):
    table = user_activity(Scope(world.school, grade=8), AUTUMN)
    assert list(table.rows) == [] and "нет 8-х классов" in table.notes[0]


def test_queries_stay_few_for_the_whole_school(world, django_assert_num_queries):
    # The year and the classes; entries, teachers, staff; students, parents, diary visits.
    with django_assert_num_queries(8):
        user_activity(Scope(world.school), AUTUMN)
