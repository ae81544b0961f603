"""Recording and reading families' activity; pruning it after the retention period."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from accounts.models import Parent, Student
from diary.models import ActivityRecord


def is_family_member(user) -> bool:
    return Parent.objects.filter(user=user).exists() or Student.objects.filter(user=user).exists()


def record_sign_in(user) -> None:
    """A parent's or student's sign-in; staff sign-ins are not recorded here."""
    if is_family_member(user):
        ActivityRecord.objects.create(user=user, kind=ActivityRecord.Kind.SIGN_IN)


def record_view(user, page: str, student: Student | None) -> None:
    ActivityRecord.objects.create(user=user, kind=ActivityRecord.Kind.VIEW, page=page,
                                  student=student)


def last_visit_before(user, moment: dt.datetime) -> dt.datetime | None:
    """When the user last opened the diary before `moment`: what is newer is marked new."""
    return (ActivityRecord.objects.filter(user=user, kind=ActivityRecord.Kind.VIEW, at__lt=moment)
            .aggregate(last=Max("at"))["last"])


def last_visits(users) -> dict[int, dt.datetime]:
    """Each user's last sign-in or diary view, for the class teacher's list (one query)."""
    rows = (ActivityRecord.objects.filter(user__in=users).values("user_id")
            .annotate(last=Max("at")))
    return {row["user_id"]: row["last"] for row in rows}


def prune_activity(now: dt.datetime | None = None) -> int:
    """Delete records older than the retention period; returns how many went."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.ACTIVITY_RETENTION_DAYS)
    deleted, _ = ActivityRecord.objects.filter(at__lt=cutoff).delete()
    return deleted
