"""The secretary's reads: people's data (a search of students and parents, a person's card)
and the movement of students (arrivals and departures with their orders)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from accounts.models import (
    ContactChannel,
    CredentialIssue,
    DataChangeNotice,
    DiaryApplication,
    Parent,
    ParentStudent,
    PersonalDataConsent,
    Student,
    Termination,
)
from accounts.permissions import school_parents, school_students
from accounts.queries.reminders import notices_of
from accounts.queries.search import person_matches
from journal.models import AcademicYear, Enrolment, School, SchoolClass, StudentMove


def _current(day: dt.date):
    return (Enrolment.objects.active_on(day).filter(school_class__year__is_current=True)
            .select_related("school_class"))


def find_students(school: School, search: str, school_class: SchoolClass | None
                  ) -> QuerySet[Student]:
    """The school's students matching every word of the search, each with `current` (their
    enrolment today in the current year)."""
    students = school_students(school).filter(person_matches(search, "user__"))
    if school_class is not None:
        students = students.filter(Exists(Enrolment.objects.active_on(timezone.localdate())
                                          .filter(student=OuterRef("pk"),
                                                  school_class=school_class)))
    return (students.select_related("user")
            .prefetch_related(Prefetch("enrolments", queryset=_current(timezone.localdate()),
                                       to_attr="current"))
            .order_by("user__last_name", "user__first_name", "user__patronymic", "pk"))


def find_parents(school: School, search: str, school_class: SchoolClass | None
                 ) -> QuerySet[Parent]:
    """The school's parents matching every word of the search (or, with a class, those with a
    child in it)."""
    parents = school_parents(school).filter(person_matches(search, "user__"))
    if school_class is not None:
        parents = parents.filter(Exists(ParentStudent.objects.filter(
            parent=OuterRef("pk"), student__enrolments__in=Enrolment.objects.active_on(
                timezone.localdate()).filter(school_class=school_class))))
    return (parents.select_related("user")
            .order_by("user__last_name", "user__first_name", "user__patronymic", "pk"))


# A person's card -----------------------------------------------------------------------------

def _channels(user_path: str = "user"):
    return Prefetch(f"{user_path}__contact_channels",
                    queryset=ContactChannel.objects.order_by("kind"))


def student_card(student: Student) -> Student:
    """The student with their classes (every year, newest first), parents with contacts, and
    own contacts: `enrolment_list`, `parent_link_list`, `user.contact_channels`."""
    student = (Student.objects.filter(pk=student.pk).select_related("user", "school")
               .prefetch_related(
                   Prefetch("enrolments", queryset=Enrolment.objects.select_related(
                       "school_class__year", "school_class__class_teacher")
                       .order_by("-enrolled_on"), to_attr="enrolment_list"),
                   Prefetch("parent_links", queryset=ParentStudent.objects.select_related(
                       "parent__user").prefetch_related(_channels("parent__user"))
                       .order_by("parent__user__last_name"), to_attr="parent_link_list"),
                   _channels())
               .get())
    student.login_issues = list(CredentialIssue.objects.filter(user_id=student.user_id)
                                .select_related("issued_by")[:5])
    return student


def parent_card(parent: Parent, day: dt.date) -> Parent:
    """The parent with children (and their class today), contacts, consents, applications,
    logins issued and terminations."""
    children = (ParentStudent.objects.select_related("student__user").prefetch_related(
        Prefetch("student__enrolments", queryset=_current(day), to_attr="current"))
        .order_by("student__user__last_name"))
    parent = (Parent.objects.filter(pk=parent.pk).select_related("user")
              .prefetch_related(
                  Prefetch("links", queryset=children, to_attr="child_links"),
                  Prefetch("consents", queryset=PersonalDataConsent.objects.select_related(
                      "recorded_by"), to_attr="consent_list"),
                  Prefetch("applications", queryset=DiaryApplication.objects.select_related(
                      "passport_checked_by", "recorded_by"), to_attr="application_list"),
                  _channels())
              .get())
    parent.login_issues = list(CredentialIssue.objects.filter(user_id=parent.user_id)
                               .select_related("issued_by")[:5])
    parent.termination_list = list(Termination.objects.filter(user_id=parent.user_id))
    return parent


def notices_about(school: School, user_id: int) -> QuerySet[DataChangeNotice]:
    return notices_of(school).filter(subject_id=user_id)


# Movement of students ---------------------------------------------------------------------

class Movement:
    CHANGES = ""
    ARRIVALS = "arrivals"
    DEPARTURES = "departures"
    YEAR_START = "year_start"
    CHOICES = [(CHANGES, "прибытие и выбытие в течение года"), (ARRIVALS, "прибытие"),
               (DEPARTURES, "выбытие"), (YEAR_START, "зачисление на начало года")]


@dataclass(frozen=True)
class MovementRow:
    day: dt.date
    arrival: bool
    enrolment: Enrolment
    order_number: str
    order_date: dt.date | None

    @property
    def what(self) -> str:
        return "прибыл(а) в класс" if self.arrival else "выбыл(а) из класса"


def _arrival(enrolment: Enrolment) -> MovementRow:
    return MovementRow(enrolment.enrolled_on, True, enrolment, enrolment.order_number,
                       enrolment.order_date)


def _departure_orders(year: AcademicYear, school_class: SchoolClass | None) -> dict:
    """The orders of departures and transfers out that the movement service recorded, by
    (student, class left, last day in it): an enrolment keeps only the order it began with."""
    moves = StudentMove.objects.filter(
        from_class__year=year, kind__in=[StudentMove.Kind.DEPARTURE, StudentMove.Kind.TRANSFER])
    if school_class is not None:
        moves = moves.filter(from_class=school_class)
    orders = {}
    for move in moves.order_by("at", "pk"):
        # A departure's day is the last in the class; a transfer's, the first in the next.
        last_day = move.on if move.kind == StudentMove.Kind.DEPARTURE \
            else move.on - dt.timedelta(days=1)
        orders[(move.student_id, move.from_class_id, last_day)] = (move.order_number,
                                                                   move.order_date)
    return orders


def movement(year: AcademicYear | None, kind: str, school_class: SchoolClass | None
             ) -> list[MovementRow]:
    """The year's enrolments as events, newest first: an arrival on `enrolled_on` (after the
    year's first day; on it, with `YEAR_START`), a departure on `left_on`, each with its
    order. Three queries at most."""
    if year is None:
        return []
    enrolments = (Enrolment.objects.filter(school_class__year=year)
                  .select_related("student__user", "school_class"))
    if school_class is not None:
        enrolments = enrolments.filter(school_class=school_class)
    rows: list[MovementRow] = []
    if kind in (Movement.CHANGES, Movement.ARRIVALS):
        rows += [_arrival(e) for e in enrolments.filter(enrolled_on__gt=year.starts_on)]
    if kind == Movement.YEAR_START:
        rows += [_arrival(e) for e in enrolments.filter(enrolled_on__lte=year.starts_on)]
    if kind in (Movement.CHANGES, Movement.DEPARTURES):
        orders = _departure_orders(year, school_class)
        for e in enrolments.filter(left_on__isnull=False):
            # Closed in the setup screens rather than by an order: the enrolment's own.
            number, date = orders.get((e.student_id, e.school_class_id, e.left_on),
                                      (e.order_number, e.order_date))
            rows.append(MovementRow(e.left_on, False, e, number, date))
    return sorted(rows, key=lambda r: (r.day, r.enrolment.pk, r.arrival), reverse=True)
