from __future__ import annotations

import datetime as dt

import pytest

from journal.models import School
from journal.rules import (
    CellEntry,
    JournalError,
    cell_text,
    check_mark_value,
    days_late,
    is_locked,
    lesson_record_deadline,
    mark_deadline,
    parse_cell,
    parse_final_mark,
    term_mark_deadline,
)


@pytest.mark.parametrize(("typed", "entry"), [
    ("5", CellEntry(marks=("5",))),
    (" 4 ", CellEntry(marks=("4",))),
    ("5 4", CellEntry(marks=("5", "4"))),
    ("5/4", CellEntry(marks=("5", "4"))),
    ("н", CellEntry(absence="absent")),
    ("Б", CellEntry(absence="ill")),
    ("у", CellEntry(absence="excused")),
    ("оп", CellEntry(absence="late")),
    ("оп10", CellEntry(absence="late", minutes_late=10)),
    ("оп 10", CellEntry(absence="late", minutes_late=10)),
    ("5 оп", CellEntry(marks=("5",), absence="late")),
    ("5 б", CellEntry(marks=("5",), absence="ill")),
    ("", CellEntry()),
])
def test_it_reads_what_a_teacher_types(typed, entry):
    assert parse_cell(typed) == entry


def test_an_empty_entry_clears_the_cell():
    assert parse_cell("  ").is_empty


def test_a_value_outside_the_scale_is_refused_in_russian():
    with pytest.raises(JournalError) as error:
        parse_cell("7")
    assert error.value.message == ("„7“ — такой отметки нет в шкале школы: допустимы 5, 4, 3, 2, "
                                   "1, н, б, у, оп.")


@pytest.mark.parametrize("typed", ["а", "5+", "54", "0", "6", "оп0", "оп50", "н б", "5 4 3 2"])
def test_it_refuses_what_is_not_a_journal_entry(typed):
    with pytest.raises(JournalError):
        parse_cell(typed)


def test_osv_is_not_an_entry():
    with pytest.raises(JournalError, match="специальной медицинской группы"):
        parse_cell("осв.")


def test_pass_fail_is_only_for_electives():
    with pytest.raises(JournalError, match="элективных"):
        parse_cell("зач")
    assert parse_cell("зач", elective=True) == CellEntry(marks=("зач",))
    assert check_mark_value("незачёт", elective=True) == "незач"


def test_not_certified_is_a_final_mark_only():
    with pytest.raises(JournalError, match="итоговой"):
        parse_cell("н/а")
    assert parse_final_mark("н/а") == "н/а"
    assert parse_final_mark(" 5 ") == "5"
    assert parse_final_mark("") == ""
    with pytest.raises(JournalError, match="итоговой отметки нет"):
        parse_final_mark("зач")


def test_lateness_cannot_exceed_the_lesson():
    with pytest.raises(JournalError, match="от 1 до 40 минут"):
        parse_cell("оп41", lesson_minutes=40)


@pytest.mark.parametrize("typed", ["5/4", "н", "5 б", "4 оп10", "5 оп", ""])
def test_a_cell_reads_back_as_it_was_typed(typed):
    entry = parse_cell(typed)
    assert parse_cell(cell_text(entry.marks, entry.absence, entry.minutes_late)) == entry


def test_deadlines_follow_the_school_settings():
    school = School(lesson_entry_days=0, mark_entry_days=1, written_mark_days=7, term_mark_days=2)
    day = dt.date(2026, 11, 10)
    assert lesson_record_deadline(school, day) == day
    assert mark_deadline(school, day, written=False) == dt.date(2026, 11, 11)
    assert mark_deadline(school, day, written=True) == dt.date(2026, 11, 17)
    assert term_mark_deadline(school, dt.date(2026, 12, 28)) == dt.date(2026, 12, 30)
    assert days_late(day, day) == 0
    assert days_late(day, dt.date(2026, 11, 13)) == 3


def test_cells_lock_only_when_the_school_says_so():
    day = dt.date(2026, 11, 10)
    assert not is_locked(School(lock_after_days=None), day, dt.date(2027, 5, 1))
    locking = School(lock_after_days=3)
    assert not is_locked(locking, day, dt.date(2026, 11, 13))
    assert is_locked(locking, day, dt.date(2026, 11, 14))
