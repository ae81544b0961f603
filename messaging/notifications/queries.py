"""Reads of the notifications pages: a user's notifications, a child's unread ones in the diary,
the log of deliveries, the refusals and the parents to record one for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet

from accounts.models import Parent, ParentStudent
from journal.models import Enrolment, School, SchoolClass
from messaging.models import Delivery, InformationRefusal, Notification
from messaging.notifications.permissions import deliveries_of, parents_for_refusals, refusals_for
from messaging.unread import UnreadNotice, unread_about_children


def notifications_of(user) -> QuerySet[Notification]:
    """The user's notifications: unread first, then the newest."""
    return (Notification.objects.filter(recipient=user).select_related("student__user")
            .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-pk"))


def unread_about(user, student) -> list[UnreadNotice]:
    """The user's newest unread notifications about one child, newest first (the diary shows
    them): from the cache of unread counts, so no query while nothing changes."""
    return unread_about_children(user.pk).get(student.pk, [])


@dataclass(frozen=True)
class DeliveryFilter:
    status: str = ""
    channel: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    school_class: SchoolClass | None = None


def deliveries_log(school: School, where: DeliveryFilter) -> QuerySet[Delivery]:
    """The school's deliveries as the filter narrows them, the newest first."""
    rows = deliveries_of(school).select_related("notification__recipient",
                                                "notification__student__user")
    if where.status:
        rows = rows.filter(status=where.status)
    if where.channel:
        rows = rows.filter(channel=where.channel)
    if where.date_from:
        rows = rows.filter(created_at__date__gte=where.date_from)
    if where.date_to:
        rows = rows.filter(created_at__date__lte=where.date_to)
    if where.school_class:
        rows = rows.filter(Exists(Enrolment.objects.filter(
            student_id=OuterRef("notification__student_id"), school_class=where.school_class)))
    return rows.order_by("-created_at", "-pk")


def failed_count(school: School) -> int:
    return deliveries_of(school).filter(status=Delivery.Status.FAILED).count()


def _children() -> Prefetch:
    return Prefetch("parent__links", queryset=ParentStudent.objects.select_related(
        "student__user").order_by("student__user__last_name", "student__user__first_name"))


def refusals_list(user) -> QuerySet[InformationRefusal]:
    """The refusals the user keeps, standing ones first, with each parent's children."""
    return (refusals_for(user).select_related("parent__user", "recorded_by")
            .prefetch_related(_children())
            .order_by(F("withdrawn_on").asc(nulls_first=True), "-refused_on", "-pk"))


def parents_of_class(user, school_class: SchoolClass) -> QuerySet[Parent]:
    """The parents of a class's current students whose refusal the user may record, with
    their children and whether a refusal of theirs stands."""
    in_class = Enrolment.objects.current().filter(school_class=school_class)
    return (parents_for_refusals(user)
            .filter(links__student__in=in_class.values("student_id")).distinct()
            .select_related("user")
            .prefetch_related(
                Prefetch("links", queryset=ParentStudent.objects.select_related(
                    "student__user").order_by("student__user__first_name")),
                Prefetch("information_refusals",
                         queryset=InformationRefusal.objects.filter(withdrawn_on__isnull=True),
                         to_attr="standing"))
            .order_by("user__last_name", "user__first_name", "user__patronymic"))
