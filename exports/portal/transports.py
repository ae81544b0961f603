"""Where a run's files go: a drop directory the portal collects from, or the portal's HTTPS
endpoint. `transport_from_settings` picks one (PORTAL_DROP_DIR or PORTAL_URL); neither set,
the files stay in EXPORT_ROOT only.

A transport either takes every file or raises `DeliveryError`: `permanent` when trying again
cannot help (the portal refused the files, the folder is missing or full), else the run is
tried again with backoff. Nothing half-written is ever left where the portal would take it.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import shutil
from pathlib import Path
from typing import Protocol

import requests
from django.conf import settings

from exports.models import PortalExport

log = logging.getLogger(__name__)

CONTENT_TYPES = {".json": "application/json", ".jsonl": "application/x-ndjson",
                 ".ndjson": "application/x-ndjson", ".xml": "application/xml"}
# The portal is busy or down for a while: these answers are worth trying again.
TRANSIENT_STATUSES = frozenset({408, 429})
BODY_SHOWN = 500  # characters of the portal's answer kept in the run's error


class DeliveryError(Exception):
    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent

    def __str__(self) -> str:
        return self.message


class Transport(Protocol):
    def deliver(self, run: PortalExport, folder: Path, written_files: list[str]) -> None:
        """Hand the run's files (names inside `folder`, manifest last) over, or raise
        DeliveryError."""


def delivered_name(run: PortalExport, folder: Path) -> str:
    """The run's folder in the drop directory: `<school id>-<kind>-<YYYYmmdd-HHMMSS>-<run id>`
    (the run's own folder is named `<YYYYmmdd-HHMMSS>-<run id>`)."""
    return f"{run.school_id}-{run.kind}-{folder.name}"


def _disk_reason(exc: OSError, where: Path) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"На диске с папкой передачи {where} нет места: файлы выгрузки не записаны."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Нет права записи в папку передачи {where}: файлы выгрузки не записаны."
    return f"Не удалось записать файлы выгрузки в папку передачи {where}: {exc.strerror or exc}."


class DropDirectory:
    """Copies the files into `<drop>/.<name>.part/` and renames that folder to `<drop>/<name>/`
    when every file is complete: the portal sees the whole run or nothing."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def deliver(self, run: PortalExport, folder: Path, written_files: list[str]) -> None:
        name = delivered_name(run, folder)
        target = self.path / name
        if target.is_dir():
            return  # delivered before (the run was stopped before it could record that)
        if not self.path.is_dir():
            raise DeliveryError(f"Папка передачи на портал {self.path} не найдена: проверьте "
                                f"настройку PORTAL_DROP_DIR и подключение диска.", permanent=True)
        part = self.path / f".{name}.part"
        try:
            shutil.rmtree(part, ignore_errors=True)  # a copy an earlier attempt left unfinished
            part.mkdir()
            for file_name in written_files:
                shutil.copyfile(folder / file_name, part / file_name)
            part.rename(target)
        except OSError as exc:
            shutil.rmtree(part, ignore_errors=True)
            log.warning("Portal export %s: drop directory %s: %s", run.pk, self.path, exc)
            raise DeliveryError(_disk_reason(exc, self.path), permanent=True) from exc


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class HttpsPost:
    """POSTs each file (manifest last) to the portal's endpoint with a bearer token and the
    run, file name and SHA-256 in headers; a 2xx answer means the portal took the file."""

    def __init__(self, url: str, token: str, timeout: float = 60):
        self.url, self.token, self.timeout = url, token, timeout

    def deliver(self, run: PortalExport, folder: Path, written_files: list[str]) -> None:
        for file_name in written_files:
            self._post(run, folder / file_name)

    def _post(self, run: PortalExport, path: Path) -> None:
        try:
            headers = {
                "Authorization": f"Bearer {self.token}",
                "X-Export-Run": str(run.pk),
                "X-Export-File": path.name,
                "X-Content-SHA256": _sha256(path),
                "Content-Type": CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
            }
            with path.open("rb") as handle:
                # Streamed, not read into memory; an empty file as an empty body (a stream of
                # no length would go chunked, which not every receiver takes).
                body = handle if path.stat().st_size else b""
                response = requests.post(self.url, data=body, headers=headers,
                                         timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            raise DeliveryError(f"Портал не ответил на передачу файла {path.name}: {exc}") from exc
        except OSError as exc:
            raise DeliveryError(f"Не удалось прочитать файл выгрузки {path.name}: "
                                f"{exc.strerror or exc}.", permanent=True) from exc
        status = response.status_code
        if 200 <= status < 300:
            return
        answer = " ".join(response.text.split())[:BODY_SHOWN] or "(пустой ответ)"
        if status in TRANSIENT_STATUSES or status >= 500:
            raise DeliveryError(f"Портал временно не принял файл {path.name} (ответ {status}): "
                                f"{answer}")
        raise DeliveryError(f"Портал отклонил файл {path.name} (ответ {status}): {answer}",
                            permanent=True)


def transport_from_settings() -> Transport | None:
    if settings.PORTAL_DROP_DIR:
        return DropDirectory(settings.PORTAL_DROP_DIR)
    if settings.PORTAL_URL:
        return HttpsPost(settings.PORTAL_URL, settings.PORTAL_TOKEN,
                         settings.PORTAL_TIMEOUT_SECONDS)
    return None
