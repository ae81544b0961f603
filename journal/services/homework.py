"""Homework of a lesson: its text or the explicit «не задано», and the lesson it is due for."""

from __future__ import annotations

from django.db import transaction

from journal.models import Homework, Lesson
from journal.rules import JournalError, lesson_record_deadline
from journal.services.history import Action, Entity, snapshot
from journal.services.records import open_lesson, require_version

THIS_HOMEWORK = "Домашнее задание"


def set_homework(user, lesson: Lesson, *, text: str = "", none: bool = False,
                 due_lesson: Lesson | None = None, expected_version: int | None = None,
                 reason: str = "") -> Homework | None:
    """Set the homework (text, or `none` for «не задано»), or remove it when neither is given.
    May be posted ahead of the lesson. `expected_version` is 0 when the user saw none."""
    text = text.strip()
    with transaction.atomic():
        ctx = open_lesson(user, lesson, reason=reason)
        ctx.require_write()
        if ctx.school_class.grade == 1:
            raise JournalError("В 1 классе домашние задания не задаются.")
        if text and none:
            raise JournalError("Укажите либо текст задания, либо «не задано».")
        if none:
            due_lesson = None
        if due_lesson is not None and (
                due_lesson.assignment_id != ctx.lesson.assignment_id
                or (due_lesson.date, due_lesson.number) <= (ctx.lesson.date, ctx.lesson.number)):
            raise JournalError("Задание задают к одному из следующих уроков этого журнала.")
        current = Homework.objects.select_for_update().filter(lesson=ctx.lesson).first()
        require_version(current, expected_version, THIS_HOMEWORK)

        if not text and not none:
            if current is not None:
                current.lesson = ctx.lesson
                ctx.log(Action.DELETE, Entity.HOMEWORK, current,
                        old=snapshot(Entity.HOMEWORK, current))
                current.delete()
            return None

        wanted = {"text": text, "is_none": none, "due_lesson_id": due_lesson.pk if due_lesson
                  else None}
        homework = current or Homework(lesson=ctx.lesson)
        homework.lesson = ctx.lesson
        if current is not None and all(getattr(current, k) == v for k, v in wanted.items()):
            return current
        old = snapshot(Entity.HOMEWORK, current) if current is not None else None
        for name, value in wanted.items():
            setattr(homework, name, value)
        ctx.stamp(homework, lesson_record_deadline(ctx.school, ctx.lesson.date))
        if current is None:
            homework.save()
            ctx.log(Action.CREATE, Entity.HOMEWORK, homework)
        else:
            homework.version += 1
            homework.save()
            ctx.log(Action.UPDATE, Entity.HOMEWORK, homework, old=old)
        return homework
