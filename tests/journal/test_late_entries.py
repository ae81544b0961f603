"""The deputy director's list of journal records entered after their deadline."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.models import (
    Absence,
    AcademicYear,
    FinalMark,
    Homework,
    Lesson,
    Mark,
    School,
    SchoolClass,
    Subject,
    TeachingAssignment,
)
from journal.services.cells import set_cell
from journal.services.final_marks import set_final_mark
from journal.services.homework import set_homework
from journal.services.lesson_record import assign_substitute, save_lesson_record
from tests.conftest import make_student, make_user
from tests.journal.journal_setup import LAST_WEEK, TODAY, at, make_lesson

URL = reverse("journal:late_entries")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(at(TODAY), tick=False):
        yield


@pytest.fixture
def vasya(children):
    return children[0]


def entries(page: str) -> list[tuple[str, str]]:
    """(what, days late) of each listed entry, in page order."""
    return re.findall(r'data-testid="late-entry" data-what="([^"]+)" data-days="(\d+)"', page)


def teacher_block(page: str, user) -> str:
    start = page.index(f'data-testid="late-teacher" data-teacher="{user.pk}"')
    end = page.find('data-testid="late-teacher"', start + 1)
    return page[start:end if end != -1 else len(page)]


@pytest.mark.parametrize("who", ["deputy", "director"])
def test_the_deputy_and_the_director_open_the_page(request, client, small_school, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 200
    assert "ноябрь 2026" in response.content.decode()
    assert 'data-testid="no-late-entries"' in response.content.decode()


@pytest.mark.parametrize("who", ["teacher", "class_teacher", "parent", "administrator",
                                 "substitute"])
def test_everyone_else_gets_404(request, client, small_school, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"month": "2026-11"}).status_code == 404


def test_late_records_are_listed_with_their_days_and_teacher(client, small_school, teacher,
                                                             deputy, vasya):
    """Records made today for last week's lesson are six days late (the deadline is the day of
    the lesson); today's lesson, recorded today, is on time and is not listed."""
    old = make_lesson(small_school.maths_5a, LAST_WEEK)
    today = make_lesson(small_school.maths_5a, TODAY, number=3)
    save_lesson_record(teacher, old, topic="Дроби", is_held=True)
    set_cell(teacher, old, vasya, "5")
    other = make_student(small_school.school, "kolya", "Козлов", "Николай", small_school.class_5a)
    set_cell(teacher, old, other, "н")
    set_homework(teacher, old, text="№ 12")
    save_lesson_record(teacher, today, topic="Проценты", is_held=True)
    set_cell(teacher, today, vasya, "4")
    set_cell(teacher, today, other, "б")
    assert Lesson.objects.get(pk=old.pk).late_days == 6

    client.force_login(deputy)
    page = client.get(URL, {"month": "2026-11"}).content.decode()
    block = teacher_block(page, teacher)
    assert "Матвеева Ольга Игоревна" in block
    assert sorted(entries(block)) == sorted([
        ("запись урока", "6"), ("отметка", "6"), ("пропуск", "6"), ("домашнее задание", "6")])
    assert "10.11.2026" in block and "16.11.2026" not in block
    assert "5А · Математика" in block
    assert "Проценты" not in page
    assert 'data-testid="late-count">4<' in page


def test_who_entered_it_and_who_taught_it(client, small_school, teacher, substitute, deputy,
                                          vasya):
    """A substitute's late lesson counts against the substitute; the deputy's correction of a
    late mark keeps the flag and shows who entered the record."""
    substituted = make_lesson(small_school.maths_5a, LAST_WEEK)
    assign_substitute(deputy, substituted, substitute, "болезнь учителя")
    set_cell(substitute, substituted, vasya, "4")
    own = make_lesson(small_school.maths_5a, LAST_WEEK - dt.timedelta(days=1))
    [mark] = set_cell(teacher, own, vasya, "3").marks
    set_cell(deputy, own, vasya, "4", reason="исправление по итогам проверки")
    assert Mark.objects.get(pk=mark.pk).late_days == 7

    client.force_login(deputy)
    page = client.get(URL, {"month": "2026-11"}).content.decode()
    sub_block = teacher_block(page, substitute)
    assert entries(sub_block) == [("отметка", "6")]
    assert "замена" in sub_block
    own_block = teacher_block(page, teacher)
    assert entries(own_block) == [("отметка", "7")]
    assert "Завьялова Е. В." in own_block  # entered (corrected) by the deputy


def test_the_month_filter(client, small_school, teacher, deputy, vasya):
    october = Lesson.objects.create(assignment=small_school.maths_5a, date=dt.date(2026, 10, 5),
                                    number=1, late_days=2, entered_by=teacher, topic="Делимость")
    Mark.objects.create(lesson=october, student=vasya, value="5", late_days=3, entered_by=teacher)
    november = make_lesson(small_school.maths_5a, LAST_WEEK, late_days=1, entered_by=teacher)
    Absence.objects.create(lesson=november, student=vasya, kind="absent", late_days=0)
    client.force_login(deputy)

    page = client.get(URL, {"month": "2026-10"}).content.decode()
    assert sorted(entries(page)) == [("запись урока", "2"), ("отметка", "3")]
    assert "октябрь 2026" in page and "?month=2026-09" in page and "?month=2026-11" in page
    # The picker names the months in Russian whatever the browser's language: no type="month".
    assert 'type="month"' not in page
    assert '<option value="2026-10" selected>октябрь 2026</option>' in page
    assert '<option value="2025-12">декабрь 2025</option>' in page
    page = client.get(URL, {"month": "2026-11"}).content.decode()
    assert entries(page) == [("запись урока", "1")]
    assert client.get(URL, {"month": "2026-12"}).content.decode().count("late-entry") == 0


def test_a_late_term_mark_counts_in_the_month_its_period_ends(client, small_school, teacher,
                                                              deputy, vasya):
    """The 1st quarter ends on 24.10; its marks are due two days later."""
    first_quarter = small_school.year.periods.get(kind="quarter", number=1)
    make_lesson(small_school.maths_5a, dt.date(2026, 10, 20))
    set_final_mark(teacher, small_school.maths_5a, vasya, "period", first_quarter, "5")
    assert FinalMark.objects.get().late_days == (TODAY - dt.date(2026, 10, 26)).days
    client.force_login(deputy)
    page = client.get(URL, {"month": "2026-10"}).content.decode()
    assert entries(page) == [("итоговая отметка", "21")]
    assert "1-я четверть, окончание 24.10.2026" in page
    assert entries(client.get(URL, {"month": "2026-11"}).content.decode()) == []


def test_on_the_1st_the_page_opens_on_the_latest_month_with_entries(client, small_school,
                                                                   teacher, deputy, vasya):
    """On 1 December nothing of December is late yet: the page opens on November, says so and
    links to December; a month chosen by the checker is shown as it is."""
    november = make_lesson(small_school.maths_5a, LAST_WEEK, late_days=1, entered_by=teacher)
    Mark.objects.create(lesson=november, student=vasya, value="4", late_days=2,
                        entered_by=teacher)
    Lesson.objects.create(assignment=small_school.maths_5a, date=dt.date(2026, 10, 5), number=1,
                          late_days=3, entered_by=teacher)
    with time_machine.travel(at(dt.date(2026, 12, 1), 9), tick=False):
        client.force_login(deputy)
        page = client.get(URL).content.decode()
        assert "Записи, внесённые позже срока · ноябрь 2026" in page
        assert sorted(entries(page)) == [("запись урока", "1"), ("отметка", "2")]
        note = page[page.index('data-testid="latest-month-note"'):]
        assert note.startswith('data-testid="latest-month-note">За декабрь 2026 записей позже '
                               'срока пока нет; показан ноябрь 2026')
        assert 'href="?month=2026-12">Открыть декабрь 2026' in page

        page = client.get(URL, {"month": "2026-12"}).content.decode()
        assert 'data-testid="no-late-entries"' in page
        assert "latest-month-note" not in page


def test_the_latest_month_counts_term_marks_and_ignores_other_schools(client, small_school,
                                                                     teacher, deputy, vasya):
    """A late mark of the 1st quarter (ended 24.10) is October's; another school's late
    November lesson does not move this school's page to November."""
    first_quarter = small_school.year.periods.get(kind="quarter", number=1)
    FinalMark.objects.create(assignment=small_school.maths_5a, student=vasya, kind="period",
                             period=first_quarter, value="5", late_days=4, entered_by=teacher)
    other = School.objects.create(name="Школа № 8", short_name="Школа № 8")
    year = AcademicYear.objects.create(school=other, name="2026/2027", starts_on=dt.date(2026, 9, 1),
                                       ends_on=dt.date(2027, 8, 31), is_current=True)
    stranger = make_user("chuzhaya", "Чужая", "Вера")
    foreign = TeachingAssignment.objects.create(
        year=year, teacher=stranger, subject=Subject.objects.create(school=other, name="Физика"),
        school_class=SchoolClass.objects.create(year=year, grade=7, letter="В"))
    make_lesson(foreign, LAST_WEEK, late_days=4, entered_by=stranger)
    client.force_login(deputy)
    page = client.get(URL).content.decode()
    assert "Записи, внесённые позже срока · октябрь 2026" in page
    assert entries(page) == [("итоговая отметка", "4")]


def test_with_no_late_entries_at_all_the_current_month_is_shown(client, small_school, deputy):
    with time_machine.travel(at(dt.date(2026, 12, 1), 9), tick=False):
        client.force_login(deputy)
        page = client.get(URL).content.decode()
    assert "Записи, внесённые позже срока · декабрь 2026" in page
    assert 'data-testid="no-late-entries"' in page and "latest-month-note" not in page


def test_an_unreadable_month_shows_the_current_one(client, small_school, deputy):
    client.force_login(deputy)
    response = client.get(URL, {"month": "ноябрь"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Не удалось прочитать месяц" in page
    assert '<option value="2026-11" selected>ноябрь 2026</option>' in page


def test_another_schools_records_are_not_listed(client, small_school, deputy, vasya):
    other = School.objects.create(name="Школа № 8", short_name="Школа № 8")
    year = AcademicYear.objects.create(school=other, name="2026/2027", starts_on=dt.date(2026, 9, 1),
                                       ends_on=dt.date(2027, 8, 31), is_current=True)
    stranger = make_user("chuzhaya", "Чужая", "Вера")
    assignment = TeachingAssignment.objects.create(
        year=year, teacher=stranger, subject=Subject.objects.create(school=other, name="Физика"),
        school_class=SchoolClass.objects.create(year=year, grade=7, letter="В"))
    make_lesson(assignment, LAST_WEEK, late_days=4, entered_by=stranger)
    client.force_login(deputy)
    page = client.get(URL, {"month": "2026-11"}).content.decode()
    assert "Чужая" not in page and entries(page) == []


def _late_month(small_school, teacher, students, day_offset: int) -> None:
    """Late lessons, marks, absences and homework over several days of October."""
    for day in range(day_offset, day_offset + 5):
        lesson = Lesson.objects.create(assignment=small_school.maths_5a,
                                       date=dt.date(2026, 10, 1) + dt.timedelta(days=day),
                                       number=1, late_days=1, entered_by=teacher)
        Homework.objects.create(lesson=lesson, text="§ 3", late_days=2, entered_by=teacher)
        Mark.objects.bulk_create([Mark(lesson=lesson, student=s, value="4", late_days=3,
                                       entered_by=teacher) for s in students])
        Absence.objects.bulk_create([Absence(lesson=lesson, student=s, kind="absent",
                                             late_days=1, entered_by=teacher) for s in students])


def test_the_page_runs_a_fixed_number_of_queries(client, small_school, teacher, deputy,
                                                 django_assert_max_num_queries):
    students = [make_student(small_school.school, f"s{i}", f"Ученик{i:02}", "Иван",
                             small_school.class_5a) for i in range(25)]
    client.force_login(deputy)
    _late_month(small_school, teacher, students[:2], 0)
    # The navigation's unread counts cached, as after any first page.
    client.get(URL, {"month": "2026-10"})
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"month": "2026-10"})
    _late_month(small_school, teacher, students, 10)
    with django_assert_max_num_queries(13):
        page = client.get(URL, {"month": "2026-10"}).content.decode()
    # 10 lessons, 10 homework, marks and absences for 2 and for 25 students on 5 lessons each
    assert len(entries(page)) == 10 + 10 + 2 * (5 * 2 + 5 * 25)
    with CaptureQueriesContext(connection) as many:
        client.get(URL, {"month": "2026-10"})
    assert len(many) == len(few)
    # Without a month, one more finds the latest month with entries.
    with django_assert_max_num_queries(len(few) + 1):
        client.get(URL)


def test_the_deputys_home_page_links_to_the_list(client, small_school, deputy):
    client.force_login(deputy)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{URL}"' in page
