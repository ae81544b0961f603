from __future__ import annotations

import pytest

from journal.models import Absence, Mark
from journal.rules import ConflictError, JournalError, NotAllowed
from journal.services.absences import clear_absence, record_absence, set_absence_reason
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
    absence = record_absence(teacher, lesson, vasya, "absent", expected_version=0)
    again = record_absence(teacher, lesson, vasya, "late", minutes_late=7, expected_version=1)
    assert again.pk == absence.pk
    assert (again.kind, again.minutes_late, again.version) == ("late", 7, 2)
    create, update = history_of("absence")
    assert (create.action, update.action) == ("create", "update")
    assert (update.old["kind"], update.new["kind"], update.new["minutes_late"]) == (
        "absent", "late", 7)


def test_a_stale_absence_save_is_refused(teacher, lesson, vasya):
    record_absence(teacher, lesson, vasya, "absent")
    with pytest.raises(ConflictError) as conflict:
        record_absence(teacher, lesson, vasya, "ill", expected_version=0)
    assert conflict.value.current.kind == "absent"
    assert Absence.objects.get().kind == "absent"


def test_absences_follow_the_rules(teacher, small_school, lesson, vasya, outsider_child):
    with pytest.raises(JournalError, match="ещё не прошёл"):
        record_absence(teacher, make_lesson(small_school.maths_5a, NEXT_WEEK), vasya, "absent")
    with pytest.raises(JournalError, match="только для опоздания"):
        record_absence(teacher, lesson, vasya, "absent", minutes_late=5)
    with pytest.raises(JournalError, match="«н», «б», «у» или «оп»"):
        record_absence(teacher, lesson, vasya, "away")
    with pytest.raises(JournalError, match="не числится"):
        record_absence(teacher, lesson, outsider_child, "absent")
    assert not Absence.objects.exists()


def test_an_absence_over_a_mark_explains_the_mark(teacher, lesson, vasya):
    Mark.objects.create(lesson=lesson, student=vasya, value="5")
    with pytest.raises(JournalError, match="с пояснением"):
        record_absence(teacher, lesson, vasya, "ill")
    record_absence(teacher, lesson, vasya, "ill", over_absence_note="Сдал реферат")
    assert Mark.objects.get().over_absence_note == "Сдал реферат"
    assert history_of("mark", action="update")[0].new["over_absence_note"] == "Сдал реферат"


def test_clearing_an_absence_leaves_a_history_row(teacher, lesson, vasya):
    absence = record_absence(teacher, lesson, vasya, "absent")
    clear_absence(teacher, absence, expected_version=1)
    assert not Absence.objects.exists()
    assert history_of("absence", action="delete")[0].old["kind"] == "absent"


def test_the_class_teacher_sets_the_reason_from_a_document(teacher, class_teacher, small_school,
                                                           vasya):
    old = make_lesson(small_school.maths_5a, LAST_WEEK)
    absence = record_absence(teacher, old, vasya, "absent")
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
    late = record_absence(teacher, lesson, vasya, "late", minutes_late=5)
    with pytest.raises(JournalError, match="Опоздание не пропуск"):
        set_absence_reason(class_teacher, late, kind="ill")
    with pytest.raises(NotAllowed, match="только уточнять пропуски"):
        record_absence(class_teacher, lesson, vasya, "absent")
    with pytest.raises(NotAllowed):
        clear_absence(class_teacher, late)
    absent = record_absence(teacher, lesson, vasya, "absent")
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
    absence = record_absence(teacher, lesson, vasya, "absent")
    with pytest.raises(NotAllowed):
        set_absence_reason(parent, absence, kind="excused", document="Записка мамы")
    assert Absence.objects.get().kind == "absent"
