"""Reads of the timetable page and the day's substitutions page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from accounts.models import User
from journal.models import (
    WEEKDAYS,
    AcademicYear,
    BellSchedule,
    Lesson,
    School,
    SchoolClass,
    TeachingAssignment,
    TimetableSlot,
)

SHORT_WEEKDAYS = {1: "Пн", 2: "Вт", 3: "Ср", 4: "Чт", 5: "Пт", 6: "Сб"}
WEEKDAY_NAMES = dict(WEEKDAYS)


def current_year_of(school: School) -> AcademicYear | None:
    return AcademicYear.objects.filter(school=school, is_current=True).select_related(
        "school").first()


def slots_in_force(year: AcademicYear, day: dt.date) -> QuerySet[TimetableSlot]:
    """The year's timetable as it stands on `day`."""
    return (TimetableSlot.objects.filter(assignment__year=year, valid_from__lte=day,
                                         valid_to__gte=day)
            .select_related("assignment__teacher", "assignment__subject",
                            "assignment__school_class", "assignment__subgroup"))


def classes_of(year: AcademicYear) -> list[SchoolClass]:
    return list(SchoolClass.objects.filter(year=year).order_by("grade", "letter"))


def teachers_of(year: AcademicYear) -> QuerySet[User]:
    """Whoever keeps a journal of the year, by name."""
    return (User.objects.filter(assignments__year=year).distinct()
            .order_by("last_name", "first_name", "patronymic"))


def journals_for(year: AcademicYear, *, school_class: SchoolClass | None = None,
                 teacher: User | None = None) -> QuerySet[TeachingAssignment]:
    """The journals a slot of the grid may be given: the class's, or the teacher's."""
    journals = TeachingAssignment.objects.filter(year=year).select_related(
        "teacher", "subject", "school_class", "subgroup")
    if school_class is not None:
        journals = journals.filter(school_class=school_class)
    if teacher is not None:
        journals = journals.filter(teacher=teacher)
    return journals.order_by("school_class__grade", "school_class__letter", "subject__order",
                             "subject__name", "subgroup__name")


def rooms_of(year: AcademicYear) -> list[str]:
    """Rooms the year's timetable uses, for the room field's suggestions."""
    rooms = (TimetableSlot.objects.filter(assignment__year=year).exclude(room="")
             .values_list("room", flat=True).distinct())
    return sorted(set(rooms), key=lambda room: (len(room), room))


def bells_of(school: School) -> dict[int, BellSchedule]:
    return {bell.lesson_number: bell for bell in BellSchedule.objects.filter(school=school)}


@dataclass
class Cell:
    weekday: int
    number: int
    slots: list[TimetableSlot] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.weekday}-{self.number}"

    @property
    def title(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]}, {self.number} урок"


@dataclass
class Row:
    number: int
    bell: BellSchedule | None
    cells: list[Cell]


@dataclass
class Day:
    weekday: int
    name: str
    short: str


@dataclass
class Grid:
    days: list[Day]
    rows: list[Row]

    def cell(self, weekday: int, number: int) -> Cell | None:
        for row in self.rows:
            if row.number == number:
                return next((c for c in row.cells if c.weekday == weekday), None)
        return None


def timetable_grid(year: AcademicYear, day: dt.date, *, school_class: SchoolClass | None = None,
                   teacher: User | None = None) -> Grid:
    """Weekdays (by the school's week) × lesson numbers (by its bells) of one class's or one
    teacher's timetable in force on `day`."""
    slots = slots_in_force(year, day)
    if school_class is not None:
        slots = slots.filter(assignment__school_class=school_class)
    if teacher is not None:
        slots = slots.filter(assignment__teacher=teacher)
    by_cell: dict[tuple[int, int], list[TimetableSlot]] = defaultdict(list)
    for slot in slots.order_by("assignment__subgroup__name", "pk"):
        by_cell[(slot.weekday, slot.lesson_number)].append(slot)
    bells = bells_of(year.school)
    numbers = set(bells) | {number for _, number in by_cell} or {1}
    weekdays = range(1, year.school.days_per_week + 1)
    days = [Day(weekday, WEEKDAY_NAMES[weekday], SHORT_WEEKDAYS[weekday]) for weekday in weekdays]
    rows = [Row(number, bells.get(number),
                [Cell(weekday, number, by_cell.get((weekday, number), [])) for weekday in weekdays])
            for number in range(min(numbers), max(numbers) + 1)]
    return Grid(days=days, rows=rows)


# The day's substitutions ---------------------------------------------------------------------

def gives_the_lesson() -> Coalesce:
    """Who gives a lesson (`Lesson.teacher` in the database): its substitute, else the
    journal's teacher."""
    return Coalesce("substitute_id", "assignment__teacher_id")


@dataclass
class Candidates:
    """Colleagues free at one lesson, those who teach its subject first."""

    same_subject: list[User]
    others: list[User]

    def __bool__(self) -> bool:
        return bool(self.same_subject or self.others)


def lessons_of_teacher_on(teacher: User, day: dt.date) -> list[Lesson]:
    """The lessons of the teacher's journals on a day, substituted or not, with their bells."""
    lessons = list(Lesson.objects.filter(assignment__teacher=teacher, date=day)
                   .select_related("assignment__year__school", "assignment__subject",
                                   "assignment__school_class", "assignment__subgroup",
                                   "assignment__teacher", "substitute")
                   .order_by("number", "assignment__school_class__grade"))
    if lessons:
        bells = bells_of(lessons[0].assignment.year.school)
        for lesson in lessons:
            lesson.bell = bells.get(lesson.number)
    return lessons


def substitute_candidates(year: AcademicYear, day: dt.date, lessons: list[Lesson],
                          absent: User) -> dict[int, Candidates]:
    """For each lesson (by id), the active staff of the school who give no lesson at its
    number that day, those who teach its subject this year listed first. A lesson's current
    substitute counts as free for it, so that the choice shows them. Three queries."""
    if not lessons:
        return {}
    staff = list(User.objects.filter(staff_roles__school_id=year.school_id, is_active=True)
                 .exclude(pk=absent.pk).distinct()
                 .order_by("last_name", "first_name", "patronymic"))
    busy: dict[int, set[int]] = defaultdict(set)
    numbers = {lesson.number for lesson in lessons}
    for number, giver in (Lesson.objects.filter(date=day, number__in=numbers,
                                                assignment__year__school_id=year.school_id)
                          .values_list("number", gives_the_lesson())):
        busy[number].add(giver)
    subjects = {lesson.assignment.subject_id for lesson in lessons}
    teaches: dict[int, set[int]] = defaultdict(set)
    for subject, teacher in (TeachingAssignment.objects.filter(year=year, subject_id__in=subjects)
                             .values_list("subject_id", "teacher_id")):
        teaches[subject].add(teacher)
    candidates = {}
    for lesson in lessons:
        free = [user for user in staff
                if user.pk not in busy[lesson.number] or user.pk == lesson.substitute_id]
        same = teaches[lesson.assignment.subject_id]
        candidates[lesson.pk] = Candidates(
            same_subject=[user for user in free if user.pk in same],
            others=[user for user in free if user.pk not in same])
    return candidates

