from __future__ import annotations

import datetime as dt

import pytest

from journal.models import Absence, AssessmentType, Mark, School
from journal.rules import ConflictError, JournalError, NeedsExplanation, NotAllowed
from journal.services.cells import set_cell
from journal.services.marks import change_mark
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


def values(lesson, student) -> list[str]:
    return list(Mark.objects.filter(lesson=lesson, student=student).order_by("pk")
                .values_list("value", flat=True))


def test_a_mark_is_given_its_type_and_comment_in_the_cell_detail(teacher, lesson, vasya,
                                                                 control):
    [mark] = set_cell(teacher, lesson, vasya, "5").marks
    mark = change_mark(teacher, mark, assessment_type=control, comment="Без ошибок")
    assert (mark.value, mark.assessment_type, mark.comment, mark.version) == (
        "5", control, "Без ошибок", 2)
    create, update = history_of("mark")
    assert (create.action, update.action) == ("create", "update")
    assert (update.old["assessment_type_id"], update.new["assessment_type_id"]) == (None,
                                                                                  control.pk)
    assert update.new["comment"] == "Без ошибок"


def test_a_cell_holds_at_most_three_marks(teacher, lesson, vasya):
    set_cell(teacher, lesson, vasya, "5/4/3")
    with pytest.raises(JournalError, match="не больше 3"):
        set_cell(teacher, lesson, vasya, "5/4/3/2")
    assert values(lesson, vasya) == ["5", "4", "3"]


def test_marks_follow_the_rules(teacher, small_school, lesson, vasya, class_teacher, children):
    with pytest.raises(JournalError, match="такой отметки нет"):
        set_cell(teacher, lesson, vasya, "6")
    with pytest.raises(JournalError, match="ещё не прошёл"):
        set_cell(teacher, make_lesson(small_school.maths_5a, NEXT_WEEK), vasya, "5")
    with pytest.raises(JournalError, match="В 1 классе"):
        set_cell(class_teacher, make_lesson(small_school.reading_1a), children[1], "5")
    assert not Mark.objects.exists()
    other_school = School.objects.create(name="Школа № 8", short_name="Школа № 8")
    foreign_type = AssessmentType.objects.create(school=other_school, name="Зачёт")
    [mark] = set_cell(teacher, lesson, vasya, "5").marks
    with pytest.raises(JournalError, match="вида контроля нет"):
        change_mark(teacher, mark, assessment_type=foreign_type)
    assert Mark.objects.get().assessment_type is None


def test_a_mark_over_an_absence_keeps_its_explanation(teacher, lesson, vasya):
    Absence.objects.create(lesson=lesson, student=vasya, kind="ill")
    with pytest.raises(NeedsExplanation, match="с пояснением"):
        set_cell(teacher, lesson, vasya, "5")
    assert not Mark.objects.exists()
    [mark] = set_cell(teacher, lesson, vasya, "5",
                      over_absence_note="Написал после болезни").marks
    assert mark.over_absence_note == "Написал после болезни"
    with pytest.raises(NeedsExplanation, match="с пояснением"):
        change_mark(teacher, mark, over_absence_note="")
    assert Mark.objects.get().over_absence_note == "Написал после болезни"


def test_a_change_records_old_and_new_values(teacher, lesson, vasya, control):
    [mark] = set_cell(teacher, lesson, vasya, "4").marks
    changed = change_mark(teacher, mark, value="5", assessment_type=control,
                          expected_version=1, reason="перепроверил работу")
    assert (changed.value, changed.version) == ("5", 2)
    update = history_of("mark", action="update")[0]
    assert (update.old["value"], update.new["value"], update.reason) == (
        "4", "5", "перепроверил работу")


def test_a_stale_change_is_refused_and_changes_nothing(teacher, deputy, lesson, vasya):
    [mark] = set_cell(teacher, lesson, vasya, "4").marks
    change_mark(deputy, mark, value="3", expected_version=1, reason="исправление")
    with pytest.raises(ConflictError) as conflict:
        change_mark(teacher, mark, value="5", expected_version=1)
    assert (conflict.value.current.value, conflict.value.version) == ("3", 2)
    assert Mark.objects.get().value == "3"


def test_a_deleted_mark_cannot_be_changed(teacher, lesson, vasya):
    cell = set_cell(teacher, lesson, vasya, "4")
    [mark] = cell.marks
    set_cell(teacher, lesson, vasya, "", expected_version=cell.version)
    with pytest.raises(ConflictError, match="удалил") as conflict:
        change_mark(teacher, mark, comment="Ответ у доски")
    assert conflict.value.current is None
    [row] = history_of("mark", action="delete")
    assert (row.old["value"], row.user) == ("4", teacher)


def test_a_late_written_mark_is_flagged(teacher, small_school, vasya, control, time_machine):
    old = make_lesson(small_school.maths_5a, LAST_WEEK)
    [mark] = set_cell(teacher, old, vasya, "5").marks
    assert mark.late_days == 6  # an oral answer is due on the day
    mark = change_mark(teacher, mark, assessment_type=control)
    assert mark.late_days == 0  # a written work has a week
    time_machine.move_to(at(LAST_WEEK + dt.timedelta(days=9)), tick=False)
    [mark] = set_cell(teacher, old, vasya, "4").marks
    assert (mark.value, mark.late_days) == ("4", 2)


def test_a_deputy_correction_keeps_the_teachers_lateness(teacher, deputy, small_school, vasya):
    old = make_lesson(small_school.maths_5a, LAST_WEEK)
    [mark] = set_cell(teacher, old, vasya, "5").marks
    assert mark.late_days == 6
    with pytest.raises(JournalError, match="причину"):
        set_cell(deputy, old, vasya, "4")
    [corrected] = set_cell(deputy, old, vasya, "4", reason="ошибка при переносе").marks
    assert (corrected.pk, corrected.value) == (mark.pk, "4")
    assert (corrected.late_days, corrected.entered_by) == (6, deputy)


@pytest.mark.parametrize("who", ["class_teacher", "director", "parent", "substitute"])
def test_others_cannot_record_change_or_delete_marks(request, teacher, lesson, vasya, who):
    user = request.getfixturevalue(who)
    [mark] = set_cell(teacher, lesson, vasya, "4").marks
    with pytest.raises(NotAllowed):
        set_cell(user, lesson, vasya, "5")
    with pytest.raises(NotAllowed):
        change_mark(user, mark, comment="Ответ у доски")
    with pytest.raises(NotAllowed):
        set_cell(user, lesson, vasya, "")
    assert list(Mark.objects.values_list("value", "comment")) == [("4", "")]


def test_the_class_teacher_is_told_what_they_may_do(teacher, class_teacher, lesson, vasya):
    [mark] = set_cell(teacher, lesson, vasya, "4").marks
    with pytest.raises(NotAllowed, match="только уточнять пропуски"):
        set_cell(class_teacher, lesson, vasya, "5")
    with pytest.raises(NotAllowed, match="только уточнять пропуски"):
        change_mark(class_teacher, mark, comment="Ответ у доски")


def test_a_teacher_of_another_journal_is_refused(small_school, teacher, outsider_child):
    foreign = make_lesson(small_school.maths_5b)
    with pytest.raises(NotAllowed, match="Нет доступа"):
        set_cell(teacher, foreign, outsider_child, "5")
