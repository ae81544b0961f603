"""The unread counts the navigation shows on every page: mail threads and notifications.

Read from the cache, so a page costs no query for them while nothing changes; every service
that makes something new or marks something read for a user calls `forget` for that user.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import F, Q

from messaging.models import Notification, Participant

_TTL = 600


@dataclass(frozen=True)
class Unread:
    mail: int = 0
    notifications: int = 0


def _key(user_id: int) -> str:
    return f"messaging:unread:{user_id}"


def unread_of(user_id: int) -> Unread:
    counts = cache.get(_key(user_id))
    if counts is None:
        mail = Participant.objects.filter(user_id=user_id, archived=False).filter(
            Q(last_read_at__isnull=True) | Q(thread__last_message_at__gt=F("last_read_at"))
        ).count()
        notifications = Notification.objects.filter(recipient_id=user_id,
                                                    read_at__isnull=True).count()
        counts = (mail, notifications)
        cache.set(_key(user_id), counts, _TTL)
    return Unread(*counts)


def forget(user_ids) -> None:
    """Count again for these users on their next page (call after the commit that changed it)."""
    cache.delete_many([_key(pk) for pk in user_ids])
