"""The school rules that live in one place each, and the defects found when the journal was
tried as an attacker and as a new user would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from diary.queries import assignments_of, build_marks, enrolments_of
from journal.models import (
    CurriculumItem,
    Enrolment,
    Homework,
    Mark,
    SaveReceipt,
    StudyPeriod,
    Subject,
    TeachingAssignment,
)
from journal.queries.grid import build_grid, periods_for, term_recommendations
from journal.rules import JournalError, NeedsExplanation, parse_cell
from journal.services.cells import fill_column, set_cell
from journal.services.homework import set_homework
from journal.services.receipts import prune_receipts
from journal.services.rights import sync_journal_rights
from tests.conftest import make_student
from tests.journal.journal_setup import LAST_WEEK, TODAY, at, make_lesson

Q2 = (dt.date(2026, 11, 5), dt.date(2026, 12, 28))


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture
def vasya(children):
    return children[0]


# Enrolment: one spelling of "in the class on a day / over a range / now" -----------------

def test_enrolment_queryset_answers_on_a_day_over_a_range_and_now(small_school, vasya):
    left = make_student(small_school.school, "ushel", "Ушедший", "Пётр", small_school.class_5a)
    Enrolment.objects.filter(student=left).update(left_on=dt.date(2026, 10, 1))
    later = make_student(small_school.school, "prishel", "Пришедший", "Иван",
                         small_school.class_5a)
    Enrolment.objects.filter(student=later).update(enrolled_on=dt.date(2026, 12, 1))
    in_5a = Enrolment.objects.filter(school_class=small_school.class_5a)

    def who(queryset) -> set[str]:
        return {e.student.user.username for e in queryset.select_related("student__user")}

    assert who(in_5a.active_on(dt.date(2026, 10, 1))) == {"vasya", "ushel"}
    assert who(in_5a.active_on(dt.date(2026, 10, 2))) == {"vasya"}
    assert who(in_5a.overlapping(dt.date(2026, 9, 20), dt.date(2026, 12, 1))) == {
        "vasya", "ushel", "prishel"}
    assert who(in_5a.current()) == {"vasya"}  # today is 16 November
    for enrolment in in_5a:
        assert enrolment.is_active_on(dt.date(2026, 10, 2)) == \
            in_5a.active_on(dt.date(2026, 10, 2)).filter(pk=enrolment.pk).exists()


def test_study_periods_of_a_grade_come_from_one_queryset(small_school):
    assert [p.kind for p in StudyPeriod.objects.for_grade(5)] == ["quarter"] * 4
    assert [p.kind for p in StudyPeriod.objects.for_grade(10)] == ["half"] * 2
    assert periods_for(small_school.maths_5a) == list(
        StudyPeriod.objects.for_grade(5).order_by("starts_on"))


def test_grade_one_gets_no_marks_from_one_property(small_school):
    assert not small_school.class_1a.gets_marks
    assert small_school.class_5a.gets_marks


# The recommended term mark: one function for the grid, the term-mark service and the diary --

@pytest.fixture
def elective(small_school, teacher, vasya):
    """An elective graded pass/fail, 1 hour a week, with three «зач» in the second quarter."""
    subject = Subject.objects.create(school=small_school.school, name="Финансовая грамотность",
                                     is_elective=True, order=9)
    assignment = TeachingAssignment.objects.create(year=small_school.year, teacher=teacher,
                                                   subject=subject,
                                                   school_class=small_school.class_5a)
    sync_journal_rights(assignment)
    CurriculumItem.objects.create(year=small_school.year, subject=subject, grade=5,
                                  hours_per_week=1)
    for day in (dt.date(2026, 11, 9), dt.date(2026, 11, 10), dt.date(2026, 11, 11)):
        set_cell(teacher, make_lesson(assignment, day), vasya, "зач")
    return assignment


def test_three_pass_marks_are_enough_in_the_grid_the_term_mark_and_the_diary(elective, vasya):
    period = StudyPeriod.objects.get(starts_on=Q2[0], grade_from=1)
    [row] = build_grid(elective, period, periods_for(elective), TODAY).rows
    service = term_recommendations(elective, period, [vasya.pk])[vasya.pk]
    enrolments = enrolments_of(vasya)
    year = elective.year
    diary = next(s for s in build_marks(vasya, year, assignments_of(vasya, year, [
        e.school_class_id for e in enrolments.rows]), period) if s.assignment == elective)

    assert (row.mark_count, row.too_few_marks) == (3, False)
    assert (service.mark_count, service.too_few_marks) == (3, False)
    assert (diary.mark_count, diary.too_few_marks) == (3, False)
    assert row.average is service.average is diary.average is None  # no numeric mark


def test_the_three_agree_on_a_weighted_average(small_school, teacher, vasya):
    period = StudyPeriod.objects.get(starts_on=Q2[0], grade_from=1)
    CurriculumItem.objects.create(year=small_school.year, subject=small_school.maths, grade=5,
                                  hours_per_week=5)
    for day, typed in ((dt.date(2026, 11, 9), "5"), (dt.date(2026, 11, 10), "4/4")):
        set_cell(teacher, make_lesson(small_school.maths_5a, day), vasya, typed)
    [row] = build_grid(small_school.maths_5a, period, periods_for(small_school.maths_5a),
                       TODAY).rows
    service = term_recommendations(small_school.maths_5a, period, [vasya.pk])[vasya.pk]
    diary = next(s for s in build_marks(vasya, small_school.year, [small_school.maths_5a],
                                        period))
    assert row.average == service.average == diary.average == Decimal("4.33")
    assert row.too_few_marks and service.too_few_marks and diary.too_few_marks  # 3 of 7


# Cell entries: exactly a mark entry, and short echoes ---------------------------------------

@pytest.mark.parametrize("typed", ["5/", "/5", "5//4", "5;", "5,4", "5 /", "н/"])
def test_anything_but_an_exact_entry_is_refused(typed):
    with pytest.raises(JournalError):
        parse_cell(typed)


@pytest.mark.parametrize(("typed", "marks", "absence"), [
    ("5/4", ("5", "4"), None), ("5 4", ("5", "4"), None), (" 5 / 4 ", ("5", "4"), None),
    ("5 б", ("5",), "ill"), ("оп 10", (), "late"), ("4 оп10", ("4",), "late"),
])
def test_exact_entries_still_read(typed, marks, absence):
    entry = parse_cell(typed)
    assert (entry.marks, entry.absence) == (marks, absence)


def test_a_long_refused_value_is_not_echoed_whole(client, teacher, small_school, vasya):
    lesson = make_lesson(small_school.maths_5a)
    client.force_login(teacher)
    response = client.post(reverse("journal:save_cell", args=[small_school.maths_5a.pk]),
                           {"lesson": lesson.pk, "student": vasya.pk, "entry": "Я" * 2000,
                            "version": ""})
    assert response.status_code == 400
    error = response.json()["error"]
    assert "такой отметки нет" in error
    assert len(error) < 200
    assert not Mark.objects.exists()


# Grade 1: the real reason first --------------------------------------------------------------

def test_a_mark_over_an_absence_in_grade_one_says_marks_are_not_given(class_teacher,
                                                                       small_school, children):
    masha = children[1]
    lesson = make_lesson(small_school.reading_1a)
    set_cell(class_teacher, lesson, masha, "н")
    with pytest.raises(JournalError, match="В 1 классе отметки не ставятся") as refused:
        set_cell(class_teacher, lesson, masha, "5")
    assert not isinstance(refused.value, NeedsExplanation)


# Another school's student: nobody's name through the journal's endpoints ---------------------

@pytest.mark.parametrize("endpoint", ["cell_detail", "save_cell"])
def test_a_student_outside_the_journal_answers_404(client, teacher, small_school, vasya,
                                                   outsider_child, endpoint):
    lesson = make_lesson(small_school.maths_5a)
    client.force_login(teacher)
    url = reverse(f"journal:{endpoint}", args=[small_school.maths_5a.pk])
    data = {"lesson": lesson.pk, "student": outsider_child.pk, "entry": "5", "version": ""}
    response = client.get(url, data) if endpoint == "cell_detail" else client.post(url, data)
    assert response.status_code == 404
    assert "Сидоров" not in response.content.decode()
    assert not Mark.objects.exists()
    own = client.get(reverse("journal:cell_detail", args=[small_school.maths_5a.pk]),
                     {"lesson": lesson.pk, "student": vasya.pk})
    assert own.status_code == 200


def test_a_term_mark_for_a_student_outside_the_journal_answers_404(client, teacher,
                                                                    small_school, outsider_child):
    client.force_login(teacher)
    period = StudyPeriod.objects.get(starts_on=Q2[0], grade_from=1)
    response = client.post(reverse("journal:save_term_mark", args=[small_school.maths_5a.pk]),
                           {"student": outsider_child.pk, "period": period.pk, "entry": "5"})
    assert response.status_code == 404


# A retry of a save that committed is not a conflict with itself -------------------------------

def test_a_retried_save_with_its_key_succeeds_once(client, teacher, small_school, vasya):
    lesson = make_lesson(small_school.maths_5a)
    client.force_login(teacher)
    url = reverse("journal:save_cell", args=[small_school.maths_5a.pk])
    data = {"lesson": lesson.pk, "student": vasya.pk, "entry": "5", "version": "",
            "request_id": "0b6f9a1e-5d2c-4c55-9d8e-2a7f1b3c4d5e"}
    first = client.post(url, data)
    retry = client.post(url, data)  # the first answer was lost: the same save, sent again
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert Mark.objects.filter(lesson=lesson, student=vasya).count() == 1
    without_key = client.post(url, {**data, "request_id": ""})
    assert without_key.status_code == 409  # a stale save without a key is still refused


def test_a_retry_after_someone_else_changed_the_cell_shows_the_cell_as_it_is(
        teacher, deputy, small_school, vasya):
    lesson = make_lesson(small_school.maths_5a)
    set_cell(teacher, lesson, vasya, "5", expected_version="", request_id="k1")
    set_cell(deputy, lesson, vasya, "4", reason="ошибка в отметке")
    again = set_cell(teacher, lesson, vasya, "5", expected_version="", request_id="k1")
    assert again.text == "4"  # nothing overwritten; the page shows what is there now


def test_keys_are_per_user_and_a_refused_save_leaves_no_receipt(teacher, small_school, vasya):
    lesson = make_lesson(small_school.maths_5a)
    with pytest.raises(JournalError):
        set_cell(teacher, lesson, vasya, "7", request_id="k2")
    assert not SaveReceipt.objects.exists()
    set_cell(teacher, lesson, vasya, "5", request_id="k2")
    assert SaveReceipt.objects.filter(user=teacher, key="k2").count() == 1


def test_a_retried_column_fill_fills_once(teacher, small_school, vasya):
    lesson = make_lesson(small_school.maths_5a)
    first = fill_column(teacher, lesson, "5", request_id="col-1")
    again = fill_column(teacher, lesson, "5", request_id="col-1")
    assert [c.text for c in first.filled] == [c.text for c in again.filled] == ["5"]
    assert Mark.objects.filter(lesson=lesson).count() == 1


def test_receipts_are_pruned_after_a_day(teacher, small_school, vasya, time_machine):
    set_cell(teacher, make_lesson(small_school.maths_5a), vasya, "5", request_id="old")
    time_machine.move_to(at(TODAY + dt.timedelta(days=2)), tick=False)
    assert prune_receipts() == 1
    assert not SaveReceipt.objects.exists()


# Homework: its own deadline, a school setting ------------------------------------------------

def _homework_late_days(teacher, lesson, text: str = "№ 125") -> int:
    set_homework(teacher, lesson, text=text)
    return Homework.objects.get(lesson=lesson).late_days


@pytest.mark.parametrize(("hour", "late"), [(11, 0), (12, 0), (13, 1), (20, 1)])
def test_homework_set_the_day_before_it_is_due_is_late_an_hour_after_classes(
        teacher, small_school, time_machine, hour, late):
    """5А's last lesson on the day ends at 11:15 (bell 3): the homework is due by 12:15."""
    lesson = make_lesson(small_school.maths_5a, TODAY, 2)
    make_lesson(small_school.russian_5a, TODAY, 3)
    make_lesson(small_school.maths_5a, TODAY + dt.timedelta(days=1), 1)
    time_machine.move_to(at(TODAY, hour), tick=False)
    if hour == 12:
        time_machine.move_to(at(TODAY, 12).replace(minute=15), tick=False)
    assert _homework_late_days(teacher, lesson) == late


def test_homework_due_later_may_be_entered_until_the_end_of_the_day(teacher, small_school,
                                                                    time_machine):
    lesson = make_lesson(small_school.maths_5a, TODAY, 2)
    make_lesson(small_school.maths_5a, TODAY + dt.timedelta(days=3), 1)
    time_machine.move_to(at(TODAY, 22), tick=False)
    assert _homework_late_days(teacher, lesson) == 0
    time_machine.move_to(at(TODAY + dt.timedelta(days=1), 9), tick=False)
    assert _homework_late_days(teacher, make_lesson(small_school.maths_5a, TODAY, 3)) == 1


def test_the_homework_deadline_is_a_school_setting(teacher, small_school, time_machine):
    school = small_school.school
    school.homework_entry_days = 2
    school.homework_hours_after_classes = 3
    school.save()
    lesson = make_lesson(small_school.maths_5a, LAST_WEEK, 2)  # Tuesday, due on Wednesday
    make_lesson(small_school.maths_5a, LAST_WEEK + dt.timedelta(days=1), 2)
    time_machine.move_to(at(LAST_WEEK, 13), tick=False)  # 10:10 + 3 h = 13:10
    assert _homework_late_days(teacher, lesson) == 0
    time_machine.move_to(at(LAST_WEEK, 14), tick=False)
    assert _homework_late_days(teacher, lesson, text="№ 125, 126") == 1


def test_a_late_homework_shows_on_the_deputys_late_entries_page(client, teacher, deputy,
                                                               small_school, time_machine):
    lesson = make_lesson(small_school.maths_5a, LAST_WEEK, 2)
    make_lesson(small_school.maths_5a, LAST_WEEK + dt.timedelta(days=1), 2)
    time_machine.move_to(at(LAST_WEEK, 20), tick=False)
    set_homework(teacher, lesson, text="Выучить правило")
    time_machine.move_to(at(TODAY), tick=False)
    client.force_login(deputy)
    page = client.get(reverse("journal:late_entries"), {"month": "2026-11"}).content.decode()
    assert "Выучить правило" in page


def test_the_new_enrolment_rule_keeps_lessons_of_students_who_left(small_school, teacher):
    """A student who left stays in the grid for the days they were enrolled."""
    left = make_student(small_school.school, "ushel", "Ушедший", "Пётр", small_school.class_5a)
    Enrolment.objects.filter(student=left).update(left_on=dt.date(2026, 11, 10))
    period = StudyPeriod.objects.get(starts_on=Q2[0], grade_from=1)
    for day in (dt.date(2026, 11, 9), dt.date(2026, 11, 11)):
        make_lesson(small_school.maths_5a, day)
    [row] = [r for r in build_grid(small_school.maths_5a, period,
                                   periods_for(small_school.maths_5a), TODAY).rows
             if r.student == left]
    assert [c.enrolled for c in row.cells] == [True, False]
