"""Current marks: the primitives the grid's cell saves use (`journal.services.cells`), and the
cell detail's change of one mark's assessment type and comment."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import Student
from journal.models import Absence, AssessmentType, Mark
from journal.rules import MISSED_LESSON, NeedsExplanation, check_mark_value, mark_deadline
from journal.services.history import Entity
from journal.services.records import (
    UNCHANGED,
    LessonWrite,
    delete_record,
    gone,
    open_lesson,
    over_absence_message,
    require_own_school,
    require_version,
    save_record,
)

THIS_MARK = "Эту отметку"


def deadline_of(ctx: LessonWrite, assessment_type: AssessmentType | None) -> dt.date:
    """Written works (the mark's own type, else the lesson's) have the longer deadline."""
    kind = assessment_type or ctx.lesson.assessment_type
    return mark_deadline(ctx.school, ctx.lesson.date, written=bool(kind and kind.is_written))


def create_mark(ctx: LessonWrite, student: Student, value: str, *, note: str = "") -> Mark:
    return save_record(ctx, Entity.MARK, Mark(lesson=ctx.lesson, student=student),
                       {"value": value, "over_absence_note": note},
                       deadline=deadline_of(ctx, None))


def update_mark(ctx: LessonWrite, mark: Mark, **changes) -> Mark:
    kind = changes.get("assessment_type", mark.assessment_type if mark.assessment_type_id
                       else None)
    return save_record(ctx, Entity.MARK, mark, changes, deadline=deadline_of(ctx, kind))


def remove_mark(ctx: LessonWrite, mark: Mark) -> None:
    delete_record(ctx, Entity.MARK, mark)


def _missed(ctx: LessonWrite, student_id: int) -> Absence | None:
    return Absence.objects.filter(lesson=ctx.lesson, student_id=student_id,
                                  kind__in=MISSED_LESSON).first()


def _locked_mark(ctx: LessonWrite, mark: Mark) -> Mark:
    current = Mark.objects.select_for_update().filter(pk=mark.pk, lesson=ctx.lesson).first()
    if current is None:
        raise gone(THIS_MARK)
    current.lesson = ctx.lesson
    return current


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
