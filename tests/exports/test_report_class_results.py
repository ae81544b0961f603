"""Итоги успеваемости as a table: a class by subject with its total, a school by class with
each grade's and the school's totals, the formulas under it, and empty reports that say why."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from exports.reports.class_results import class_results
from exports.table import Kind, Scope, Span
from journal.models import TeachingAssignment
from tests.exports.results_setup import frozen_time_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def q2(world) -> Span:
    return Span(world.q2.starts_on, world.q2.ends_on, world.q2)


def by_title(table, row) -> dict:
    return {column.title: value for column, value in zip(table.columns, row, strict=True)}


def test_a_class_by_subject_ends_with_its_total(world):
    table = class_results(Scope(world.school, school_class=world.class_5a), q2(world))
    rows = [by_title(table, row) for row in table.rows]
    assert [r["Предмет"] for r in rows] == [
        "Математика", "Русский язык", "Английский язык (1 группа)",
        "Английский язык (2 группа)", "Итого по классу"]
    maths, total = rows[0], rows[-1]
    assert maths["Учитель"] == "Матвеева О. И."
    assert (maths["Обучающихся"], maths["Освобождены"], maths["Без отметки"],
            maths["Аттестуемых (N)"]) == (9, 1, 1, 7)
    assert maths["Из них с одной «3»"] is None           # a class's figure, not a subject's
    assert (maths["Успеваемость, %"], maths["Качество знаний, %"], maths["СОУ, %"]) == (
        Decimal("71.4"), Decimal("42.9"), Decimal("46.1"))
    assert rows[3]["СОУ, %"] is None                      # the 2nd group: N = 0 shows «—»
    assert (total["На «5»"], total["На «4» и «5»"], total["С «3»"], total["Из них с одной «3»"],
            total["С «2»"], total["Не аттестованы (н/а)"]) == (2, 2, 2, 1, 1, 1)
    assert (total["Учитель"], total["СОУ, %"]) == ("Руднева А. П.", Decimal("52.9"))
    assert table.landscape
    assert any("СОУ = (100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·nн/а) / N" in n for n in table.notes)
    assert any("5 класс: учтены отметки за период «2-я четверть»" in n for n in table.notes)


def test_columns_are_typed(world):
    table = class_results(Scope(world.school, school_class=world.class_5a), q2(world))
    kinds = {c.title: c.kind for c in table.columns}
    assert kinds["Класс"] is Kind.TEXT and kinds["Аттестуемых (N)"] is Kind.INT
    assert kinds["СОУ, %"] is Kind.PERCENT
    for row in table.rows:
        for column, value in zip(table.columns, row, strict=True):
            expected = {Kind.TEXT: str, Kind.INT: int, Kind.PERCENT: Decimal}[column.kind]
            assert value is None or isinstance(value, expected), (column.title, value)


def test_the_school_by_class_with_grade_and_school_totals(world):
    table = class_results(Scope(world.school), q2(world))
    rows = [by_title(table, row) for row in table.rows]
    assert [(r["Класс"], r["Предмет"]) for r in rows] == [
        ("5А", ""), ("5Б", ""), ("5-е", "Итого по параллели"), ("10А", ""),
        ("", "Итого по школе")]
    grade_5, school = rows[2], rows[-1]
    # 5А (N 8) and 5Б (4 and 3): (2 + 3 + 3)·100 / 10 and (200 + 192 + 108 + 16 + 7) / 10.
    assert (grade_5["Аттестуемых (N)"], grade_5["Успеваемость, %"], grade_5["СОУ, %"]) == (
        10, Decimal("80.0"), Decimal("52.3"))
    assert grade_5["Из них с одной «3»"] == 2              # Волков and Тихонов
    assert (school["Аттестуемых (N)"], school["Качество знаний, %"]) == (11, Decimal("54.5"))
    assert "1-е классы не оцениваются и в отчёт не входят." in table.notes
    assert any(n.startswith("10 класс: учтены отметки за период «1-е полугодие»")
               for n in table.notes)


def test_a_grade_can_be_shown_by_subject(world):
    table = class_results(Scope(world.school, grade=5), q2(world), by_subject=True)
    subjects = [row[1] for row in table.rows]
    assert subjects.count("Итого по классу") == 2
    assert subjects[-1] == "Итого по параллели"
    assert "Итого по школе" not in subjects


def test_a_class_with_no_marks_yet_says_so(world):
    november = Span(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    table = class_results(Scope(world.school, school_class=world.class_5a), november)
    total = by_title(table, list(table.rows)[-1])
    assert (total["Аттестуемых (N)"], total["Успеваемость, %"]) == (0, None)
    assert table.notes[0] == "Отметок ещё нет: показатели не вычисляются («—»)."
    assert any("рекомендуемые отметки по текущим отметкам 01.11.2026–30.11.2026" in n
               for n in table.notes)


@pytest.mark.parametrize(("scope", "span", "reason"), [
    ("class", (dt.date(2025, 9, 1), dt.date(2025, 10, 31)), "не лежат в одном учебном году"),
    ("other", (dt.date(2026, 11, 5), dt.date(2026, 12, 28)), "не из этой школы"),
    ("grade 7", (dt.date(2026, 11, 5), dt.date(2026, 12, 28)), "нет 7-х классов"),
    ("grade 1", (dt.date(2026, 11, 5), dt.date(2026, 12, 28)), "1-е классы не оцениваются"),
])
def test_an_empty_report_says_why(world, scope, span, reason):
    scopes = {"class": Scope(world.school, school_class=world.class_5a),
              "other": Scope(world.school, school_class=world.other.school_class),
              "grade 7": Scope(world.school, grade=7), "grade 1": Scope(world.school, grade=1)}
    table = class_results(scopes[scope], Span(*span))
    assert list(table.rows) == []
    assert any(reason in note for note in table.notes)


def test_queries_are_few_for_the_whole_school(world, django_assert_num_queries):
    # The year and the classes, then `results.class_results`' five.
    with django_assert_num_queries(7):
        table = class_results(Scope(world.school), q2(world))
    assert len(list(table.rows)) == 5


def test_a_teacher_sees_the_results_of_their_own_journals(world):
    own = TeachingAssignment.objects.filter(teacher=world.teacher)
    table = class_results(Scope(world.school, school_class=world.class_5a), q2(world),
                          journals=own)
    rows = [by_title(table, row) for row in table.rows]
    assert [r["Предмет"] for r in rows] == ["Математика", "Английский язык (1 группа)",
                                            "Итого по классу"]
    total = rows[-1]
    # By maths and the 1st English group only: Жуков is exempt from all of them, Волков and
    # Галкина each have one «3».
    assert (total["Освобождены"], total["Без отметки"], total["Аттестуемых (N)"]) == (1, 1, 7)
    assert (total["На «5»"], total["На «4» и «5»"], total["Из них с одной «3»"]) == (1, 2, 2)
