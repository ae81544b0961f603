"""A class's attendance by week: what the class teacher looks at to correct absence reasons.

Reads only; the page's corrections go through `journal.services.absences`. Who may open the
page: the class teacher (guardian `journal.view_class_journals` on the SchoolClass),
the deputy director and the director of the class's school; outsiders get 404, as for a missing
id. The week is built in a fixed number of queries whatever the size of the class.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from accounts.models import StaffRole, Student
from accounts.roles import Role
from journal.models import (
    Absence,
    ChangeRecord,
    Enrolment,
    Holiday,
    SchoolClass,
    SchoolClassUserObjectPermission,
)
from journal.permissions import VIEW_CLASS_JOURNALS
from journal.rules import MISSED_LESSON

WEEKDAY_SHORT = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
WEEKDAY_NAMES = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота",
                 "воскресенье")
EXCUSED = frozenset({"ill", "excused"})


@dataclass(frozen=True)
class ClassRights:
    view: bool = False
    leads: bool = False      # class teacher: sets absence kinds н/б/у and documents
    corrects: bool = False   # deputy director: may correct too, giving a reason

    @property
    def may_set_reasons(self) -> bool:
        return self.leads or self.corrects


def classes_with_rights(user):
    """Classes annotated with what `user` may do with them (see `ClassRights`)."""
    roles = StaffRole.objects.filter(user=user, school_id=OuterRef("year__school_id"))
    return SchoolClass.objects.annotate(
        _leads=Exists(SchoolClassUserObjectPermission.objects.filter(
            user=user, permission__codename=VIEW_CLASS_JOURNALS, content_object_id=OuterRef("pk"))),
        _corrects=Exists(roles.filter(role=Role.DEPUTY)),
        _reads_all=Exists(roles.filter(role=Role.DIRECTOR)),
    )


def access_class(user, class_id) -> tuple[SchoolClass, ClassRights]:
    """The class (year, school and class teacher loaded) and what the user may do on its
    attendance page; 404 for anyone else. One query."""
    if not (user.is_authenticated and user.is_active):
        raise Http404("Класс не найден.")
    base = SchoolClass.objects.select_related("year__school", "class_teacher")
    if user.is_superuser:
        school_class = base.filter(pk=class_id).first()
        rights = ClassRights(view=True, leads=True, corrects=True)
    else:
        school_class = (classes_with_rights(user).select_related("year__school", "class_teacher")
                        .filter(pk=class_id).first())
        rights = ClassRights() if school_class is None else ClassRights(
            view=school_class._leads or school_class._corrects or school_class._reads_all,
            leads=school_class._leads, corrects=school_class._corrects)
    if school_class is None or not rights.view:
        raise Http404("Класс не найден.")
    return school_class, rights


def other_classes(user, school_class: SchoolClass) -> list[SchoolClass]:
    """The classes of the same year whose attendance the user may also open (for switching)."""
    classes = SchoolClass.objects.filter(year_id=school_class.year_id).order_by("grade", "letter")
    if user.is_superuser:
        return list(classes)
    with_rights = classes_with_rights(user).filter(year_id=school_class.year_id)
    return list(with_rights.filter(Q(_leads=True) | Q(_corrects=True) | Q(_reads_all=True))
                .order_by("grade", "letter"))


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week `day` falls in."""
    return day - dt.timedelta(days=day.weekday())


def parse_week(value: str | None, today: dt.date) -> tuple[dt.date, str | None]:
    """The Monday of the asked week (any date of it, YYYY-MM-DD) and an error for the user
    when the value cannot be read, in which case the current week is shown."""
    if not value:
        return week_start(today), None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        return week_start(today), (f"Не удалось прочитать дату «{value[:20]}»: укажите её как "
                                   f"ДД.ММ.ГГГГ в календаре. Показана текущая неделя.")
    if day.year < 2000 or day.year > 2100:
        return week_start(today), "Дата вне допустимого диапазона. Показана текущая неделя."
    return week_start(day), None


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
class AttendanceWeek:
    school_class: SchoolClass
    monday: dt.date
    days: list[Day]
    rows: list[Row]
    totals: Totals

    @property
    def last_day(self) -> dt.date:
        return self.days[-1].date

    @property
    def previous(self) -> dt.date:
        return self.monday - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)


def school_days(school_class: SchoolClass, monday: dt.date) -> list[Day]:
    """Monday to Friday or Saturday (the school's `days_per_week`), with holidays named."""
    days = [Day(monday + dt.timedelta(days=i))
            for i in range(school_class.year.school.days_per_week)]
    holidays = Holiday.objects.filter(
        year_id=school_class.year_id, starts_on__lte=days[-1].date, ends_on__gte=monday,
        grade_from__lte=school_class.grade, grade_to__gte=school_class.grade)
    for holiday in holidays:
        for day in days:
            if holiday.starts_on <= day.date <= holiday.ends_on:
                day.holiday = holiday.name
    return days


def _enrolled_students(school_class: SchoolClass, first: dt.date, last: dt.date):
    """Enrolments in the class overlapping the days, students and their names loaded."""
    return (Enrolment.objects.filter(school_class=school_class, enrolled_on__lte=last)
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=first))
            .select_related("student__user")
            .order_by("student__user__last_name", "student__user__first_name",
                      "student__user__patronymic", "student_id", "enrolled_on"))


def _absences(school_class: SchoolClass, first: dt.date, last: dt.date, **filters):
    return (Absence.objects.filter(lesson__assignment__school_class=school_class,
                                   lesson__date__gte=first, lesson__date__lte=last, **filters)
            .select_related("lesson__assignment__subject", "lesson__assignment__subgroup")
            .order_by("lesson__date", "lesson__number", "lesson__assignment__subject__order",
                      "pk"))


def build_week(school_class: SchoolClass, monday: dt.date) -> AttendanceWeek:
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
