"""The record of a lesson: topic, held flag, type of assessment, room, plan item; and
substitutions."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from accounts.models import StaffRole
from journal.models import AssessmentType, Lesson, PlanItem
from journal.permissions import CLOSED_YEAR, may_substitute
from journal.rules import JournalError, NotAllowed, lesson_record_deadline
from journal.services.history import Entity
from journal.services.records import (
    UNCHANGED,
    LessonWrite,
    open_lesson,
    require_own_school,
    require_version,
    save_record,
)

THIS_LESSON = "Запись об этом уроке"
TOPIC_LENGTH = Lesson._meta.get_field("topic").max_length
ROOM_LENGTH = Lesson._meta.get_field("room").max_length
SUBSTITUTE_REASON_LENGTH = Lesson._meta.get_field("substitute_reason").max_length


def _save(ctx: LessonWrite, changes: dict, *, stamp: bool = True) -> Lesson:
    return save_record(ctx, Entity.LESSON, ctx.lesson, changes, stamp=stamp,
                       deadline=lesson_record_deadline(ctx.school, ctx.lesson.date))


def save_lesson_record(user, lesson: Lesson, *, topic: str = UNCHANGED, is_held: bool = UNCHANGED,
                       assessment_type: AssessmentType | None = UNCHANGED,
                       room: str = UNCHANGED, plan_item: PlanItem | None = UNCHANGED,
                       expected_version: int | None = None, reason: str = "") -> Lesson:
    """Change what is given of the lesson's record. Topics may be planned ahead; a lesson is
    marked held from its day on. A plan item of the journal's thematic plan may be linked
    (None unlinks); when the lesson is left without a topic, it takes the item's topic."""
    with transaction.atomic():
        ctx = open_lesson(user, lesson, reason=reason)
        ctx.require_write()
        current = ctx.lesson
        require_version(current, expected_version, THIS_LESSON)
        changes = {}
        if topic is not UNCHANGED:
            topic = " ".join(topic.split())
            if len(topic) > TOPIC_LENGTH:
                raise JournalError(f"Тема урока — не длиннее {TOPIC_LENGTH} знаков.")
            if topic != current.topic:
                changes["topic"] = topic
        if is_held is not UNCHANGED and bool(is_held) != current.is_held:
            if is_held and current.date > ctx.today:
                raise JournalError(f"Урок {current.date:%d.%m.%Y} ещё не прошёл: отметить его "
                                   f"проведённым можно в день урока.")
            changes["is_held"] = bool(is_held)
        if assessment_type is not UNCHANGED:
            require_own_school(assessment_type, ctx.school)
            if (assessment_type.pk if assessment_type else None) != current.assessment_type_id:
                changes["assessment_type"] = assessment_type
        if room is not UNCHANGED:
            room = room.strip()
            if len(room) > ROOM_LENGTH:
                raise JournalError(f"Кабинет — не длиннее {ROOM_LENGTH} знаков.")
            if room != current.room:
                changes["room"] = room
        if plan_item is not UNCHANGED:
            if plan_item is not None:
                # Locked so that the plan's teacher cannot delete it under this link.
                plan_item = PlanItem.objects.select_for_update().filter(
                    pk=plan_item.pk, plan__assignment_id=current.assignment_id).first()
                if plan_item is None:
                    raise JournalError("Такого пункта нет в тематическом плане этого журнала.")
            if (plan_item.pk if plan_item else None) != current.plan_item_id:
                changes["plan_item"] = plan_item
            if plan_item is not None and not changes.get("topic", current.topic):
                changes["topic"] = plan_item.topic[:TOPIC_LENGTH]
        if not changes:
            return current
        return _save(ctx, changes)


def assign_substitute(user, lesson: Lesson, substitute, reason: str = "", *,
                      expected_version: int | None = None) -> Lesson:
    """Record who taught the lesson instead of the journal's teacher, and why; None cancels
    the substitution. The substitute may then fill in that lesson, and only it."""
    with transaction.atomic():
        ctx = open_lesson(user, lesson, reason=reason)
        if not may_substitute(user, ctx.lesson, ctx.rights):
            if ctx.rights.closed:
                raise NotAllowed(CLOSED_YEAR)
            raise NotAllowed("Замену назначает диспетчер расписания, заместитель директора по "
                             "УВР или администратор.")
        current = ctx.lesson
        require_version(current, expected_version, THIS_LESSON)
        reason = " ".join(reason.split())
        if substitute is None:
            if current.substitute_id is None:
                return current
            ctx.reason = reason or "замена отменена"
            return _save(ctx, {"substitute": None, "substitute_reason": ""}, stamp=False)
        if not reason:
            raise JournalError("Укажите причину замены (болезнь, курсы, командировка…).")
        if len(reason) > SUBSTITUTE_REASON_LENGTH:
            raise JournalError(f"Причина замены — не длиннее {SUBSTITUTE_REASON_LENGTH} знаков.")
        if substitute.pk == ctx.assignment.teacher_id:
            raise JournalError(f"{substitute.short_name} ведёт этот урок по нагрузке: замена "
                               f"не нужна.")
        if not (substitute.is_active and StaffRole.objects.filter(
                user=substitute, school_id=ctx.school.pk).exists()):
            raise JournalError("Заменять урок может только сотрудник школы.")
        busy = (Lesson.objects.filter(date=current.date, number=current.number)
                .filter(Q(substitute=substitute)
                        | Q(assignment__teacher=substitute, substitute__isnull=True))
                .exclude(pk=current.pk).select_related("assignment__school_class",
                                                       "assignment__subject").first())
        if busy is not None:
            raise JournalError(f"{substitute.short_name} в это время ведёт урок: "
                               f"{busy.assignment.school_class} {busy.assignment.subject}.")
        if (current.substitute_id, current.substitute_reason) == (substitute.pk, reason):
            return current
        ctx.reason = reason
        return _save(ctx, {"substitute": substitute, "substitute_reason": reason}, stamp=False)
