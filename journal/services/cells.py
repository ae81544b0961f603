"""The journal grid: what a teacher types into a cell (one student, one lesson), and filling a
whole column at once.

An entry sets the layers it names. Marks typed ("5", "5/4") replace the cell's marks and keep
its absence; an absence typed ("н", "оп10") replaces the absence and keeps the marks; both can
be typed together ("5 б"); "" clears the cell. So a mark never silently removes an absence, nor
an absence a mark: a mark over a missed lesson needs an explanation for the parents, and a
mistaken entry is cleared first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from accounts.models import Student
from journal.models import Absence, Lesson, Mark
from journal.queries.cells import Cell, load_cell, load_column
from journal.queries.students import journal_students
from journal.rules import (
    MISSED_LESSON,
    CellEntry,
    ConflictError,
    JournalError,
    NeedsExplanation,
    lesson_record_deadline,
    parse_cell,
)
from journal.services.absences import remove_absence, save_absence, set_reason_fields
from journal.services.history import Action, Entity, change_record, record_many
from journal.services.marks import create_mark, deadline_of, remove_mark, update_mark
from journal.services.receipts import already_saved, clean_key, keep_receipt
from journal.services.records import (
    LessonWrite,
    open_lesson,
    over_absence_message,
    refuse_writer,
    require_reason,
)


def set_cell(user, lesson: Lesson, student: Student, entry: str, *,
             expected_version: str | None = None, over_absence_note: str = "",
             reason: str = "", request_id: str = "") -> Cell:
    """Save what was typed into a grid cell and return the cell as it now is.

    `expected_version` is the cell's `version` when the user loaded it; if the cell changed
    since, ConflictError carries the current cell and nothing is saved. `request_id` is the
    page's key for this save: sent again by a retry whose first attempt did commit, it gets
    the cell as it is rather than a conflict with itself.
    """
    key = clean_key(request_id)
    with transaction.atomic():
        ctx = open_lesson(user, lesson, reason=reason)
        if not ctx.rights.may_set_absence_reasons:
            refuse_writer(ctx.rights)
        if already_saved(user, key):
            return load_cell(ctx.lesson, student.pk)
        typed = parse_cell(entry, elective=ctx.subject.is_elective,
                           lesson_minutes=ctx.lesson_minutes)
        cell = load_cell(ctx.lesson, student.pk, lock=True)
        if expected_version is not None and expected_version != cell.version:
            shown = f"«{cell.text}»" if cell.text else "пусто"
            raise ConflictError(f"Эту клетку уже изменил другой пользователь: сейчас в ней "
                                f"{shown}. Проверьте и сохраните ещё раз.",
                                current=cell, version=cell.version)
        saved = _write_cell(ctx, cell, student, typed, over_absence_note.strip())
        keep_receipt(user, key)
        return saved


def _write_cell(ctx: LessonWrite, cell: Cell, student: Student, typed: CellEntry,
                note: str) -> Cell:
    old_values = [m.value for m in cell.marks]
    now = (cell.absence.kind, cell.absence.minutes_late) if cell.absence else None
    if typed.is_empty:
        values, wanted = [], None
    else:
        values = list(typed.marks) if typed.marks else old_values
        wanted = (typed.absence, typed.minutes_late) if typed.absence else now

    if values == old_values and wanted == now:
        return cell
    kind_only = (values == old_values and now is not None and wanted is not None
                 and now[0] in MISSED_LESSON and wanted[0] in MISSED_LESSON)
    if kind_only and not ctx.rights.may_write:
        # The class teacher switching н/б/у from the grid.
        if not ctx.rights.may_set_absence_reasons:
            refuse_writer(ctx.rights)
        require_reason(ctx.rights, ctx.reason)
        set_reason_fields(ctx, cell.absence, kind=wanted[0])
        return cell

    ctx.require_write()
    # The real refusals first: asking for an explanation of a mark that cannot be given
    # anyway (grade 1, a future lesson) would send the teacher the wrong way.
    if values != old_values and values:
        ctx.require_marks_allowed()
    if not typed.is_empty:
        ctx.require_taken_place("отметки и пропуски")
        ctx.require_students([student])
    over_missed = bool(values) and wanted is not None and wanted[0] in MISSED_LESSON
    unexplained = over_missed and any(
        i >= len(cell.marks) or not cell.marks[i].over_absence_note for i in range(len(values)))
    if unexplained and not note:
        raise NeedsExplanation(over_absence_message(wanted[0]))

    marks, explained = [], []
    for i, value in enumerate(values):
        if i >= len(cell.marks):
            mark = create_mark(ctx, student, value, note=note if over_missed else "")
            marks.append(mark)
            if over_missed:
                explained.append(mark)
            continue
        mark = cell.marks[i]
        changes = {}
        if mark.value != value:
            changes["value"] = value
        if over_missed and not mark.over_absence_note:
            changes["over_absence_note"] = note
            explained.append(mark)
        marks.append(update_mark(ctx, mark, **changes) if changes else mark)
    for mark in cell.marks[len(values):]:
        remove_mark(ctx, mark)

    absence = cell.absence
    if wanted is None and absence is not None:
        remove_absence(ctx, absence)
        absence = None
    elif wanted is not None and absence is None:
        absence = save_absence(ctx, Absence(lesson=ctx.lesson, student=student),
                               kind=wanted[0], minutes_late=wanted[1])
    elif wanted != now:
        changes = {name: value for name, value in zip(("kind", "minutes_late"), wanted, strict=True)
                   if getattr(absence, name) != value}
        absence = save_absence(ctx, absence, **changes)
    return Cell(cell.lesson, cell.student_id, marks, absence, explained=explained)


@dataclass
class ColumnFill:
    filled: list[Cell]
    skipped: list[int]  # students whose cells already held something: left as they were


def fill_column(user, lesson: Lesson, entry: str, students: Iterable[Student] | None = None,
                *, over_absence_note: str = "", reason: str = "",
                request_id: str = "") -> ColumnFill:
    """Put the same entry (a mark, «н»...) into every empty cell of a lesson's column: for the
    given students, or the whole journal on that day. Cells that hold something are skipped,
    to be corrected one by one. One history row per saved record. A retry of a fill that
    committed (same `request_id`) fills nothing more."""
    key = clean_key(request_id)
    with transaction.atomic():
        ctx = open_lesson(user, lesson, reason=reason)
        ctx.require_write()
        if already_saved(user, key):
            return ColumnFill(filled=load_column(ctx.lesson), skipped=[])
        typed = parse_cell(entry, elective=ctx.subject.is_elective,
                           lesson_minutes=ctx.lesson_minutes)
        if typed.is_empty:
            raise JournalError("Введите отметку, «н», «б», «у» или «оп», чтобы заполнить столбец.")
        ctx.require_taken_place("отметки и пропуски")
        if typed.marks:
            ctx.require_marks_allowed()
        note = over_absence_note.strip()
        over_missed = bool(typed.marks) and typed.absence in MISSED_LESSON
        if over_missed and not note:
            raise NeedsExplanation(over_absence_message(typed.absence))
        keep_receipt(user, key)
        if students is None:
            students = list(journal_students(ctx.assignment, ctx.lesson.date))
        else:
            students = list(students)
            ctx.require_students(students)

        ids = [s.pk for s in students]
        taken = set(Mark.objects.select_for_update().filter(lesson=ctx.lesson, student_id__in=ids)
                    .values_list("student_id", flat=True))
        taken |= set(Absence.objects.select_for_update()
                     .filter(lesson=ctx.lesson, student_id__in=ids)
                     .values_list("student_id", flat=True))
        empty = [s for s in students if s.pk not in taken]

        marks = [Mark(lesson=ctx.lesson, student=s, value=value,
                      over_absence_note=note if over_missed else "")
                 for s in empty for value in typed.marks]
        for mark in marks:
            ctx.stamp(mark, deadline_of(ctx, None))
        absences = [Absence(lesson=ctx.lesson, student=s, kind=typed.absence,
                            minutes_late=typed.minutes_late)
                    for s in empty if typed.absence]
        absence_deadline = lesson_record_deadline(ctx.school, ctx.lesson.date)
        for absence in absences:
            ctx.stamp(absence, absence_deadline)
        marks = Mark.objects.bulk_create(marks)
        absences = Absence.objects.bulk_create(absences)
        record_many([
            *(change_record(ctx.user, Action.CREATE, Entity.MARK, m, reason=ctx.reason)
              for m in marks),
            *(change_record(ctx.user, Action.CREATE, Entity.ABSENCE, a, reason=ctx.reason)
              for a in absences),
        ])

        by_student: dict[int, Cell] = {s.pk: Cell(ctx.lesson, s.pk) for s in empty}
        for mark in marks:
            by_student[mark.student_id].marks.append(mark)
        for absence in absences:
            by_student[absence.student_id].absence = absence
        return ColumnFill(filled=list(by_student.values()),
                          skipped=[s.pk for s in students if s.pk in taken])
