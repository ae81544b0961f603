"""Telling users about things: the one entry point every part of the system calls."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from messaging.models import Notification
from messaging.unread import forget


def notify(recipient_ids: Iterable[int], *, event: str, key: str, title: str, text: str,
           link: str = "", student_id: int | None = None) -> list[Notification]:
    """Tell these users about one thing, once: a user already told under `key` is not told
    again. Call inside the transaction of the change; whatever goes out of the system goes
    after its commit."""
    ids = sorted(set(recipient_ids))
    already = set(Notification.objects.filter(recipient_id__in=ids, key=key)
                  .values_list("recipient_id", flat=True))
    created = Notification.objects.bulk_create(
        [Notification(recipient_id=pk, event=event, key=key, title=title[:200], text=text,
                      link=link, student_id=student_id) for pk in ids if pk not in already],
        ignore_conflicts=True)
    told = [n.recipient_id for n in created]
    transaction.on_commit(lambda: forget(told))
    return created
