"""Посещаемость: per student or per class, the days and lessons missed — «б» ill, «у» excused,
«н» without a reason — and lateness «оп» with its minutes, over a span; totals per class, grade
and school. A teacher's report counts their own journals only, and no days (a day is missed
over all of a student's lessons).

`class_attendance` reads one class in four queries, whatever its size; reports read a whole
school class after class, so that their rows stream.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.db.models import QuerySet

from exports.registry import EVERYONE, CountedRows, Exporter, Params, register
from exports.reports.class_results import classes_of, subtitle_of
from exports.table import Column, Kind, Span, Table
from journal.models import Absence, Enrolment, Lesson, SchoolClass, Subgroup
from journal.queries.attendance import whole_day_kind
from journal.rules import MISSED_LESSON

TITLE = "Посещаемость"
ILL, EXCUSED, UNEXCUSED = Absence.Kind.ILL, Absence.Kind.EXCUSED, Absence.Kind.ABSENT
KINDS = (ILL, EXCUSED, UNEXCUSED)
BY_NAME = ("student__user__last_name", "student__user__first_name", "student__user__patronymic",
           "student_id", "enrolled_on")
NO_STUDENTS = "В эти даты в классах не было обучающихся."
NO_ABSENCES = "Пропусков и опозданий в эти даты не отмечено."
DAY_RULE = ("День пропущен, если пропущены все уроки обучающегося в этот день (его класса и его "
            "подгрупп): «б» — если все по болезни, «н» — если хоть один без уважительной "
            "причины, иначе «у». Опоздания в пропуски не входят.")
OWN_JOURNALS = ("Учтены только ваши журналы; пропущенные дни не считаются — день считается по "
                "всем урокам обучающегося.")
BY_STUDENT, BY_CLASS = "student", "class"


@dataclass
class Missed:
    """One student's (or a group's) absences: lessons and whole days missed by kind, lessons
    missed by kind in each month (its first day), lateness."""

    lessons: Counter = field(default_factory=Counter)
    days: Counter = field(default_factory=Counter)
    months: dict[dt.date, Counter] = field(default_factory=lambda: defaultdict(Counter))
    late: int = 0
    late_minutes: int = 0

    def add(self, other: Missed) -> None:
        self.lessons += other.lessons
        self.days += other.days
        for month, kinds in other.months.items():
            self.months[month] += kinds
        self.late += other.late
        self.late_minutes += other.late_minutes


@dataclass
class StudentRow:
    enrolment: Enrolment  # the first in the class in the span; student and name loaded
    missed: Missed

    @property
    def name(self) -> str:
        return self.enrolment.student.user.full_name


def class_enrolments(school_class: SchoolClass, span: Span) -> list[Enrolment]:
    return list(Enrolment.objects.overlapping(span.starts_on, span.ends_on)
                .filter(school_class=school_class).select_related("student__user")
                .order_by(*BY_NAME))


def _missed_days(missed_on: dict[int, dict[dt.date, dict[int, str]]],
                 school_class: SchoolClass) -> dict[int, Counter]:
    """Whole days missed per student: the days of their missed lessons on which every lesson
    they had (the class's and their subgroups') was missed."""
    dates = {day for days in missed_on.values() for day in days}
    if not dates:
        return {}
    by_day: dict[dt.date, list[tuple[int, int | None]]] = defaultdict(list)
    for lesson_id, day, subgroup_id in (Lesson.objects.filter(
            assignment__school_class=school_class, date__in=dates)
            .values_list("pk", "date", "assignment__subgroup_id")):
        by_day[day].append((lesson_id, subgroup_id))
    groups: dict[int, set[int]] = defaultdict(set)
    for student_id, group_id in Subgroup.students.through.objects.filter(
            student_id__in=list(missed_on), subgroup__school_class=school_class).values_list(
            "student_id", "subgroup_id"):
        groups[student_id].add(group_id)
    days: dict[int, Counter] = defaultdict(Counter)
    for student_id, missed_days in missed_on.items():
        for day, missed in missed_days.items():
            had = [lesson_id for lesson_id, group in by_day[day]
                   if group is None or group in groups[student_id]]
            if all(lesson_id in missed for lesson_id in had):
                days[student_id][whole_day_kind([missed[lesson_id] for lesson_id in had])] += 1
    return days


def class_attendance(school_class: SchoolClass, span: Span,
                     journals: QuerySet | None = None) -> list[StudentRow]:
    """The class's students in the span, by name, with what they missed in its lessons (of
    `journals` only, without days, when given). Four queries."""
    enrolments: dict[int, list[Enrolment]] = {}
    for enrolment in class_enrolments(school_class, span):
        enrolments.setdefault(enrolment.student_id, []).append(enrolment)
    if not enrolments:
        return []
    absences = Absence.objects.filter(
        lesson__assignment__school_class=school_class, student_id__in=list(enrolments),
        lesson__date__gte=span.starts_on, lesson__date__lte=span.ends_on)
    if journals is not None:
        absences = absences.filter(lesson__assignment__in=journals.values("pk"))
    missed = {student_id: Missed() for student_id in enrolments}
    missed_on: dict[int, dict[dt.date, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))
    for student_id, lesson_id, day, kind, minutes in absences.values_list(
            "student_id", "lesson_id", "lesson__date", "kind", "minutes_late"):
        counts = missed[student_id]
        if kind in MISSED_LESSON:
            counts.lessons[kind] += 1
            counts.months[day.replace(day=1)][kind] += 1
            missed_on[student_id][day][lesson_id] = kind
        else:
            counts.late += 1
            counts.late_minutes += minutes or 0
    if journals is None:
        for student_id, days in _missed_days(missed_on, school_class).items():
            missed[student_id].days = days
    return [StudentRow(enrolments[student_id][0], missed[student_id]) for student_id in missed]


def students_in(classes: list[SchoolClass], span: Span) -> int:
    """How many (class, student) rows the classes have in the span."""
    return (Enrolment.objects.overlapping(span.starts_on, span.ends_on)
            .filter(school_class__in=classes).values("school_class", "student")
            .distinct().count())


COLUMNS = [
    Column("Дней пропущено", Kind.INT, 9), Column("дней «б»", Kind.INT, 7),
    Column("дней «у»", Kind.INT, 7), Column("дней «н»", Kind.INT, 7),
    Column("Уроков пропущено", Kind.INT, 9), Column("уроков «б»", Kind.INT, 7),
    Column("уроков «у»", Kind.INT, 7), Column("уроков «н»", Kind.INT, 7),
    Column("Опозданий «оп»", Kind.INT, 9), Column("Минут опозданий", Kind.INT, 9),
]
STUDENT_COLUMNS = [Column("Класс", width=7), Column("Обучающийся", width=30), *COLUMNS]
CLASS_COLUMNS = [Column("Класс", width=9), Column("Обучающихся", Kind.INT, 10), *COLUMNS,
                 Column("Уроков пропущено на обучающегося", Kind.DECIMAL, 13)]


def figures(missed: Missed, *, with_days: bool) -> list:
    days = ([sum(missed.days.values()), *(missed.days[kind] for kind in KINDS)] if with_days
            else [None] * 4)
    return [*days, sum(missed.lessons.values()), *(missed.lessons[kind] for kind in KINDS),
            missed.late, missed.late_minutes]


def per_student(missed: Missed, students: int) -> Decimal | None:
    """Lessons missed per student; none to divide by: «—»."""
    return Decimal(sum(missed.lessons.values())) / students if students else None


def _rows(classes: list[SchoolClass], params: Params, by: str) -> Iterator[list]:
    whole_school = params.scope.school_class is None and params.scope.grade is None
    with_days = params.journals is None
    grades = sorted({c.grade for c in classes})
    school, school_students = Missed(), 0
    for grade in grades:
        in_grade = [c for c in classes if c.grade == grade]
        total, grade_students = Missed(), 0
        for school_class in in_grade:
            rows = class_attendance(school_class, params.span, params.journals)
            in_class = Missed()
            for row in rows:
                in_class.add(row.missed)
                if by == BY_STUDENT:
                    yield [str(school_class), row.name, *figures(row.missed, with_days=with_days)]
            if by == BY_CLASS:
                yield [str(school_class), len(rows), *figures(in_class, with_days=with_days),
                       per_student(in_class, len(rows))]
            else:
                yield [str(school_class), "Итого по классу",
                       *figures(in_class, with_days=with_days)]
            total.add(in_class)
            grade_students += len(rows)
        if by == BY_CLASS and len(grades) > 1 and len(in_grade) > 1:
            yield [f"{grade}-е", grade_students, *figures(total, with_days=with_days),
                   per_student(total, grade_students)]
        school.add(total)
        school_students += grade_students
    if whole_school and len(classes) > 1:
        if by == BY_CLASS:
            yield ["Школа", school_students, *figures(school, with_days=with_days),
                   per_student(school, school_students)]
        else:
            yield ["Школа", "Итого по школе", *figures(school, with_days=with_days)]


def row_count(classes: list[SchoolClass], students: int, params: Params, by: str) -> int:
    """The rows `_rows` gives, counted beforehand for the progress bar."""
    grades = {c.grade for c in classes}
    whole_school = params.scope.school_class is None and params.scope.grade is None
    totals = int(whole_school and len(classes) > 1)
    if by == BY_CLASS:
        several = [g for g in grades if sum(c.grade == g for c in classes) > 1]
        return len(classes) + (len(several) if len(grades) > 1 else 0) + totals
    return students + len(classes) + totals


def empty_notes(classes: list[SchoolClass], students: int, span: Span,
                journals: QuerySet | None = None) -> list[str]:
    """Why the figures are all zero, if they are."""
    if not students:
        return [NO_STUDENTS]
    absences = Absence.objects.filter(lesson__assignment__school_class__in=classes,
                                      lesson__date__gte=span.starts_on,
                                      lesson__date__lte=span.ends_on)
    if journals is not None:
        absences = absences.filter(lesson__assignment__in=journals.values("pk"))
    return [] if absences.exists() else [NO_ABSENCES]


def attendance(params: Params, by: str = BY_STUDENT) -> Table:
    scope, span = params.scope, params.span
    columns = STUDENT_COLUMNS if by == BY_STUDENT else CLASS_COLUMNS
    subtitle = subtitle_of(scope, span)
    found = classes_of(scope, span)
    if not found.classes:
        return Table(TITLE, columns, [], subtitle, [found.reason])
    students = students_in(found.classes, span)
    notes = [*empty_notes(found.classes, students, span, params.journals),
             DAY_RULE if params.journals is None else OWN_JOURNALS]
    rows = CountedRows(row_count(found.classes, students, params, by),
                       _rows(found.classes, params, by))
    return Table(TITLE, columns, rows, subtitle, notes, landscape=True)


@register
class Attendance(Exporter):
    key = "attendance"
    title = TITLE
    description = ("Пропущенные дни и уроки — по болезни «б», по уважительной причине «у», без "
                   "уважительной «н» — и опоздания с минутами, по обучающимся или по классам.")
    audiences = EVERYONE
    fields = {"by": forms.ChoiceField(label="Строки", choices=[
        (BY_STUDENT, "по обучающимся"), (BY_CLASS, "по классам")], initial=BY_STUDENT)}
    order = 30

    def table(self, params: Params) -> Table:
        return attendance(params, params.options.get("by") or BY_STUDENT)
