"""Current marks: one at a time, with their assessment type, comment and over-absence note.

The grid's typed entries go through `journal.services.cells`, which uses the same primitives.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import Student
from journal.models import Absence, AssessmentType, Lesson, Mark
from journal.rules import (
    MAX_MARKS_PER_CELL,
    MISSED_LESSON,
    JournalError,
    NeedsExplanation,
    check_mark_value,
    mark_deadline,
)
from journal.services.history import Action, Entity, snapshot
from journal.services.records import (
    UNCHANGED,
    LessonWrite,
    gone,
    open_lesson,
    over_absence_message,
    require_own_school,
    require_version,
)

THIS_MARK = "Эту отметку"


def is_written(mark: Mark, lesson: Lesson) -> bool:
    """Written works (the mark's own type, else the lesson's) have the longer deadline."""
    kind = mark.assessment_type if mark.assessment_type_id else lesson.assessment_type
    return bool(kind and kind.is_written)


def deadline_of(ctx: LessonWrite, mark: Mark) -> dt.date:
    return mark_deadline(ctx.school, ctx.lesson.date, written=is_written(mark, ctx.lesson))


def create_mark(ctx: LessonWrite, student: Student, value: str, *, note: str = "",
                assessment_type: AssessmentType | None = None, comment: str = "") -> Mark:
    mark = Mark(lesson=ctx.lesson, student=student, value=value, assessment_type=assessment_type,
                comment=comment, over_absence_note=note)
    ctx.stamp(mark, deadline_of(ctx, mark))
    mark.save()
    ctx.log(Action.CREATE, Entity.MARK, mark)
    return mark


def update_mark(ctx: LessonWrite, mark: Mark, **changes) -> Mark:
    old = snapshot(Entity.MARK, mark)
    for name, value in changes.items():
        setattr(mark, name, value)
    mark.version += 1
    ctx.stamp(mark, deadline_of(ctx, mark))
    mark.save(update_fields=[*changes, "version", "entered_by", "late_days", "updated_at"])
    ctx.log(Action.UPDATE, Entity.MARK, mark, old=old)
    return mark


def remove_mark(ctx: LessonWrite, mark: Mark) -> None:
    ctx.log(Action.DELETE, Entity.MARK, mark, old=snapshot(Entity.MARK, mark))
    mark.delete()


def _missed(ctx: LessonWrite, student_id: int) -> Absence | None:
    return Absence.objects.filter(lesson=ctx.lesson, student_id=student_id,
                                  kind__in=MISSED_LESSON).first()


def _locked_mark(ctx: LessonWrite, mark: Mark) -> Mark:
    current = Mark.objects.select_for_update().filter(pk=mark.pk, lesson=ctx.lesson).first()
    if current is None:
        raise gone(THIS_MARK)
    current.lesson = ctx.lesson
    return current


def record_mark(user, lesson: Lesson, student: Student, value: str | int, *,
                assessment_type: AssessmentType | None = None, comment: str = "",
                over_absence_note: str = "", reason: str = "") -> Mark:
    """One more mark for a student on a lesson (a cell holds up to three)."""
    with transaction.atomic():
        ctx = open_lesson(user, lesson, reason=reason)
        ctx.require_write()
        ctx.require_taken_place("отметки")
        ctx.require_marks_allowed()
        value = check_mark_value(value, elective=ctx.subject.is_elective)
        require_own_school(assessment_type, ctx.school)
        ctx.require_students([student])
        in_cell = Mark.objects.select_for_update().filter(lesson=ctx.lesson, student=student)
        if len(in_cell) >= MAX_MARKS_PER_CELL:
            raise JournalError(f"В одной клетке — не больше {MAX_MARKS_PER_CELL} отметок за урок.")
        absence = _missed(ctx, student.pk)
        note = over_absence_note.strip() if absence else ""
        if absence and not note:
            raise NeedsExplanation(over_absence_message(absence.kind))
        return create_mark(ctx, student, value, note=note, assessment_type=assessment_type,
                           comment=comment.strip())


def change_mark(user, mark: Mark, *, value: str | int = UNCHANGED,
                assessment_type: AssessmentType | None = UNCHANGED, comment: str = UNCHANGED,
                over_absence_note: str = UNCHANGED, expected_version: int | None = None,
                reason: str = "") -> Mark:
    """Change what is given (value, assessment type, comment, over-absence note)."""
    with transaction.atomic():
        ctx = open_lesson(user, mark.lesson_id, reason=reason)
        ctx.require_write()
        current = _locked_mark(ctx, mark)
        require_version(current, expected_version, THIS_MARK)
        changes = {}
        if value is not UNCHANGED:
            value = check_mark_value(value, elective=ctx.subject.is_elective)
            if value != current.value:
                ctx.require_marks_allowed()
                changes["value"] = value
        if assessment_type is not UNCHANGED:
            require_own_school(assessment_type, ctx.school)
            if (assessment_type.pk if assessment_type else None) != current.assessment_type_id:
                changes["assessment_type"] = assessment_type
        for name, given in (("comment", comment), ("over_absence_note", over_absence_note)):
            if given is not UNCHANGED and given.strip() != getattr(current, name):
                changes[name] = given.strip()
        if not changes:
            return current
        absence = _missed(ctx, current.student_id)
        if absence and not changes.get("over_absence_note", current.over_absence_note):
            raise NeedsExplanation(over_absence_message(absence.kind))
        return update_mark(ctx, current, **changes)


def delete_mark(user, mark: Mark, *, expected_version: int | None = None,
                reason: str = "") -> None:
    with transaction.atomic():
        ctx = open_lesson(user, mark.lesson_id, reason=reason)
        ctx.require_write()
        current = _locked_mark(ctx, mark)
        require_version(current, expected_version, THIS_MARK)
        remove_mark(ctx, current)
