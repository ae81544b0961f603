"""Итоговые данные обучающихся: year, exam and final marks by subject, what each subject came
to (the final mark deciding over the year's), and each student's outcome of the year."""

from __future__ import annotations

import datetime as dt

import pytest

from exports.reports.final_data import final_data
from exports.table import Scope, Span
from tests.exports.results_setup import frozen_time_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(name="rows")
def rows_fixture(world) -> dict[tuple[str, str], dict]:
    table = final_data(Scope(world.school, school_class=world.class_5a),
                       Span(world.small.year.starts_on, world.small.year.ends_on))
    return {(row[2], row[3]): {c.title: v for c, v in zip(table.columns, row, strict=True)}
            for row in table.rows}


def test_marks_and_what_each_subject_came_to(rows):
    volkov = rows["Волков Глеб", "Математика"]
    assert (volkov["Годовая"], volkov["Экзамен"], volkov["Итоговая"]) == ("3", "4", "4")
    assert rows["Жуков Захар", "Математика"]["По предмету"] == "освобождён(а)"
    assert rows["Егорова Жанна", "Математика"]["По предмету"] == "не аттестован(а)"
    assert rows["Дмитриев Егор", "Математика"]["По предмету"] == "академическая задолженность"
    assert rows["Борисова Вера", "Английский язык"]["По предмету"] == "нет отметки"
    assert rows["Андреев Артём", "Английский язык"]["По предмету"] == "освоен"


def test_the_outcome_of_the_year(rows):
    outcome = {name: row["Итог года"] for (name, _), row in rows.items()}
    assert outcome["Андреев Артём"] == "на «5»"
    assert outcome["Жуков Захар"] == "на «5»"                       # exempt from maths
    assert outcome["Волков Глеб"] == "на «4» и «5»"                  # the final 4 decides
    assert outcome["Борисова Вера"] == "на «4» и «5»; нет отметки по 1 предм."
    assert outcome["Дмитриев Егор"] == "академическая задолженность: Математика"
    assert outcome["Егорова Жанна"] == "не аттестован(а): Математика"
    assert outcome["Галкина Дарья"] == "нет годовых отметок"


def test_who_left_during_the_year_is_not_listed(rows):
    names = list(dict.fromkeys(name for name, _ in rows))
    assert "Ильин Кирилл" not in names
    assert names[-1] == "Козлова Лариса"
    assert rows["Козлова Лариса", "Математика"]["№"] == 9


def test_before_any_year_mark_it_says_so(world):
    table = final_data(Scope(world.school, school_class=world.small.class_5b),
                       Span(dt.date(2026, 9, 1), dt.date(2026, 12, 28)))
    assert table.notes[0] == "Годовых, экзаменационных и итоговых отметок ещё нет."
    assert {row[-1] for row in table.rows} == {"нет годовых отметок"}


def test_grade_1_has_no_final_data(world):
    table = final_data(Scope(world.school, grade=1),
                       Span(world.small.year.starts_on, world.small.year.ends_on))
    assert list(table.rows) == []
    assert table.notes == ["1-е классы не оцениваются и в отчёт не входят."]
