from __future__ import annotations

import pytest

from journal.models import Homework
from journal.rules import ConflictError, JournalError, NotAllowed
from journal.services.homework import set_homework
from tests.journal.journal_setup import LAST_WEEK, NEXT_WEEK, TODAY, at, history_of, make_lesson


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture
def lesson(small_school):
    return make_lesson(small_school.maths_5a)


def test_homework_is_set_changed_and_removed_with_history(teacher, small_school, lesson):
    next_lesson = make_lesson(small_school.maths_5a, NEXT_WEEK)
    homework = set_homework(teacher, lesson, text="№ 214, 215", due_lesson=next_lesson,
                            expected_version=0)
    assert (homework.text, homework.due_lesson, homework.entered_by) == (
        "№ 214, 215", next_lesson, teacher)
    changed = set_homework(teacher, lesson, text="№ 214–216", due_lesson=next_lesson,
                           expected_version=1)
    assert changed.version == 2
    assert set_homework(teacher, lesson, expected_version=2) is None
    assert not Homework.objects.exists()
    create, update, delete = history_of("homework")
    assert (create.action, update.action, delete.action) == ("create", "update", "delete")
    assert (update.old["text"], update.new["text"]) == ("№ 214, 215", "№ 214–216")
    assert delete.old["text"] == "№ 214–216" and delete.lesson_id == lesson.pk


def test_no_homework_is_said_explicitly(teacher, lesson):
    homework = set_homework(teacher, lesson, none=True)
    assert homework.is_none and str(homework) == "не задано"
    with pytest.raises(JournalError, match="либо текст"):
        set_homework(teacher, lesson, text="№ 1", none=True)


def test_homework_may_be_posted_in_advance(teacher, small_school):
    future = make_lesson(small_school.maths_5a, NEXT_WEEK)
    assert set_homework(teacher, future, text="Повторить дроби").late_days == 0


def test_late_homework_is_flagged(teacher, small_school):
    old = make_lesson(small_school.maths_5a, LAST_WEEK)
    assert set_homework(teacher, old, text="№ 200").late_days == 6


def test_homework_is_due_for_a_later_lesson_of_the_same_journal(teacher, small_school, lesson):
    earlier = make_lesson(small_school.maths_5a, LAST_WEEK)
    foreign = make_lesson(small_school.maths_5b, NEXT_WEEK)
    for due in (earlier, foreign, lesson):
        with pytest.raises(JournalError, match="следующих уроков"):
            set_homework(teacher, lesson, text="№ 1", due_lesson=due)


def test_first_grade_has_no_homework(class_teacher, small_school):
    with pytest.raises(JournalError, match="В 1 классе домашние задания не задаются"):
        set_homework(class_teacher, make_lesson(small_school.reading_1a), text="Прочитать сказку")


def test_a_stale_homework_save_is_refused(teacher, deputy, lesson):
    set_homework(deputy, lesson, text="№ 1", reason="по просьбе учителя")
    with pytest.raises(ConflictError) as conflict:
        set_homework(teacher, lesson, text="№ 2", expected_version=0)
    assert conflict.value.current.text == "№ 1"


@pytest.mark.parametrize("who", ["class_teacher", "director", "parent", "substitute"])
def test_others_cannot_set_homework(request, lesson, who):
    with pytest.raises(NotAllowed):
        set_homework(request.getfixturevalue(who), lesson, text="№ 1")
