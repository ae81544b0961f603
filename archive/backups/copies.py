"""The copy of a backup to a second place (BACKUP_COPY_DIR): a mounted external disk, a
network share, or an S3-compatible bucket mounted as a directory. Written under a temporary
name, hashed again where it landed, and only then renamed and recorded."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from archive.backups.folders import (
    MANIFEST,
    backup_root,
    disk_error_message,
    fsync_folder,
    part_path,
    remove_folder,
    sha256_of,
)
from archive.models import Backup

COPY_FIELDS = ["copied_to", "copied_at", "copy_error"]


class CopyFailed(Exception):
    pass


def copy_root() -> Path | None:
    return Path(settings.BACKUP_COPY_DIR) if settings.BACKUP_COPY_DIR else None


def copy_matches(backup: Backup, folder: Path) -> bool:
    """Whether `folder` holds the backup's files with their recorded checksums."""
    try:
        return ((folder / MANIFEST).is_file()
                and sha256_of(folder / backup.database_file) == backup.database_sha256
                and sha256_of(folder / backup.media_file) == backup.media_sha256)
    except OSError:
        return False


def copy_backup(backup: Backup, target_root: Path | None = None) -> Backup:
    """Copies a done backup's folder to `target_root` (BACKUP_COPY_DIR); the result, or why
    not, goes on the row."""
    target_root = target_root or copy_root()
    if target_root is None:
        return backup
    part, final = part_path(target_root, backup.folder), target_root / backup.folder
    try:
        if backup.status != Backup.Status.DONE:
            raise CopyFailed("Копировать можно только созданную копию.")
        if not target_root.is_dir():
            raise CopyFailed(f"Папка для второй копии {target_root} недоступна: носитель не "
                             "подключён или папка не создана.")
        if not copy_matches(backup, final):
            remove_folder(part)
            shutil.copytree(backup_root() / backup.folder, part)
            if not copy_matches(backup, part):
                raise CopyFailed(f"Файлы в {target_root} не совпали с оригиналом по контрольной "
                                 "сумме: копия не записана.")
            fsync_folder(part)
            remove_folder(final)
            part.rename(final)
            fsync_folder(target_root)
    except CopyFailed as exc:
        remove_folder(part)
        backup.copy_error = str(exc)
    except OSError as exc:
        remove_folder(part)
        backup.copy_error = disk_error_message(exc, f"Копия в {target_root} не записана")
    else:
        backup.copied_to, backup.copied_at, backup.copy_error = str(final), timezone.now(), ""
    backup.save(update_fields=COPY_FIELDS)
    return backup
