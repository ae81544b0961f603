"""Writing one backup's folder: the database, the uploaded files and the manifest."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import psycopg2
from django.conf import settings
from django.db import connection
from django.utils import timezone

from archive.backups import media, postgres, sqlite
from archive.backups.folders import (
    FORMAT,
    MANIFEST,
    MEDIA_TAR,
    POSTGRES_FILE,
    SQLITE_FILE,
    backup_root,
    disk_error_message,
    fsync_folder,
    part_path,
    remove_folder,
    sha256_of,
    write_json,
)
from archive.models import Backup

log = logging.getLogger(__name__)

POSTGRESQL, SQLITE = "postgresql", "sqlite"


class UnsupportedDatabase(Exception):
    pass


def current_engine() -> str:
    if connection.vendor == "postgresql":
        return POSTGRESQL
    if connection.vendor == "sqlite":
        return SQLITE
    raise UnsupportedDatabase(f"Резервные копии базы {connection.vendor} не поддерживаются.")


def iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def manifest_of(backup: Backup) -> dict:
    """What a restore needs to know, from the row as it is when the folder is complete."""
    return {
        "format": FORMAT, "folder": backup.folder, "engine": backup.engine,
        "database_name": postgres.database_name() if backup.engine == POSTGRESQL else "",
        "reason": backup.reason, "requested_by": backup.requested_by_id,
        "started_at": iso(backup.started_at), "finished_at": iso(backup.finished_at),
        "database": {"file": backup.database_file, "bytes": backup.database_bytes,
                     "sha256": backup.database_sha256},
        "media": {"file": backup.media_file, "bytes": backup.media_bytes,
                  "sha256": backup.media_sha256, "files": backup.media_files},
        "row_counts": backup.row_counts,
    }


def write_backup(backup: Backup) -> Backup:
    """Writes `backup`'s folder under a temporary name and renames it when complete. The row
    ends `done`, or `failed` with the reason in Russian and no folder left behind."""
    root = backup_root()
    part, final = part_path(root, backup.folder), root / backup.folder
    try:
        remove_folder(part)
        part.mkdir(parents=True)
        database_file = part / (POSTGRES_FILE if backup.engine == POSTGRESQL else SQLITE_FILE)
        if backup.engine == POSTGRESQL:
            counts = postgres.dump(database_file)
        else:
            counts = sqlite.dump(sqlite.database_path(), database_file)
        media_files = media.write_tar(Path(settings.MEDIA_ROOT), part / MEDIA_TAR)
        backup.row_counts = counts
        backup.database_file, backup.media_file = database_file.name, MEDIA_TAR
        backup.database_bytes = database_file.stat().st_size
        backup.database_sha256 = sha256_of(database_file)
        backup.media_bytes = (part / MEDIA_TAR).stat().st_size
        backup.media_sha256 = sha256_of(part / MEDIA_TAR)
        backup.media_files = media_files
        backup.finished_at = timezone.now()
        write_json(part / MANIFEST, manifest_of(backup))
        fsync_folder(part)
        part.rename(final)
        fsync_folder(root)
    except Exception as exc:  # whatever failed, the row must not stay «создаётся»
        remove_folder(part)
        return _failed(backup, failure_message(exc))
    backup.status = Backup.Status.DONE
    backup.save()
    return backup


def failure_message(exc: Exception) -> str:
    if isinstance(exc, postgres.PostgresError | sqlite.SqliteError | media.MediaError):
        return str(exc)
    if isinstance(exc, OSError):
        return disk_error_message(exc, "Ошибка записи резервной копии")
    if isinstance(exc, psycopg2.Error | sqlite3.Error):
        return f"Ошибка базы данных при создании копии: {str(exc).strip()}"
    log.exception("Backup failed")
    return f"Резервная копия не создана: {exc}"


def _failed(backup: Backup, message: str) -> Backup:
    log.error("Backup %s failed: %s", backup.folder, message)
    backup.status, backup.error, backup.finished_at = Backup.Status.FAILED, message, timezone.now()
    backup.row_counts, backup.media_files = {}, 0
    backup.database_file = backup.database_sha256 = backup.media_file = backup.media_sha256 = ""
    backup.database_bytes = backup.media_bytes = 0
    backup.save()
    return backup
