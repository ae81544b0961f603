"""Отчёт классного руководителя for 5А's 2nd quarter: size and movement, results and the
students with «2» or «н/а», attendance totals, the families' use of the diary."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exports.reports.class_teacher_report import class_teacher_report
from exports.table import Scope, Span
from tests.exports.results_setup import frozen_time_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(name="report")
def report_fixture(world):
    return class_teacher_report(Scope(world.school, school_class=world.class_5a),
                                Span(world.q2.starts_on, world.q2.ends_on, world.q2))


def section(report, name: str) -> dict[str, tuple]:
    return {row[2]: tuple(row[3:]) for row in report.rows if row[1] == name}


def test_it_names_the_class_teacher(report):
    assert report.subtitle.endswith("классный руководитель Руднева А. П.")
    assert {row[0] for row in report.rows} == {"5А"}


def test_size_and_movement(report):
    size = section(report, "Состав класса")
    assert size["на начало (05.11.2026)"] == (9, None, "")
    assert size["прибыли"] == (1, None, "Козлова Л.")
    assert size["выбыли"] == (1, None, "Ильин К.")
    assert size["на конец (28.12.2026)"] == (9, None, "")


def test_results_as_the_hand_made_class_has_them(report):
    figures = section(report, "Успеваемость")
    assert figures["аттестуемых (N)"][0] == 8
    assert figures["на «5»"] == (2, Decimal("25.0"), "Андреев А., Жуков З.")
    assert figures["из них с одной «3»"] == (1, Decimal("12.5"), "Волков Г. (Математика)")
    assert figures["с «2»"] == (1, Decimal("12.5"), "Дмитриев Е.")
    assert figures["не аттестованы (н/а)"] == (1, Decimal("12.5"), "Егорова Ж.")
    assert figures["без отметок"][0] == 1
    assert figures["успеваемость"][:2] == (6, Decimal("75.0"))
    assert figures["качество знаний"][:2] == (4, Decimal("50.0"))
    assert figures["СОУ"][:2] == (None, Decimal("52.9"))
    assert figures["учтены"][2].startswith("отметки за период «2-я четверть»")


def test_students_with_debts(report):
    assert section(report, "С «2» и «н/а»") == {
        "Дмитриев Егор": (1, None, "Математика — 2"),
        "Егорова Жанна": (1, None, "Математика — н/а"),
    }


def test_attendance_totals(report):
    # 16.11: Андреев «б», Дмитриев «н», Волков 10 minutes late; 07.12: Дмитриев «н»,
    # Галкина «у».
    attendance = section(report, "Посещаемость")
    assert attendance["пропущено уроков"][0] == 4
    assert attendance["по уважительной причине (б, у)"][:2] == (2, Decimal("50.0"))
    assert attendance["без уважительной причины (н)"][:2] == (2, Decimal("50.0"))
    assert attendance["опозданий"] == (1, None, "всего 10 мин")


def test_diary_participation(report):
    # Андреев's mother visited in November, Дмитриев's father only in October; Волков in
    # December, of the 9 students.
    diary = section(report, "Электронный дневник")
    assert diary["родителей (законных представителей)"][0] == 2
    assert diary["из них заходили в дневник"][:2] == (1, Decimal("50.0"))
    assert diary["обучающихся заходили в дневник"] == (1, Decimal("11.1"), "из 9")


def test_grade_1_is_reported_without_results(world):
    report = class_teacher_report(Scope(world.school, school_class=world.small.class_1a),
                                  Span(world.q2.starts_on, world.q2.ends_on, world.q2))
    assert section(report, "Успеваемость") == {
        "не оценивается": (None, None, "1-е классы не оцениваются и в отчёт не входят.")}
    assert section(report, "Посещаемость")["пропущено уроков"][0] == 0


def test_queries_stay_few_for_the_whole_school(world, django_assert_num_queries):
    span = Span(world.q2.starts_on, world.q2.ends_on, world.q2)
    # The year and the classes; the results' five; enrolments, absences, parents, diary visits.
    with django_assert_num_queries(11):
        class_teacher_report(Scope(world.school), span)
