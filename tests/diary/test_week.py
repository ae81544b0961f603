"""The week page: the child's lessons with bells, teachers, topics, homework, marks and
absences; holidays; today; the week picker; a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.models import Lesson
from journal.services.cells import set_cell
from journal.services.homework import add_homework_files, set_homework
from tests.diary.budget import budget
from tests.diary.conftest import LAST_MONDAY, control_work, url
from tests.journal.journal_setup import TODAY, at, make_lesson


def week_page(client, user, student, **query) -> str:
    client.force_login(user)
    response = client.get(url("diary:week", student, **query))
    assert response.status_code == 200
    return response.content.decode()


def lesson_items(page: str) -> list[str]:
    return page.split('data-testid="lesson"')[1:]


def test_the_week_shows_the_lesson_as_the_teacher_recorded_it(client, parent, vasya,
                                                              todays_maths):
    page = week_page(client, parent, vasya)
    [lesson] = lesson_items(page)
    assert "Математика" in lesson
    assert "09:25–10:10" in lesson           # the 2nd lesson's bells
    assert "Матвеева О. И." in lesson
    assert "Сложение дробей" in lesson
    due, set_here = lesson.split('data-testid="homework-due"')[1].split('data-testid="homework-set"')
    assert "не задано" in due               # nothing was due for today's lesson
    assert "№ 245, 247" in set_here and 'data-testid="due-date">к 23.11' in set_here
    assert 'data-testid="mark" title="Отметка">5<' in lesson
    assert 'aria-current="date"' in page     # today is highlighted
    assert 'data-date="2026-11-16"' in page.split('aria-current="date"')[0].rsplit("<section", 1)[1]


def test_the_mark_shows_its_assessment_type_and_weight(client, parent, vasya, small_school,
                                                       teacher):
    lesson = make_lesson(small_school.maths_5a, TODAY, number=2,
                         assessment_type=control_work(small_school.school))
    set_cell(teacher, lesson, vasya, "4")
    [item] = lesson_items(week_page(client, parent, vasya))
    assert "Контрольная работа (вес 3)" in item


def test_a_substitute_is_shown_as_the_teacher(client, parent, vasya, small_school, substitute):
    make_lesson(small_school.maths_5a, TODAY, number=2, substitute=substitute)
    [item] = lesson_items(week_page(client, parent, vasya))
    assert "Заменин П. С." in item
    assert "замена" in item
    assert "Матвеева" not in item


def test_homework_none_and_missing_both_read_not_given(client, parent, vasya, small_school,
                                                       teacher):
    given = make_lesson(small_school.maths_5a, TODAY, number=2)
    make_lesson(small_school.russian_5a, TODAY, number=3)
    set_homework(teacher, given, none=True)
    items = lesson_items(week_page(client, parent, vasya))
    assert all("не задано" in item for item in items)


def homework_due_in(item: str) -> str:
    return item.split('data-testid="homework-due"')[1].split('data-testid="homework-set"')[0]


def test_homework_set_last_lesson_is_beside_todays_lesson_as_on_the_homework_page(
        client, parent, vasya, small_school, teacher):
    earlier = make_lesson(small_school.maths_5a, LAST_MONDAY, number=2)
    make_lesson(small_school.maths_5a, TODAY, number=2)
    set_homework(teacher, earlier, text="Упражнение 12")   # due at the journal's next lesson
    [today] = lesson_items(week_page(client, parent, vasya))
    assert "Упражнение 12" in homework_due_in(today)
    assert "(задано 09.11)" in homework_due_in(today)
    assert "не задано" not in homework_due_in(today)
    assert 'data-testid="homework-set"' not in today   # nothing was set today

    homework_page = client.get(url("diary:homework", vasya)).content.decode()
    [day] = homework_page.split('data-testid="homework-day"')[1:]
    assert "На 16 ноября, понедельник" in day and "Упражнение 12" in day

    [last_week] = lesson_items(week_page(client, parent, vasya, week=LAST_MONDAY.isoformat()))
    assert "не задано" in homework_due_in(last_week)
    set_at = last_week.split('data-testid="homework-set"')[1]
    assert "Упражнение 12" in set_at and 'data-testid="due-date">к 16.11' in set_at


def test_homework_for_a_chosen_lesson_skips_the_lessons_between(client, parent, vasya,
                                                                small_school, teacher):
    monday, tuesday, wednesday = (
        make_lesson(small_school.maths_5a, TODAY + dt.timedelta(days=offset), number=2)
        for offset in range(3))
    set_homework(teacher, monday, text="Выучить таблицу", due_lesson=wednesday)
    set_homework(teacher, tuesday, text="Решить № 5")
    items = lesson_items(week_page(client, parent, vasya))
    assert "не задано" in homework_due_in(items[0])
    assert "не задано" in homework_due_in(items[1])
    assert "Выучить таблицу" not in items[1]
    wednesday_due = homework_due_in(items[2])
    assert "Выучить таблицу" in wednesday_due and "Решить № 5" in wednesday_due
    assert wednesday_due.index("Выучить таблицу") < wednesday_due.index("Решить № 5")


def test_the_homework_of_another_subject_is_not_due_for_this_one(client, parent, vasya,
                                                                 small_school, teacher,
                                                                 class_teacher):
    set_homework(teacher, make_lesson(small_school.maths_5a, LAST_MONDAY, number=2),
                 text="Задачи по математике")
    make_lesson(small_school.russian_5a, TODAY, number=1)
    make_lesson(small_school.maths_5a, TODAY, number=2)
    russian, maths = lesson_items(week_page(client, parent, vasya))
    assert "Задачи по математике" not in russian
    assert "Задачи по математике" in homework_due_in(maths)


def test_attachments_link_to_the_checked_download(client, parent, vasya, todays_maths, teacher):
    [attached] = add_homework_files(teacher, todays_maths, [
        SimpleUploadedFile("Задачи.txt", "Задача 1".encode(), content_type="text/plain")])
    page = week_page(client, parent, vasya)
    link = reverse("journal:homework_file", args=[attached.pk])
    assert link in page and "Задачи.txt" in page
    assert client.get(link).status_code == 200


def test_absences_and_lateness_are_shown(client, parent, vasya, small_school, teacher):
    maths = make_lesson(small_school.maths_5a, TODAY, number=2)
    russian = make_lesson(small_school.russian_5a, TODAY, number=3)
    set_cell(teacher, maths, vasya, "н")
    set_cell(small_school.russian_5a.teacher, russian, vasya, "оп10")
    items = lesson_items(week_page(client, parent, vasya))
    assert 'title="н">н<' in items[0]
    assert "оп 10 мин" in items[1]


def test_only_the_childs_own_subgroup_and_enrolment_lessons_are_shown(
        client, parent, vasya, small_school):
    small_school.english_5a_group1.subgroup.students.add(vasya)
    make_lesson(small_school.english_5a_group1, TODAY, number=1, topic="Группа один")
    make_lesson(small_school.english_5a_group2, TODAY, number=1, topic="Группа два")
    make_lesson(small_school.maths_5b, TODAY, number=3, topic="Чужой класс")
    page = week_page(client, parent, vasya)
    assert "Группа один" in page
    assert "Группа два" not in page
    assert "Чужой класс" not in page


def test_lessons_after_the_child_left_the_class_are_not_shown(client, parent, vasya,
                                                              small_school):
    make_lesson(small_school.maths_5a, TODAY, number=2, topic="До выбытия")
    make_lesson(small_school.maths_5a, TODAY + dt.timedelta(days=1), number=2,
                topic="После выбытия")
    vasya.enrolments.update(left_on=TODAY)
    page = week_page(client, parent, vasya)
    assert "До выбытия" in page
    assert "После выбытия" not in page


def test_holidays_are_shown_by_name(client, parent, vasya, small_school):
    page = week_page(client, parent, vasya, week="2026-11-04")
    assert 'data-testid="week-range">2 ноября – 6 ноября 2026' in page
    [holiday] = page.split('data-testid="holiday"')[1:]
    assert "День народного единства" in holiday.split("</div>")[0]
    day = page.split('data-date="2026-11-04"')[1].split("</section>")[0]
    assert "День народного единства" in day


def test_a_six_day_school_shows_saturday(client, parent, vasya, small_school):
    small_school.school.days_per_week = 6
    small_school.school.save()
    page = week_page(client, parent, vasya)
    assert page.count('data-testid="day"') == 6
    assert "суббота" in page


def test_the_week_has_five_days_by_default_and_links_to_its_neighbours(client, parent, vasya):
    page = week_page(client, parent, vasya, week="2026-11-18")
    assert page.count('data-testid="day"') == 5
    assert "?week=2026-11-09" in page and "?week=2026-11-23" in page


def test_a_bad_date_shows_a_russian_message_and_the_current_week(client, parent, vasya):
    page = week_page(client, parent, vasya, week="вчера")
    assert "Не удалось прочитать дату" in page
    assert 'data-testid="week-range">16 ноября – 20 ноября 2026' in page


def test_grade_one_has_no_homework_section(client, parent, masha, small_school):
    make_lesson(small_school.reading_1a, TODAY, number=1, topic="Буква А")
    page = week_page(client, parent, masha)
    assert "Буква А" in page
    assert 'data-testid="homework"' not in page


def _fill_week(small_school, teacher, class_teacher, vasya, monday: dt.date, days: int,
               with_files: bool) -> None:
    """Lessons on `days` days with homework, marks and absences."""
    for offset in range(days):
        day = monday + dt.timedelta(days=offset)
        for number, (assignment, who) in enumerate(
                [(small_school.maths_5a, teacher), (small_school.russian_5a, class_teacher)],
                start=1):
            lesson = make_lesson(assignment, day, number=number, topic=f"Тема {offset}-{number}",
                                 assessment_type=control_work(small_school.school)
                                 if number == 2 else None)
            set_homework(who, lesson, text=f"Задание {offset}-{number}")
            set_cell(who, lesson, vasya, "5/4" if number == 1 else "3 б",
                     over_absence_note="Написал позже")
            if with_files:
                add_homework_files(who, lesson, [SimpleUploadedFile(
                    f"f{offset}{number}.txt", b"text", content_type="text/plain")])
        Lesson.objects.filter(assignment=small_school.maths_5a, date=day).update(
            substitute=class_teacher)


def _count(client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


@pytest.mark.parametrize("days", [1, 5])
def test_the_week_page_runs_a_fixed_number_of_queries(client, parent, vasya, small_school,
                                                      teacher, class_teacher, days,
                                                      django_assert_max_num_queries):
    _fill_week(small_school, teacher, class_teacher, vasya, LAST_MONDAY, days, with_files=True)
    client.force_login(parent)
    address = url("diary:week", vasya, week=LAST_MONDAY.isoformat())
    # The session, the menu and the unread counts settle, as after any first page (a moment
    # before: the visit is then after the last one).
    with time_machine.travel(at(TODAY) - dt.timedelta(seconds=1), tick=False):
        client.get(url("diary:marks", vasya))
    with django_assert_max_num_queries(budget()):     # the week built
        page = client.get(address).content.decode()
    with django_assert_max_num_queries(budget()):     # the week from the cache
        cached = client.get(address).content.decode()
    assert cached.split('data-testid="week-range"')[1] == page.split('data-testid="week-range"')[1]
    assert page.count('data-testid="lesson"') == 2 * days
    # Each lesson's file where it was set, and again at the next lesson, which it is due for.
    assert page.count('data-testid="homework-file"') == 2 * days + 2 * (days - 1)


def test_the_week_costs_the_same_with_one_lesson_and_with_many(client, parent, vasya,
                                                               small_school, teacher,
                                                               class_teacher):
    _fill_week(small_school, teacher, class_teacher, vasya, LAST_MONDAY, 1, with_files=True)
    client.force_login(parent)
    # The navigation's unread counts, the family and the notices cached, as after a first week.
    client.get(url("diary:week", vasya, week=(LAST_MONDAY - dt.timedelta(days=21)).isoformat()))
    one = _count(client, url("diary:week", vasya, week=LAST_MONDAY.isoformat()))
    _fill_week(small_school, teacher, class_teacher, vasya, LAST_MONDAY - dt.timedelta(days=7),
               5, with_files=True)
    many = _count(client, url("diary:week", vasya,
                              week=(LAST_MONDAY - dt.timedelta(days=7)).isoformat()))
    assert one == many


def test_the_explanation_of_a_mark_over_an_absence_is_shown_to_the_family(client, parent,
                                                                          children, teacher,
                                                                          small_school):
    import time_machine

    from journal.services.cells import set_cell
    from tests.journal.journal_setup import TODAY, at, make_lesson

    with time_machine.travel(at(TODAY, 15), tick=False):
        lesson = make_lesson(small_school.maths_5a, TODAY, 1)
        set_cell(teacher, lesson, children[0], "б")
        set_cell(teacher, lesson, children[0], "5 б", over_absence_note="Написал диктант позже")
        client.force_login(parent)
        page = client.get(reverse("diary:week", args=[children[0].pk])).content.decode()
    assert "5 поставлена поверх пропуска: Написал диктант позже" in page
