"""Наполняемость: students on the span's first and last day, arrivals and departures between
them, boys and girls, totals per grade and school — compared with the school counted by hand
(reports_setup: 5А has Василий and Николай, Ева from 01.12 and Елена until 20.11; 5Б Артём,
1А Мария; 10А nobody)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from exports.registry import Params
from exports.reports.class_sizes import class_sizes
from exports.table import Scope, Span
from tests.exports.reports_setup import (  # noqa: F401 (fixtures)
    Q2,
    Q2_END,
    Q2_START,
    built_fixture,
    frozen_time_fixture,
    rows_of,
)

pytestmark = pytest.mark.django_db
def test_the_whole_school_in_the_second_quarter_as_counted_by_hand(built):
    table = class_sizes(Scope(built.small.school), Q2)

    #            at start, arrived, left, at end, boys, girls
    assert rows_of(table) == [
        ["1А", "", 1, 0, 0, 1, 0, 1],
        ["5А", "Руднева А. П.", 3, 1, 1, 3, 2, 1],
        ["5Б", "Белова И. О.", 1, 0, 0, 1, 1, 0],
        ["5-е", "Итого по параллели", 4, 1, 1, 4, 3, 1],
        ["10А", "", 0, 0, 0, 0, 0, 0],
        ["Школа", "Итого по школе", 5, 1, 1, 5, 3, 2],
    ]
    assert table.subtitle == "Школа № 7: вся школа; 05.11.2026–28.12.2026"
    assert "на 05.11.2026" in table.notes[0] and "на 28.12.2026" in table.notes[0]


def test_a_student_who_leaves_on_the_last_day_is_still_counted_at_the_end(built):
    """Enrolment's rule: the day of leaving is the last day in the class."""
    table = class_sizes(Scope(built.small.school, school_class=built.class_5a),
                        Span(Q2_START, dt.date(2026, 11, 20)))

    assert rows_of(table) == [["5А", "Руднева А. П.", 3, 0, 0, 3, 2, 1]]


def test_a_grade_gets_its_classes_and_their_total(built):
    table = class_sizes(Scope(built.small.school, grade=5), Q2)

    assert [row[0] for row in rows_of(table)] == ["5А", "5Б", "5-е"]


def test_a_class_with_nobody_says_so_under_its_zeros(built):
    table = class_sizes(Scope(built.small.school, school_class=built.small.class_10a),
                        Span(dt.date(2026, 9, 1), dt.date(2026, 12, 28)))

    assert rows_of(table) == [["10А", "", 0, 0, 0, 0, 0, 0]]
    assert table.notes[0] == "В эти даты в классах не было обучающихся."


def test_dates_outside_any_academic_year_give_an_empty_report_that_says_why(built):
    table = class_sizes(Scope(built.small.school), Span(dt.date(2030, 9, 1), dt.date(2030, 9, 30)))

    assert rows_of(table) == []
    assert table.notes == ["Даты 01.09.2030–30.09.2030 не лежат в одном учебном году школы."]


def test_the_class_teacher_sees_it_on_the_page(client, built):
    client.force_login(built.class_teacher)
    response = client.post(reverse("exports:report", args=["class_sizes"]), {
        "scope": "class", "school_class": built.class_5a.pk, "period": built.q2.pk,
        "format": "screen"})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="report-table"' in page
    assert '<td class="text-end text-nowrap" data-label="Прибыло">1</td>' in page
    assert "Школа № 7: 5А класс; 2-я четверть (1–9 кл.), 05.11.2026–28.12.2026" in page


def test_the_exporter_is_the_function_as_a_registered_report(built):
    from exports.registry import exporter_of

    exporter = exporter_of("class_sizes")
    params = Params(Scope(built.small.school, grade=5), Q2)

    assert rows_of(exporter.table(params)) == rows_of(class_sizes(params.scope, params.span))
    assert exporter.audiences == {"class_teacher", "checker"}
