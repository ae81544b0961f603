"""Движение обучающихся: each class's figures per month, compared with the school counted by
hand. The moves are made through the movement service, once for the module:

    5А  Василий 01.09 → transferred to 5Б on 16.11 (last day in 5А: 15.11)
        Николай 01.09, all the time
        Ева     arrives 10.11
        Елена   01.09, leaves 30.11 (her last day)
    5Б  Артём   01.09, leaves 02.10
        Пётр    arrives 01.12
    1А  Мария   01.09, all the time
    10А nobody
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse

from accounts.models import Student, User
from exports.registry import Params, exporter_of
from exports.reports.movement import student_movement
from exports.table import Scope, Span
from journal.models import SchoolClass
from journal.services import movement
from tests.conftest import SmallSchool, build_small_school, built_once, make_student, make_user
from tests.journal.journal_setup import TODAY, at

pytestmark = pytest.mark.django_db
ORDER = {"order_number": "45-у", "order_date": dt.date(2026, 10, 1)}
AUTUMN = Span(dt.date(2026, 10, 1), dt.date(2026, 12, 31))


@dataclass
class Built:
    small: SmallSchool
    class_teacher: User


def new_student(small: SmallSchool, login: str, last: str, first: str) -> Student:
    return Student.objects.create(user=make_user(login, last, first), school=small.school,
                                  birth_date=dt.date(2015, 1, 1), sex="m")


def build() -> Built:
    small = build_small_school()
    school = small.school
    vasya = make_student(school, "vasya", "Петров", "Василий", small.class_5a)
    make_student(school, "kolya", "Козлов", "Николай", small.class_5a)
    lena = make_student(school, "lena", "Лебедева", "Елена", small.class_5a, sex="f")
    artyom = make_student(school, "artyom", "Сидоров", "Артём", small.class_5b)
    make_student(school, "masha", "Петрова", "Мария", small.class_1a, sex="f")
    eva, petya = new_student(small, "eva", "Новикова", "Ева"), new_student(small, "petya",
                                                                           "Орлов", "Пётр")
    movement.arrive(None, eva, small.class_5a, dt.date(2026, 11, 10), **ORDER)
    movement.transfer(None, vasya, small.class_5b, dt.date(2026, 11, 16), **ORDER)
    movement.depart(None, lena, dt.date(2026, 11, 30), **ORDER)
    movement.depart(None, artyom, dt.date(2026, 10, 2), **ORDER)
    movement.arrive(None, petya, small.class_5b, dt.date(2026, 12, 1), **ORDER)
    return Built(small, User.objects.get(username="klassnaya"))


built = built_once(build, at(TODAY))


def rows_of(table) -> list[list]:
    return [list(row) for row in table.rows]


def test_each_class_month_by_month_as_counted_by_hand(built):
    table = student_movement(Scope(built.small.school), AUTUMN)

    #          start, arrived, in, left, out, end
    assert rows_of(table) == [
        ["1А", "октябрь 2026", 1, 0, 0, 0, 0, 1],
        ["1А", "ноябрь 2026", 1, 0, 0, 0, 0, 1],
        ["1А", "декабрь 2026", 1, 0, 0, 0, 0, 1],
        ["5А", "октябрь 2026", 3, 0, 0, 0, 0, 3],
        ["5А", "ноябрь 2026", 3, 1, 0, 1, 1, 2],
        ["5А", "декабрь 2026", 2, 0, 0, 0, 0, 2],
        ["5Б", "октябрь 2026", 1, 0, 0, 1, 0, 0],
        ["5Б", "ноябрь 2026", 0, 0, 1, 0, 0, 1],
        ["5Б", "декабрь 2026", 1, 1, 0, 0, 0, 2],
        ["10А", "октябрь 2026", 0, 0, 0, 0, 0, 0],
        ["10А", "ноябрь 2026", 0, 0, 0, 0, 0, 0],
        ["10А", "декабрь 2026", 0, 0, 0, 0, 0, 0],
        ["Школа", "октябрь 2026", 5, 0, 0, 1, 0, 4],
        ["Школа", "ноябрь 2026", 4, 1, 1, 1, 1, 4],
        ["Школа", "декабрь 2026", 4, 1, 0, 0, 0, 5],
    ]
    assert [c.title for c in table.columns] == [
        "Класс", "Месяц", "На начало месяца", "Прибыло", "Переведены в класс", "Выбыло",
        "Переведены из класса", "На конец месяца"]
    assert table.subtitle == "Школа № 7: вся школа; 01.10.2026–31.12.2026"


def test_the_year_start_is_the_class_at_the_start_not_arrivals(built):
    table = student_movement(Scope(built.small.school, school_class=built.small.class_5a),
                             Span(dt.date(2026, 9, 1), dt.date(2026, 9, 30)))

    assert rows_of(table) == [["5А", "сентябрь 2026", 3, 0, 0, 0, 0, 3]]


def test_a_span_from_the_middle_of_a_month_starts_on_its_first_day(built):
    """From 16.11: Василий is already in 5Б, Ева already in 5А; Елена leaves on the 30th."""
    table = student_movement(Scope(built.small.school, school_class=built.small.class_5a),
                             Span(dt.date(2026, 11, 16), dt.date(2026, 11, 30)))

    assert rows_of(table) == [["5А", "ноябрь 2026", 3, 0, 0, 1, 0, 2]]


def test_a_grade_gets_its_classes_and_the_month_totals(built):
    table = student_movement(Scope(built.small.school, grade=5),
                             Span(dt.date(2026, 11, 1), dt.date(2026, 11, 30)))

    assert rows_of(table) == [
        ["5А", "ноябрь 2026", 3, 1, 0, 1, 1, 2],
        ["5Б", "ноябрь 2026", 0, 0, 1, 0, 0, 1],
        ["5-е", "ноябрь 2026", 3, 1, 1, 1, 1, 3],
    ]


def test_dates_outside_any_year_give_an_empty_report_that_says_why(built):
    table = student_movement(Scope(built.small.school),
                             Span(dt.date(2030, 9, 1), dt.date(2030, 9, 30)))

    assert rows_of(table) == []
    assert table.notes == ["Даты 01.09.2030–30.09.2030 не лежат в одном учебном году школы."]


@pytest.mark.parametrize("span", [AUTUMN, Span(dt.date(2026, 9, 1), dt.date(2027, 8, 31))])
def test_it_reads_three_queries_for_the_whole_school_whatever_the_span(
        built, span, django_assert_num_queries):
    with django_assert_num_queries(3):  # the year, its classes, the enrolments
        rows_of(student_movement(Scope(built.small.school), span))


def test_the_class_teacher_runs_it_for_their_class_on_the_page(client, built):
    client.force_login(built.class_teacher)
    response = client.post(reverse("exports:report", args=["movement"]), {
        "scope": "class", "school_class": built.small.class_5a.pk, "period": "",
        "date_from": "01.11.2026", "date_to": "30.11.2026", "format": "screen"})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="report-table"' in page
    assert '<td class="text-end text-nowrap" data-label="Переведены из класса">1</td>' in page


def test_the_class_teacher_cannot_run_it_for_another_class(client, built):
    client.force_login(built.class_teacher)
    response = client.post(reverse("exports:report", args=["movement"]), {
        "scope": "class", "school_class": built.small.class_5b.pk, "period": "",
        "date_from": "01.11.2026", "date_to": "30.11.2026", "format": "screen"})

    assert response.status_code == 404


def test_it_is_registered_for_class_teachers_and_checkers(built):
    exporter = exporter_of("movement")
    params = Params(Scope(built.small.school, grade=5), AUTUMN)

    assert exporter.title == "Движение обучающихся"
    assert exporter.audiences == {"class_teacher", "checker"}
    assert rows_of(exporter.table(params)) == rows_of(student_movement(params.scope, params.span))
    assert SchoolClass.objects.filter(year=built.small.year).count() == 4
