"""Reads for the data-update reminders: which families' data have not changed since a date,
the notices of change still waiting for their change, and the log the secretary reads."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Exists, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import (
    DataChangeNotice,
    DataUpdateReminder,
    ParentStudent,
    PersonalDataEvent,
    Student,
)
from journal.models import AcademicYear, Enrolment, School, SchoolClass


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _changes_since(since: dt.datetime) -> QuerySet[PersonalDataEvent]:
    return PersonalDataEvent.objects.filter(kind=PersonalDataEvent.Kind.CHANGE, at__gte=since)


def families_not_updated(school_class: SchoolClass, since: dt.date, day: dt.date
                         ) -> list[Student]:
    """The class's students on `day` whose family (the student or any of their parents) has had
    no change of personal data recorded since `since`, each with `parent_links` (and their
    parents) loaded: two queries."""
    changed = _changes_since(start_of(since))
    return list(
        Student.objects.filter(Exists(Enrolment.objects.active_on(day).filter(
            student=OuterRef("pk"), school_class=school_class)))
        .exclude(Exists(changed.filter(subject_id=OuterRef("user_id"))))
        .exclude(Exists(changed.filter(subject__parent__links__student=OuterRef("pk"))))
        .select_related("user")
        .prefetch_related(Prefetch("parent_links", queryset=ParentStudent.objects.select_related(
            "parent__user").order_by("parent__user__last_name")))
        .order_by("user__last_name", "user__first_name", "user__patronymic"))


def students_in(school_class: SchoolClass, day: dt.date) -> int:
    return Enrolment.objects.active_on(day).filter(school_class=school_class).count()


def notices_of(school: School) -> QuerySet[DataChangeNotice]:
    """The school's notices of change, each with `changed_at`: when the first change of the
    person's data was recorded on or after the day the notice came (None while waiting)."""
    first_change = (PersonalDataEvent.objects
                    .filter(kind=PersonalDataEvent.Kind.CHANGE, subject_id=OuterRef("subject_id"),
                            at__date__gte=OuterRef("received_on"))
                    .order_by().values("subject_id").annotate(first=Min("at")).values("first"))
    return (DataChangeNotice.objects.filter(school=school)
            .annotate(changed_at=Subquery(first_change))
            .select_related("subject", "recorded_by")
            .order_by("-received_on", "-pk"))


def open_notices(school: School) -> QuerySet[DataChangeNotice]:
    return notices_of(school).filter(changed_at__isnull=True)


def classes_of_people(year: AcademicYear | None, day: dt.date, user_ids
                      ) -> dict[int, list[SchoolClass]]:
    """The classes a student is in on `day`, or a parent's children are in: one query."""
    if year is None:
        return {}
    found: dict[int, dict[int, SchoolClass]] = defaultdict(dict)
    enrolments = (Enrolment.objects.active_on(day).filter(school_class__year=year)
                  .filter(Q(student__user_id__in=user_ids)
                          | Q(student__parent_links__parent__user_id__in=user_ids))
                  .select_related("school_class__class_teacher", "student")
                  .prefetch_related("student__parents"))
    wanted = set(user_ids)
    for enrolment in enrolments:
        people = {enrolment.student.user_id} | {p.user_id for p in enrolment.student.parents.all()}
        for user_id in people & wanted:
            found[user_id][enrolment.school_class_id] = enrolment.school_class
    return {user_id: sorted(classes.values(), key=lambda c: (c.grade, c.letter))
            for user_id, classes in found.items()}


def reminder_log(school: School) -> QuerySet[DataUpdateReminder]:
    return (DataUpdateReminder.objects.filter(school=school)
            .select_related("school_class", "recipient", "notice__subject")
            .order_by("-tried_at", "-pk"))
