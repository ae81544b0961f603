"""PostgreSQL: the dump, a scratch restore that checks it, and the restore itself.

The rows recorded with a dump are the rows *in* the dump: a separate connection opens a
REPEATABLE READ transaction, exports its snapshot, counts every table in it and keeps it open
while `pg_dump --snapshot` reads the same snapshot. Connection parameters come from Django's
settings; the password goes to the programs through PGPASSWORD, never on the command line.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2
from django.db import connections
from psycopg2 import extensions, sql

# Tables of the public schema (Django's), the same list for the source and the scratch copy.
TABLES = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname
"""
# PostgreSQL's limit on a database name.
NAME_LIMIT = 63
# Lines of a program's error output kept in the message.
ERROR_LINES = 6


class PostgresError(Exception):
    """A program or a query failed; the message is for the administrator, in Russian."""


def settings_dict(alias: str = "default") -> dict:
    # The connection's own dict: under the tests it names the test database.
    return connections[alias].settings_dict


def database_name(alias: str = "default") -> str:
    return settings_dict(alias)["NAME"]


def connect(dbname: str | None = None, alias: str = "default"):
    params = settings_dict(alias)
    options = {key: value for key, value in {
        "dbname": dbname or params["NAME"], "user": params.get("USER"),
        "password": params.get("PASSWORD"), "host": params.get("HOST"),
        "port": params.get("PORT"),
    }.items() if value}
    sslmode = (params.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        options["sslmode"] = sslmode
    return psycopg2.connect(**options)


def program_env(alias: str = "default") -> dict[str, str]:
    params = settings_dict(alias)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for variable, key in (("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"), ("PGHOST", "HOST"),
                          ("PGPORT", "PORT")):
        if params.get(key):
            env[variable] = str(params[key])
    sslmode = (params.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise PostgresError(f"Не найдена программа {name}: установите пакет postgresql-client "
                            "той же версии, что и сервер PostgreSQL.")
    return path


def run(name: str, *arguments: str, alias: str = "default") -> None:
    """Runs pg_dump or pg_restore; PostgresError with the end of its error output on failure."""
    command = [program(name), "--no-password", *arguments]
    result = subprocess.run(command, env=program_env(alias), capture_output=True,  # noqa: S603
                            text=True, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        detail = "\n".join(lines[-ERROR_LINES:]) or f"код завершения {result.returncode}"
        if "No space left on device" in result.stderr:
            raise PostgresError("Недостаточно места на диске для резервной копии.")
        raise PostgresError(f"{name} завершился с ошибкой: {detail}")


def count_rows(cursor) -> dict[str, int]:
    """Rows of every table of the public schema, in one query."""
    cursor.execute(TABLES)
    tables = [row[0] for row in cursor.fetchall()]
    if not tables:
        return {}
    query = sql.SQL(" UNION ALL ").join(
        sql.SQL("SELECT {}, count(*) FROM {}").format(sql.Literal(table), sql.Identifier(table))
        for table in tables)
    cursor.execute(query)
    return {table: count for table, count in cursor.fetchall()}


def dump(target: Path, alias: str = "default") -> dict[str, int]:
    """`pg_dump --format=custom` of the database into `target`; returns the rows of every
    table in the snapshot the dump was taken from."""
    connection = connect(alias=alias)
    try:
        connection.set_session(isolation_level=extensions.ISOLATION_LEVEL_REPEATABLE_READ,
                               readonly=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = count_rows(cursor)
            run("pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}",
                f"--dbname={database_name(alias)}", alias=alias)
        connection.rollback()
    finally:
        connection.close()
    return counts


def scratch_name(source: str) -> str:
    suffix = f"_verify_{secrets.token_hex(4)}"
    return source[:NAME_LIMIT - len(suffix)] + suffix


@contextmanager
def scratch_database(alias: str = "default") -> Iterator[str]:
    """A new empty database for a check, dropped afterwards whatever happens."""
    name = scratch_name(database_name(alias))
    admin = connect(alias=alias)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            # The source's encoding and collation, whatever the server's defaults are.
            cursor.execute("SELECT pg_encoding_to_char(encoding), datcollate, datctype "
                           "FROM pg_database WHERE datname = current_database()")
            encoding, collate, ctype = cursor.fetchone()
            cursor.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING {} "
                                   "LC_COLLATE {} LC_CTYPE {}").format(
                sql.Identifier(name), sql.Literal(encoding), sql.Literal(collate),
                sql.Literal(ctype)))
        try:
            yield name
        finally:
            with admin.cursor() as cursor:
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)))
    finally:
        admin.close()


def restored_counts(dump_file: Path, alias: str = "default") -> dict[str, int]:
    """Restores `dump_file` into a scratch database and counts its tables' rows."""
    with scratch_database(alias) as name:
        run("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
            f"--dbname={name}", str(dump_file), alias=alias)
        scratch = connect(dbname=name, alias=alias)
        try:
            with scratch.cursor() as cursor:
                return count_rows(cursor)
        finally:
            scratch.close()


def restore(dump_file: Path, alias: str = "default") -> None:
    """Replaces the database's content with the dump's, all or nothing. Django's connections
    are closed first; the site's other processes must be stopped (the README says so)."""
    connections.close_all()
    run("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
        "--single-transaction", "--exit-on-error", f"--dbname={database_name(alias)}",
        str(dump_file), alias=alias)
