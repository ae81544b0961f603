"""Term and final marks, attendance, homework due and the chart of averages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from journal.models import StudyPeriod
from journal.services.cells import set_cell
from journal.services.final_marks import set_final_mark
from journal.services.homework import add_homework_files, set_homework
from tests.diary.conftest import url
from tests.journal.journal_setup import TODAY, make_lesson


def page_of(client, user, name, student, **query) -> str:
    client.force_login(user)
    response = client.get(url(name, student, **query))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def quarters(year):
    return list(StudyPeriod.objects.filter(year=year, kind="quarter").order_by("number"))


def test_finals_table_has_the_periods_then_year_exam_and_final(client, parent, vasya,
                                                               small_school, teacher, quarters):
    lesson = make_lesson(small_school.maths_5a, dt.date(2026, 10, 5), 2)
    set_cell(teacher, lesson, vasya, "4")
    set_final_mark(teacher, small_school.maths_5a, vasya, "period", quarters[0], "4")
    page = page_of(client, parent, "diary:finals", vasya)
    header = page.split("<thead")[1].split("</thead>")[0]
    assert all(h in header for h in ("1-я четверть", "4-я четверть", "Год", "Экзамен", "Итоговая"))
    assert header.index("4-я четверть") < header.index("Год") < header.index("Итоговая")
    maths = page.split('data-subject="Математика"')[1].split("</tr>")[0]
    assert maths.split('data-testid="term"')[1].startswith(
        ' data-label="1-я четверть"><span class="final-value">4<')


def test_a_ten_grader_has_halves(client, small_school, deputy):
    from tests.conftest import make_student
    senior = make_student(small_school.school, "senior", "Старший", "Пётр", small_school.class_10a)
    page = page_of(client, deputy, "diary:finals", senior)
    assert "1-е полугодие" in page and "четверть" not in page


def test_attendance_counts_excused_unexcused_and_late_by_subject(client, parent, vasya,
                                                                 small_school, teacher,
                                                                 class_teacher):
    days = [TODAY - dt.timedelta(days=n) for n in (1, 2, 3, 4)]
    for day, entry in zip(days, ["н", "б", "у", "н"], strict=True):
        set_cell(teacher, make_lesson(small_school.maths_5a, day, 2), vasya, entry)
    set_cell(class_teacher, make_lesson(small_school.russian_5a, days[0], 3), vasya, "оп5")
    set_cell(teacher, make_lesson(small_school.maths_5a, dt.date(2026, 10, 5), 2), vasya,
             "н")   # the 1st quarter
    page = page_of(client, parent, "diary:attendance", vasya)
    maths = page.split('data-testid="attendance-row"')[1].split("</tr>")[0]
    assert "<td>4</td><td>2</td><td>2</td><td>0</td>" in maths
    total = page.split('data-testid="attendance-total"')[1].split("</tr>")[0]
    assert "<td>4</td><td>2</td><td>2</td><td>1</td>" in total
    periods = page.split('data-testid="attendance-periods"')[1].split("</table>")[0]
    assert "1-я четверть</th><td>1</td><td>0</td><td>1</td><td>0</td>" in periods
    whole_year = page_of(client, parent, "diary:attendance", vasya, period="year")
    total = whole_year.split('data-testid="attendance-total"')[1].split("</tr>")[0]
    assert "<td>5</td><td>2</td><td>3</td><td>1</td>" in total


def test_homework_due_from_today_with_files(client, parent, vasya, small_school, teacher):
    last_week = make_lesson(small_school.maths_5a, TODAY - dt.timedelta(days=7), 2)
    today = make_lesson(small_school.maths_5a, TODAY, 2)
    make_lesson(small_school.maths_5a, TODAY + dt.timedelta(days=2), 2)
    old = make_lesson(small_school.maths_5a, TODAY - dt.timedelta(days=14), 2)
    set_homework(teacher, old, text="Старое задание")          # due last week: gone
    set_homework(teacher, last_week, text="Задание к сегодня")  # due at the next lesson: today
    set_homework(teacher, today, text="Задание на среду")
    [attached] = add_homework_files(teacher, today, [
        SimpleUploadedFile("Лист.txt", "Задачи".encode(), content_type="text/plain")])
    russian = make_lesson(small_school.russian_5a, TODAY, 3)
    set_homework(small_school.russian_5a.teacher, russian, none=True)   # «не задано»: not listed
    page = page_of(client, parent, "diary:homework", vasya)
    assert "Старое задание" not in page
    assert page.index("Задание к сегодня") < page.index("Задание на среду")
    assert reverse("journal:homework_file", args=[attached.pk]) in page
    assert page.count('data-testid="homework-item"') == 2
    assert "На 18 ноября, среда" in page


def test_the_chart_is_one_small_chart_per_subject_on_one_scale(client, parent, vasya,
                                                               small_school, teacher,
                                                               class_teacher):
    for day, value in [(dt.date(2026, 9, 7), "3"), (dt.date(2026, 10, 5), "4"),
                       (dt.date(2026, 11, 9), "5")]:
        set_cell(teacher, make_lesson(small_school.maths_5a, day, 2), vasya, value)
    set_cell(class_teacher, make_lesson(small_school.russian_5a, dt.date(2026, 9, 8), 3), vasya,
             "4")
    page = page_of(client, parent, "diary:chart", vasya)
    charts = page.split('data-testid="subject-chart"')[1:]
    assert len(charts) == 2
    maths, russian = charts
    assert "Математика" in maths and "в ноябре: <span" in maths
    assert 'data-testid="chart-last">5,00<' in maths
    assert "Русский язык" in russian and "в сентябре: <span" in russian
    assert 'data-testid="chart-last">4,00<' in russian
    for chart in charts:
        assert chart.count("<svg") == 1
        for label in ("1</text>", "5</text>", ">сен<", ">май<"):
            assert label in chart
    svg = maths.split("<svg")[1].split("</svg>")[0]
    assert svg.count("<polyline") == 1 and svg.count("<circle") == 3
    assert "сен 3,00; окт 4,00; ноя 5,00" in svg    # what a screen reader reads
    assert "<polyline" not in russian                # one point: a dot, no line
    # September's 3 sits lower than November's 5 (y grows downwards).
    ys = [float(part.split('"')[1]) for part in svg.split("cy=")[1:4]]
    assert ys[0] > ys[1] > ys[2]


def test_the_chart_says_when_there_are_no_marks(client, parent, vasya):
    assert "Отметок в этом учебном году пока нет" in page_of(client, parent, "diary:chart", vasya)
