from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from journal.models import AcademicYear, Enrolment, StudyPeriod, TimetableSlot
from tests.conftest import YEAR_END, YEAR_START, make_student


def test_it_rejects_a_period_outside_its_year(year):
    period = StudyPeriod(year=year, kind="quarter", number=4, starts_on=dt.date(2027, 4, 1),
                         ends_on=dt.date(2027, 9, 10))
    with pytest.raises(ValidationError, match="выходит за границы учебного года"):
        period.full_clean()


def test_it_rejects_overlapping_periods_for_the_same_grades(year):
    period = StudyPeriod(year=year, kind="quarter", number=2, starts_on=dt.date(2026, 10, 20),
                         ends_on=dt.date(2026, 12, 1), grade_from=5, grade_to=9)
    with pytest.raises(ValidationError, match="пересекается с периодом"):
        period.full_clean()


def test_halves_for_senior_grades_may_overlap_quarters_of_the_junior_ones(year):
    assert StudyPeriod.objects.filter(year=year, kind="half").count() == 2
    extra = StudyPeriod(year=year, kind="trimester", number=1, starts_on=dt.date(2026, 9, 1),
                        ends_on=dt.date(2026, 11, 30), grade_from=10, grade_to=11)
    with pytest.raises(ValidationError):  # overlaps the first half of 10–11
        extra.full_clean()
    junior = StudyPeriod(year=year, kind="quarter", number=1, starts_on=dt.date(2026, 9, 1),
                         ends_on=dt.date(2026, 10, 24), grade_from=10, grade_to=10)
    with pytest.raises(ValidationError):
        junior.full_clean()


def test_only_one_year_is_current(school, year):
    other = AcademicYear(school=school, name="2027/2028", starts_on=dt.date(2027, 9, 1),
                         ends_on=dt.date(2028, 8, 31), is_current=True)
    with pytest.raises(ValidationError, match="только один"):
        other.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


def test_a_student_cannot_be_in_two_classes_of_one_year(small_school):
    student = make_student(small_school.school, "dvazhdy", "Дважды", "Иван", small_school.class_5a)
    second = Enrolment(student=student, school_class=small_school.class_5b,
                       enrolled_on=dt.date(2026, 10, 1))
    with pytest.raises(ValidationError, match="уже числится в 5А"):
        second.full_clean()


def test_a_transfer_after_leaving_is_allowed(small_school):
    student = make_student(small_school.school, "perevod", "Переводов", "Иван",
                           small_school.class_5a)
    first = student.enrolments.get()
    first.left_on = dt.date(2026, 9, 30)
    first.save()
    Enrolment(student=student, school_class=small_school.class_5b,
              enrolled_on=dt.date(2026, 10, 1)).full_clean()


def test_it_rejects_a_double_booked_teacher(small_school, weekly_slot):
    clash = TimetableSlot(assignment=small_school.english_5a_group1, weekday=1, lesson_number=2,
                          valid_from=YEAR_START, valid_to=YEAR_END)
    # english_5a_group1 is the same teacher as maths in 5А
    with pytest.raises(ValidationError, match="Матвеева О. И. уже ведёт урок"):
        clash.full_clean()


def test_it_rejects_a_class_in_two_places_at_once(small_school, weekly_slot):
    clash = TimetableSlot(assignment=small_school.russian_5a, weekday=1, lesson_number=2,
                          valid_from=YEAR_START, valid_to=YEAR_END)
    with pytest.raises(ValidationError, match="Класс 5А уже занят"):
        clash.full_clean()


def test_two_subgroups_of_a_class_may_study_at_the_same_time(small_school):
    TimetableSlot.objects.create(assignment=small_school.english_5a_group1, weekday=3,
                                 lesson_number=1, valid_from=YEAR_START, valid_to=YEAR_END)
    TimetableSlot(assignment=small_school.english_5a_group2, weekday=3, lesson_number=1,
                  valid_from=YEAR_START, valid_to=YEAR_END).full_clean()


def test_a_subgroup_cannot_study_while_its_whole_class_has_a_lesson(small_school, weekly_slot):
    clash = TimetableSlot(assignment=small_school.english_5a_group2, weekday=1, lesson_number=2,
                          valid_from=YEAR_START, valid_to=YEAR_END)
    with pytest.raises(ValidationError, match="уже занят"):
        clash.full_clean()


def test_slots_that_do_not_overlap_in_dates_do_not_clash(small_school, weekly_slot):
    weekly_slot.valid_to = dt.date(2026, 12, 31)
    weekly_slot.save()
    TimetableSlot(assignment=small_school.russian_5a, weekday=1, lesson_number=2,
                  valid_from=dt.date(2027, 1, 1), valid_to=YEAR_END).full_clean()
