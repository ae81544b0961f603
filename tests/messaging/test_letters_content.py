"""What a letter says about each student: the span's marks by subject with their dates, the
average and forecast the journal and the diary show for the same marks, term marks set in the
span, missed lessons and days by kind; the whole class in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from diary.queries import assignments_of, build_marks
from journal import grading
from journal.models import SchoolClass
from journal.queries.grid import term_recommendations
from messaging.letters.queries import ClassLetters, StudentLetter, class_letters
from tests.conftest import make_student
from tests.messaging.letters_setup import (  # noqa: F401 (fixtures)
    Q2_END,
    Q2_START,
    built_fixture,
    frozen_time_fixture,
)

pytestmark = pytest.mark.django_db


def loaded(school_class: SchoolClass) -> SchoolClass:
    """The class as the pages and the task have it: year, school and class teacher loaded."""
    return SchoolClass.objects.select_related("year__school", "class_teacher").get(
        pk=school_class.pk)


def quarter(built) -> ClassLetters:
    return class_letters(loaded(built.class_5a), Q2_START, Q2_END, note="Всё хорошо")


def letter_of(letters: ClassLetters, student) -> StudentLetter:
    [found] = [s for s in letters.students if s.student.pk == student.pk]
    return found


def subjects(letter: StudentLetter) -> dict[str, object]:
    return {line.assignment.subject.name + (f" ({line.assignment.subgroup.name})"
                                            if line.assignment.subgroup else ""): line
            for line in letter.subjects}


def test_the_class_letter_has_every_student_of_the_span_by_name(built):
    letters = quarter(built)

    assert [s.student.user.full_name for s in letters.students] == [
        "Козлов Николай", "Новикова Ева", "Петров Василий"]
    assert letters.period == built.q2
    assert (letters.school.short_name, str(letters.school_class)) == ("Школа № 7", "5А")
    assert letters.class_teacher == built.class_teacher
    assert letters.note == "Всё хорошо"


def test_a_students_subjects_are_the_class_journals_and_their_own_group(built):
    vasya = subjects(letter_of(quarter(built), built.vasya))
    kolya = subjects(letter_of(quarter(built), built.kolya))

    assert list(vasya) == ["Математика", "Русский язык", "Английский язык (1 группа)"]
    assert list(kolya) == ["Математика", "Русский язык", "Английский язык (2 группа)"]


def test_marks_come_with_their_dates_and_weights_in_the_span_only(built):
    maths = subjects(letter_of(quarter(built), built.vasya))["Математика"]

    assert [(m.value, f"{m.date:%d.%m}", m.weight, m.type_name) for m in maths.marks] == [
        ("5", "09.11", 1, ""), ("4", "16.11", 1, ""), ("3", "23.11", 3, "Контрольная работа")]


def test_the_average_and_forecast_are_the_journals_and_the_diarys(built):
    """The same numbers as the journal's recommended term mark and the diary's forecast for
    the 2nd quarter, read through their own functions."""
    vasya = built.vasya
    letter = subjects(letter_of(quarter(built), vasya))
    year = built.small.year
    diary = {row.assignment.pk: row for row in build_marks(
        vasya, year, assignments_of(vasya, year, [built.class_5a.pk]), built.q2)}

    for line in letter.values():
        assignment = line.assignment
        journal = term_recommendations(assignment, built.q2, [vasya.pk])[vasya.pk]
        assert line.recommendation == journal
        assert (line.recommendation.average, line.recommendation.mark) == (
            diary[assignment.pk].average, diary[assignment.pk].forecast)
    # (5 + 4 + 3·3) / 5 = 3.60, which recommends 4; two russian marks are too few to be sure.
    maths, russian = letter["Математика"].recommendation, letter["Русский язык"].recommendation
    assert (maths.average, maths.mark, maths.too_few_marks) == (Decimal("3.60"), 4, False)
    assert (russian.average, russian.too_few_marks) == (Decimal("4.50"), True)


def test_a_span_of_ones_own_recommends_from_its_own_marks(built):
    letters = class_letters(loaded(built.class_5a), dt.date(2026, 11, 9), dt.date(2026, 11, 20),
                            student_id=built.vasya.pk)

    [letter] = letters.students
    maths = subjects(letter)["Математика"]
    assert letters.period is None
    assert [m.value for m in maths.marks] == ["5", "4"]
    assert maths.recommendation == grading.recommend_term_mark(
        [("5", 1), ("4", 1)], None, built.small.school.rounding_threshold)
    assert (maths.recommendation.average, maths.recommendation.mark) == (Decimal("4.50"), 5)


def test_term_marks_are_those_of_periods_ending_in_the_span(built):
    second = subjects(letter_of(quarter(built), built.vasya))["Математика"]
    autumn = class_letters(loaded(built.class_5a), dt.date(2026, 10, 1), dt.date(2026, 12, 28),
                           student_id=built.vasya.pk)

    assert [(f.value, f.period.title) for f in second.term_marks] == [("4", "2-я четверть")]
    assert [(f.value, f.period.title) for f in
            subjects(autumn.students[0])["Математика"].term_marks] == [
        ("5", "1-я четверть"), ("4", "2-я четверть")]


def test_absences_are_counted_by_kind_in_lessons_and_whole_days(built):
    attendance = letter_of(quarter(built), built.vasya).attendance

    # Lessons: ill on 24.11 and twice on 02.12; without a reason on 30.11 and 03.12; excused
    # on 03.12.
    assert (attendance.lessons.ill, attendance.lessons.excused, attendance.lessons.unexcused,
            attendance.lessons.total) == (3, 1, 2, 6)
    # Days: 24.11 and 02.12 ill (every lesson of his missed), 03.12 with one lesson without a
    # reason; on 30.11 he came to russian.
    assert (attendance.days.ill, attendance.days.excused, attendance.days.unexcused,
            attendance.days.total) == (2, 0, 1, 3)
    assert (attendance.late, attendance.late_minutes) == (1, 10)
    kolya = letter_of(quarter(built), built.kolya).attendance
    assert (kolya.lessons.total, kolya.days.total, kolya.late) == (0, 0, 0)


def test_a_newcomer_has_only_the_days_since_arrival(built):
    letters = class_letters(loaded(built.class_5a), built.q1.starts_on, built.q1.ends_on)
    assert [s.student.user.last_name for s in letters.students] == ["Козлов", "Петров"]


def test_the_whole_class_is_read_in_the_same_queries_whatever_its_size(
        built, django_assert_num_queries):
    school_class = loaded(built.class_5a)
    with django_assert_num_queries(9):
        small = class_letters(school_class, Q2_START, Q2_END)
    for n in range(12):
        make_student(built.small.school, f"more{n}", f"Ещёв{n}", "Пётр", built.class_5a)
    with django_assert_num_queries(9):
        more = class_letters(school_class, Q2_START, Q2_END)

    assert (len(small.students), len(more.students)) == (3, 15)
