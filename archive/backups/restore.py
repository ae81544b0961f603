"""Restoring a backup folder over the installation (the `restore` command).

Everything is read from the folder's manifest, not from the database, which may be empty or
broken. Both files are hashed again first; a missing file, a checksum that differs or a media
tar with a path leading outside MEDIA_ROOT refuses the restore before anything changes.
Afterwards the backup rows are rebuilt from the folders on disk: the restored table is as old
as the dump, the folders are today's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from accounts.signin import session_user
from archive.backups import media, postgres, sqlite
from archive.backups.copies import copy_root
from archive.backups.dump import POSTGRESQL, current_engine
from archive.backups.folders import (
    MANIFEST,
    BackupFolderError,
    backup_root,
    is_backup_folder,
    read_check,
    read_manifest,
    sha256_of,
)
from archive.models import Backup
from journal import versions

INTERRUPTED = "Создание копии прервано: её не оказалось на диске после восстановления."


class RestoreRefused(Exception):
    """Why the folder will not be restored; in Russian, for the operator."""


@dataclass
class RestorePlan:
    folder: Path
    manifest: dict
    engine: str
    started_at: dt.datetime | None
    database_file: Path
    media_file: Path

    @property
    def row_counts(self) -> dict[str, int]:
        return self.manifest.get("row_counts") or {}

    @property
    def media_files(self) -> int:
        return (self.manifest.get("media") or {}).get("files", 0)


def find_folder(name_or_path: str) -> Path:
    """A folder of BACKUP_ROOT by its name, or any folder by its path (a copy on external
    media, say)."""
    by_name = backup_root() / name_or_path
    if "/" not in name_or_path and by_name.is_dir():
        return by_name
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return path
    raise RestoreRefused(f"Папка резервной копии «{name_or_path}» не найдена ни в "
                         f"{backup_root()}, ни по этому пути.")


def parse_moment(value) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def plan_restore(name_or_path: str) -> RestorePlan:
    """The folder checked file by file against its manifest; RestoreRefused if anything is
    off. Changes nothing."""
    folder = find_folder(name_or_path)
    try:
        manifest = read_manifest(folder)
    except BackupFolderError as exc:
        raise RestoreRefused(str(exc)) from None
    engine = current_engine()
    if manifest.get("engine") != engine:
        raise RestoreRefused(f"Копия сделана из базы {manifest.get('engine')}, а сайт работает "
                             f"на {engine}: восстановить её сюда нельзя.")
    paths = {}
    for part in ("database", "media"):
        entry = manifest.get(part) or {}
        name = str(entry.get("file") or "")
        path = folder / name
        if not name or Path(name).name != name or not path.is_file():
            raise RestoreRefused(f"В папке {folder} нет файла {name or part}, указанного в "
                                 "манифесте: восстановление отменено.")
        if sha256_of(path) != entry.get("sha256"):
            raise RestoreRefused(f"Контрольная сумма файла {path} не совпадает с записанной в "
                                 "манифесте: файл изменён или повреждён. Восстановление отменено.")
        paths[part] = path
    try:
        media.count_files(paths["media"])
    except media.MediaError as exc:
        raise RestoreRefused(str(exc)) from None
    return RestorePlan(folder=folder, manifest=manifest, engine=engine,
                       started_at=parse_moment(manifest.get("started_at")),
                       database_file=paths["database"], media_file=paths["media"])


def restore_backup(plan: RestorePlan) -> int:
    """Replaces the database and MEDIA_ROOT with the plan's; returns the backup rows rebuilt."""
    if plan.engine == POSTGRESQL:
        postgres.restore(plan.database_file)
    else:
        connections.close_all()
        sqlite.restore(plan.database_file, sqlite.database_path())
    media.restore_tar(plan.media_file, Path(settings.MEDIA_ROOT))
    # Pages cached from the replaced rows (the diary's) must not match the restored ones.
    versions.bump_setup()
    session_user.forget_everyone()
    return rebuild_backup_rows()


def row_fields(manifest: dict, check: dict | None) -> dict:
    database, media_entry = manifest.get("database") or {}, manifest.get("media") or {}
    fields = {
        "engine": manifest.get("engine", ""), "status": Backup.Status.DONE,
        "reason": manifest.get("reason") or Backup.Reason.SCHEDULE,
        "started_at": parse_moment(manifest.get("started_at")) or timezone.now(),
        "finished_at": parse_moment(manifest.get("finished_at")),
        "database_file": database.get("file", ""), "database_bytes": database.get("bytes", 0),
        "database_sha256": database.get("sha256", ""),
        "media_file": media_entry.get("file", ""), "media_bytes": media_entry.get("bytes", 0),
        "media_sha256": media_entry.get("sha256", ""), "media_files": media_entry.get("files", 0),
        "row_counts": manifest.get("row_counts") or {}, "error": "", "removed_at": None,
        "check_status": Backup.Check.PENDING, "checked_at": None, "check_seconds": None,
        "check_mismatches": {}, "check_error": "",
    }
    if check and check.get("status") in Backup.Check.values:
        fields.update(check_status=check["status"], checked_at=parse_moment(check.get("checked_at")),
                      check_seconds=check.get("seconds"),
                      check_mismatches=check.get("mismatches") or {},
                      check_error=check.get("error") or "")
    return fields


def rebuild_backup_rows(now: dt.datetime | None = None) -> int:
    """Backup rows as the folders in BACKUP_ROOT say: each folder's row from its manifest and
    check.json; done rows whose folder is gone are marked removed, unfinished ones failed."""
    now = now or timezone.now()
    root, copies = backup_root(), copy_root()
    folders = sorted(path for path in root.iterdir() if is_backup_folder(path)) \
        if root.is_dir() else []
    manifests = {}
    for folder in folders:
        try:
            manifests[folder] = read_manifest(folder)
        except BackupFolderError:
            continue
    users = set(get_user_model().objects.filter(
        pk__in=[m.get("requested_by") for m in manifests.values() if m.get("requested_by")])
        .values_list("pk", flat=True))
    rebuilt = set()
    for folder, manifest in manifests.items():
        fields = row_fields(manifest, read_check(folder))
        fields["requested_by_id"] = (manifest.get("requested_by")
                                     if manifest.get("requested_by") in users else None)
        copy = copies / folder.name if copies else None
        if copy is not None and (copy / MANIFEST).is_file():
            fields.update(copied_to=str(copy), copy_error="", copied_at=dt.datetime.fromtimestamp(
                (copy / MANIFEST).stat().st_mtime, tz=dt.UTC))
        Backup.objects.update_or_create(folder=folder.name, defaults=fields)
        rebuilt.add(folder.name)
    gone = Backup.objects.exclude(folder__in=rebuilt)
    gone.filter(status=Backup.Status.DONE).update(status=Backup.Status.REMOVED, removed_at=now)
    gone.filter(status=Backup.Status.RUNNING).update(status=Backup.Status.FAILED,
                                                     error=INTERRUPTED, finished_at=now)
    return len(rebuilt)
