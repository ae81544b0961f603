"""SQLite (the embedded demo): the copy, its check and the restore, by SQLite's online backup.

The rows recorded are the source's, counted in the same read transaction in which the backup
API copies it: the transaction holds one snapshot of the file (a shared lock, or WAL's read
mark), so the counts and the copy cannot drift apart while the site writes. The copy is then
counted as well and must agree before the backup is called done.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from django.db import connections

TABLES = ("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
          "ORDER BY name")


class SqliteError(Exception):
    """The copy or its check failed; the message is for the administrator, in Russian."""


def database_path(alias: str = "default") -> Path:
    return Path(connections[alias].settings_dict["NAME"])


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def count_rows(connection: sqlite3.Connection) -> dict[str, int]:
    tables = [row[0] for row in connection.execute(TABLES)]
    return {table: connection.execute(f"SELECT count(*) FROM {quoted(table)}").fetchone()[0]  # noqa: S608
            for table in tables}


def open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)


def dump(source: Path, target: Path) -> dict[str, int]:
    """Copies the database file `source` into `target`; returns its rows per table."""
    if not source.is_file():
        raise SqliteError(f"Файл базы данных {source} не найден.")
    reader = open_read_only(source)
    try:
        reader.execute("BEGIN")
        counts = count_rows(reader)
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
            copied = count_rows(writer)
        finally:
            writer.close()
        reader.execute("COMMIT")
    finally:
        reader.close()
    if copied != counts:
        raise SqliteError("Копия базы данных не совпала с исходной по числу записей.")
    return counts


def checked_counts(copy: Path) -> dict[str, int]:
    """`PRAGMA integrity_check` of the copy, then its rows per table."""
    try:
        connection = open_read_only(copy)
        try:
            result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if result != ["ok"]:
                raise SqliteError("Копия базы данных повреждена: " + "; ".join(result[:5]))
            return count_rows(connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise SqliteError(f"Копия базы данных не открывается: {exc}") from None


def restore(copy: Path, target: Path) -> None:
    """Writes the copy over the database file `target` through the backup API (the live file
    is replaced page by page under SQLite's lock, never half-copied)."""
    reader = open_read_only(copy)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    finally:
        reader.close()
