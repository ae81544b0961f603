"""Сводная ведомость учёта успеваемости: each student × subject with the marks of every
period of the dates, the year, exam and final marks; who came and went; streamed class by
class in a number of queries that does not grow with the students."""

from __future__ import annotations

import datetime as dt
import inspect
import io

import pytest
from openpyxl import load_workbook

from exports import render
from exports.reports.marks_statement import marks_statement
from exports.table import Scope, Span
from journal.models import TeachingAssignment
from tests.exports.results_setup import frozen_time_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def whole_year(world) -> Span:
    return Span(world.small.year.starts_on, world.small.year.ends_on)


def rows_of(table) -> list[dict]:
    return [{c.title: v for c, v in zip(table.columns, row, strict=True)} for row in table.rows]


def test_a_class_over_the_year(world):
    table = marks_statement(Scope(world.school, school_class=world.class_5a), whole_year(world))
    assert [c.title for c in table.columns] == [
        "Класс", "№", "Обучающийся", "Предмет", "1-я четверть", "2-я четверть", "3-я четверть",
        "4-я четверть", "Годовая", "Экзамен", "Итоговая", "Примечание"]
    assert table.landscape
    rows = rows_of(table)
    volkov_maths = next(r for r in rows if r["Обучающийся"] == "Волков Глеб"
                        and r["Предмет"] == "Математика")
    assert (volkov_maths["№"], volkov_maths["2-я четверть"], volkov_maths["Годовая"],
            volkov_maths["Экзамен"], volkov_maths["Итоговая"]) == (3, "3", "3", "4", "4")
    assert volkov_maths["1-я четверть"] == ""             # no mark: an empty cell
    marks = {(r["Обучающийся"], r["Предмет"]): r for r in rows}
    assert marks["Егорова Жанна", "Математика"]["2-я четверть"] == "н/а"
    assert marks["Жуков Захар", "Математика"]["Годовая"] == "осв"
    assert marks["Зайцева Инна", "Математика"]["1-я четверть"] == "5"
    assert marks["Ильин Кирилл", "Математика"]["Примечание"] == "выбытие 01.12.2026"
    assert marks["Козлова Лариса", "Русский язык"]["Примечание"] == "прибытие 01.12.2026"


def test_marks_are_numbers_in_xlsx_and_the_other_marks_text(world):
    table = marks_statement(Scope(world.school, school_class=world.class_5a), whole_year(world))
    target = io.BytesIO()
    render.write(table, "xlsx", target)
    sheet = load_workbook(target).active
    header = [cell.value for cell in sheet[1]]
    rows = {(row[2].value, row[3].value): row for row in sheet.iter_rows(min_row=2)
            if row[3].value == "Математика"}

    volkov = rows["Волков Глеб", "Математика"]
    second, final = volkov[header.index("2-я четверть")], volkov[header.index("Итоговая")]
    assert (second.value, second.data_type, final.value, final.data_type) == (3, "n", 4, "n")
    not_certified = rows["Егорова Жанна", "Математика"][header.index("2-я четверть")]
    exempt = rows["Жуков Захар", "Математика"][header.index("Годовая")]
    assert (not_certified.value, not_certified.data_type) == ("н/а", "s")
    assert (exempt.value, exempt.data_type) == ("осв", "s")


def test_each_student_has_their_own_subjects_only(world):
    table = marks_statement(Scope(world.school, school_class=world.class_5a), whole_year(world))
    subjects: dict[str, list[str]] = {}
    for row in rows_of(table):
        subjects.setdefault(row["Обучающийся"], []).append(row["Предмет"])
    assert subjects["Андреев Артём"] == ["Математика", "Русский язык", "Английский язык"]
    assert subjects["Галкина Дарья"] == ["Математика", "Русский язык", "Английский язык"]
    assert subjects["Волков Глеб"] == ["Математика", "Русский язык"]   # in no English group
    assert len(subjects) == 10                                        # Ильин too: he studied here


def test_a_period_shows_its_marks_without_the_years(world):
    span = Span(world.q2.starts_on, world.q2.ends_on, world.q2)
    table = marks_statement(Scope(world.school, school_class=world.class_5a), span)
    assert [c.title for c in table.columns][4:] == ["2-я четверть", "Примечание"]
    first = rows_of(table)[0]
    assert (first["Обучающийся"], first["Предмет"], first["2-я четверть"]) == (
        "Андреев Артём", "Математика", "5")


def test_the_school_has_a_column_for_each_kind_of_period(world):
    table = marks_statement(Scope(world.school), whole_year(world))
    titles = [c.title for c in table.columns]
    assert titles[4:10] == ["1-я четверть", "2-я четверть", "3-я четверть", "4-я четверть",
                            "1-е полугодие", "2-е полугодие"]
    assert inspect.isgenerator(table.rows)                  # streamed, class by class
    rows = rows_of(table)
    assert {r["Класс"] for r in rows} == {"5А", "5Б", "10А"}   # 1А gets no marks
    yakovlev = next(r for r in rows if r["Обучающийся"] == "Яковлев Юрий")
    assert (yakovlev["1-я четверть"], yakovlev["1-е полугодие"]) == (None, "5")
    sidorov = next(r for r in rows if r["Обучающийся"] == "Сидоров Артём")
    assert (sidorov["2-я четверть"], sidorov["1-е полугодие"]) == ("4", None)
    assert "«—» — у класса нет такого периода; пустая клетка — отметки нет." in table.notes
    assert "1-е классы не оцениваются и в отчёт не входят." in table.notes


def test_dates_without_marks_say_so(world):
    summer = Span(dt.date(2027, 6, 1), dt.date(2027, 8, 31))
    table = marks_statement(Scope(world.school, school_class=world.small.class_10a), summer)
    assert table.notes[0] == "Отметок за эти периоды ещё нет: клетки пусты."
    assert [r["Годовая"] for r in rows_of(table)] == [""]    # Яковлев's maths, no year mark
    other_year = marks_statement(Scope(world.school), Span(dt.date(2025, 9, 1),
                                                           dt.date(2025, 12, 1)))
    assert list(other_year.rows) == []
    assert "не лежат в одном учебном году" in other_year.notes[0]


def test_queries_grow_with_classes_not_students(world, django_assert_num_queries):
    # Year, classes, periods, the checks for students and marks; then per class its journals,
    # enrolments, final marks and, where it has any, its subgroups (5А).
    with django_assert_num_queries(5 + 4):
        list(marks_statement(Scope(world.school, school_class=world.class_5a),
                             whole_year(world)).rows)
    with django_assert_num_queries(5 + 4 + 3 + 3):
        list(marks_statement(Scope(world.school), whole_year(world)).rows)


def test_a_teacher_sees_the_marks_of_their_own_journals(world):
    own = TeachingAssignment.objects.filter(teacher=world.teacher)
    table = marks_statement(Scope(world.school, grade=5), whole_year(world), journals=own)
    rows = rows_of(table)
    assert {r["Предмет"] for r in rows} == {"Математика", "Английский язык"}
    assert {r["Класс"] for r in rows} == {"5А"}              # maths in 5Б is Иванов's
