"""`manifest.json` beside a year's files: the school, the year, when the archive was made, and
every file with its size, SHA-256, kind and keeping date — enough to check the folder on a
server that has no database (`sha256sum` of each file against the list)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.utils import timezone

from archive.models import ArchiveFile, YearArchive

FORMAT = "ejournal-year-archive-1"


def file_entry(archive_file: ArchiveFile) -> dict:
    entry = {"path": archive_file.path, "kind": archive_file.kind,
             "bytes": archive_file.bytes, "sha256": archive_file.sha256,
             "keep_until": archive_file.keep_until.isoformat()}
    if archive_file.pages is not None:
        entry["pages"] = archive_file.pages
    if archive_file.school_class is not None:
        entry["class"] = str(archive_file.school_class)
    journal = archive_file.journal
    if journal is not None:
        entry["subject"] = journal.subject.name
        if journal.subgroup_id:
            entry["subgroup"] = journal.subgroup.name
        entry["teacher"] = journal.teacher.full_name
    return entry


def manifest_bytes(archive: YearArchive, files: Iterable[ArchiveFile]) -> bytes:
    """`files` with their class and journal (subject, subgroup, teacher) loaded."""
    year = archive.year
    content = {
        "format": FORMAT,
        "school": {"id": year.school_id, "name": year.school.name,
                   "short_name": year.school.short_name},
        "year": {"id": year.pk, "name": year.name, "starts_on": year.starts_on.isoformat(),
                 "ends_on": year.ends_on.isoformat(),
                 "closed_at": (timezone.localtime(year.closed_at).isoformat(timespec="seconds")
                               if year.closed_at else None)},
        "archive": archive.pk,
        "created_at": timezone.localtime().isoformat(timespec="seconds"),
        "files": [file_entry(f) for f in sorted(files, key=lambda f: f.path)],
    }
    return json.dumps(content, ensure_ascii=False, indent=1).encode()
