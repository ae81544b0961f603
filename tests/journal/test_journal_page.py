"""The journal page and its endpoints: what a teacher does every day, as the browser sends it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Student
from journal.models import ChangeRecord, Enrolment, Lesson, Mark
from tests.conftest import make_student
from tests.journal.journal_setup import TODAY, at, make_lesson


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(at(TODAY), tick=False):
        yield


@pytest.fixture
def lesson(small_school):
    return make_lesson(small_school.maths_5a, TODAY)


def save(client, assignment, lesson, student, entry, version="", **extra):
    return client.post(reverse("journal:save_cell", args=[assignment.pk]),
                       {"lesson": lesson.pk, "student": student.pk, "entry": entry,
                        "version": version, **extra})


def test_teacher_sees_students_lessons_and_marks(client, teacher, small_school, children, lesson):
    Mark.objects.create(lesson=lesson, student=children[0], value="5")
    client.force_login(teacher)
    page = client.get(reverse("journal:journal", args=[small_school.maths_5a.pk])).content.decode()
    assert "Петров Василий" in page
    assert "Петрова Мария" not in page  # she is in 1А
    assert lesson.date.strftime("%d.%m") in page
    assert 'data-testid="read-only"' not in page
    assert '<td class="final-col" data-testid="average">5.00</td>' in page.replace("5,00", "5.00")


def test_the_grid_marks_todays_lesson_and_the_lessons_to_come(client, teacher, small_school,
                                                              children, lesson):
    past = make_lesson(small_school.maths_5a, TODAY - dt.timedelta(days=7))
    future = make_lesson(small_school.maths_5a, TODAY + dt.timedelta(days=7))
    client.force_login(teacher)
    page = client.get(reverse("journal:journal", args=[small_school.maths_5a.pk])).content.decode()
    assert f'class="lesson-col" data-lesson="{past.pk}"' in page
    assert f'class="lesson-col today" data-lesson="{lesson.pk}"' in page
    assert f'class="lesson-col future" data-lesson="{future.pk}"' in page
    assert f'class="cell future" tabindex="0" data-lesson="{future.pk}"' in page
    assert f'class="cell today" tabindex="0" data-lesson="{lesson.pk}"' in page
    assert "будущие уроки: отметки и пропуски ставятся после урока" in page
    # Only lessons that took place can be filled in at once.
    assert 'aria-label="Заполнить столбец 16.11.2026"' in page
    assert f'aria-label="Заполнить столбец {future.date:%d.%m.%Y}"' not in page


def test_names_are_given_in_full_and_short_for_a_phone(client, teacher, small_school, children,
                                                       lesson):
    client.force_login(teacher)
    page = client.get(reverse("journal:journal", args=[small_school.maths_5a.pk])).content.decode()
    assert '<th class="student-col" scope="row" title="Петров Василий">' in page
    assert '<span class="name-full">Петров Василий</span>' in page
    assert '<span class="name-short" aria-hidden="true">Петров В.</span>' in page


def test_the_entry_panel_offers_marks_only_where_marks_are_given(client, class_teacher,
                                                                 small_school, children):
    make_lesson(small_school.russian_5a, TODAY)
    make_lesson(small_school.reading_1a, TODAY)
    client.force_login(class_teacher)
    fifth = client.get(reverse("journal:journal", args=[small_school.russian_5a.pk])).content.decode()
    first = client.get(reverse("journal:journal", args=[small_school.reading_1a.pk])).content.decode()
    for page in (fifth, first):
        assert 'data-testid="entry-panel"' in page
        assert 'data-value="н"' in page and 'data-value=""' in page
    assert 'data-value="5"' in fifth
    assert 'data-value="5"' not in first


def test_a_typed_mark_is_saved_with_its_history(client, teacher, small_school, children, lesson):
    client.force_login(teacher)
    response = save(client, small_school.maths_5a, lesson, children[0], "5")
    assert response.json()["ok"] is True
    assert response.json()["text"] == "5"
    mark = Mark.objects.get(lesson=lesson, student=children[0])
    record = ChangeRecord.objects.get(entity="mark", entity_id=mark.pk)
    assert (record.user, record.action, record.new["value"]) == (teacher, "create", "5")


def test_two_marks_and_lateness_in_one_cell(client, teacher, small_school, children, lesson):
    client.force_login(teacher)
    assert save(client, small_school.maths_5a, lesson, children[0], "5/4").json()["text"] == "5/4"
    version = save(client, small_school.maths_5a, lesson, children[0], "5/4").json()["version"]
    assert save(client, small_school.maths_5a, lesson, children[0], "оп10",
                version).json()["text"] == "5/4 оп10"


@pytest.mark.parametrize(("entry", "message"), [
    ("7", "такой отметки нет"), ("а", "такой отметки нет"), ("осв.", "ставить нельзя")])
def test_a_bad_value_is_refused_in_russian_and_changes_nothing(client, teacher, small_school,
                                                               children, lesson, entry, message):
    client.force_login(teacher)
    save(client, small_school.maths_5a, lesson, children[0], "4")
    response = save(client, small_school.maths_5a, lesson, children[0], entry)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert list(Mark.objects.values_list("value", flat=True)) == ["4"]


def test_a_mark_on_a_future_lesson_is_refused(client, teacher, small_school, children):
    future = make_lesson(small_school.maths_5a, TODAY + dt.timedelta(days=7))
    client.force_login(teacher)
    response = save(client, small_school.maths_5a, future, children[0], "5")
    assert response.status_code == 400
    assert not Mark.objects.exists()


def test_the_later_of_two_saves_is_refused_with_the_current_value(client, teacher, small_school,
                                                                  children, lesson, deputy):
    client.force_login(teacher)
    seen = save(client, small_school.maths_5a, lesson, children[0], "4").json()["version"]
    # Someone else changes the cell after the teacher's page was drawn.
    from journal.services.cells import set_cell

    set_cell(deputy, lesson, children[0], "3", reason="исправление по заявлению")
    response = save(client, small_school.maths_5a, lesson, children[0], "5", seen)
    assert response.status_code == 409
    assert response.json()["text"] == "3"
    assert list(Mark.objects.values_list("value", flat=True)) == ["3"]
    forced = save(client, small_school.maths_5a, lesson, children[0], "5", seen, force="1")
    assert forced.json()["ok"] is True


def test_a_mark_over_an_absence_asks_for_an_explanation(client, teacher, small_school, children,
                                                        lesson):
    client.force_login(teacher)
    version = save(client, small_school.maths_5a, lesson, children[0], "б").json()["version"]
    response = save(client, small_school.maths_5a, lesson, children[0], "5", version)
    assert response.json()["needs_note"] is True
    assert not Mark.objects.exists()
    response = save(client, small_school.maths_5a, lesson, children[0], "5", version,
                    note="Написал работу после болезни")
    assert response.json()["text"] == "5 б"
    assert Mark.objects.get().over_absence_note == "Написал работу после болезни"


def test_a_column_is_filled_at_once(client, teacher, small_school, children, lesson):
    other = make_student(small_school.school, "kolya", "Козлов", "Николай", small_school.class_5a)
    client.force_login(teacher)
    save(client, small_school.maths_5a, lesson, children[0], "3")
    response = client.post(reverse("journal:fill_column", args=[small_school.maths_5a.pk]),
                           {"lesson": lesson.pk, "entry": "5"})
    assert response.json()["skipped"] == 1
    assert Mark.objects.get(student=other).value == "5"
    assert Mark.objects.get(student=children[0]).value == "3"
    assert ChangeRecord.objects.filter(entity="mark", student_id=other.pk).count() == 1


def test_cell_history_is_shown_to_the_teacher(client, teacher, small_school, children, lesson):
    client.force_login(teacher)
    version = save(client, small_school.maths_5a, lesson, children[0], "4").json()["version"]
    save(client, small_school.maths_5a, lesson, children[0], "5", version)
    page = client.get(reverse("journal:cell_detail", args=[small_school.maths_5a.pk]),
                      {"lesson": lesson.pk, "student": children[0].pk}).content.decode()
    assert "отметка: 4" in page and "отметка: 5" in page
    assert "Матвеева О. И." in page


def test_term_mark_is_set_from_the_grid(client, teacher, small_school, children, lesson):
    period = small_school.year.periods.get(kind="quarter", number=2)
    client.force_login(teacher)
    response = client.post(reverse("journal:save_term_mark", args=[small_school.maths_5a.pk]),
                           {"period": period.pk, "student": children[0].pk, "entry": "4",
                            "version": "0"})
    assert response.json() == {"ok": True, "text": "4", "version": 1}
    assert ChangeRecord.objects.filter(entity="final_mark").count() == 1


def test_grade_one_journal_says_there_are_no_marks(client, class_teacher, small_school, children):
    make_lesson(small_school.reading_1a, TODAY)
    client.force_login(class_teacher)
    page = client.get(reverse("journal:journal", args=[small_school.reading_1a.pk])).content.decode()
    assert 'data-testid="grade-one-notice"' in page


def test_lesson_record_saves_topic_and_homework_with_history(client, teacher, small_school,
                                                             lesson):
    client.force_login(teacher)
    response = client.post(reverse("journal:lesson", args=[lesson.pk]), {
        "topic": "Сложение дробей", "is_held": "on", "homework": "№ 245, 247",
        "lesson_version": lesson.version, "homework_version": 0})
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.topic == "Сложение дробей" and lesson.is_held
    assert lesson.homework.text == "№ 245, 247"
    assert ChangeRecord.objects.filter(entity="homework", action="create").count() == 1
    assert ChangeRecord.objects.filter(entity="lesson", action="update").count() == 1


def test_lesson_record_with_an_error_saves_nothing(client, teacher, small_school, lesson):
    client.force_login(teacher)
    response = client.post(reverse("journal:lesson", args=[lesson.pk]), {
        "topic": "Сложение дробей", "homework": "№ 1", "homework_none": "on",
        "lesson_version": lesson.version, "homework_version": 0})
    assert "либо текст задания, либо «не задано»" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.topic == ""


def test_journal_page_runs_a_fixed_number_of_queries(client, teacher, small_school,
                                                     django_assert_max_num_queries):
    """30 students × 60 lessons, with marks and absences, stays within the budget."""
    assignment = small_school.maths_5a
    students = [make_student(small_school.school, f"s{i}", f"Ученик{i:02}", "Иван",
                             small_school.class_5a) for i in range(30)]
    start = dt.date(2026, 9, 1)
    lessons = Lesson.objects.bulk_create(
        [Lesson(assignment=assignment, date=start + dt.timedelta(days=i // 2), number=1 + i % 2)
         for i in range(60)])
    Mark.objects.bulk_create([Mark(lesson=lessons[i], student=s, value="45"[i % 2])
                              for i in range(0, 60, 3) for s in students])
    client.force_login(teacher)
    url = reverse("journal:journal", args=[assignment.pk])
    first_quarter = small_school.year.periods.get(kind="quarter", number=1)
    with django_assert_max_num_queries(15):
        response = client.get(url, {"period": first_quarter.pk})
    assert response.content.decode().count('data-testid="cell"') >= 30 * 40
    assert Enrolment.objects.count() >= 30 and Student.objects.count() >= 30


def test_year_view_recommends_the_year_mark_and_saves_it(client, teacher, small_school, children,
                                                         django_assert_max_num_queries):
    from journal.models import FinalMark

    assignment = small_school.maths_5a
    quarters = list(small_school.year.periods.filter(kind="quarter").order_by("number"))
    for period, value in zip(quarters[:2], ["5", "4"], strict=True):
        FinalMark.objects.create(assignment=assignment, student=children[0], kind="period",
                                 period=period, value=value)
    client.force_login(teacher)
    url = reverse("journal:journal", args=[assignment.pk])
    with django_assert_max_num_queries(12):
        page = client.get(url, {"view": "year"}).content.decode()
    assert '<td class="final-col" data-testid="year-recommended">5</td>' in page  # 4.5 → 5
    response = client.post(reverse("journal:save_term_mark", args=[assignment.pk]),
                           {"kind": "year", "student": children[0].pk, "entry": "5",
                            "version": "0"})
    assert response.json()["ok"] is True
    year_mark = FinalMark.objects.get(kind="year")
    assert (year_mark.value, year_mark.period) == ("5", None)
    assert ChangeRecord.objects.filter(entity="final_mark", entity_id=year_mark.pk).exists()


def test_a_marks_type_and_comment_are_edited_from_the_cell_detail(client, teacher, small_school,
                                                                  children, lesson):
    from journal.models import AssessmentType

    client.force_login(teacher)
    save(client, small_school.maths_5a, lesson, children[0], "5")
    mark = Mark.objects.get()
    control = AssessmentType.objects.get(name="Контрольная работа")
    response = client.post(reverse("journal:edit_mark", args=[small_school.maths_5a.pk, mark.pk]),
                           {"assessment_type": control.pk, "comment": "Отличная работа",
                            "version": mark.version})
    assert response.json()["ok"] is True
    mark.refresh_from_db()
    assert (mark.assessment_type, mark.comment) == (control, "Отличная работа")
    record = ChangeRecord.objects.filter(entity="mark", action="update").get()
    assert record.new["comment"] == "Отличная работа"
    stale = client.post(reverse("journal:edit_mark", args=[small_school.maths_5a.pk, mark.pk]),
                        {"assessment_type": "", "comment": "", "version": 1})
    assert stale.status_code == 409
    mark.refresh_from_db()
    assert mark.comment == "Отличная работа"
