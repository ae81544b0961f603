from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from journal.services.checks import keep_last_months_checks
from journal.services.receipts import prune_receipts


@shared_task(name="journal.prune_receipts")
def prune_receipts_task() -> int:
    return prune_receipts()


# On the 1st of each month: last month's check of every school, kept as it was found. A rerun
# (a retry, a second beat) leaves a kept check as it is.
@shared_task(name="journal.keep_monthly_checks", autoretry_for=(DatabaseError,), max_retries=3,
             retry_backoff=60)
def keep_monthly_checks_task() -> int:
    return keep_last_months_checks()
