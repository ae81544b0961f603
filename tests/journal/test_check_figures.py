"""The figures of the deputy director's check, on a journal with known gaps (check_setup.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.models import Lesson, Mark, SchoolClass, Subject, TeachingAssignment
from journal.queries.checks import CheckSpan, check_figures
from journal.queries.late_entries import Month
from tests.conftest import make_staff, make_student
from tests.journal.check_setup import (
    NOVEMBER,
    TODAY,
    built_fixture,  # noqa: F401
    frozen_time_fixture,  # noqa: F401
    journal_of,
    labels,
    links,
)

pytestmark = pytest.mark.django_db
MONTH = CheckSpan.of_month(Month(NOVEMBER))


@pytest.fixture(name="november", scope="module")
def november_fixture(built, django_db_blocker):
    with django_db_blocker.unblock():
        return check_figures(built.small.school, MONTH, today=TODAY)


@pytest.fixture(name="first_quarter", scope="module")
def first_quarter_fixture(built, django_db_blocker):
    with django_db_blocker.unblock():
        return check_figures(built.small.school, CheckSpan.of_period(built.q1), today=TODAY)


def lesson_link(lesson: Lesson) -> str:
    return reverse("journal:lesson", args=[lesson.pk])


def student_link(assignment, period, student) -> str:
    return (f"{reverse('journal:journal', args=[assignment.pk])}?period={period.pk}"
            f"#student-{student.pk}")


def test_the_lessons_gaps_are_counted_and_each_links_to_its_lesson(built, november):
    maths = journal_of(november, built.small.maths_5a)
    lessons = built.lessons

    assert maths["lessons"] == 5
    assert {key: n for key, n in maths["counts"].items() if n} == {
        "no_topic": 1, "not_held": 1, "no_homework": 1, "homework_none": 1, "late": 1,
        "no_marks": 1, "one_mark": 1, "few_marks": 3, "behind_plan": 2,
        "substitution_no_reason": 1, "unrecorded_substitution": 1}
    assert labels(maths, "no_topic") == ["10.11.2026, 2 ур."]
    assert links(maths, "no_topic") == [lesson_link(lessons["no_topic"])]
    assert links(maths, "no_homework") == [lesson_link(lessons["no_topic"])]
    assert links(maths, "not_held") == [lesson_link(lessons["not_held"])]
    assert links(maths, "homework_none") == [lesson_link(lessons["not_held"])]
    assert links(maths, "substitution_no_reason") == [lesson_link(lessons["substituted"])]
    assert labels(maths, "unrecorded_substitution") == [
        "24.11.2026, 2 ур.: записал Иванов Сергей Петрович"]
    assert maths["written"] == 1 and maths["substitutions"] == 1


def test_a_late_record_says_whose_how_late_and_who_entered_it(built, november):
    maths = journal_of(november, built.small.maths_5a)

    assert labels(maths, "late") == [
        "09.11.2026 · запись урока · Дроби — на 3 дн., внёс Матвеева О. И."]
    assert links(maths, "late") == [lesson_link(built.lessons["fractions"])]


def test_students_with_no_mark_one_mark_or_too_few_link_to_their_row(built, november):
    maths = journal_of(november, built.small.maths_5a)
    grid = built.small.maths_5a

    assert maths["students"] == 3
    assert labels(maths, "no_marks") == ["Новикова Ева"]
    assert links(maths, "no_marks") == [student_link(grid, built.q2, built.eva)]
    assert labels(maths, "one_mark") == ["Козлов Николай"]
    assert labels(maths, "few_marks") == ["Козлов Николай: 1 из 3", "Новикова Ева: 0 из 3",
                                          "Петров Василий: 2 из 3"]


def test_programme_completion_against_the_plan_and_the_curriculum(built, november):
    maths = journal_of(november, built.small.maths_5a)
    russian = journal_of(november, built.small.russian_5a)

    assert maths["completion"]["held"] == 5
    assert maths["completion"]["planned_to_date"] == 7
    assert maths["completion"]["of_planned"] == 71          # 5 of 7 hours
    assert labels(maths, "behind_plan") == ["проведено 5 ч, по КТП к 30.11.2026 — 7 ч"]
    assert links(maths, "behind_plan") == [reverse("journal:plan", args=[maths["id"]])]
    assert russian["counts"]["no_plan"] == 1 and russian["counts"]["behind_plan"] == 0


def test_grade_one_is_not_asked_for_homework_or_marks(built, november):
    reading = journal_of(november, built.small.reading_1a)

    assert reading["lessons"] == 1 and reading["homework_lessons"] == 0
    assert reading["counts"]["no_homework"] == 0 and reading["counts"]["no_marks"] == 0


def test_term_marks_missing_after_the_deadline_and_far_from_the_recommended(
        built, first_quarter):
    maths = journal_of(first_quarter, built.small.maths_5a)
    grid = built.small.maths_5a

    assert first_quarter["span"]["title"] == "1-я четверть (01.09.2026–24.10.2026)"
    assert labels(maths, "term_missing") == ["Козлов Николай: 1-я четверть"]
    assert links(maths, "term_missing") == [student_link(grid, built.q1, built.kolya)]
    assert labels(maths, "term_objectivity") == [
        "Петров Василий: 5 при рекомендуемой 3 (средневзвешенная 3,40)"]
    # Новикова came after the quarter; the quarter's one lesson had no written work.
    assert maths["students"] == 2
    assert maths["counts"]["no_written"] == 1
    assert labels(maths, "no_marks") == ["Козлов Николай", "Петров Василий"]


def test_a_period_check_reads_only_the_grades_the_period_is_for(built, first_quarter):
    classes = {journal["class"] for journal in first_quarter["journals"]}

    assert "10А" not in classes and "5А" in classes


def test_term_marks_are_not_counted_before_their_deadline(built):
    """On 25.10 the 1st quarter's marks are still due (until 26.10)."""
    figures = check_figures(built.small.school, CheckSpan.of_period(built.q1),
                            today=dt.date(2026, 10, 25))

    assert figures["totals"]["counts"]["term_missing"] == 0


def test_share_of_teachers_taking_part(built, november):
    teachers = {t["name"]: t["active"] for t in november["teachers"]}

    assert teachers == {"Иванов Сергей Петрович": False, "Матвеева Ольга Игоревна": True,
                        "Руднева Анна Павловна": False}
    assert november["totals"]["shares"]["teachers"] == 33


def test_parents_and_students_who_opened_the_diary_in_the_month(built, november):
    [five_a] = [c for c in november["classes"] if c["name"] == "5А"]

    assert five_a == {"id": built.small.class_5a.pk, "name": "5А", "students": 3,
                      "students_active": 1, "parents": 1, "parents_active": 1}
    assert november["totals"]["shares"]["students"] == 33
    assert november["totals"]["shares"]["parents"] == 100


def test_totals_add_up_the_journals(built, november):
    totals = november["totals"]

    assert totals["counts"]["no_topic"] == 1
    assert totals["journals_with"]["no_plan"] == len(november["journals"]) - 1
    assert totals["lessons"] == 6           # 5 of maths, 1 of reading in 1А
    assert totals["shares"]["topics"] == 83


@pytest.mark.parametrize(("narrowed", "expected"), [
    ({"school_class": "class_5b"}, {"maths_5b"}),
    ({"teacher": "ivanov"}, {"maths_5b", "english_5a_group2"}),
    ({"subject": "english"}, {"english_5a_group1", "english_5a_group2"}),
])
def test_filters_narrow_the_journals(built, narrowed, expected):
    small = built.small
    ids = {"class_5b": small.class_5b.pk, "ivanov": built.ivanov.pk, "english": small.english.pk}
    figures = check_figures(small.school, MONTH, today=TODAY,
                            **{name: ids[value] for name, value in narrowed.items()})

    assert {j["id"] for j in figures["journals"]} == {getattr(small, name).pk for name in expected}


def test_a_filtered_check_counts_only_its_journals(built):
    figures = check_figures(built.small.school, MONTH, today=TODAY,
                            school_class=built.small.class_5b.pk)

    assert figures["totals"]["counts"]["no_topic"] == 0
    assert [c["name"] for c in figures["classes"]] == ["5Б"]
    assert [t["name"] for t in figures["teachers"]] == ["Иванов Сергей Петрович"]


def test_a_month_outside_the_school_year_has_no_journals(built):
    figures = check_figures(built.small.school, CheckSpan.of_month(Month(dt.date(2026, 8, 1))),
                            today=TODAY)

    assert figures["journals"] == [] and figures["totals"]["shares"]["topics"] is None


def queries_of_check(school) -> int:
    with CaptureQueriesContext(connection) as queries:
        check_figures(school, MONTH, today=TODAY)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_journals(built):
    small = built.small
    before = queries_of_check(small.school)
    for letter in "ВГД":
        school_class = SchoolClass.objects.create(year=small.year, grade=5, letter=letter)
        students = [make_student(small.school, f"s{letter}{n}", f"Ученик{n}", "Иван",
                                 school_class) for n in range(3)]
        teacher = make_staff(small.school, f"t{letter}", "Учитель", letter)
        for n in range(3):
            subject = Subject.objects.get_or_create(school=small.school, name=f"Предмет {n}")[0]
            journal = TeachingAssignment.objects.create(year=small.year, teacher=teacher,
                                                        subject=subject, school_class=school_class)
            for day in (dt.date(2026, 11, 11), dt.date(2026, 11, 18)):
                held = Lesson.objects.create(assignment=journal, date=day, number=n + 1,
                                             is_held=True, late_days=1, entered_by=teacher)
                Mark.objects.create(lesson=held, student=students[n], value="4")

    assert queries_of_check(small.school) == before
