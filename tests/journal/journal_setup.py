"""Dates and lessons shared by the journal service tests (time is frozen on TODAY)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from journal.models import ChangeRecord, Lesson, TeachingAssignment

MOSCOW = ZoneInfo("Europe/Moscow")
TODAY = dt.date(2026, 11, 16)  # a Monday in the second quarter (5 Nov – 28 Dec 2026)
LAST_WEEK = dt.date(2026, 11, 10)
NEXT_WEEK = dt.date(2026, 11, 23)


def at(day: dt.date, hour: int = 14) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=MOSCOW)


def make_lesson(assignment: TeachingAssignment, day: dt.date = TODAY, number: int = 2,
                **fields) -> Lesson:
    return Lesson.objects.create(assignment=assignment, date=day, number=number, **fields)


def history_of(entity: str, **filters) -> list[ChangeRecord]:
    return list(ChangeRecord.objects.filter(entity=entity, **filters).order_by("pk"))
