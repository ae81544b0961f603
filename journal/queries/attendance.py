"""A class's attendance by week: what the class teacher looks at to correct absence reasons.

Reads only; the page's corrections go through `journal.services.absences`. Who may open the
page is `journal.permissions.access_class`. The week is built in a fixed number of queries
whatever the size of the class.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from accounts.models import Student
from journal.models import (
    Absence,
    ChangeRecord,
    Enrolment,
    Holiday,
    SchoolClass,
)
from journal.rules import MISSED_LESSON
from journal.weeks import WEEKDAY_NAMES, WEEKDAY_SHORT, WeekNavigation, week_start

EXCUSED = frozenset({"ill", "excused"})


def whole_day_kind(kinds: list[str]) -> str:
    """How a day on which a student missed every lesson they had counts: ill when every lesson
    was missed through illness, without a reason when any was, else excused."""
    if all(kind == Absence.Kind.ILL for kind in kinds):
        return Absence.Kind.ILL
    return Absence.Kind.ABSENT if Absence.Kind.ABSENT in kinds else Absence.Kind.EXCUSED


def absence_label(absence: Absence) -> str:
    if absence.kind == Absence.Kind.LATE and absence.minutes_late:
        return f"оп {absence.minutes_late} мин"
    return absence.get_kind_display()


@dataclass
class Day:
    date: dt.date
    holiday: str = ""

    @property
    def short_name(self) -> str:
        return WEEKDAY_SHORT[self.date.weekday()]

    @property
    def name(self) -> str:
        return WEEKDAY_NAMES[self.date.weekday()]


@dataclass
class DayCell:
    day: Day
    absences: list[Absence] = field(default_factory=list)
    enrolled: bool = True

    @property
    def missed(self) -> list[Absence]:
        return [a for a in self.absences if a.kind in MISSED_LESSON]


@dataclass
class Totals:
    missed: int = 0      # lessons missed: н, б, у
    excused: int = 0     # of them б and у
    unexcused: int = 0   # of them н
    late: int = 0        # times late (оп)
    late_minutes: int = 0

    def add(self, absence: Absence) -> None:
        if absence.kind in MISSED_LESSON:
            self.missed += 1
            if absence.kind in EXCUSED:
                self.excused += 1
            else:
                self.unexcused += 1
        else:
            self.late += 1
            self.late_minutes += absence.minutes_late or 0

    def add_totals(self, other: Totals) -> None:
        self.missed += other.missed
        self.excused += other.excused
        self.unexcused += other.unexcused
        self.late += other.late
        self.late_minutes += other.late_minutes


@dataclass
class Row:
    student: Student
    cells: list[DayCell]
    totals: Totals


@dataclass
class AttendanceWeek(WeekNavigation):
    school_class: SchoolClass
    monday: dt.date
    days: list[Day]
    rows: list[Row]
    totals: Totals


def school_days(school_class: SchoolClass, monday: dt.date) -> list[Day]:
    """Monday to Friday or Saturday (the school's `days_per_week`), with holidays named."""
    days = [Day(monday + dt.timedelta(days=i))
            for i in range(school_class.year.school.days_per_week)]
    holidays = Holiday.objects.filter(
        year_id=school_class.year_id, starts_on__lte=days[-1].date, ends_on__gte=monday,
    ).for_grade(school_class.grade)
    for holiday in holidays:
        for day in days:
            if holiday.starts_on <= day.date <= holiday.ends_on:
                day.holiday = holiday.name
    return days


def _enrolled_students(school_class: SchoolClass, first: dt.date, last: dt.date):
    """Enrolments in the class overlapping the days, students and their names loaded."""
    return (Enrolment.objects.overlapping(first, last).filter(school_class=school_class)
            .select_related("student__user")
            .order_by("student__user__last_name", "student__user__first_name",
                      "student__user__patronymic", "student_id", "enrolled_on"))


def _absences(school_class: SchoolClass, first: dt.date, last: dt.date, **filters):
    return (Absence.objects.filter(lesson__assignment__school_class=school_class,
                                   lesson__date__gte=first, lesson__date__lte=last, **filters)
            .select_related("lesson__assignment__subject", "lesson__assignment__subgroup")
            .order_by("lesson__date", "lesson__number", "lesson__assignment__subject__order",
                      "pk"))


def build_attendance_week(school_class: SchoolClass, monday: dt.date) -> AttendanceWeek:
    """Students × school days of the week, each day the student's absences per lesson, and
    the week's totals per student and for the class. Three queries."""
    days = school_days(school_class, monday)
    first, last = days[0].date, days[-1].date
    enrolments: dict[int, list[Enrolment]] = {}
    students: dict[int, Student] = {}
    for enrolment in _enrolled_students(school_class, first, last):
        students.setdefault(enrolment.student_id, enrolment.student)
        enrolments.setdefault(enrolment.student_id, []).append(enrolment)
    by_student_day: dict[tuple[int, dt.date], list[Absence]] = defaultdict(list)
    for absence in _absences(school_class, first, last):
        by_student_day[absence.student_id, absence.lesson.date].append(absence)

    rows, class_totals = [], Totals()
    for student_id, student in students.items():
        totals = Totals()
        cells = []
        for day in days:
            absences = by_student_day.get((student_id, day.date), [])
            for absence in absences:
                totals.add(absence)
            enrolled = any(e.is_active_on(day.date) for e in enrolments[student_id])
            cells.append(DayCell(day, absences, enrolled))
        rows.append(Row(student, cells, totals))
        class_totals.add_totals(totals)
    return AttendanceWeek(school_class, monday, days, rows, class_totals)


def student_of_class(school_class: SchoolClass, student_id, day: dt.date) -> Student | None:
    """The student if they were in the class in the week of `day`."""
    if not str(student_id).isdigit():
        return None
    monday = week_start(day)
    enrolment = _enrolled_students(school_class, monday, monday + dt.timedelta(days=6)).filter(
        student_id=int(student_id)).first()
    return enrolment.student if enrolment else None


def day_absences(school_class: SchoolClass, student: Student, day: dt.date) -> list[Absence]:
    """A student's absences and lateness on a day, over every journal of the class."""
    return list(_absences(school_class, day, day, student=student))


def history_of(absences: list[Absence]) -> list[ChangeRecord]:
    """The change history of these absences, newest first."""
    ids = [a.pk for a in absences]
    return list(ChangeRecord.objects.filter(entity=ChangeRecord.Entity.ABSENCE, entity_id__in=ids)
                .select_related("user").order_by("-at", "-pk"))
