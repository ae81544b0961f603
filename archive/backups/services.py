"""Making backups: the nightly job, «Создать копию сейчас», and `make_backup` for the command
and the benchmark.

One job at a time holds the lock in BACKUP_ROOT (folders.backup_lock) from the dump to the
pruning; a job that finds a half-written folder of an earlier one knows that one was killed
and records it as failed.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from archive.backups.copies import copy_backup
from archive.backups.dump import current_engine, write_backup
from archive.backups.folders import (
    PART_SUFFIX,
    backup_lock,
    backup_root,
    folder_name,
    lock_is_held,
    part_path,
    remove_folder,
)
from archive.backups.retention import prune_backups
from archive.backups.verify import verify_backup
from archive.models import Backup

log = logging.getLogger(__name__)

Status = Backup.Status
# A manual backup waits in the queue at most this long before it counts as lost.
QUEUE_LIMIT = dt.timedelta(hours=12)
INTERRUPTED = "Создание копии прервано: процесс был остановлен до её завершения."
LOST = "Задача создания копии не была выполнена."
NOT_QUEUED = "Очередь фоновых задач недоступна: копия не создана. Повторите позже."
BUSY = "Резервная копия уже создаётся или проверяется: дождитесь её окончания."


class BackupBusy(Exception):
    pass


def abandon_interrupted(now: dt.datetime) -> None:
    """Under the lock: an unfinished row with a half-written folder was killed mid-way; one
    that waited longer than QUEUE_LIMIT was never run. Leftover partial folders go."""
    root = backup_root()
    for backup in Backup.objects.filter(status=Status.RUNNING):
        if part_path(root, backup.folder).exists():
            message = INTERRUPTED
        elif backup.started_at < now - QUEUE_LIMIT:
            message = LOST
        else:
            continue
        Backup.objects.filter(pk=backup.pk, status=Status.RUNNING).update(
            status=Status.FAILED, error=message, finished_at=now)
    for path in root.glob(f".*{PART_SUFFIX}"):
        remove_folder(path)


def _new_backup(reason: str, by, now: dt.datetime) -> Backup:
    taken = set(Backup.objects.filter(folder__startswith=timezone.localtime(now)
                                      .strftime("%Y%m%d")).values_list("folder", flat=True))
    return Backup.objects.create(folder=folder_name(now, taken), reason=reason, requested_by=by,
                                 engine=current_engine(), started_at=now)


def _claim(backup_id: int, now: dt.datetime) -> Backup | None:
    """The queued row of a manual backup, if nobody has run or abandoned it yet."""
    if Backup.objects.filter(pk=backup_id, status=Status.RUNNING, finished_at=None).update(
            started_at=now) != 1:
        return None
    return Backup.objects.get(pk=backup_id)


def make_backup(*, verify: bool = True, copy: bool = False, prune: bool = False,
                reason: str = Backup.Reason.MANUAL, by=None,
                backup_id: int | None = None) -> Backup | None:
    """Makes one backup now (or runs the queued one `backup_id`), then, as asked, verifies it,
    copies it to BACKUP_COPY_DIR and prunes old ones. Returns the row: `finished_at -
    started_at` is the dump's time, `check_seconds` the verification's. None when the queued
    row was already taken care of."""
    with backup_lock():
        now = timezone.now()
        abandon_interrupted(now)
        backup = _claim(backup_id, now) if backup_id else _new_backup(reason, by, now)
        if backup is None:
            return None
        write_backup(backup)
        if backup.status == Status.DONE:
            if verify:
                verify_backup(backup)
            if copy and backup.check_status != Backup.Check.FAILED:
                copy_backup(backup)
        if prune:
            prune_backups()
        return backup


def run_backup(backup_id: int | None = None) -> int | None:
    """The task's body: the nightly backup (or a queued manual one), verified, copied, pruned."""
    backup = make_backup(verify=True, copy=True, prune=True, backup_id=backup_id,
                         reason=Backup.Reason.SCHEDULE)
    return backup.pk if backup else None


def backup_busy(now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return lock_is_held() or Backup.objects.filter(
        status=Status.RUNNING, started_at__gte=now - QUEUE_LIMIT).exists()


def request_backup(by) -> Backup:
    """«Создать копию сейчас»: a queued row, run by a worker once committed. BackupBusy while
    another backup is being made or checked."""
    now = timezone.now()
    if backup_busy(now):
        raise BackupBusy(BUSY)
    with transaction.atomic():
        backup = _new_backup(Backup.Reason.MANUAL, by, now)
        transaction.on_commit(lambda: _enqueue(backup))
    return backup


def _enqueue(backup: Backup) -> None:
    """Sends the task; a broker that is down fails the row at once, so that the button is not
    blocked until the row counts as lost."""
    from archive.backups.tasks import make_backup as make_backup_task  # tasks import this module

    try:
        make_backup_task.delay(backup.pk)
    except (BrokerError, OSError) as exc:
        log.error("Backup %s not queued: %s", backup.folder, exc)
        Backup.objects.filter(pk=backup.pk, status=Status.RUNNING).update(
            status=Status.FAILED, error=NOT_QUEUED, finished_at=timezone.now())
