"""Celery tasks of this part of the messaging app."""

from __future__ import annotations

from celery import shared_task

from messaging.mail.services import deliver_mailing

__all__ = ["send_mailing"]


# One task expands a whole mailing (300 parents of a grade) in bulk; a mailing is claimed once,
# so a second delivery of the task does nothing.
@shared_task(name="messaging.send_mailing")
def send_mailing(mailing_id: int) -> None:
    deliver_mailing(mailing_id)
