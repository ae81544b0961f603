from __future__ import annotations

from celery import shared_task

from journal.services.receipts import prune_receipts


@shared_task(name="journal.prune_receipts")
def prune_receipts_task() -> int:
    return prune_receipts()
