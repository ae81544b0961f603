from __future__ import annotations

from celery import shared_task

from diary.activity import prune_activity


@shared_task(name="diary.prune_activity")
def prune_activity_task() -> int:
    return prune_activity()
