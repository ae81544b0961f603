from __future__ import annotations

import pytest

from journal.models import Absence, Mark
from journal.rules import ConflictError, JournalError, NeedsExplanation, NotAllowed
from journal.services.absences import set_absence_reason
from journal.services.cells import set_cell
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


def test_an_absence_is_recorded_and_changed_with_history(teacher, lesson, vasya):
    cell = set_cell(teacher, lesson, vasya, "н", expected_version="")
    again = set_cell(teacher, lesson, vasya, "оп7", expected_version=cell.version).absence
    assert again.pk == cell.absence.pk
    assert (again.kind, again.minutes_late, again.version) == ("late", 7, 2)
    create, update = history_of("absence")
    assert (create.action, update.action) == ("create", "update")
    assert (update.old["kind"], update.new["kind"], update.new["minutes_late"]) == (
        "absent", "late", 7)


def test_a_stale_absence_save_is_refused(teacher, lesson, vasya):
    set_cell(teacher, lesson, vasya, "н")
    with pytest.raises(ConflictError) as conflict:
        set_cell(teacher, lesson, vasya, "б", expected_version="")
    assert conflict.value.current.absence.kind == "absent"
    assert Absence.objects.get().kind == "absent"


def test_absences_follow_the_rules(teacher, small_school, lesson, vasya, outsider_child):
    with pytest.raises(JournalError, match="ещё не прошёл"):
        set_cell(teacher, make_lesson(small_school.maths_5a, NEXT_WEEK), vasya, "н")
    # Minutes belong to lateness only: "н5" is no entry the journal knows.
    with pytest.raises(JournalError, match="допустимы 5, 4, 3, 2, 1, н, б, у, оп"):
        set_cell(teacher, lesson, vasya, "н5")
    with pytest.raises(JournalError, match="допустимы 5, 4, 3, 2, 1, н, б, у, оп"):
        set_cell(teacher, lesson, vasya, "away")
    with pytest.raises(JournalError, match="не числится"):
        set_cell(teacher, lesson, outsider_child, "н")
    assert not Absence.objects.exists()


def test_an_absence_over_a_mark_explains_the_mark(teacher, lesson, vasya):
    Mark.objects.create(lesson=lesson, student=vasya, value="5")
    with pytest.raises(NeedsExplanation, match="с пояснением"):
        set_cell(teacher, lesson, vasya, "б")
    assert not Absence.objects.exists()
    set_cell(teacher, lesson, vasya, "б", over_absence_note="Сдал реферат")
    assert Mark.objects.get().over_absence_note == "Сдал реферат"
    assert history_of("mark", action="update")[0].new["over_absence_note"] == "Сдал реферат"


def test_clearing_an_absence_leaves_a_history_row(teacher, lesson, vasya):
    cell = set_cell(teacher, lesson, vasya, "н")
    set_cell(teacher, lesson, vasya, "", expected_version=cell.version)
    assert not Absence.objects.exists()
    assert history_of("absence", action="delete")[0].old["kind"] == "absent"


def test_the_class_teacher_sets_the_reason_from_a_document(teacher, class_teacher, small_school,
                                                           vasya):
    old = make_lesson(small_school.maths_5a, LAST_WEEK)
    absence = set_cell(teacher, old, vasya, "н").absence
    assert absence.late_days == 6
    small_school.school.lock_after_days = 3
    small_school.school.save()
    # Documents arrive after the illness: the lock does not close absence reasons.
    corrected = set_absence_reason(class_teacher, absence, kind="ill",
                                   document="Справка № 17 от 13.11.2026", expected_version=1)
    assert (corrected.kind, corrected.reason, corrected.entered_by) == (
        "ill", "Справка № 17 от 13.11.2026", class_teacher)
    assert corrected.late_days == 6  # still the teacher's lateness
    row = history_of("absence", action="update")[0]
    assert (row.user, row.old["kind"], row.new["kind"]) == (class_teacher, "absent", "ill")


def test_the_class_teacher_cannot_do_more(teacher, class_teacher, lesson, vasya):
    late = set_cell(teacher, lesson, vasya, "оп5").absence
    with pytest.raises(JournalError, match="Опоздание не пропуск"):
        set_absence_reason(class_teacher, late, kind="ill")
    with pytest.raises(NotAllowed, match="только уточнять пропуски"):
        set_cell(class_teacher, lesson, vasya, "н")
    with pytest.raises(NotAllowed):
        set_cell(class_teacher, lesson, vasya, "")
    assert list(Absence.objects.values_list("kind", "minutes_late")) == [("late", 5)]
    absent = set_cell(teacher, lesson, vasya, "н").absence
    with pytest.raises(JournalError, match="Причина пропуска"):
        set_absence_reason(class_teacher, absent, kind="late")


def test_a_class_teacher_of_another_class_is_refused(small_school, class_teacher, outsider_child,
                                                     substitute):
    foreign = make_lesson(small_school.maths_5b)
    absence = Absence.objects.create(lesson=foreign, student=outsider_child, kind="absent")
    with pytest.raises(NotAllowed, match="Нет доступа"):
        set_absence_reason(class_teacher, absence, kind="ill")
    with pytest.raises(NotAllowed):
        set_absence_reason(substitute, absence, kind="ill")


def test_parents_cannot_excuse_absences(parent, teacher, lesson, vasya):
    absence = set_cell(teacher, lesson, vasya, "н").absence
    with pytest.raises(NotAllowed):
        set_absence_reason(parent, absence, kind="excused", document="Записка мамы")
    assert Absence.objects.get().kind == "absent"
