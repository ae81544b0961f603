"""Where backups live and what a backup folder holds.

BACKUP_ROOT/<YYYYmmdd-HHMMSS>/ holds the database file (`database.dump`, pg_dump's custom
format, or `database.sqlite3`), `media.tar` (the uploaded files) and `manifest.json`, which says
everything a restore on an empty server needs: the engine, the files with their sizes and
SHA-256, the rows of every table. A folder is written as `.<name>.part` and renamed when
complete, so a folder without the dot is always whole. The result of the verification goes to
`check.json` beside it: the manifest is never rewritten.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils import timezone

MANIFEST = "manifest.json"
CHECK = "check.json"
MEDIA_TAR = "media.tar"
POSTGRES_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
FORMAT = "ejournal-backup-1"
PART_SUFFIX = ".part"
LOCK_FILE = ".lock"
NAME_FORMAT = "%Y%m%d-%H%M%S"
NO_SPACE = "Недостаточно места на диске для резервной копии."


class BackupFolderError(Exception):
    """A folder that cannot be used; the message is for the administrator, in Russian."""


def backup_root() -> Path:
    return Path(settings.BACKUP_ROOT)


def folder_name(moment: dt.datetime, taken: set[str] | None = None) -> str:
    """The folder of a backup started at `moment` (local time), made unique among `taken`."""
    base = timezone.localtime(moment).strftime(NAME_FORMAT)
    taken = taken or set()
    name, number = base, 1
    while name in taken or (backup_root() / name).exists():
        number += 1
        name = f"{base}-{number}"
    return name


def part_path(root: Path, name: str) -> Path:
    return root / f".{name}{PART_SUFFIX}"


def is_backup_folder(path: Path) -> bool:
    return path.is_dir() and not path.name.startswith(".") and (path / MANIFEST).is_file()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def write_json(path: Path, data: dict) -> None:
    """Written whole or not at all: to a temporary name, flushed, then renamed."""
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)


def read_manifest(folder: Path) -> dict:
    """The folder's manifest, or BackupFolderError saying what is wrong with it."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupFolderError(f"В папке {folder} нет файла {MANIFEST}: это не резервная "
                                "копия или она записана не до конца.") from None
    except (OSError, ValueError) as exc:
        raise BackupFolderError(f"Файл {folder / MANIFEST} не читается: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupFolderError(f"Файл {folder / MANIFEST} — не манифест резервной копии "
                                "электронного журнала.")
    return manifest


def read_check(folder: Path) -> dict | None:
    try:
        check = json.loads((folder / CHECK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return check if isinstance(check, dict) else None


def fsync_folder(path: Path) -> None:
    """Makes a rename or a new file in `path` survive a power cut."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def remove_folder(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def disk_error_message(exc: OSError, what: str) -> str:
    if exc.errno == errno.ENOSPC:
        return NO_SPACE
    return f"{what}: {exc.strerror or exc}"


@contextlib.contextmanager
def backup_lock(root: Path | None = None) -> Iterator[None]:
    """One backup job at a time on this server: web, worker and the commands share BACKUP_ROOT,
    and an advisory lock on a file there ends with the process that holds it, however it ends.
    A second job waits for the first."""
    root = root or backup_root()
    root.mkdir(parents=True, exist_ok=True)
    with (root / LOCK_FILE).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def lock_is_held(root: Path | None = None) -> bool:
    """Whether a backup job holds the lock right now."""
    root = root or backup_root()
    path = root / LOCK_FILE
    if not path.exists():
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False
