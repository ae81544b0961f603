"""A closed year's journal as a document: the PDF shows the title page, the lessons with their
topics, homework and substitutes, the marks grid by period, absences, the term and year marks,
the corrections made after the fact and the signatures; its fonts are embedded and the same
data gives the same text.

The school is built once for the module (its year closed at the end of August); the tests only
read it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
import time_machine

from accounts.models import Student, User
from accounts.roles import Role
from archive.document import GRID_COLUMNS, journal_document, journal_pdf, render_journal_pdf
from journal.models import Enrolment, Lesson, StudyPeriod, TeachingAssignment
from journal.models.rights import CO_KEEP_JOURNAL
from journal.services.cells import set_cell
from journal.services.final_marks import set_final_mark
from journal.services.homework import set_homework
from journal.services.lesson_record import save_lesson_record
from journal.services.rights import grant
from tests.accounts.families_setup import assert_fonts_embedded, needs_poppler, pdf_text
from tests.conftest import build_small_school, built_once, make_children, make_staff, make_student
from tests.journal.journal_setup import at, make_lesson

CLOSED_ON = dt.date(2027, 8, 30)
FIRST = dt.date(2026, 9, 7)         # «Натуральные числа»: Василий 5/4, later corrected to 5
SUBSTITUTED = dt.date(2026, 9, 14)  # given by Заменин; Василий «н»; topic written a day late
SECOND_Q = dt.date(2026, 11, 16)    # «Десятичные дроби»: Василий 4, changed to 5 the next day
ARRIVED = dt.date(2026, 11, 12)     # Сидорова Анна comes to 5А
EXTRA_LESSONS = 30                  # empty lessons of the first quarter: its grid in two parts

pytestmark = pytest.mark.django_db


@dataclass
class Archived:
    journal: TeachingAssignment
    vasya: Student
    anna: Student


def _build() -> Archived:
    small = build_small_school()
    school, journal = small.school, small.maths_5a
    teacher = User.objects.get(username="matveeva")
    deputy = make_staff(school, "zavuch", "Завьялова", "Елена", "Викторовна", role=Role.DEPUTY)
    substitute = make_staff(school, "zamenin", "Заменин", "Пётр", "Сергеевич")
    co_teacher = make_staff(school, "soavtor", "Соавторова", "Нина", "Олеговна")
    grant(deputy, CO_KEEP_JOURNAL, journal, co_teacher)
    vasya, _ = make_children(small)
    anna = make_student(school, "anna", "Сидорова", "Анна", small.class_5a, sex="f")
    Enrolment.objects.filter(student=anna).update(enrolled_on=ARRIVED)

    first = make_lesson(journal, FIRST, 2)
    substituted = make_lesson(journal, SUBSTITUTED, 3, substitute=substitute,
                              substitute_reason="курсы")
    second_quarter = make_lesson(journal, SECOND_Q, 2)
    Lesson.objects.bulk_create([Lesson(assignment=journal, date=dt.date(2026, 9, 15)
                                       + dt.timedelta(days=day), number=1)
                                for day in range(EXTRA_LESSONS)])
    with time_machine.travel(at(FIRST), tick=False):
        save_lesson_record(teacher, first, topic="Натуральные числа", is_held=True)
        set_homework(teacher, first, text="№ 12, 14")
        set_cell(teacher, first, vasya, "5")
        set_cell(teacher, first, vasya, "5/4")        # the same day: not a correction
    with time_machine.travel(at(SUBSTITUTED), tick=False):
        set_cell(teacher, substituted, vasya, "н")
    with time_machine.travel(at(SUBSTITUTED + dt.timedelta(days=1)), tick=False):
        save_lesson_record(teacher, substituted, topic="Сложение дробей")  # filled in late
    with time_machine.travel(at(SECOND_Q), tick=False):
        save_lesson_record(teacher, second_quarter, topic="Десятичные дроби", is_held=True)
        set_cell(teacher, second_quarter, vasya, "4")
        set_cell(teacher, second_quarter, anna, "3")
    with time_machine.travel(at(SECOND_Q + dt.timedelta(days=1)), tick=False):
        set_cell(teacher, second_quarter, vasya, "5")
    quarters = list(StudyPeriod.objects.filter(year=small.year, kind="quarter")
                    .order_by("number"))
    with time_machine.travel(at(dt.date(2027, 5, 28)), tick=False):
        set_final_mark(teacher, journal, vasya, "period", quarters[0], "5")
        set_final_mark(teacher, journal, vasya, "period", quarters[1], "5")
        set_final_mark(teacher, journal, vasya, "year", None, "5")
    with time_machine.travel(at(dt.date(2027, 5, 31)), tick=False):
        set_final_mark(teacher, journal, vasya, "period", quarters[1], "4")  # a correction
    with time_machine.travel(at(CLOSED_ON, 10), tick=False):
        small.year.closed_at = at(CLOSED_ON, 10)
        small.year.save(update_fields=["closed_at"])
    with time_machine.travel(at(CLOSED_ON, 12), tick=False):
        set_cell(deputy, first, vasya, "5", reason="ошибка ввода")
    return Archived(journal, vasya, anna)


built = built_once(_build, at(FIRST))


@pytest.fixture(scope="module")
def pdf(built) -> bytes:
    return render_journal_pdf(built.journal)


@pytest.fixture(scope="module")
def document(built, django_db_blocker):
    with django_db_blocker.unblock():
        return journal_document(built.journal)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@needs_poppler
def test_the_pdf_shows_the_title_page_lessons_substitute_and_signatures(pdf):
    text = _flat(pdf_text(pdf))
    for expected in ("Муниципальное бюджетное общеобразовательное учреждение", "Классный журнал",
                     "5А класс · Математика · 2026/2027 учебный год",
                     "Матвеева Ольга Игоревна", "Соавторова Нина Олеговна",
                     "Руднева Анна Павловна", "Натуральные числа", "№ 12, 14",
                     "Десятичные дроби", "замена: Заменин П. С. (курсы)",
                     "Журнал проверен:", "(заместитель директора по УВР)", "Директор", "М.П."):
        assert expected in text, expected
    assert "Копия верна" not in text


@needs_poppler
def test_the_pdf_shows_the_marks_absences_term_and_year_marks(pdf):
    text = _flat(pdf_text(pdf))
    assert "1-я четверть (01.09.2026–24.10.2026)" in text
    assert "Петров Василий" in text and "Сидорова Анна (прибыла 12.11.2026)" in text
    assert re.search(r"07\.09 .*14\.09", text)
    for cell in (" 5 ", " н ", " 3 "):
        assert cell in text


@needs_poppler
def test_every_font_of_the_pdf_is_embedded(pdf):
    assert_fonts_embedded(pdf)


@needs_poppler
def test_the_same_journal_gives_the_same_text_twice(built, pdf):
    again = journal_pdf(built.journal)
    assert pdf_text(again.content) == pdf_text(pdf)
    assert again.pages >= 6


def test_a_period_with_many_lessons_is_split_into_parts_that_fit_a_page(document):
    first_quarter = document.grids[0]
    assert first_quarter.title.startswith("1-я четверть")
    assert [len(part.table.columns) for part in first_quarter.parts] == [2 + 16, 2 + 16 + 1]
    assert all(len(part.table.columns) <= GRID_COLUMNS + 3 for part in first_quarter.parts)
    assert first_quarter.parts[0].caption.startswith("Часть 1 из 2: уроки с 07.09.2026")
    assert first_quarter.parts[-1].table.columns[-1].title == "За период"


def test_the_grid_shows_cells_as_the_journal_does_and_shades_days_before_arrival(document,
                                                                                  built):
    first_quarter = document.grids[0].parts[0].table
    names = [row[1] for row in first_quarter.rows]
    assert names == ["Петров Василий"]  # Анна came after the quarter
    assert first_quarter.rows[0][2:4] == ["5", "н"]
    second_quarter = document.grids[1].parts[0].table
    assert [row[1] for row in second_quarter.rows] == ["Петров Василий",
                                                       "Сидорова Анна (прибыла 12.11.2026)"]
    assert second_quarter.rows[0][2:] == ["5", "4"]          # the cell, then the term mark
    assert second_quarter.rows[1][2:] == ["3", ""]


def test_absences_are_counted_per_period_by_kind(document):
    absences = document.absences
    assert [title for title, _ in absences.groups[2:]] == [
        "1-я четверть", "2-я четверть", "3-я четверть", "4-я четверть", "За год"]
    vasya = absences.rows[0]
    # всего, н, б, у, оп for each period: one «н» in the first quarter and in the year
    assert vasya[2:7] == ["1", "1", "", "", ""]
    assert vasya[-5:] == ["1", "1", "", "", ""]


def test_the_finals_show_term_and_year_marks(document):
    titles = [column.title for column in document.finals.columns]
    assert titles[2:] == ["1-я четверть", "2-я четверть", "3-я четверть", "4-я четверть", "Год",
                          "Экзамен", "Итоговая"]
    assert document.finals.rows[0][2:] == ["5", "4", "", "", "5", "", ""]


def test_only_changes_made_after_the_lessons_day_are_corrections(document):
    # когда, кто, что, обучающийся, было, стало, причина; the same-day change and the topic
    # written a day late are not corrections, nor the term marks set on 28.05.2027
    assert document.corrections.rows == [
        ["17.11.2026 14:00", "Матвеева О. И.", "отметка за урок 16.11.2026", "Петров Василий",
         "отметка: 4", "отметка: 5", ""],
        ["31.05.2027 14:00", "Матвеева О. И.", "отметка за период (2-я четверть)",
         "Петров Василий", "отметка: 5", "отметка: 4", ""],
        ["30.08.2027 12:00", "Завьялова Е. В.", "отметка за урок 07.09.2026", "Петров Василий",
         "отметка: 4", "удалено", "ошибка ввода"],
    ]


@needs_poppler
def test_the_corrections_are_in_the_pdf(pdf):
    text = _flat(pdf_text(pdf))
    assert "Исправления, внесённые после дня урока" in text
    assert "ошибка ввода" in text and "Завьялова Е. В." in text


def test_a_grade_one_journal_has_no_marks_sections(built, django_db_blocker):
    with django_db_blocker.unblock():
        reading = TeachingAssignment.objects.get(school_class__grade=1)
        document = journal_document(reading)
    assert document.finals is None and not document.marks_allowed
    assert "Домашнее задание" not in [column.title for column in document.lessons.columns]
