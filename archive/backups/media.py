"""The uploaded files (MEDIA_ROOT) as one tar in the backup, and back."""

from __future__ import annotations

import secrets
import shutil
import tarfile
from pathlib import Path, PurePosixPath


class MediaError(Exception):
    """The tar cannot be read or holds something that may not be extracted; in Russian."""


def write_tar(media_root: Path, target: Path) -> int:
    """A tar of every file under `media_root` (none if it does not exist); returns how many
    regular files it holds."""
    files = 0
    with tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as tar:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_symlink() or not (path.is_file() or path.is_dir()):
                    continue
                tar.add(path, arcname=path.relative_to(media_root).as_posix(), recursive=False)
                files += path.is_file()
    return files


def _check_member(member: tarfile.TarInfo) -> None:
    name = PurePosixPath(member.name)
    if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
        raise MediaError(f"Архив вложений содержит недопустимый элемент «{member.name}»: "
                         "восстановление вложений отменено.")


def count_files(tar_path: Path) -> int:
    """Regular files in the tar; MediaError if it does not read to the end, or holds a link or
    a path leading outside MEDIA_ROOT."""
    try:
        with tarfile.open(tar_path, "r:") as tar:
            files = 0
            for member in tar:
                _check_member(member)
                files += member.isfile()
            return files
    except (tarfile.TarError, OSError) as exc:
        raise MediaError(f"Архив вложений не читается: {exc}") from None


def restore_tar(tar_path: Path, media_root: Path) -> int:
    """Replaces the content of `media_root` with the tar's. The tar is unpacked into a
    temporary folder inside `media_root` first (MEDIA_ROOT may be a mounted volume, which
    cannot be renamed), then the old content goes and the new moves up. Returns the files."""
    files = count_files(tar_path)  # refuses links and paths outside before anything changes
    media_root.mkdir(parents=True, exist_ok=True)
    staging = media_root / f".restoring-{secrets.token_hex(4)}"
    try:
        staging.mkdir()
        with tarfile.open(tar_path, "r:") as tar:
            tar.extractall(staging, filter="data")
        for child in media_root.iterdir():
            if child == staging:
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        for child in staging.iterdir():
            child.rename(media_root / child.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return files
