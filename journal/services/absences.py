"""Absences («н», «б», «у») and lateness («оп», minutes) on a lesson; absence reasons.

The teacher records them on the day; the class teacher later sets the kind between н/б/у and
the document from the family or the doctor (`set_absence_reason`), which the optional lock does
not close: documents arrive after the illness.
"""

from __future__ import annotations

from django.db import transaction

from journal.models import Absence
from journal.rules import MISSED_LESSON, JournalError, lesson_record_deadline
from journal.services.history import Entity
from journal.services.records import (
    UNCHANGED,
    LessonWrite,
    delete_record,
    gone,
    open_lesson,
    refuse_writer,
    require_reason,
    require_version,
    save_record,
)

THIS_ABSENCE = "Эту запись о пропуске"


def save_absence(ctx: LessonWrite, absence: Absence, **changes) -> Absence:
    """Create (absence without pk) or change an absence, stamped and recorded."""
    return save_record(ctx, Entity.ABSENCE, absence, changes,
                       deadline=lesson_record_deadline(ctx.school, ctx.lesson.date))


def remove_absence(ctx: LessonWrite, absence: Absence) -> None:
    delete_record(ctx, Entity.ABSENCE, absence)


def _locked_absence(ctx: LessonWrite, absence: Absence) -> Absence:
    current = Absence.objects.select_for_update().filter(pk=absence.pk, lesson=ctx.lesson).first()
    if current is None:
        raise gone(THIS_ABSENCE)
    current.lesson = ctx.lesson
    return current


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
    return save_record(ctx, Entity.ABSENCE, absence, changes)


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
