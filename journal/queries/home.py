"""Reads that the pages need, with their joins done up front."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Student
from journal.models import (
    AcademicYear,
    BellSchedule,
    Enrolment,
    Lesson,
    SchoolClass,
    TeachingAssignment,
    TeachingAssignmentUserObjectPermission,
)
from journal.models.rights import CO_KEEP_JOURNAL
from journal.permissions import holds_right
from journal.queries.plans import held_lessons


def current_year() -> AcademicYear | None:
    return AcademicYear.objects.select_related("school").filter(is_current=True).first()


def bells_of(year: AcademicYear) -> dict[int, BellSchedule]:
    return {b.lesson_number: b for b in BellSchedule.objects.filter(school_id=year.school_id)}


def _teaches(user, assignment: str = "") -> Q:
    """The journals a user teaches: as its teacher, or as its second teacher."""
    second = holds_right(TeachingAssignmentUserObjectPermission, user, (CO_KEEP_JOURNAL,),
                         OuterRef(assignment + "pk"))
    return Q(**{assignment + "teacher": user}) | Q(second)


def lessons_taught_on(user, day: dt.date):
    """The lessons a teacher gives on a day: of their journals, also co-taught ones (unless
    someone substitutes), and the ones they substitute for."""
    return (
        Lesson.objects.filter(date=day)
        .filter((_teaches(user, "assignment__") & Q(substitute__isnull=True))
                | Q(substitute=user))
        .select_related("assignment__subject", "assignment__school_class",
                        "assignment__subgroup", "assignment__teacher", "substitute")
        .order_by("number")
    )


def journals_of(user, year: AcademicYear, today: dt.date):
    """A teacher's journals with how many lessons were held (counted as the plan page counts
    them) and how many lessons up to today lack a topic."""
    past = Q(lessons__date__lte=today)
    return (
        TeachingAssignment.objects.filter(_teaches(user), year=year)
        .select_related("subject", "school_class", "subgroup")
        .annotate(lessons_held=Count("lessons", filter=held_lessons(today, "lessons__")),
                  lessons_without_topic=Count("lessons", filter=past & Q(lessons__topic="")))
        .order_by("school_class__grade", "school_class__letter", "subject__order", "subgroup__name")
    )


def classes_led_by(user, year: AcademicYear, today: dt.date):
    """The user's classes with how many students they have today."""
    present = (Enrolment.objects.active_on(today).filter(school_class=OuterRef("pk"))
               .order_by().values("school_class").annotate(count=Count("pk")).values("count"))
    return (SchoolClass.objects.filter(year=year, class_teacher=user)
            .annotate(student_count=Coalesce(Subquery(present), 0))
            .order_by("grade", "letter"))


def journals_needing_attention(year: AcademicYear, today: dt.date, days: int = 14):
    """Journals with past lessons of the last `days` days that have no topic: what the deputy
    director's check looks at first."""
    window = Q(lessons__date__lte=today, lessons__date__gt=today - dt.timedelta(days=days))
    return (
        TeachingAssignment.objects.filter(year=year)
        .annotate(missing=Count("lessons", filter=window & Q(lessons__topic="")),
                  lessons_in_window=Count("lessons", filter=window))
        .filter(missing__gt=0)
        .select_related("teacher", "subject", "school_class", "subgroup")
        .order_by("-missing", "school_class__grade", "school_class__letter")
    )


def school_figures(year: AcademicYear) -> dict[str, int]:
    return {
        "classes": SchoolClass.objects.filter(year=year).count(),
        "students": Enrolment.objects.active_on(timezone.localdate())
        .filter(school_class__year=year).values("student").distinct().count(),
        "journals": TeachingAssignment.objects.filter(year=year).count(),
    }


def children_with_classes(students, year: AcademicYear | None):
    """Students with their current class (and its class teacher) prefetched as `current`."""
    enrolments = Enrolment.objects.active_on(timezone.localdate()).select_related(
        "school_class__class_teacher")
    if year is not None:
        enrolments = enrolments.filter(school_class__year=year)
    return (Student.objects.filter(pk__in=[s.pk for s in students]).select_related("user")
            .prefetch_related(Prefetch("enrolments", queryset=enrolments, to_attr="current")))


def lessons_for_student_on(student: Student, day: dt.date):
    """A student's lessons on a day: their class's, and of the subgroups they belong to."""
    class_ids = Enrolment.objects.active_on(day).filter(student=student).values("school_class_id")
    return (
        Lesson.objects.filter(date=day, assignment__school_class_id__in=class_ids)
        .filter(Q(assignment__subgroup__isnull=True) | Q(assignment__subgroup__students=student))
        .select_related("assignment__subject", "assignment__teacher", "substitute")
        .order_by("number")
    )


def family_figures(school_id: int) -> dict[str, int]:
    """How many families use the diary: what the e-diary coordinator watches."""
    from accounts.models import Parent

    parents = Parent.objects.filter(children__school_id=school_id).distinct()
    students = Student.objects.filter(school_id=school_id)
    return {
        "parents": parents.count(),
        "parents_signed_in": parents.filter(user__last_login__isnull=False).count(),
        "students": students.count(),
        "students_signed_in": students.filter(user__last_login__isnull=False).count(),
    }
