"""The unread counts the navigation shows on every page (mail threads and notifications), and
the newest unread notifications about each child that the diary shows.

Read from the cache, so a page costs no query for them while nothing changes; every service
that makes something new or marks something read for a user calls `forget` for that user.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from messaging.models import Notification, Participant

_TTL = 600
# The diary shows at most this many of a child's unread notifications, the newest.
DIARY_NOTICES = 5


@dataclass(frozen=True)
class UnreadNotice:
    pk: int
    title: str
    text: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Unread:
    mail: int = 0
    notifications: int = 0
    # New at every count: what is cached from the counts (a whole page) holds while it is
    # the same.
    token: int = 0


def counts_key(user_id: int) -> str:
    """The cache key of the user's unread counts (`unread_of`)."""
    return f"messaging:unread:{user_id}"


def _about_key(user_id: int) -> str:
    return f"messaging:unread-about:{user_id}"


def _newest_about_children(user_id: int) -> dict[int, list[UnreadNotice]]:
    rows = (Notification.objects.filter(recipient_id=user_id, read_at__isnull=True,
                                        student__isnull=False)
            .annotate(rank=Window(RowNumber(), partition_by=F("student_id"),
                                  order_by=[F("created_at").desc(), F("pk").desc()]))
            .filter(rank__lte=DIARY_NOTICES).order_by("-created_at", "-pk")
            .values_list("student_id", "pk", "title", "text", "created_at"))
    about: dict[int, list[UnreadNotice]] = {}
    for student_id, *notice in rows:
        about.setdefault(student_id, []).append(UnreadNotice(*notice))
    return about


def unread_of(user_id: int) -> Unread:
    counts = cache.get(counts_key(user_id))
    if counts is None:
        mail = Participant.objects.filter(user_id=user_id, archived=False).filter(
            Q(last_read_at__isnull=True) | Q(thread__last_message_at__gt=F("last_read_at"))
        ).count()
        notifications = Notification.objects.filter(recipient_id=user_id,
                                                    read_at__isnull=True).count()
        counts = (mail, notifications, secrets.randbits(62))
        cache.set(counts_key(user_id), counts, _TTL)
    return Unread(*counts)


def unread_about_children(user_id: int) -> dict[int, list[UnreadNotice]]:
    """Student id → the user's newest unread notifications about them, newest first."""
    if not unread_of(user_id).notifications:
        return {}
    about = cache.get(_about_key(user_id))
    if about is None:
        about = _newest_about_children(user_id)
        cache.set(_about_key(user_id), about, _TTL)
    return about


def forget(user_ids) -> None:
    """Count again for these users on their next page (call after the commit that changed it)."""
    cache.delete_many([key for pk in user_ids for key in (counts_key(pk), _about_key(pk))])
