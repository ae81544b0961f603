from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from journal.models import AssessmentType, CurriculumItem, FinalMark, Mark, StudyPeriod
from journal.queries.grid import term_recommendations, weekly_hours, year_recommendation
from journal.rules import ConflictError, JournalError, NotAllowed
from journal.services.final_marks import set_final_mark
from tests.journal.journal_setup import TODAY, at, history_of, make_lesson


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture
def vasya(children):
    return children[0]


def quarter(year, number: int) -> StudyPeriod:
    return StudyPeriod.objects.get(year=year, kind="quarter", number=number)


@pytest.fixture
def q2(small_school):
    return quarter(small_school.year, 2)


@pytest.fixture
def marked(small_school, vasya):
    """Three marks in the second quarter: a control work (weight 3) «5», then «4» and «3»."""
    control = AssessmentType.objects.get(name="Контрольная работа")
    for day, value, kind in ((dt.date(2026, 11, 9), "5", control),
                             (dt.date(2026, 11, 10), "4", None),
                             (TODAY, "3", None)):
        lesson = make_lesson(small_school.maths_5a, day, assessment_type=kind)
        Mark.objects.create(lesson=lesson, student=vasya, value=value)
    # Out of the period: does not count.
    september = make_lesson(small_school.maths_5a, dt.date(2026, 9, 14))
    Mark.objects.create(lesson=september, student=vasya, value="2")


def test_the_recommendation_is_the_weighted_average_of_the_period(small_school, q2, vasya,
                                                                   marked):
    rec = term_recommendations(small_school.maths_5a, q2, [vasya.pk])[vasya.pk]
    assert (rec.average, rec.mark, rec.mark_count) == (Decimal("4.40"), 4, 3)
    assert not rec.too_few_marks


def test_the_recommendation_uses_the_schools_threshold(small_school, q2, vasya, marked):
    small_school.school.rounding_threshold = Decimal("0.35")
    small_school.school.save()
    small_school.maths_5a.year.school.refresh_from_db()
    rec = term_recommendations(small_school.maths_5a, q2, [vasya.pk])[vasya.pk]
    assert rec.mark == 5


def test_heavier_loads_flag_students_with_too_few_marks(small_school, q2, vasya, marked,
                                                        children):
    CurriculumItem.objects.create(year=small_school.year, subject=small_school.maths, grade=5,
                                  hours_per_week=5)
    assert weekly_hours(small_school.maths_5a) == Decimal(5)
    recs = term_recommendations(small_school.maths_5a, q2, [vasya.pk, children[1].pk])
    assert recs[vasya.pk].required == 7 and recs[vasya.pk].too_few_marks
    assert recs[children[1].pk].mark_count == 0 and recs[children[1].pk].average is None


def test_a_class_curriculum_line_wins_over_the_grades(small_school):
    CurriculumItem.objects.create(year=small_school.year, subject=small_school.maths, grade=5,
                                  hours_per_week=5)
    CurriculumItem.objects.create(year=small_school.year, subject=small_school.maths,
                                  school_class=small_school.class_5a, hours_per_week=6)
    assert weekly_hours(small_school.maths_5a) == Decimal(6)
    assert weekly_hours(small_school.maths_5b) == Decimal(5)


def test_the_term_mark_keeps_the_recommendation_and_its_history(teacher, small_school, q2,
                                                                 vasya, marked):
    final = set_final_mark(teacher, small_school.maths_5a, vasya, "period", q2, "5",
                           expected_version=0)
    assert (final.value, final.recommended, final.entered_by, final.late_days) == (
        "5", Decimal("4.40"), teacher, 0)
    changed = set_final_mark(teacher, small_school.maths_5a, vasya, "period", q2, "4",
                             expected_version=1)
    assert changed.pk == final.pk and changed.version == 2
    assert set_final_mark(teacher, small_school.maths_5a, vasya, "period", q2, "") is None
    create, update, delete = history_of("final_mark")
    assert (create.action, update.action, delete.action) == ("create", "update", "delete")
    assert (update.old["value"], update.new["value"], delete.old["value"]) == ("5", "4", "4")
    assert create.student_id == vasya.pk and create.assignment_id == small_school.maths_5a.pk


def test_a_late_term_mark_is_flagged(teacher, small_school, q2, vasya, time_machine):
    time_machine.move_to(at(dt.date(2027, 1, 2)), tick=False)
    final = set_final_mark(teacher, small_school.maths_5a, vasya, "period", q2, "4")
    assert final.late_days == 3  # due two days after 28 December


def test_term_mark_rules(teacher, small_school, vasya, class_teacher, children):
    year = small_school.year
    with pytest.raises(JournalError, match="ещё не начался"):
        set_final_mark(teacher, small_school.maths_5a, vasya, "period", quarter(year, 3), "5")
    half = StudyPeriod.objects.get(year=year, kind="half", number=1)
    with pytest.raises(JournalError, match="период этого класса"):
        set_final_mark(teacher, small_school.maths_5a, vasya, "period", half, "5")
    with pytest.raises(JournalError, match="период этого класса"):
        set_final_mark(teacher, small_school.maths_5a, vasya, "period", None, "5")
    with pytest.raises(JournalError, match="итоговой отметки нет"):
        set_final_mark(teacher, small_school.maths_5a, vasya, "year", None, "7")
    with pytest.raises(JournalError, match="В 1 классе"):
        set_final_mark(class_teacher, small_school.reading_1a, children[1], "year", None, "5")
    assert not FinalMark.objects.exists()


def test_not_certified_and_pass_fail(teacher, small_school, q2, vasya):
    assert set_final_mark(teacher, small_school.maths_5a, vasya, "period", q2, "н/а").value == "н/а"
    small_school.maths.is_elective = True
    small_school.maths.save()
    assert set_final_mark(teacher, small_school.maths_5a, vasya, "year", None, "зач").value == "зач"


def test_the_year_mark_is_recommended_from_the_term_marks(teacher, small_school, vasya):
    for number, value in ((1, "5"), (2, "4")):
        FinalMark.objects.create(assignment=small_school.maths_5a, student=vasya, kind="period",
                                 period=quarter(small_school.year, number), value=value)
    rec = year_recommendation(small_school.maths_5a, vasya)
    assert (rec.average, rec.mark) == (Decimal("4.50"), 5)
    final = set_final_mark(teacher, small_school.maths_5a, vasya, "year", None, "5")
    assert final.recommended == Decimal("4.50") and final.period is None


def test_a_stale_term_mark_is_refused(teacher, deputy, small_school, q2, vasya):
    set_final_mark(deputy, small_school.maths_5a, vasya, "period", q2, "4", reason="исправление")
    with pytest.raises(ConflictError) as conflict:
        set_final_mark(teacher, small_school.maths_5a, vasya, "period", q2, "5",
                       expected_version=0)
    assert conflict.value.current.value == "4"


def test_the_deputy_director_corrects_with_a_reason(deputy, small_school, q2, vasya):
    with pytest.raises(JournalError, match="причину"):
        set_final_mark(deputy, small_school.maths_5a, vasya, "period", q2, "4")
    set_final_mark(deputy, small_school.maths_5a, vasya, "period", q2, "4", reason="приказ № 12")
    assert history_of("final_mark")[0].reason == "приказ № 12"


@pytest.mark.parametrize("who", ["class_teacher", "director", "parent", "substitute"])
def test_others_cannot_set_term_marks(request, small_school, q2, vasya, who):
    with pytest.raises(NotAllowed):
        set_final_mark(request.getfixturevalue(who), small_school.maths_5a, vasya, "period", q2,
                       "5")


def test_a_student_of_another_class_gets_no_term_mark(teacher, small_school, q2, outsider_child):
    with pytest.raises(JournalError, match="не учился в 5А"):
        set_final_mark(teacher, small_school.maths_5a, outsider_child, "period", q2, "5")
