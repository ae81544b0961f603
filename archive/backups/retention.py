"""How long backups are kept: the newest BACKUP_KEEP_DAILY, and the first of each of the last
BACKUP_KEEP_MONTHLY calendar months (the current one counts), in BACKUP_ROOT and in the copy
directory alike. The newest verified backup is never removed, even when newer ones failed
their check. Failed backups have no folder; their rows stay for the record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from archive.backups.copies import copy_root
from archive.backups.folders import (
    BackupFolderError,
    backup_root,
    is_backup_folder,
    read_manifest,
    remove_folder,
)
from archive.models import Backup


def last_months(now: dt.datetime, count: int) -> set[tuple[int, int]]:
    """(year, month) of the current calendar month and the count - 1 before it."""
    local = timezone.localtime(now)
    months, year, month = set(), local.year, local.month
    for _ in range(count):
        months.add((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def to_keep(items: Iterable[tuple[Hashable, dt.datetime]], now: dt.datetime, *,
            daily: int | None = None, monthly: int | None = None) -> set:
    """The keys of the (key, started_at) items the rule keeps."""
    daily = settings.BACKUP_KEEP_DAILY if daily is None else daily
    monthly = settings.BACKUP_KEEP_MONTHLY if monthly is None else monthly
    oldest_first = sorted(items, key=lambda item: item[1])
    kept = {key for key, _ in oldest_first[-daily:]} if daily else set()
    months = last_months(now, monthly)
    first_of_month: dict[tuple[int, int], Hashable] = {}
    for key, started_at in oldest_first:
        local = timezone.localtime(started_at)
        first_of_month.setdefault((local.year, local.month), key)
    kept.update(key for month, key in first_of_month.items() if month in months)
    return kept


def prune_backups(now: dt.datetime | None = None) -> list[str]:
    """Removes the folders of done backups the rule no longer keeps (here and in the copy
    directory); returns their names."""
    now = now or timezone.now()
    done = list(Backup.objects.filter(status=Backup.Status.DONE)
                .values_list("pk", "started_at", "check_status", "folder"))
    kept = to_keep([(pk, started_at) for pk, started_at, _, _ in done], now)
    verified = [(started_at, pk, folder) for pk, started_at, check, folder in done
                if check == Backup.Check.PASSED]
    newest_verified = max(verified)[1:] if verified else None
    if newest_verified:
        kept.add(newest_verified[0])
    removed = [(pk, folder) for pk, _, _, folder in done if pk not in kept]
    for pk, folder in removed:
        remove_folder(backup_root() / folder)
        Backup.objects.filter(pk=pk, status=Backup.Status.DONE).update(
            status=Backup.Status.REMOVED, removed_at=now)
    prune_copies(now, also_keep={newest_verified[1]} if newest_verified else set())
    return [folder for _, folder in removed]


def started_at_of(folder: Path) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(read_manifest(folder)["started_at"])
    except (BackupFolderError, KeyError, TypeError, ValueError):
        return None


def prune_copies(now: dt.datetime, also_keep: set[str] | frozenset = frozenset()) -> list[str]:
    """The same rule over the folders in the copy directory (by their manifests' dates)."""
    root = copy_root()
    if root is None or not root.is_dir():
        return []
    copies = [(path.name, started_at) for path in root.iterdir() if is_backup_folder(path)
              and (started_at := started_at_of(path)) is not None]
    kept = to_keep(copies, now) | also_keep
    removed = [name for name, _ in copies if name not in kept]
    for name in removed:
        remove_folder(root / name)
    return removed
