"""Where a year's archive lies on disk and how its files are written: each to a hidden
`.name.part` beside its place, synced to the disk, and renamed into place only when the part it
belongs to is recorded, so that no half-written file is ever seen under its own name."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

CHUNK = 1024 * 1024
MANIFEST = "manifest.json"
_NOT_IN_FILE_NAME = re.compile(r"[^\w.()\- ]+")


def archive_root() -> Path:
    return Path(settings.ARCHIVE_ROOT)


def folder_path(folder: str) -> Path:
    return archive_root() / folder


def safe_name(text: str) -> str:
    """A file or folder name from any text: letters (Cyrillic too), digits, spaces, «.()-_»;
    anything else becomes «_» («2026/2027» → «2026_2027»)."""
    return _NOT_IN_FILE_NAME.sub("_", text).strip(" .") or "_"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Staged:
    """A file written under its temporary name, waiting to be renamed into `relative`."""

    relative: str
    temporary: Path
    final: Path
    bytes: int
    sha256: str

    def put_in_place(self) -> None:
        os.replace(self.temporary, self.final)

    def discard(self) -> None:
        self.temporary.unlink(missing_ok=True)


def _sync(handle: BinaryIO) -> None:
    """The file's bytes on the disk, not only in the system's cache: a full disk is found
    here at the latest."""
    handle.flush()
    os.fsync(handle.fileno())


def stage(folder: Path, relative: str, write: Callable[[BinaryIO], None]) -> Staged:
    """`write` fills the file `relative` (inside `folder`) under a temporary name; on any
    error the temporary file is removed and the error goes on."""
    final = folder / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f".{final.name}.part")
    try:
        with temporary.open("wb") as handle:
            write(handle)
            _sync(handle)
        return Staged(relative, temporary, final, temporary.stat().st_size,
                      sha256_of(temporary))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def disk_reason(exc: OSError) -> str:
    """Why the archive could not be written, in the words the administrator reads."""
    root = archive_root()
    after = "архив не собран, записанные файлы удалены."
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (f"Недостаточно места на диске архива ({root}): {after} Освободите место и "
                f"запустите архивирование снова.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Нет права записи в папку архива ({root}): {after}"
    return f"Не удалось записать файлы архива в {root} ({exc.strerror or exc}): {after}"
