"""Celery tasks of the backups: the nightly backup (or a queued manual one) and the hourly check
that the newest verified backup is recent enough."""

from __future__ import annotations

from celery import shared_task

from archive.backups.alerts import send_stale_backup_alert
from archive.backups.services import run_backup


# Delivered again after a lost worker: a manual backup it was writing is then recorded as
# interrupted (services.abandon_interrupted) rather than made twice; a nightly one is made anew.
@shared_task(name="archive.make_backup")
def make_backup(backup_id: int | None = None) -> int | None:
    return run_backup(backup_id)


@shared_task(name="archive.alert_stale_backups")
def alert_stale_backups() -> bool:
    return send_stale_backup_alert() is not None
