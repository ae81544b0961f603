"""The year rollover's planning: what the wizard proposes (classes one grade up with their class
teachers, the next year's dates, a decision per student that never promotes a «2» ordinarily),
what step 1 finds, and every bad input of the issue refused in Russian with nothing written."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
import time_machine

from accounts.models import Student
from journal.models import (
    AcademicYear,
    ClassListConfirmation,
    Enrolment,
    FinalMark,
    Lesson,
    Remark,
    SchoolClass,
    StudyPeriod,
    YearRollover,
)
from journal.queries.rollover import (
    END,
    NEW,
    PROMOTE,
    ClassPlan,
    Plan,
    StudentPlan,
    checks,
    propose_classes,
    propose_next_year,
    propose_plan,
    validate,
    year_mark_problems,
)
from tests.conftest import built_once
from tests.journal.rollover_setup import (
    NEW_START,
    NOW,
    Kind,
    build_rollover_school,
    ready_plan,
)

built = built_once(build_rollover_school, NOW)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _late_august():
    with time_machine.travel(NOW, tick=False):
        yield


def decision_of(plan: Plan, student: Student) -> StudentPlan:
    (row,) = [row for row in plan.students if row.student_id == student.pk]
    return row


def class_plan(plans: list[ClassPlan], school_class: SchoolClass) -> ClassPlan:
    (row,) = [row for row in plans if row.source_class_id == school_class.pk]
    return row


# Proposals ------------------------------------------------------------------------------------

def test_classes_go_one_grade_up_with_their_class_teacher_and_the_last_grades_end(built):
    small = built.small
    plans = propose_classes(built.year)

    assert class_plan(plans, small.class_5a) == ClassPlan(
        small.class_5a.pk, 6, "А", small.class_5a.class_teacher_id, PROMOTE)
    assert small.class_5a.class_teacher_id is not None
    assert class_plan(plans, built.class_4a).key == "5А"
    assert class_plan(plans, small.class_10a).key == "11А"
    assert class_plan(plans, built.class_11a).action == END
    assert class_plan(plans, built.class_9a).action == END
    assert [(p.grade, p.letter, p.class_teacher_id) for p in plans if p.action == NEW] == [
        (1, "А", None), (10, "А", None)]


def test_students_are_promoted_complete_into_the_10th_and_graduate(built):
    plan = propose_plan(built.year)

    assert decision_of(plan, built.petrov) == StudentPlan(
        built.petrov.pk, built.small.class_5a.pk, Kind.PROMOTE, "6А", [], "", False)
    assert (decision_of(plan, built.chetverkin).kind,
            decision_of(plan, built.chetverkin).to_class_key) == (Kind.PROMOTE, "5А")
    assert (decision_of(plan, built.devyatov).kind,
            decision_of(plan, built.devyatov).to_class_key) == (Kind.COMPLETE, "10А")
    assert (decision_of(plan, built.vypusknik).kind,
            decision_of(plan, built.vypusknik).to_class_key) == (Kind.GRADUATE, None)
    assert decision_of(plan, built.pervoklassnik).to_class_key == "2А"
    assert len(plan.students) == 9


def test_a_student_with_a_two_or_not_certified_is_never_proposed_for_ordinary_promotion(built):
    small = built.small
    plan = propose_plan(built.year)

    assert year_mark_problems(built.year) == {built.dvoikin.pk: [small.maths.pk],
                                              built.neattestov.pk: [small.russian.pk]}
    for student, subject in ((built.dvoikin, small.maths), (built.neattestov, small.russian)):
        row = decision_of(plan, student)
        assert row.kind == Kind.CONDITIONAL
        assert (row.to_class_key, row.debts, row.needs_choice) == ("6А", [subject.pk], True)
    assert not any(row.kind == Kind.PROMOTE and row.needs_choice for row in plan.students)


def test_a_failing_student_of_a_9th_class_is_proposed_to_repeat_it(built):
    FinalMark.objects.filter(student=built.devyatov, kind=FinalMark.Kind.YEAR).update(value="2")
    plan = propose_plan(built.year)

    row = decision_of(plan, built.devyatov)
    assert (row.kind, row.needs_choice) == (Kind.REPEAT, True)
    # No 8th class this year, so no new 9А: the administrator has to choose.
    assert row.to_class_key is None
    assert "укажите класс нового года (9-й класс)" in " ".join(
        validate(replace(ready_plan(built), students=plan.students), 4)[
            f"students.{built.devyatov.pk}"])


def test_the_next_year_has_the_dates_a_year_later_keeping_the_weekdays_of_terms(built):
    year = propose_next_year(built.year)

    assert (year.name, year.starts_on, year.ends_on) == (
        "2027/2028", NEW_START, dt.date(2028, 8, 31))
    quarters = [(p.number, p.starts_on, p.ends_on) for p in year.periods if p.kind == "quarter"]
    assert quarters[0] == (1, NEW_START, dt.date(2027, 10, 23))       # was Sat 24.10.2026
    assert quarters[1][1] == dt.date(2027, 11, 4)                       # was Thu 05.11.2026
    assert quarters[1][1].weekday() == dt.date(2026, 11, 5).weekday()
    assert {(p.grade_from, p.grade_to) for p in year.periods} == {(1, 9), (10, 11)}
    # A public holiday keeps its date.
    assert [(h.name, h.starts_on) for h in year.holidays] == [
        ("День народного единства", dt.date(2027, 11, 4))]


def test_the_plan_survives_the_session(built):
    plan = ready_plan(built)

    again = Plan.from_json(plan.to_json())

    assert again == plan
    assert isinstance(again.next_year.periods[0].starts_on, dt.date)


# Step 1 --------------------------------------------------------------------------------------

def test_a_journal_without_year_marks_is_an_error_that_links_to_its_grid(built):
    small = built.small
    FinalMark.objects.filter(assignment=small.maths_5a, student=built.petrov,
                             kind=FinalMark.Kind.YEAR).delete()

    errors = [f for f in checks(built.year) if f.is_error]

    assert [(f.code, f.count, f.url) for f in errors] == [
        ("year_marks", 1, f"/journal/{small.maths_5a.pk}/?view=year")]
    assert errors[0].text.startswith("5А Математика, Матвеева О. И.: нет годовой отметки у "
                                     "обучающихся — 1 (Петров Иван)")
    assert validate(ready_plan(built), 1)["checks"] == [errors[0].text]


def test_missing_term_marks_of_the_last_period_are_an_error_once_their_deadline_passed(built):
    small = built.small
    FinalMark.objects.filter(assignment=small.russian_5a, kind=FinalMark.Kind.PERIOD).delete()

    (error,) = [f for f in checks(built.year) if f.is_error]

    last_quarter = StudyPeriod.objects.get(year=built.year, kind="quarter", number=4)
    assert (error.code, error.count) == ("term_marks", 3)
    assert "нет отметки за 4-я четверть у обучающихся — 3 (срок истёк 28.05.2027" in error.text
    assert error.url == f"/journal/{small.russian_5a.pk}/?period={last_quarter.pk}"
    # Before the deadline it is not asked for yet.
    assert not [f for f in checks(built.year, today=dt.date(2027, 5, 27)) if f.is_error]


def test_warnings_may_be_passed_once_read(built):
    small = built.small
    Remark.objects.create(school=small.school, author=built.deputy,
                          addressee=small.maths_5a.teacher, assignment=small.maths_5a,
                          text="Темы уроков", due_on=dt.date(2027, 5, 30))
    Lesson.objects.create(assignment=small.maths_5a, date=dt.date(2027, 5, 20), number=1,
                          topic="  ", is_held=True)

    findings = checks(built.year)

    assert not [f for f in findings if f.is_error]
    assert {f.code: f.count for f in findings} == {
        "open_remarks": 1, "no_topics": 1, "open_journals": 8, "needs_choice": 2}
    assert next(f for f in findings if f.code == "open_remarks").url == "/journal/remarks/"
    assert "станут доступны только для просмотра" in next(
        f.text for f in findings if f.code == "open_journals")
    plan = ready_plan(built)
    assert validate(replace(plan, warnings_accepted=False), 1) == {"warnings_accepted": [
        "Прочитайте предупреждения и отметьте «Продолжить, несмотря на предупреждения»."]}
    assert validate(plan, 1) == {}


# Bad input -----------------------------------------------------------------------------------

@pytest.fixture
def nothing_written(built):
    counts = (AcademicYear.objects.count(), SchoolClass.objects.count(),
              Enrolment.objects.count(), YearRollover.objects.count())
    yield
    assert (AcademicYear.objects.count(), SchoolClass.objects.count(),
            Enrolment.objects.count(), YearRollover.objects.count()) == counts


def test_a_ready_plan_passes_every_step(built, nothing_written):
    plan = ready_plan(built)

    assert [validate(plan, step) for step in (1, 2, 3, 4, 5)] == [{}, {}, {}, {}, {}]


def test_the_order_needs_its_number_and_a_date_within_the_year(built, nothing_written):
    plan = ready_plan(built)

    assert validate(replace(plan, order_number="  ", order_date=None), 4) == {
        "order_number": ["Укажите номер приказа о переводе обучающихся."],
        "order_date": ["Укажите дату приказа о переводе обучающихся."]}
    assert validate(replace(plan, order_date=dt.date(2027, 9, 2)), 4) == {"order_date": [
        "Дата приказа 02.09.2027 вне закрываемого учебного года (01.09.2026–31.08.2027)."]}


def test_a_student_with_two_decisions_is_refused(built, nothing_written):
    plan = ready_plan(built)
    twice = replace(decision_of(plan, built.petrov), kind=Kind.TRANSFER_OUT, to_class_key=None)

    errors = validate(replace(plan, students=[*plan.students, twice]), 4)

    assert errors == {f"students.{built.petrov.pk}": [
        "Петров Иван: решение указано дважды — у обучающегося может быть только одно решение."]}


def test_a_class_cannot_be_promoted_into_a_grade_that_already_has_its_letter(built,
                                                                         nothing_written):
    plan = ready_plan(built)
    index = next(i for i, row in enumerate(plan.classes)
                 if row.source_class_id == built.small.class_5b.pk)
    plan.classes[index] = replace(plan.classes[index], letter="а")

    assert validate(plan, 3) == {f"classes.{index}": [
        "Класс 6А в новом году уже есть (из 5А): класс 5Б нельзя сделать 6А. "
        "Выберите другую литеру."]}


def test_a_class_is_promoted_only_into_the_next_grade_and_none_is_left_out(built,
                                                                         nothing_written):
    plan = ready_plan(built)
    index = next(i for i, row in enumerate(plan.classes)
                 if row.source_class_id == built.small.class_5b.pk)
    missing = replace(plan, classes=[row for row in plan.classes
                                     if row.source_class_id != built.class_9a.pk])
    plan.classes[index] = replace(plan.classes[index], grade=7)

    assert validate(plan, 3) == {f"classes.{index}": [
        "Класс 5Б переводится в 6-й класс, а не в 7-й."]}
    assert validate(missing, 3) == {"classes": ["Не указано, что будет с классами: 9А."]}


def test_a_year_whose_dates_overlap_the_old_one_is_refused(built, nothing_written):
    plan = ready_plan(built)
    plan.next_year.starts_on = dt.date(2027, 8, 30)

    assert validate(plan, 2) == {"starts_on": [
        "Новый учебный год начинается 30.08.2027, а закрываемый 2026/2027 заканчивается "
        "31.08.2027: годы не должны пересекаться."]}


def test_periods_and_holidays_must_lie_in_the_new_year(built, nothing_written):
    plan = ready_plan(built)
    plan.next_year.periods[0].starts_on = dt.date(2027, 8, 20)
    plan.next_year.holidays[0].name = ""

    assert validate(plan, 2) == {
        "periods.0": ["Период 20.08.2027–23.10.2027 выходит за границы нового учебного года "
                      "(01.09.2027–31.08.2028)."],
        "holidays.0": ["Укажите название каникул или праздника."]}


def test_repeating_needs_a_class_of_the_same_grade_in_the_new_year(built, nothing_written):
    plan = ready_plan(built)
    row = decision_of(plan, built.dvoikin)
    row.to_class_key = "5Б"

    assert validate(plan, 4) == {f"students.{built.dvoikin.pk}": [
        "Двойкин Иван: в новом году нет класса 5Б для повторного обучения: выберите класс "
        "5-й параллели или добавьте его на шаге «Классы»."]}
    row.to_class_key = "6А"
    assert validate(plan, 4) == {f"students.{built.dvoikin.pk}": [
        "Двойкин Иван: при решении «оставлен на повторное обучение» из 5А класса переводят в "
        "5-й класс, а не в 6А."]}


def test_a_conditional_promotion_names_its_debts_and_no_student_is_forgotten(built,
                                                                           nothing_written):
    plan = ready_plan(built)
    decision_of(plan, built.neattestov).debts = []
    forgotten = replace(plan, students=[row for row in plan.students
                                        if row.student_id != built.vypusknik.pk])

    assert validate(plan, 4) == {f"students.{built.neattestov.pk}": [
        "Неаттестов Иван: при условном переводе укажите предметы академической "
        "задолженности."]}
    assert validate(forgotten, 4)["students"] == [
        "Нет решения для обучающихся: 1 (Выпускник Иван, 11А)."]


def test_a_closed_year_is_not_planned_again(built, nothing_written):
    plan = ready_plan(built)
    AcademicYear.objects.filter(pk=built.year.pk).update(closed_at=NOW)

    assert validate(plan, 3) == {"year": [
        "Учебный год 2026/2027 уже закрыт: переход на новый год из него проведён, повторить "
        "его нельзя."]}
    AcademicYear.objects.filter(pk=built.year.pk).update(closed_at=None)


def test_where_the_school_asks_for_it_every_class_list_must_be_confirmed(built,
                                                                        nothing_written):
    school = built.small.school
    school.class_teachers_confirm_lists = True
    school.save(update_fields=["class_teachers_confirm_lists"])
    plan = ready_plan(built)

    assert validate(plan, 4) == {"students": [
        "Классные руководители не подтвердили списки классов: 1А, 4А, 5А, 5Б, 9А, 10А, 11А. "
        "Школа проводит переход только после их подтверждения."]}
    proposed = propose_plan(built.year).students
    for school_class in SchoolClass.objects.filter(year=built.year):
        ClassListConfirmation.objects.create(
            school_class=school_class, by=built.administrator,
            students={str(row.student_id): row.kind for row in proposed
                      if row.from_class_id == school_class.pk})
    assert validate(plan, 4) == {}
