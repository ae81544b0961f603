from __future__ import annotations

from celery import shared_task

from diary.activity import flush_activity, prune_activity


@shared_task(name="diary.prune_activity")
def prune_activity_task() -> int:
    return prune_activity()


@shared_task(name="diary.flush_activity")
def flush_activity_task() -> int:
    return flush_activity()
