from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from journal.models import Absence, AssessmentType, Enrolment, Lesson, Mark
from journal.rules import ConflictError, JournalError, NotAllowed
from journal.services.cells import fill_column, set_cell
from tests.conftest import make_student
from tests.journal.journal_setup import (
    LAST_WEEK,
    NEXT_WEEK,
    TODAY,
    at,
    history_of,
    make_lesson,
)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture
def vasya(children):
    return children[0]


@pytest.fixture
def lesson(small_school):
    return make_lesson(small_school.maths_5a)


def values(lesson, student) -> list[str]:
    return list(Mark.objects.filter(lesson=lesson, student=student).order_by("pk")
                .values_list("value", flat=True))


def test_a_typed_mark_is_saved_with_its_history(teacher, lesson, vasya):
    cell = set_cell(teacher, lesson, vasya, "5")
    assert cell.text == "5"
    assert values(lesson, vasya) == ["5"]
    [row] = history_of("mark")
    assert (row.action, row.user, row.new["value"], row.old) == ("create", teacher, "5", None)
    assert (row.lesson_id, row.student_id) == (lesson.pk, vasya.pk)


@pytest.mark.parametrize("typed", ["5 4", "5/4"])
def test_two_marks_in_one_cell_are_two_marks(teacher, lesson, vasya, typed):
    cell = set_cell(teacher, lesson, vasya, typed)
    assert cell.text == "5/4"
    assert values(lesson, vasya) == ["5", "4"]
    assert len(history_of("mark", action="create")) == 2


def test_retyping_a_cell_changes_its_marks_in_place(teacher, lesson, vasya):
    set_cell(teacher, lesson, vasya, "5 4")
    first = Mark.objects.filter(lesson=lesson).order_by("pk").first()
    set_cell(teacher, lesson, vasya, "5/3")
    assert values(lesson, vasya) == ["5", "3"]
    [update] = history_of("mark", action="update")
    assert (update.old["value"], update.new["value"]) == ("4", "3")
    set_cell(teacher, lesson, vasya, "5")
    assert values(lesson, vasya) == ["5"]
    assert Mark.objects.get(lesson=lesson).pk == first.pk
    [delete] = history_of("mark", action="delete")
    assert (delete.old["value"], delete.new) == ("3", None)


def test_retyping_the_same_entry_writes_nothing(teacher, lesson, vasya):
    set_cell(teacher, lesson, vasya, "4 оп")
    set_cell(teacher, lesson, vasya, "4 оп")
    assert len(history_of("mark")) == len(history_of("absence")) == 1


def test_clearing_a_cell_deletes_everything_in_it_with_history(teacher, lesson, vasya):
    set_cell(teacher, lesson, vasya, "4 оп5")
    cell = set_cell(teacher, lesson, vasya, "")
    assert cell.text == "" and cell.version == ""
    assert not Mark.objects.exists() and not Absence.objects.exists()
    assert [r.action for r in history_of("mark")] == ["create", "delete"]
    assert [r.action for r in history_of("absence")] == ["create", "delete"]


@pytest.mark.parametrize(("typed", "kind", "minutes"), [
    ("н", "absent", None), ("б", "ill", None), ("у", "excused", None), ("оп", "late", None),
    ("оп10", "late", 10), ("оп 10", "late", 10),
])
def test_absences_and_lateness(teacher, lesson, vasya, typed, kind, minutes):
    set_cell(teacher, lesson, vasya, typed)
    absence = Absence.objects.get(lesson=lesson, student=vasya)
    assert (absence.kind, absence.minutes_late) == (kind, minutes)
    assert history_of("absence")[0].new["kind"] == kind


def test_lateness_is_bounded_by_the_lessons_bell(teacher, lesson, vasya):
    # The fixture's second lesson runs 9:25–10:10: 45 minutes.
    with pytest.raises(JournalError, match="от 1 до 45 минут"):
        set_cell(teacher, lesson, vasya, "оп46")


def test_a_value_off_the_scale_is_refused_and_nothing_is_saved(teacher, lesson, vasya):
    set_cell(teacher, lesson, vasya, "4")
    with pytest.raises(JournalError) as error:
        set_cell(teacher, lesson, vasya, "7")
    assert "такой отметки нет в шкале школы" in error.value.message
    assert values(lesson, vasya) == ["4"]
    assert len(history_of("mark")) == 1


def test_osv_is_refused(teacher, lesson, vasya):
    with pytest.raises(JournalError, match="„осв.“ ставить нельзя"):
        set_cell(teacher, lesson, vasya, "осв.")


def test_pass_fail_only_in_elective_journals(teacher, lesson, vasya, small_school):
    with pytest.raises(JournalError, match="элективных"):
        set_cell(teacher, lesson, vasya, "зач")
    small_school.maths.is_elective = True
    small_school.maths.save()
    assert set_cell(teacher, lesson, vasya, "зач").text == "зач"


def test_no_marks_or_absences_on_a_future_lesson(teacher, small_school, vasya):
    future = make_lesson(small_school.maths_5a, NEXT_WEEK)
    for typed in ("5", "н"):
        with pytest.raises(JournalError, match="ещё не прошёл"):
            set_cell(teacher, future, vasya, typed)
    assert not Mark.objects.exists() and not Absence.objects.exists()


def test_first_grade_gets_absences_but_no_marks(small_school, class_teacher, children):
    masha = children[1]
    reading = make_lesson(small_school.reading_1a)
    with pytest.raises(JournalError, match="В 1 классе отметки не ставятся"):
        set_cell(class_teacher, reading, masha, "5")
    assert set_cell(class_teacher, reading, masha, "н").text == "н"


def test_a_mark_over_an_absence_needs_an_explanation(teacher, lesson, vasya):
    set_cell(teacher, lesson, vasya, "б")
    with pytest.raises(JournalError, match="с пояснением"):
        set_cell(teacher, lesson, vasya, "5")
    assert not Mark.objects.exists()
    cell = set_cell(teacher, lesson, vasya, "5",
                    over_absence_note="Контрольная написана после болезни 18.11")
    assert cell.text == "5 б"
    mark = Mark.objects.get()
    assert cell.explained == [mark]
    assert mark.over_absence_note == "Контрольная написана после болезни 18.11"
    assert history_of("mark")[0].new["over_absence_note"] == mark.over_absence_note


def test_an_absence_over_a_mark_needs_an_explanation_too(teacher, lesson, vasya):
    set_cell(teacher, lesson, vasya, "4")
    with pytest.raises(JournalError, match="с пояснением"):
        set_cell(teacher, lesson, vasya, "н")
    assert not Absence.objects.exists()
    set_cell(teacher, lesson, vasya, "н", over_absence_note="Ответил на консультации")
    assert Mark.objects.get().over_absence_note == "Ответил на консультации"


def test_a_late_student_can_be_marked_without_explanation(teacher, lesson, vasya):
    set_cell(teacher, lesson, vasya, "оп5")
    assert set_cell(teacher, lesson, vasya, "4").text == "4 оп5"


def test_the_student_must_be_in_the_class_on_the_lesson_date(teacher, small_school, lesson):
    late_arrival = make_student(small_school.school, "novichok", "Новиков", "Илья",
                                small_school.class_5a)
    Enrolment.objects.filter(student=late_arrival).update(enrolled_on=dt.date(2026, 11, 20))
    with pytest.raises(JournalError, match="не числится в 5А классе на 16.11.2026"):
        set_cell(teacher, lesson, late_arrival, "5")
    stranger = make_student(small_school.school, "iz5b", "Борисов", "Глеб", small_school.class_5b)
    with pytest.raises(JournalError, match="не числится"):
        set_cell(teacher, lesson, stranger, "5")


def test_a_subgroup_journal_takes_only_its_members(teacher, small_school, vasya):
    english = make_lesson(small_school.english_5a_group1)
    with pytest.raises(JournalError, match="не входит в подгруппу «1 группа»"):
        set_cell(teacher, english, vasya, "5")
    small_school.english_5a_group1.subgroup.students.add(vasya)
    assert set_cell(teacher, english, vasya, "5").text == "5"


def test_a_stale_save_is_refused_with_the_current_value(teacher, deputy, lesson, vasya):
    seen = set_cell(teacher, lesson, vasya, "4")
    # Meanwhile the deputy director corrects the cell.
    set_cell(deputy, lesson, vasya, "5", expected_version=seen.version, reason="ошибка ввода")
    with pytest.raises(ConflictError) as conflict:
        set_cell(teacher, lesson, vasya, "3", expected_version=seen.version)
    assert conflict.value.current.text == "5"
    assert "сейчас в ней «5»" in conflict.value.message
    assert values(lesson, vasya) == ["5"]
    retried = set_cell(teacher, lesson, vasya, "3", expected_version=conflict.value.version)
    assert retried.text == "3"


def test_an_empty_cell_has_a_version_too(teacher, lesson, vasya):
    set_cell(teacher, lesson, vasya, "н")
    with pytest.raises(ConflictError):
        set_cell(teacher, lesson, vasya, "5", expected_version="")


def test_late_marks_are_accepted_and_flagged(teacher, small_school, vasya):
    old = make_lesson(small_school.maths_5a, LAST_WEEK)
    set_cell(teacher, old, vasya, "4 н", over_absence_note="Пересдал")
    mark, absence = Mark.objects.get(), Absence.objects.get()
    assert (mark.late_days, mark.entered_by) == (6, teacher)
    assert (absence.late_days, absence.entered_by) == (6, teacher)


def test_written_work_marks_have_a_week(teacher, small_school, vasya):
    control = AssessmentType.objects.get(name="Контрольная работа")
    old = make_lesson(small_school.maths_5a, LAST_WEEK, assessment_type=control)
    set_cell(teacher, old, vasya, "4")
    assert Mark.objects.get().late_days == 0


def test_on_time_entries_are_not_flagged(teacher, lesson, vasya):
    set_cell(teacher, lesson, vasya, "4 оп")
    assert Mark.objects.get().late_days == Absence.objects.get().late_days == 0


def test_the_lock_closes_old_cells_except_for_the_deputy_director(teacher, deputy, small_school,
                                                                  vasya):
    small_school.school.lock_after_days = 3
    small_school.school.save()
    old = make_lesson(small_school.maths_5a, LAST_WEEK)
    with pytest.raises(NotAllowed, match="закрыты"):
        set_cell(teacher, old, vasya, "5")
    with pytest.raises(JournalError, match="причину"):
        set_cell(deputy, old, vasya, "5")
    set_cell(deputy, old, vasya, "5", reason="по докладной учителя")
    mark = Mark.objects.get()
    assert (mark.entered_by, mark.late_days) == (deputy, 0)
    assert history_of("mark")[0].reason == "по докладной учителя"


def test_a_teacher_cannot_write_another_teachers_journal(teacher, small_school, outsider_child):
    foreign = make_lesson(small_school.maths_5b)
    with pytest.raises(NotAllowed, match="Нет доступа"):
        set_cell(teacher, foreign, outsider_child, "5")


def test_parents_cannot_write(parent, lesson, vasya):
    with pytest.raises(NotAllowed):
        set_cell(parent, lesson, vasya, "5")
    assert not Mark.objects.exists()


def test_the_class_teacher_switches_absence_kinds_but_sets_no_marks(teacher, class_teacher,
                                                                    lesson, vasya):
    set_cell(teacher, lesson, vasya, "н")
    assert set_cell(class_teacher, lesson, vasya, "б").text == "б"
    assert history_of("absence")[-1].user == class_teacher
    for typed in ("5", "оп", ""):
        with pytest.raises(NotAllowed, match="Классный руководитель может только"):
            set_cell(class_teacher, lesson, vasya, typed)
    assert Absence.objects.get().kind == "ill"


def test_a_substitute_fills_their_lesson_only(small_school, substitute, vasya):
    theirs = make_lesson(small_school.maths_5a, substitute=substitute, substitute_reason="болезнь")
    other = make_lesson(small_school.maths_5a, number=3)
    set_cell(substitute, theirs, vasya, "5")
    assert history_of("mark")[0].user == substitute
    with pytest.raises(NotAllowed):
        set_cell(substitute, other, vasya, "5")


def test_a_deleted_lesson_is_reported(teacher, lesson, vasya):
    Lesson.objects.filter(pk=lesson.pk).delete()
    with pytest.raises(JournalError, match="Урок не найден"):
        set_cell(teacher, lesson, vasya, "5")


# Filling a column


@pytest.fixture
def three_students(small_school, vasya):
    return [vasya,
            make_student(small_school.school, "olya", "Орлова", "Ольга", small_school.class_5a),
            make_student(small_school.school, "kolya", "Кольцов", "Николай",
                         small_school.class_5a)]


def test_a_column_fills_the_empty_cells_and_skips_the_rest(teacher, lesson, three_students):
    vasya, olya, kolya = three_students
    set_cell(teacher, lesson, olya, "3")
    result = fill_column(teacher, lesson, "н")
    assert sorted(c.student_id for c in result.filled) == sorted([vasya.pk, kolya.pk])
    assert result.skipped == [olya.pk]
    assert {a.student_id for a in Absence.objects.all()} == {vasya.pk, kolya.pk}
    assert values(lesson, olya) == ["3"]
    rows = history_of("absence")
    assert sorted(r.student_id for r in rows) == sorted([vasya.pk, kolya.pk])
    assert all(r.action == "create" and r.user == teacher for r in rows)


def test_a_column_of_marks_writes_one_history_row_per_cell(teacher, lesson, three_students):
    result = fill_column(teacher, lesson, "5", three_students[:2])
    assert [c.text for c in result.filled] == ["5", "5"]
    assert len(history_of("mark", action="create")) == 2
    assert Mark.objects.count() == 2


def test_a_column_follows_the_same_rules(teacher, small_school, lesson, three_students,
                                         outsider_child, class_teacher, children):
    with pytest.raises(JournalError, match="не числится"):
        fill_column(teacher, lesson, "5", [*three_students, outsider_child])
    with pytest.raises(JournalError, match="ещё не прошёл"):
        fill_column(teacher, make_lesson(small_school.maths_5a, NEXT_WEEK), "5")
    with pytest.raises(JournalError, match="В 1 классе"):
        fill_column(class_teacher, make_lesson(small_school.reading_1a), "5")
    with pytest.raises(JournalError, match="такой отметки нет"):
        fill_column(teacher, lesson, "7")
    with pytest.raises(NotAllowed):
        fill_column(class_teacher, lesson, "н")
    assert not Mark.objects.exists() and not Absence.objects.exists()


def test_a_subgroup_column_covers_its_members_only(teacher, small_school, three_students):
    vasya, olya, _ = three_students
    small_school.english_5a_group1.subgroup.students.add(olya)
    english = make_lesson(small_school.english_5a_group1)
    result = fill_column(teacher, english, "н")
    assert [c.student_id for c in result.filled] == [olya.pk]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_one_cell_lose_nothing(teacher, deputy, lesson, vasya):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    seen = set_cell(teacher, lesson, vasya, "4").version
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save(user, entry, reason=""):
        try:
            start.wait()
            set_cell(user, lesson, vasya, entry, expected_version=seen, reason=reason)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(teacher, "5")),
               threading.Thread(target=save, args=(deputy, "3", "исправление"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert len(history_of("mark", action="update")) == 1
