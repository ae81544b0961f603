"""The check of every backup: restored where it can do no harm, and counted.

PostgreSQL: the dump is restored into a scratch database (dropped afterwards, whatever
happens) and every table's rows are compared with those counted in the dump's snapshot.
SQLite: the copy passes `PRAGMA integrity_check` and its rows are compared the same way. In
both, the files' SHA-256 must match the record and the media tar must read to the end with the
recorded number of files.
"""

from __future__ import annotations

import logging
import time

import psycopg2
from django.utils import timezone

from archive.backups import media, postgres, sqlite
from archive.backups.dump import POSTGRESQL
from archive.backups.folders import (
    CHECK,
    BackupFolderError,
    backup_root,
    disk_error_message,
    read_manifest,
    sha256_of,
    write_json,
)
from archive.models import Backup

log = logging.getLogger(__name__)

CHECK_FIELDS = ["check_status", "checked_at", "check_seconds", "check_mismatches", "check_error"]


class CheckFailed(Exception):
    pass


def compare_counts(expected: dict[str, int], found: dict[str, int]) -> dict[str, list]:
    """Table → [rows at dump time, rows after the restore] for every table that differs; a
    table missing on one side shows None there."""
    return {table: [expected.get(table), found.get(table)]
            for table in sorted(set(expected) | set(found))
            if expected.get(table) != found.get(table)}


def check_files(backup: Backup) -> None:
    """Both files present with the recorded checksums, the manifest agreeing, the tar whole."""
    folder = backup_root() / backup.folder
    manifest = read_manifest(folder)
    for name, sha256, part in ((backup.database_file, backup.database_sha256, "database"),
                               (backup.media_file, backup.media_sha256, "media")):
        path = folder / name
        if not name or not path.is_file():
            raise CheckFailed(f"Файла {name or part} нет в папке копии {backup.folder}.")
        if (manifest.get(part) or {}).get("sha256") != sha256:
            raise CheckFailed(f"Манифест копии расходится с записью о ней: файл {name}.")
        if sha256_of(path) != sha256:
            raise CheckFailed(f"Контрольная сумма файла {name} не совпадает с записанной: "
                              "файл изменён или повреждён.")
    files = media.count_files(folder / backup.media_file)
    if files != backup.media_files:
        raise CheckFailed(f"В архиве вложений {files} файлов, а при создании копии было "
                          f"{backup.media_files}.")


def restored_counts(backup: Backup) -> dict[str, int]:
    database_file = backup_root() / backup.folder / backup.database_file
    if backup.engine == POSTGRESQL:
        return postgres.restored_counts(database_file)
    return sqlite.checked_counts(database_file)


def verify_backup(backup: Backup) -> Backup:
    """Checks a done backup and records the result on its row and in its folder's check.json."""
    started = time.monotonic()
    mismatches: dict[str, list] = {}
    error = ""
    try:
        if backup.status != Backup.Status.DONE:
            raise CheckFailed("Проверять можно только созданную копию.")
        check_files(backup)
        mismatches = compare_counts(backup.row_counts, restored_counts(backup))
    except (CheckFailed, BackupFolderError, postgres.PostgresError, sqlite.SqliteError,
            media.MediaError) as exc:
        error = str(exc)
    except psycopg2.Error as exc:
        error = f"Ошибка базы данных при проверке: {str(exc).strip()}"
    except OSError as exc:
        error = disk_error_message(exc, "Ошибка чтения копии при проверке")
    passed = not error and not mismatches
    backup.check_status = Backup.Check.PASSED if passed else Backup.Check.FAILED
    backup.checked_at = timezone.now()
    backup.check_seconds = round(time.monotonic() - started, 3)
    backup.check_mismatches = mismatches
    backup.check_error = error or ("Число записей после восстановления не совпало в таблицах: "
                                   + ", ".join(mismatches) if mismatches else "")
    backup.save(update_fields=CHECK_FIELDS)
    try:
        write_json(backup_root() / backup.folder / CHECK, check_record(backup))
    except OSError as exc:  # the row holds the result; the file only helps a restore's rebuild
        log.warning("Backup %s: check.json not written: %s", backup.folder, exc)
    return backup


def check_record(backup: Backup) -> dict:
    return {"status": backup.check_status, "checked_at": backup.checked_at.isoformat(),
            "seconds": backup.check_seconds, "mismatches": backup.check_mismatches,
            "error": backup.check_error}
