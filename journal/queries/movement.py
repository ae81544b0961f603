"""What the movement page reads: the year's moves by order, and whom each form offers (the
school's students without a class, the students in a class on a day, the year's classes and
subgroups). Who is in a class on a day is `Enrolment.objects.active_on`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from accounts.models import Student
from journal.models import AcademicYear, Enrolment, SchoolClass, StudentMove, Subgroup
from journal.queries.late_entries import Month


@dataclass(frozen=True)
class MoveFilter:
    school_class: SchoolClass | None = None
    kind: str = ""
    month: Month | None = None


def year_moves(year: AcademicYear, wanted: MoveFilter = MoveFilter()) -> QuerySet[StudentMove]:
    """The school's moves dated in the year, newest first, with everything a row shows."""
    moves = StudentMove.objects.filter(school_id=year.school_id,
                                       on__range=(year.starts_on, year.ends_on))
    if wanted.school_class is not None:
        moves = moves.filter(Q(from_class=wanted.school_class) | Q(to_class=wanted.school_class))
    if wanted.kind:
        moves = moves.filter(kind=wanted.kind)
    if wanted.month is not None:
        moves = moves.filter(on__range=(wanted.month.first, wanted.month.last))
    return moves.select_related("student__user", "from_class", "to_class", "from_subgroup",
                                "to_subgroup", "by").order_by("-on", "-pk")


def year_months(year: AcademicYear) -> list[Month]:
    """The months the year spans, in order."""
    months, month = [], Month(year.starts_on.replace(day=1))
    while month.first <= year.ends_on:
        months.append(month)
        month = month.next
    return months


def _by_name(students: QuerySet[Student]) -> QuerySet[Student]:
    return students.select_related("user").order_by(
        "user__last_name", "user__first_name", "user__patronymic", "pk")


def students_without_class(year: AcademicYear, day: dt.date) -> QuerySet[Student]:
    """The school's students in no class of the year on `day` or later: new ones, and those
    who left and may come back."""
    enrolled = Enrolment.objects.overlapping(day, dt.date.max).filter(
        student=OuterRef("pk"), school_class__year=year)
    return _by_name(Student.objects.filter(school_id=year.school_id).filter(~Exists(enrolled)))


def students_in_classes(year: AcademicYear, day: dt.date) -> QuerySet[Student]:
    """The students in a class of the year on `day`, each with `class_grade` and
    `class_letter` of that class."""
    enrolled = Enrolment.objects.active_on(day).filter(student=OuterRef("pk"),
                                                       school_class__year=year)
    return _by_name(Student.objects.filter(Exists(enrolled)).annotate(
        class_grade=Subquery(enrolled.values("school_class__grade")[:1]),
        class_letter=Subquery(enrolled.values("school_class__letter")[:1])))


def school_students(year: AcademicYear) -> QuerySet[Student]:
    """Every student a form may name (what is offered is narrower; anything else is a crafted
    request)."""
    return Student.objects.filter(school_id=year.school_id).select_related("user")


def year_classes(year: AcademicYear) -> QuerySet[SchoolClass]:
    return SchoolClass.objects.filter(year=year).select_related("year").order_by("grade", "letter")


def year_subgroups(year: AcademicYear) -> QuerySet[Subgroup]:
    return (Subgroup.objects.filter(school_class__year=year)
            .select_related("school_class__year", "subject")
            .order_by("school_class__grade", "school_class__letter", "subject__order",
                      "subject__name", "name"))
