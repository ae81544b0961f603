"""Portal export formats: one class per format, chosen by PORTAL_EXPORT_FORMAT.

A format writes a run's files into an empty folder and returns what it wrote. The regional
formats are not public; a region's format is one more subclass registered here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from exports.portal.scope import Scope


@dataclass(frozen=True)
class FileInfo:
    name: str      # inside the run's folder
    rows: int
    bytes: int
    sha256: str


@dataclass
class Written:
    files: list[FileInfo]                 # in the order a receiver should take them; manifest last
    counts: dict[str, int]                # records per entity
    left_out: dict[str, int] = field(default_factory=dict)  # participants without a UID, by kind

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    @property
    def manifest(self) -> FileInfo:
        return self.files[-1]


class PortalFormat:
    name: str = ""
    version: str = ""

    def write(self, scope: Scope, folder: Path) -> Written:
        raise NotImplementedError


FORMATS: dict[str, type[PortalFormat]] = {}


def register_format(cls: type[PortalFormat]) -> type[PortalFormat]:
    FORMATS[cls.name] = cls
    return cls


def get_format(name: str | None = None) -> PortalFormat:
    from exports.portal.formats import ejournal_v1  # noqa: F401 - registers the default

    name = name or settings.PORTAL_EXPORT_FORMAT
    try:
        return FORMATS[name]()
    except KeyError:
        raise LookupError(f"Неизвестный формат выгрузки: {name}") from None
