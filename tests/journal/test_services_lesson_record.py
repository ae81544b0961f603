from __future__ import annotations

import pytest

from journal.models import AssessmentType, Lesson
from journal.rules import ConflictError, JournalError, NotAllowed
from journal.services.cells import set_cell
from journal.services.final_marks import set_final_mark
from journal.services.lesson_record import assign_substitute, save_lesson_record
from tests.conftest import make_user
from tests.journal.journal_setup import LAST_WEEK, NEXT_WEEK, TODAY, at, history_of, make_lesson


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture
def lesson(small_school):
    return make_lesson(small_school.maths_5a)


def test_the_lesson_record_is_saved_with_history(teacher, lesson):
    control = AssessmentType.objects.get(name="Контрольная работа")
    saved = save_lesson_record(teacher, lesson, topic="  Сложение   дробей ", is_held=True,
                               assessment_type=control, expected_version=1)
    assert (saved.topic, saved.is_held, saved.assessment_type, saved.version) == (
        "Сложение дробей", True, control, 2)
    assert (saved.entered_by, saved.late_days) == (teacher, 0)
    [row] = history_of("lesson")
    assert (row.action, row.old["topic"], row.new["topic"], row.new["is_held"]) == (
        "update", "", "Сложение дробей", True)


def test_topics_may_be_planned_but_a_lesson_is_held_from_its_day(teacher, small_school):
    future = make_lesson(small_school.maths_5a, NEXT_WEEK)
    assert save_lesson_record(teacher, future, topic="Вычитание дробей").topic == "Вычитание дробей"
    with pytest.raises(JournalError, match="ещё не прошёл"):
        save_lesson_record(teacher, future, is_held=True)
    assert not Lesson.objects.get(pk=future.pk).is_held


def test_a_late_lesson_record_is_flagged(teacher, small_school):
    old = make_lesson(small_school.maths_5a, LAST_WEEK)
    assert save_lesson_record(teacher, old, topic="Дроби", is_held=True).late_days == 6


def test_a_stale_lesson_record_is_refused(teacher, deputy, lesson):
    save_lesson_record(deputy, lesson, topic="Дроби", reason="тема из КТП")
    with pytest.raises(ConflictError) as conflict:
        save_lesson_record(teacher, lesson, topic="Проценты", expected_version=1)
    assert conflict.value.current.topic == "Дроби"
    assert Lesson.objects.get(pk=lesson.pk).topic == "Дроби"


def test_the_lesson_record_follows_the_lock(teacher, deputy, small_school):
    small_school.school.lock_after_days = 2
    small_school.school.save()
    old = make_lesson(small_school.maths_5a, LAST_WEEK)
    with pytest.raises(NotAllowed, match="закрыты"):
        save_lesson_record(teacher, old, topic="Дроби")
    save_lesson_record(deputy, old, topic="Дроби", reason="по заявлению учителя")


@pytest.mark.parametrize("who", ["class_teacher", "director", "parent", "substitute"])
def test_others_cannot_write_the_lesson_record(request, lesson, who):
    with pytest.raises(NotAllowed):
        save_lesson_record(request.getfixturevalue(who), lesson, topic="Чужая тема")


def test_the_deputy_director_assigns_a_substitute(deputy, substitute, teacher, lesson):
    saved = assign_substitute(deputy, lesson, substitute, "Болезнь учителя")
    assert (saved.substitute, saved.substitute_reason, saved.teacher) == (
        substitute, "Болезнь учителя", substitute)
    [row] = history_of("lesson")
    assert (row.user, row.reason, row.new["substitute_id"]) == (
        deputy, "Болезнь учителя", substitute.pk)
    cancelled = assign_substitute(deputy, lesson, None)
    assert cancelled.substitute is None and cancelled.teacher == teacher
    assert history_of("lesson")[-1].reason == "замена отменена"


def test_the_administrator_may_assign_but_a_teacher_may_not(administrator, teacher, substitute,
                                                            class_teacher, lesson):
    assign_substitute(administrator, lesson, substitute, "Курсы повышения квалификации")
    for user in (teacher, class_teacher):
        with pytest.raises(NotAllowed, match="Замену назначает"):
            assign_substitute(user, lesson, class_teacher, "Сам себе")


def test_a_substitution_needs_a_reason_and_a_free_colleague(deputy, substitute, teacher,
                                                            small_school, lesson):
    with pytest.raises(JournalError, match="причину замены"):
        assign_substitute(deputy, lesson, substitute, "")
    with pytest.raises(JournalError, match="замена не нужна"):
        assign_substitute(deputy, lesson, teacher, "Болезнь")
    with pytest.raises(JournalError, match="сотрудник школы"):
        assign_substitute(deputy, lesson, make_user("gost", "Гостев", "Иван"), "Болезнь")
    busy = make_lesson(small_school.maths_5b)
    assign_substitute(deputy, busy, substitute, "Болезнь")
    with pytest.raises(JournalError, match="в это время ведёт урок: 5Б Математика"):
        assign_substitute(deputy, lesson, substitute, "Болезнь")


def test_the_substitute_fills_that_lesson_only(deputy, substitute, small_school, children,
                                               lesson):
    vasya = children[0]
    assign_substitute(deputy, lesson, substitute, "Болезнь учителя")
    save_lesson_record(substitute, lesson, topic="Проценты", is_held=True)
    set_cell(substitute, lesson, vasya, "5")
    other = make_lesson(small_school.maths_5a, LAST_WEEK)
    with pytest.raises(NotAllowed):
        save_lesson_record(substitute, other, topic="Проценты")
    with pytest.raises(NotAllowed):
        set_final_mark(substitute, small_school.maths_5a, vasya, "year", None, "5")
    assert history_of("lesson")[-1].user == substitute
