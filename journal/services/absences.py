"""Absences («н», «б», «у») and lateness («оп», minutes) on a lesson; absence reasons.

The teacher records them on the day; the class teacher later sets the kind between н/б/у and
the document from the family or the doctor (`set_absence_reason`), which the optional lock does
not close: documents arrive after the illness.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import Student
from journal.models import Absence, Lesson, Mark
from journal.rules import (
    LATE,
    MISSED_LESSON,
    JournalError,
    NeedsExplanation,
    lesson_record_deadline,
)
from journal.services.history import Action, Entity, snapshot
from journal.services.marks import update_mark
from journal.services.records import (
    UNCHANGED,
    LessonWrite,
    gone,
    open_lesson,
    over_absence_message,
    refuse_writer,
    require_reason,
    require_version,
)

THIS_ABSENCE = "Эту запись о пропуске"


def check_kind(kind: str, minutes_late: int | None, lesson_minutes: int) -> None:
    if kind not in Absence.Kind.values:
        raise JournalError("Пропуск отмечается как «н», «б», «у» или «оп».")
    if minutes_late is not None:
        if kind != LATE:
            raise JournalError("Минуты указываются только для опоздания («оп»).")
        if not 1 <= minutes_late <= lesson_minutes:
            raise JournalError(f"Опоздание — от 1 до {lesson_minutes} минут.")


def save_absence(ctx: LessonWrite, absence: Absence, **changes) -> Absence:
    """Create (absence without pk) or change an absence, stamped and recorded."""
    old = None if absence.pk is None else snapshot(Entity.ABSENCE, absence)
    for name, value in changes.items():
        setattr(absence, name, value)
    ctx.stamp(absence, lesson_record_deadline(ctx.school, ctx.lesson.date))
    if old is None:
        absence.save()
        ctx.log(Action.CREATE, Entity.ABSENCE, absence)
    else:
        absence.version += 1
        absence.save(update_fields=[*changes, "version", "entered_by", "late_days", "updated_at"])
        ctx.log(Action.UPDATE, Entity.ABSENCE, absence, old=old)
    return absence


def remove_absence(ctx: LessonWrite, absence: Absence) -> None:
    ctx.log(Action.DELETE, Entity.ABSENCE, absence, old=snapshot(Entity.ABSENCE, absence))
    absence.delete()


def explain_marks_over(ctx: LessonWrite, marks: list[Mark], kind: str, note: str) -> None:
    """Marks standing over a missed lesson need an explanation: give it to those without."""
    if kind not in MISSED_LESSON:
        return
    unexplained = [m for m in marks if not m.over_absence_note]
    if unexplained and not note:
        raise NeedsExplanation(over_absence_message(kind))
    for mark in unexplained:
        update_mark(ctx, mark, over_absence_note=note)


def _locked_absence(ctx: LessonWrite, absence: Absence) -> Absence:
    current = Absence.objects.select_for_update().filter(pk=absence.pk, lesson=ctx.lesson).first()
    if current is None:
        raise gone(THIS_ABSENCE)
    current.lesson = ctx.lesson
    return current


def record_absence(user, lesson: Lesson, student: Student, kind: str, *,
                   minutes_late: int | None = None, document: str = "",
                   over_absence_note: str = "", expected_version: int | None = None,
                   reason: str = "") -> Absence:
    """Mark a student absent or late on a lesson, or change how they are marked.

    `expected_version` is the version of the absence the user saw, 0 when they saw none.
    """
    with transaction.atomic():
        ctx = open_lesson(user, lesson, reason=reason)
        ctx.require_write()
        ctx.require_taken_place("пропуски и опоздания")
        check_kind(kind, minutes_late, ctx.lesson_minutes)
        ctx.require_students([student])
        current = Absence.objects.select_for_update().filter(lesson=ctx.lesson,
                                                              student=student).first()
        require_version(current, expected_version, THIS_ABSENCE)
        marks = list(Mark.objects.select_for_update().filter(lesson=ctx.lesson, student=student))
        for mark in marks:
            mark.lesson = ctx.lesson
        explain_marks_over(ctx, marks, kind, over_absence_note.strip())
        if current is None:
            return save_absence(ctx, Absence(lesson=ctx.lesson, student=student), kind=kind,
                                minutes_late=minutes_late, reason=document.strip())
        changes = {name: value for name, value in (("kind", kind), ("minutes_late", minutes_late),
                                                    ("reason", document.strip()))
                   if getattr(current, name) != value}
        return save_absence(ctx, current, **changes) if changes else current


def clear_absence(user, absence: Absence, *, expected_version: int | None = None,
                  reason: str = "") -> None:
    with transaction.atomic():
        ctx = open_lesson(user, absence.lesson_id, reason=reason)
        ctx.require_write()
        current = _locked_absence(ctx, absence)
        require_version(current, expected_version, THIS_ABSENCE)
        remove_absence(ctx, current)


def set_absence_reason(user, absence: Absence, *, kind: str = UNCHANGED,
                       document: str = UNCHANGED, expected_version: int | None = None,
                       reason: str = "") -> Absence:
    """The class teacher's correction: «н» (no reason), «б» (ill) or «у» (excused), and the
    document. Lateness stays the teacher's entry."""
    with transaction.atomic():
        ctx = open_lesson(user, absence.lesson_id, reason=reason)
        if not ctx.rights.may_set_absence_reasons:
            refuse_writer(ctx.rights)
        require_reason(ctx.rights, ctx.reason)
        current = _locked_absence(ctx, absence)
        require_version(current, expected_version, THIS_ABSENCE)
        if current.kind not in MISSED_LESSON:
            raise JournalError("Опоздание не пропуск: его причину не указывают, а исправляет "
                               "учитель.")
        changes = {}
        if kind is not UNCHANGED and kind != current.kind:
            if kind not in MISSED_LESSON:
                raise JournalError("Причина пропуска: «н» — без причины, «б» — болезнь, "
                                   "«у» — уважительная.")
            changes["kind"] = kind
        if document is not UNCHANGED and document.strip() != current.reason:
            changes["reason"] = document.strip()
        if not changes:
            return current
        return set_reason_fields(ctx, current, **changes)


def set_reason_fields(ctx: LessonWrite, absence: Absence, **changes) -> Absence:
    """Change kind or document without touching the teacher's lateness flag."""
    old = snapshot(Entity.ABSENCE, absence)
    for name, value in changes.items():
        setattr(absence, name, value)
    absence.entered_by = ctx.user
    absence.version += 1
    absence.save(update_fields=[*changes, "version", "entered_by", "updated_at"])
    ctx.log(Action.UPDATE, Entity.ABSENCE, absence, old=old)
    return absence


def set_absence_reasons(user, absences: list[Absence], versions: dict[int, int], *, kind: str,
                document: str, reason: str = "") -> int:
    """One correction (kind н/б/у and/or the document; UNCHANGED leaves either as it is) for
    several absences, e.g. all of a student's on a day under one medical note: all of them or,
    on any refusal or conflict, none. Each changed absence gets its own history row. Returns
    how many changed."""
    changed = 0
    with transaction.atomic():
        for absence in absences:
            expected = versions[absence.pk]
            saved = set_absence_reason(user, absence, kind=kind, document=document,
                                       expected_version=expected, reason=reason)
            changed += saved.version != expected
    return changed
