"""Посещаемость and the summary statement of attendance, compared with the absences of
reports_setup counted by hand: lessons and whole days missed by kind, lateness with minutes,
a teacher's own journals only, totals, «—» where there is nobody to divide by, and a name that
looks like a formula staying text in the files."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Student
from ejournal.spreadsheets import from_csv_value
from exports.access import kept_journals
from exports.registry import Params
from exports.render.pdf import write_pdf
from exports.render.progress import Progress
from exports.reports.attendance import (
    BY_CLASS,
    NO_ABSENCES,
    NO_STUDENTS,
    OWN_JOURNALS,
    attendance,
)
from exports.reports.attendance_statement import attendance_statement
from exports.table import Scope, Span
from journal.queries.attendance import whole_day_kind
from tests.conftest import make_student
from tests.exports.reports_setup import (  # noqa: F401 (fixtures)
    Q2,
    Q2_END,
    Q2_START,
    built_fixture,
    frozen_time_fixture,
    rows_of,
)

pytestmark = pytest.mark.django_db
def of_5a(built, **params) -> Params:
    return Params(Scope(built.small.school, school_class=built.class_5a), Q2, **params)


def test_each_students_days_lessons_and_lateness_as_counted_by_hand(built):
    table = attendance(of_5a(built))

    #            days: all б у н,  lessons: all б у н,  late, minutes
    assert rows_of(table) == [
        ["5А", "Козлов Николай", 0, 0, 0, 0, 1, 0, 1, 0, 1, 5],
        ["5А", "Лебедева Елена", 0, 0, 0, 0, 1, 0, 0, 1, 0, 0],
        ["5А", "Новикова Ева", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ["5А", "Петров Василий", 4, 2, 1, 1, 7, 3, 2, 2, 1, 10],
        ["5А", "Итого по классу", 4, 2, 1, 1, 9, 3, 3, 3, 2, 15],
    ]
    assert len(table.rows) == 5
    assert table.landscape
    assert table.notes[0].startswith("День пропущен, если пропущены все уроки")


@pytest.mark.parametrize(("kinds", "counted"), [
    (["ill", "ill"], "ill"), (["ill", "excused"], "excused"), (["excused", "absent"], "absent"),
])
def test_a_whole_day_counts_ill_only_when_every_lesson_was_and_unexcused_when_any_was(
        kinds, counted):
    assert whole_day_kind(kinds) == counted


def test_a_teacher_counts_their_own_journals_and_no_days(built):
    own = kept_journals(built.teacher).filter(school_class=built.class_5a)
    table = attendance(of_5a(built, journals=own))

    assert rows_of(table) == [
        ["5А", "Козлов Николай", None, None, None, None, 0, 0, 0, 0, 1, 5],
        ["5А", "Лебедева Елена", None, None, None, None, 1, 0, 0, 1, 0, 0],
        ["5А", "Новикова Ева", None, None, None, None, 0, 0, 0, 0, 0, 0],
        ["5А", "Петров Василий", None, None, None, None, 4, 1, 1, 2, 1, 10],
        ["5А", "Итого по классу", None, None, None, None, 5, 1, 1, 3, 2, 15],
    ]
    assert table.notes == [OWN_JOURNALS]


def test_by_class_with_grade_and_school_totals_and_a_dash_for_an_empty_class(built):
    table = attendance(Params(Scope(built.small.school), Q2), BY_CLASS)

    assert rows_of(table) == [
        ["1А", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Decimal(0)],
        ["5А", 4, 4, 2, 1, 1, 9, 3, 3, 3, 2, 15, Decimal("2.25")],
        ["5Б", 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, Decimal(1)],
        ["5-е", 5, 5, 3, 1, 1, 10, 4, 3, 3, 2, 15, Decimal(2)],
        ["10А", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, None],
        ["Школа", 6, 5, 3, 1, 1, 10, 4, 3, 3, 2, 15, Decimal(10) / 6],
    ]
    assert len(table.rows) == 6


def test_the_empty_reports_say_why(built):
    nobody = attendance(Params(Scope(built.small.school, school_class=built.small.class_10a),
                               Q2))
    quiet = attendance(Params(Scope(built.small.school, school_class=built.small.class_1a), Q2))
    outside = attendance(Params(Scope(built.small.school),
                                Span(dt.date(2030, 1, 1), dt.date(2030, 1, 31))))

    assert rows_of(nobody) == [["10А", "Итого по классу", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]
    assert nobody.notes[0] == NO_STUDENTS
    assert quiet.notes[0] == NO_ABSENCES
    assert rows_of(outside) == []
    assert outside.notes == ["Даты 01.01.2030–31.01.2030 не лежат в одном учебном году школы."]


def test_the_summary_statement_by_month_and_kind(built):
    table = attendance_statement(Scope(built.small.school, school_class=built.class_5a), Q2)

    assert [c.title for c in table.columns] == [
        "Класс", "№", "Обучающийся", "ноя «б»", "ноя «у»", "ноя «н»", "дек «б»", "дек «у»",
        "дек «н»", "Всего «б»", "Всего «у»", "Всего «н»", "Всего уроков"]
    assert rows_of(table) == [
        ["5А", 1, "Козлов Николай", 0, 0, 0, 0, 1, 0, 0, 1, 0, 1],
        ["5А", 2, "Лебедева Елена", 0, 0, 1, 0, 0, 0, 0, 0, 1, 1],
        ["5А", 3, "Новикова Ева", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ["5А", 4, "Петров Василий", 1, 1, 1, 2, 1, 1, 3, 2, 2, 7],
        ["5А", "", "Итого по классу", 1, 1, 2, 2, 2, 1, 3, 3, 3, 9],
    ]
    assert table.landscape


def test_the_school_statement_ends_with_the_schools_total_and_skips_the_summer(built):
    year = built.small.year
    table = attendance_statement(Scope(built.small.school), Span(year.starts_on, year.ends_on))

    months = [c.title.split()[0] for c in table.columns[3:-4:3]]
    assert months == ["сен", "окт", "ноя", "дек", "янв", "фев", "мар", "апр", "май"]
    rows = rows_of(table)
    assert rows[-1][:3] == ["Школа", "", "Итого"]
    assert rows[-1][-4:] == [4, 3, 3, 10]
    assert len(rows) == len(table.rows) == 6 + 4 + 1


def test_on_the_page_the_class_without_students_shows_a_dash(client, built):
    client.force_login(built.deputy)
    response = client.post(reverse("exports:report", args=["attendance"]), {
        "scope": "school", "date_from": "05.11.2026", "date_to": "28.12.2026", "by": "class",
        "format": "screen"})

    page = response.content.decode()
    assert response.status_code == 200
    assert '<td class="text-end text-nowrap" data-label="Уроков пропущено на обучающегося">—</td>' \
        in page
    assert '<td class="text-end text-nowrap" data-label="Уроков пропущено на обучающегося">2,25</td>' \
        in page


def test_a_name_that_looks_like_a_formula_stays_text_in_xlsx_and_csv(client, built):
    formula = '=HYPERLINK("http://evil.example/","Жми")'
    make_student(built.small.school, "evil", formula, "Иван", built.small.class_10a)
    client.force_login(built.deputy)
    files = {}
    for file_format in ("xlsx", "csv"):
        response = client.post(reverse("exports:report", args=["attendance"]), {
            "scope": "class", "school_class": built.small.class_10a.pk,
            "date_from": "01.09.2026", "date_to": "25.12.2026", "by": "student",
            "format": file_format})
        assert response.status_code == 200
        files[file_format] = b"".join(response.streaming_content)

    sheet = load_workbook(io.BytesIO(files["xlsx"])).active
    assert sheet["B2"].value == f"{formula} Иван"
    assert sheet["B2"].data_type == "s"
    rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1] == f"'{formula} Иван"
    assert from_csv_value(rows[1][1]) == f"{formula} Иван"
    assert Student.objects.filter(user__last_name=formula).exists()


def test_a_summer_span_has_no_month_columns_and_still_renders(built):
    table = attendance_statement(Scope(built.small.school, school_class=built.class_5a),
                                 Span(dt.date(2027, 7, 1), dt.date(2027, 7, 31)))

    assert [c.title for c in table.columns][3:] == ["Всего «б»", "Всего «у»", "Всего «н»",
                                                     "Всего уроков"]
    assert [row[2:] for row in rows_of(table)] == [
        ["Козлов Николай", 0, 0, 0, 0], ["Новикова Ева", 0, 0, 0, 0],
        ["Петров Василий", 0, 0, 0, 0], ["Итого по классу", 0, 0, 0, 0]]
    assert table.notes[0] == NO_ABSENCES
    assert write_pdf(table, io.BytesIO(), Progress()) == 1  # a page, not an error
