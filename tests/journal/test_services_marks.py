from __future__ import annotations

import datetime as dt

import pytest

from journal.models import Absence, AssessmentType, Mark, School
from journal.rules import ConflictError, JournalError, NotAllowed
from journal.services.marks import change_mark, delete_mark, record_mark
from tests.journal.journal_setup import LAST_WEEK, NEXT_WEEK, TODAY, at, history_of, make_lesson


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture
def vasya(children):
    return children[0]


@pytest.fixture
def lesson(small_school):
    return make_lesson(small_school.maths_5a)


@pytest.fixture
def control():
    return AssessmentType.objects.get(name="Контрольная работа")


def test_a_mark_is_recorded_with_its_type_and_comment(teacher, lesson, vasya, control):
    mark = record_mark(teacher, lesson, vasya, 5, assessment_type=control, comment="Без ошибок")
    assert (mark.value, mark.assessment_type, mark.comment, mark.version) == (
        "5", control, "Без ошибок", 1)
    [row] = history_of("mark")
    assert row.action == "create" and row.new["assessment_type_id"] == control.pk


def test_a_cell_holds_at_most_three_marks(teacher, lesson, vasya):
    for value in "543":
        record_mark(teacher, lesson, vasya, value)
    with pytest.raises(JournalError, match="не больше 3"):
        record_mark(teacher, lesson, vasya, "2")


def test_marks_follow_the_rules(teacher, small_school, lesson, vasya, class_teacher, children):
    with pytest.raises(JournalError, match="такой отметки нет"):
        record_mark(teacher, lesson, vasya, "6")
    with pytest.raises(JournalError, match="ещё не прошёл"):
        record_mark(teacher, make_lesson(small_school.maths_5a, NEXT_WEEK), vasya, "5")
    with pytest.raises(JournalError, match="В 1 классе"):
        record_mark(class_teacher, make_lesson(small_school.reading_1a), children[1], "5")
    other_school = School.objects.create(name="Школа № 8", short_name="Школа № 8")
    foreign_type = AssessmentType.objects.create(school=other_school, name="Зачёт")
    with pytest.raises(JournalError, match="вида контроля нет"):
        record_mark(teacher, lesson, vasya, "5", assessment_type=foreign_type)
    assert not Mark.objects.exists()


def test_a_mark_over_an_absence_keeps_its_explanation(teacher, lesson, vasya):
    Absence.objects.create(lesson=lesson, student=vasya, kind="ill")
    with pytest.raises(JournalError, match="с пояснением"):
        record_mark(teacher, lesson, vasya, "5")
    mark = record_mark(teacher, lesson, vasya, "5", over_absence_note="Написал после болезни")
    assert mark.over_absence_note == "Написал после болезни"
    with pytest.raises(JournalError, match="с пояснением"):
        change_mark(teacher, mark, over_absence_note="")


def test_a_change_records_old_and_new_values(teacher, lesson, vasya, control):
    mark = record_mark(teacher, lesson, vasya, "4")
    changed = change_mark(teacher, mark, value="5", assessment_type=control,
                          expected_version=1, reason="перепроверил работу")
    assert (changed.value, changed.version) == ("5", 2)
    update = history_of("mark", action="update")[0]
    assert (update.old["value"], update.new["value"], update.reason) == (
        "4", "5", "перепроверил работу")


def test_a_stale_change_is_refused_and_changes_nothing(teacher, deputy, lesson, vasya):
    mark = record_mark(teacher, lesson, vasya, "4")
    change_mark(deputy, mark, value="3", expected_version=1, reason="исправление")
    with pytest.raises(ConflictError) as conflict:
        change_mark(teacher, mark, value="5", expected_version=1)
    assert (conflict.value.current.value, conflict.value.version) == ("3", 2)
    assert Mark.objects.get().value == "3"


def test_a_deleted_mark_cannot_be_changed(teacher, lesson, vasya):
    mark = record_mark(teacher, lesson, vasya, "4")
    delete_mark(teacher, mark, expected_version=1)
    with pytest.raises(ConflictError, match="удалил") as conflict:
        change_mark(teacher, mark, value="5")
    assert conflict.value.current is None
    [row] = history_of("mark", action="delete")
    assert (row.old["value"], row.user) == ("4", teacher)


def test_a_late_written_mark_is_flagged(teacher, small_school, vasya, control, time_machine):
    old = make_lesson(small_school.maths_5a, LAST_WEEK)
    mark = record_mark(teacher, old, vasya, "5", assessment_type=control)
    assert mark.late_days == 0  # a written work has a week
    time_machine.move_to(at(LAST_WEEK + dt.timedelta(days=9)), tick=False)
    assert change_mark(teacher, mark, value="4").late_days == 2


def test_a_deputy_correction_keeps_the_teachers_lateness(teacher, deputy, small_school, vasya):
    old = make_lesson(small_school.maths_5a, LAST_WEEK)
    mark = record_mark(teacher, old, vasya, "5")
    assert mark.late_days == 6
    with pytest.raises(JournalError, match="причину"):
        change_mark(deputy, mark, value="4")
    corrected = change_mark(deputy, mark, value="4", reason="ошибка при переносе")
    assert (corrected.late_days, corrected.entered_by) == (6, deputy)


@pytest.mark.parametrize("who", ["class_teacher", "director", "parent", "substitute"])
def test_others_cannot_record_change_or_delete_marks(request, teacher, lesson, vasya, who):
    user = request.getfixturevalue(who)
    mark = record_mark(teacher, lesson, vasya, "4")
    with pytest.raises(NotAllowed):
        record_mark(user, lesson, vasya, "5")
    with pytest.raises(NotAllowed):
        change_mark(user, mark, value="5")
    with pytest.raises(NotAllowed):
        delete_mark(user, mark)
    assert list(Mark.objects.values_list("value", flat=True)) == ["4"]


def test_the_class_teacher_is_told_what_they_may_do(teacher, class_teacher, lesson, vasya):
    mark = record_mark(teacher, lesson, vasya, "4")
    with pytest.raises(NotAllowed, match="только уточнять пропуски"):
        change_mark(class_teacher, mark, value="5")


def test_a_teacher_of_another_journal_is_refused(small_school, teacher, outsider_child):
    foreign = make_lesson(small_school.maths_5b)
    with pytest.raises(NotAllowed, match="Нет доступа"):
        record_mark(teacher, foreign, outsider_child, "5")
