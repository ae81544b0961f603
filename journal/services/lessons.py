"""Lessons from the timetable: generated for every school day, regenerated on change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from journal.models import (
    Absence,
    AcademicYear,
    Holiday,
    Homework,
    Lesson,
    Mark,
    StudyPeriod,
    TeachingAssignment,
    TimetableSlot,
)
from journal.services.history import Action, Entity, change_record, record_many, snapshot

ONE_DAY = dt.timedelta(days=1)


@dataclass
class GenerationResult:
    created: int = 0
    deleted: int = 0
    kept_with_data: int = 0


class SchoolCalendar:
    """Which dates are school days for a grade in one academic year."""

    def __init__(self, year: AcademicYear):
        self.year = year
        self.days_per_week = year.school.days_per_week
        self.periods = list(StudyPeriod.objects.filter(year=year))
        self.holidays = list(Holiday.objects.filter(year=year))
        self._cache: dict[tuple[int, dt.date], bool] = {}

    def is_school_day(self, grade: int, day: dt.date) -> bool:
        key = (grade, day)
        if key not in self._cache:
            self._cache[key] = (
                day.isoweekday() <= self.days_per_week
                and any(p.starts_on <= day <= p.ends_on and p.applies_to_grade(grade)
                        for p in self.periods)
                and not any(h.starts_on <= day <= h.ends_on and h.grade_from <= grade <= h.grade_to
                            for h in self.holidays)
            )
        return self._cache[key]


def planned_lessons(year: AcademicYear, slots: Iterable[TimetableSlot]) -> dict[tuple, str]:
    """(assignment id, date, number) → room for every lesson the timetable puts in the year."""
    calendar = SchoolCalendar(year)
    wanted: dict[tuple, str] = {}
    for slot in slots:
        grade = slot.assignment.school_class.grade
        start = max(slot.valid_from, year.starts_on)
        end = min(slot.valid_to, year.ends_on)
        day = start + dt.timedelta(days=(slot.weekday - start.isoweekday()) % 7)
        while day <= end:
            if calendar.is_school_day(grade, day):
                wanted[(slot.assignment_id, day, slot.lesson_number)] = slot.room
            day += dt.timedelta(days=7)
    return wanted


def lessons_with_data():
    """Lessons that hold anything a person entered: these are never removed by regeneration."""
    return Q(is_extra=True) | Q(is_held=True) | ~Q(topic="") | Q(
        Exists(Mark.objects.filter(lesson=OuterRef("pk")))
        | Exists(Absence.objects.filter(lesson=OuterRef("pk")))
        | Exists(Homework.objects.filter(lesson=OuterRef("pk")))
    )


@transaction.atomic
def generate_lessons(year: AcademicYear, *, user=None,
                     assignments: Iterable[TeachingAssignment] | None = None) -> GenerationResult:
    """Bring the year's lessons in line with the timetable.

    Creates the lessons the timetable asks for, removes generated lessons it no longer asks for,
    and keeps every lesson that already has data, even when the timetable dropped it.
    """
    slots = TimetableSlot.objects.filter(assignment__year=year).select_related(
        "assignment__school_class")
    lessons = Lesson.objects.filter(assignment__year=year)
    if assignments is not None:
        ids = [a.pk for a in assignments]
        slots = slots.filter(assignment_id__in=ids)
        lessons = lessons.filter(assignment_id__in=ids)
    wanted = planned_lessons(year, slots)

    result = GenerationResult()
    existing = {(a, d, n): pk for pk, a, d, n in
                lessons.values_list("pk", "assignment_id", "date", "number")}
    dropped = [pk for key, pk in existing.items() if key not in wanted]
    if dropped:
        protected = set(Lesson.objects.filter(pk__in=dropped).filter(lessons_with_data())
                        .values_list("pk", flat=True))
        result.kept_with_data = len(protected)
        to_delete = list(Lesson.objects.filter(pk__in=set(dropped) - protected))
        record_many(change_record(user, Action.DELETE, Entity.LESSON, lesson,
                                  old=snapshot(Entity.LESSON, lesson),
                                  reason="удалён: нет в расписании") for lesson in to_delete)
        Lesson.objects.filter(pk__in=[lesson.pk for lesson in to_delete]).delete()
        result.deleted = len(to_delete)

    new = [Lesson(assignment_id=a, date=d, number=n, room=room)
           for (a, d, n), room in wanted.items() if (a, d, n) not in existing]
    created = Lesson.objects.bulk_create(new, batch_size=2000)
    record_many(change_record(user, Action.CREATE, Entity.LESSON, lesson,
                              reason="создан по расписанию") for lesson in created)
    result.created = len(created)
    return result


@transaction.atomic
def add_extra_lesson(user, assignment: TeachingAssignment, date: dt.date, number: int,
                     topic: str = "") -> Lesson:
    """A lesson outside the timetable (a make-up lesson, an extra consultation)."""
    lesson = Lesson.objects.create(assignment=assignment, date=date, number=number, topic=topic,
                                   is_extra=True)
    record_many([change_record(user, Action.CREATE, Entity.LESSON, lesson,
                               reason="добавлен вручную")])
    return lesson
