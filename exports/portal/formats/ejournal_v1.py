"""ejournal-v1, our own format (docs/portal-export.md, schema/ejournal-v1.schema.json).

One JSON Lines file per entity (`<entity>.jsonl`: UTF-8, one compact object per line, keys in
a fixed order, "\\n" after each), an entity without rows included, then `manifest.json`: what the
run covered, each file's rows, bytes and SHA-256, counts per entity, and how many participants
were left out for want of a UID. Nothing in it depends on when it was written: the same scope
over the same data gives the same bytes, the manifest included.

A changed format is a new class and a new schema file beside this one; this one stays as it is
for receivers that read it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import islice
from json.encoder import encode_basestring as _string
from pathlib import Path

from django.db import connection, transaction

from exports.portal import content
from exports.portal.formats import FileInfo, PortalFormat, Written, register_format
from exports.portal.scope import Scope

BATCH = 2000  # lines joined, hashed and written at once


def _plain(value):
    if isinstance(value, dt.date):  # a datetime is one too
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not exported")


# One encoder for every line: json.dumps with options would build one per call.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_plain).encode


# The journal's records, most of an export's rows, are spelled by hand: a template per entity is
# several times faster than the encoder walking a dict, and gives the same text
# (tests/exports/portal/test_format.py compares them). A row's values come in its keys' order,
# the order `exports.portal.content` builds each row in and the schema lists.

def _lesson_line(row: dict) -> str:
    (pk, assignment_id, date, number, topic, homework, no_homework, type_id, held, teacher,
     substitute) = row.values()
    return (f'{{"id":{pk},"assignment_id":{assignment_id},"date":"{date.isoformat()}",'
            f'"number":{number},"topic":{_string(topic)},'
            f'"homework":{"null" if homework is None else _string(homework)},'
            f'"no_homework":{"true" if no_homework else "false"},'
            f'"assessment_type_id":{"null" if type_id is None else type_id},'
            f'"held":{"true" if held else "false"},'
            f'"teacher_uid":{"null" if teacher is None else _string(teacher)},'
            f'"substitute_uid":{"null" if substitute is None else _string(substitute)}}}')


def _mark_line(row: dict) -> str:
    pk, lesson_id, uid, value, type_id, weight = row.values()
    return (f'{{"id":{pk},"lesson_id":{lesson_id},"student_uid":{_string(uid)},'
            f'"value":{_string(value)},'
            f'"assessment_type_id":{"null" if type_id is None else type_id},'
            f'"weight":{weight!r}}}')


def _absence_line(row: dict) -> str:
    pk, lesson_id, uid, kind, minutes = row.values()
    return (f'{{"id":{pk},"lesson_id":{lesson_id},"student_uid":{_string(uid)},'
            f'"kind":{_string(kind)},"minutes_late":{"null" if minutes is None else minutes}}}')


def _final_mark_line(row: dict) -> str:
    pk, assignment_id, uid, kind, period_id, value = row.values()
    return (f'{{"id":{pk},"assignment_id":{assignment_id},"student_uid":{_string(uid)},'
            f'"kind":{_string(kind)},"period_id":{"null" if period_id is None else period_id},'
            f'"value":{_string(value)}}}')


LINES: dict[str, Callable[[dict], str]] = {
    "lessons": _lesson_line, "marks": _mark_line, "absences": _absence_line,
    "final_marks": _final_mark_line,
}


def _moment(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


@contextlib.contextmanager
def _planned_for_every_row() -> Iterator[None]:
    """PostgreSQL plans a cursor's query for its first tenth of rows (cursor_tuple_fraction),
    as a page would read it; an export reads every row, so plan for all of them. Set for the
    transaction and restored after."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        (before,) = cursor.fetchone()
        cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('cursor_tuple_fraction', %s, true)", [before])


class _HashingFile:
    """A file written in chunks and hashed as it goes: no second read."""

    def __init__(self, path: Path):
        self.path = path
        self.file = path.open("wb")
        self.sha256 = hashlib.sha256()
        self.bytes = 0

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.sha256.update(data)
        self.file.write(data)
        self.bytes += len(data)

    def close(self, rows: int) -> FileInfo:
        self.file.close()
        return FileInfo(self.path.name, rows, self.bytes, self.sha256.hexdigest())


@register_format
class EjournalV1(PortalFormat):
    name = "ejournal-v1"
    version = "1"
    manifest_name = "manifest.json"

    def write(self, scope: Scope, folder: Path) -> Written:
        folder.mkdir(parents=True, exist_ok=True)
        files: list[FileInfo] = []
        # One transaction, so that the cursors stay on the server without WITH HOLD copies.
        # Its snapshot is the caller's: `exports.portal.runs` builds in REPEATABLE READ.
        with transaction.atomic(), _planned_for_every_row():
            for entity, rows in content.entity_rows(scope):
                line = LINES.get(entity, _encode)
                files.append(self._write_lines(folder / f"{entity}.jsonl", map(line, rows)))
            left_out = {kind: len(people) for kind, people in content.left_out(scope).items()}
        counts = {info.name.removesuffix(".jsonl"): info.rows for info in files}
        manifest = self._write_manifest(folder, scope, files, counts, left_out)
        return Written(files=[*files, manifest], counts=counts, left_out=left_out)

    def _write_lines(self, path: Path, encoded: Iterator[str]) -> FileInfo:
        target = _HashingFile(path)
        rows_written = 0
        try:
            for lines in iter(lambda: list(islice(encoded, BATCH)), []):
                target.write("\n".join(lines) + "\n")
                rows_written += len(lines)
        finally:
            info = target.close(rows_written)
        return info

    def _write_manifest(self, folder: Path, scope: Scope, files: list[FileInfo],
                        counts: dict[str, int], left_out: dict[str, int]) -> FileInfo:
        manifest = {
            "format": self.name,
            "version": self.version,
            "school_id": scope.school.pk,
            "year_name": scope.year.name,
            "kind": scope.kind,
            "window": {"since": _moment(scope.since), "until": _moment(scope.until),
                       "date_from": _day(scope.date_from), "date_to": _day(scope.date_to)},
            "files": [{"name": f.name, "rows": f.rows, "bytes": f.bytes, "sha256": f.sha256}
                      for f in files],
            "counts": counts,
            "left_out": left_out,
        }
        target = _HashingFile(folder / self.manifest_name)
        target.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        return target.close(1)
