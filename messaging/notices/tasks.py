"""Celery tasks of this part of the messaging app: telling a notice's audience (which may be a
thousand people) in one background task, not in the request."""

from __future__ import annotations

from celery import shared_task

from messaging.notices import services

__all__ = ["tell_due_notice_audiences", "tell_notice_audience"]


@shared_task(name="messaging.tell_notice_audience")
def tell_notice_audience(notice_id: int) -> int:
    return services.tell_audience(notice_id)


@shared_task(name="messaging.tell_due_notice_audiences")
def tell_due_notice_audiences() -> int:
    """For the beat: the notices whose publication time has come since the last run."""
    return services.tell_due_audiences()
