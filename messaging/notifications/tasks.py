"""Celery tasks of notifications: each body is one call to a plain function."""

from __future__ import annotations

from celery import shared_task

from messaging.notifications.delivery import backoff, deliver, send_digests, send_due
from messaging.notifications.events import tell_about_journal_changes

__all__ = ["deliver_notification_task", "send_due_notifications_task",
           "send_notification_digests_task", "tell_about_journal_changes_task"]


@shared_task(name="messaging.tell_about_journal_changes")
def tell_about_journal_changes_task(row_ids: list[int]) -> int:
    return tell_about_journal_changes(row_ids)


# The budget is the delivery's own (`attempts` against NOTIFICATION_DELIVERY_ATTEMPTS), so
# Celery's count of retries is not limited here.
@shared_task(name="messaging.deliver_notification", bind=True, max_retries=None)
def deliver_notification_task(self, delivery_id: int) -> None:
    attempts = deliver(delivery_id)
    if attempts is not None:
        raise self.retry(countdown=backoff(attempts))


@shared_task(name="messaging.send_due_notifications")
def send_due_notifications_task() -> int:
    return send_due()


@shared_task(name="messaging.send_notification_digests")
def send_notification_digests_task() -> int:
    return send_digests()
