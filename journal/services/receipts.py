"""Idempotent grid saves: the key a page sends with a save, and the receipt kept for it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from journal.models import SaveReceipt

KEY_LENGTH = SaveReceipt._meta.get_field("key").max_length
KEEP = dt.timedelta(days=1)


def clean_key(key: str | None) -> str:
    """The key as kept; "" (no receipt) for a missing or over-long one."""
    key = (key or "").strip()
    return key if len(key) <= KEY_LENGTH else ""


def already_saved(user, key: str) -> bool:
    """Whether this user's save under this key has committed. Call inside the save's
    transaction, after its lock is taken, so that a retry waits for the first attempt."""
    return bool(key) and SaveReceipt.objects.filter(user=user, key=key).exists()


def keep_receipt(user, key: str) -> None:
    """Inside the save's transaction: the receipt commits with the save or not at all."""
    if key:
        SaveReceipt.objects.create(user=user, key=key)


def prune_receipts() -> int:
    """Receipts older than a day: no page retries that late."""
    deleted, _ = SaveReceipt.objects.filter(at__lt=timezone.now() - KEEP).delete()
    return deleted
