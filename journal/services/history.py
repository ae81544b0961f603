"""Writing the change history. Called inside the transaction of the write it describes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from journal.models import ChangeRecord, Lesson
from journal.signals import journal_changed

Entity = ChangeRecord.Entity
Action = ChangeRecord.Action

_SNAPSHOT_FIELDS = {
    Entity.LESSON: ["date", "number", "topic", "assessment_type_id", "is_held", "is_extra",
                    "substitute_id", "substitute_reason", "room", "plan_item_id"],
    Entity.HOMEWORK: ["text", "is_none", "due_lesson_id"],
    Entity.MARK: ["value", "assessment_type_id", "comment", "over_absence_note"],
    Entity.ABSENCE: ["kind", "minutes_late", "reason"],
    Entity.FINAL_MARK: ["kind", "period_id", "value", "recommended"],
}


def snapshot(entity: str, obj: models.Model) -> dict[str, Any]:
    """The recorded values of a journal object, JSON-ready."""
    values = {}
    for name in _SNAPSHOT_FIELDS[entity]:
        value = getattr(obj, name)
        values[name] = value if isinstance(value, (str, int, bool, type(None))) else str(value)
    return values


def _scope(entity: str, obj: models.Model) -> tuple[int, int | None, int | None]:
    """(assignment id, lesson id, student id) a record is filed under."""
    if entity == Entity.LESSON:
        return obj.assignment_id, obj.pk, None
    if entity == Entity.FINAL_MARK:
        return obj.assignment_id, None, obj.student_id
    lesson: Lesson = obj.lesson
    return lesson.assignment_id, lesson.pk, getattr(obj, "student_id", None)


def change_record(user, action: str, entity: str, obj: models.Model, *,
                  old: dict | None = None, reason: str = "") -> ChangeRecord:
    """An unsaved history row for `obj` as it is now (or as it was, for a delete)."""
    assignment_id, lesson_id, student_id = _scope(entity, obj)
    return ChangeRecord(
        user=user, action=action, entity=entity, entity_id=obj.pk,
        assignment_id=assignment_id, lesson_id=lesson_id, student_id=student_id,
        old=old, new=None if action == Action.DELETE else snapshot(entity, obj), reason=reason,
    )


def record(user, action: str, entity: str, obj: models.Model, *, old: dict | None = None,
           reason: str = "") -> ChangeRecord:
    row = change_record(user, action, entity, obj, old=old, reason=reason)
    row.save()
    journal_changed.send(sender=ChangeRecord, rows=[row])
    return row


def record_many(rows: Iterable[ChangeRecord]) -> None:
    saved = ChangeRecord.objects.bulk_create(list(rows), batch_size=2000)
    if saved:
        journal_changed.send(sender=ChangeRecord, rows=saved)
