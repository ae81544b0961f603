"""Backups on any database: how long they are kept, the second copy, SQLite's copy and check,
the media tar's guard, failures, and the rows rebuilt from the folders after a restore."""

from __future__ import annotations

import datetime as dt
import errno
import io
import sqlite3
import tarfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from archive.backups import media, sqlite
from archive.backups.copies import copy_backup
from archive.backups.dump import SQLITE, manifest_of, write_backup
from archive.backups.folders import CHECK, MANIFEST, NAME_FORMAT, part_path, sha256_of, write_json
from archive.backups.restore import rebuild_backup_rows
from archive.backups.retention import prune_backups, to_keep
from archive.backups.services import INTERRUPTED, LOST, abandon_interrupted
from archive.backups.verify import verify_backup
from archive.models import Backup

MOSCOW = ZoneInfo("Europe/Moscow")
Status, Check = Backup.Status, Backup.Check


def at(day: dt.date, hour: int = 1, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=MOSCOW)


def fake_backup(root: Path, started_at: dt.datetime, *, status: str = Status.DONE,
                check: str = Check.PASSED) -> Backup:
    """A backup row and, when done, a folder with small stand-in files and its manifest."""
    name = timezone.localtime(started_at).strftime(NAME_FORMAT)
    backup = Backup.objects.create(folder=name, engine=SQLITE, status=status,
                                   started_at=started_at, check_status=check,
                                   finished_at=started_at + dt.timedelta(minutes=1))
    if status == Status.DONE:
        folder = root / name
        folder.mkdir()
        (folder / "database.sqlite3").write_bytes(f"database of {name}".encode())
        media.write_tar(root / "nothing", folder / "media.tar")
        backup.database_file, backup.media_file = "database.sqlite3", "media.tar"
        backup.database_sha256 = sha256_of(folder / "database.sqlite3")
        backup.media_sha256 = sha256_of(folder / "media.tar")
        backup.database_bytes = (folder / "database.sqlite3").stat().st_size
        backup.save()
        write_json(folder / MANIFEST, manifest_of(backup))
    return backup


def sqlite_database(path: Path, rows: int = 3) -> Path:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE pupils (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("CREATE TABLE marks (id INTEGER PRIMARY KEY, value INTEGER)")
        connection.executemany("INSERT INTO pupils (name) VALUES (?)",
                               [(f"Ученик {n}",) for n in range(rows)])
    connection.close()
    return path


# How long backups are kept ---------------------------------------------------------------------

def test_the_rule_keeps_the_newest_days_and_the_first_of_each_recent_month():
    days = [dt.date(2026, 8, 20) + dt.timedelta(days=n) for n in range(83)]  # to 10.11.2026
    kept = to_keep([(day, at(day)) for day in days], at(dt.date(2026, 11, 10), 12),
                   daily=3, monthly=3)

    assert sorted(kept) == [dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1),
                            dt.date(2026, 11, 8), dt.date(2026, 11, 9), dt.date(2026, 11, 10)]


@pytest.mark.django_db
def test_pruning_removes_the_folders_the_rule_does_not_keep_here_and_in_the_copy_dir(
        places, settings):
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_MONTHLY = 3, 3
    days = [dt.date(2026, 8, 20) + dt.timedelta(days=n) for n in range(83)]
    backups = {day: fake_backup(places["backups"], at(day),
                                check=Check.FAILED if day.day in (8, 9, 10) and day.month == 11
                                else Check.PASSED)
               for day in days if day != dt.date(2026, 11, 5)}
    failed = fake_backup(places["backups"], at(dt.date(2026, 11, 5)), status=Status.FAILED)
    for day in days:
        if day >= dt.date(2026, 10, 15) and day in backups:
            (places["copy"] / backups[day].folder).mkdir()
            write_json(places["copy"] / backups[day].folder / MANIFEST,
                       manifest_of(backups[day]))

    with time_machine.travel(at(dt.date(2026, 11, 10), 12), tick=False):
        removed = prune_backups()

    # The three newest failed their check: the newest verified one (7.11) stays as well.
    kept_days = {dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1),
                 dt.date(2026, 11, 7), dt.date(2026, 11, 8), dt.date(2026, 11, 9),
                 dt.date(2026, 11, 10)}
    assert len(removed) == len(backups) - len(kept_days)
    for day, backup in backups.items():
        backup.refresh_from_db()
        if day in kept_days:
            assert backup.status == Status.DONE, day
            assert (places["backups"] / backup.folder).is_dir(), day
        else:
            assert backup.status == Status.REMOVED, day
            assert backup.removed_at == at(dt.date(2026, 11, 10), 12)
            assert not (places["backups"] / backup.folder).exists(), day
    failed.refresh_from_db()
    assert failed.status == Status.FAILED
    copies = sorted(path.name for path in places["copy"].iterdir())
    assert copies == sorted(backups[day].folder for day in (
        dt.date(2026, 10, 15), dt.date(2026, 11, 1), dt.date(2026, 11, 7),
        dt.date(2026, 11, 8), dt.date(2026, 11, 9), dt.date(2026, 11, 10)))


# The second copy ------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_copy_dir_gets_an_identical_copy(places):
    backup = fake_backup(places["backups"], at(dt.date(2026, 11, 10)))

    copy_backup(backup)

    backup.refresh_from_db()
    copy = places["copy"] / backup.folder
    assert backup.copied_to == str(copy) and backup.copied_at is not None
    assert backup.copy_error == ""
    original = places["backups"] / backup.folder
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == \
           {p.name: p.read_bytes() for p in original.iterdir()}
    assert not list(places["copy"].glob(".*"))


@pytest.mark.django_db
def test_a_copy_dir_that_is_not_mounted_is_recorded_not_created(places, settings):
    settings.BACKUP_COPY_DIR = str(places["copy"] / "usb-disk")
    backup = fake_backup(places["backups"], at(dt.date(2026, 11, 10)))

    copy_backup(backup)

    backup.refresh_from_db()
    assert backup.copied_at is None
    assert "недоступна" in backup.copy_error and "usb-disk" in backup.copy_error
    assert not (places["copy"] / "usb-disk").exists()


# SQLite (the demo) -----------------------------------------------------------------------------

def test_sqlites_copy_holds_the_rows_it_counted_and_restores_over_the_file(tmp_path):
    source = sqlite_database(tmp_path / "db.sqlite3", rows=5)
    copy = tmp_path / "copy.sqlite3"

    counts = sqlite.dump(source, copy)

    assert counts == {"marks": 0, "pupils": 5}
    assert sqlite.checked_counts(copy) == counts
    with sqlite3.connect(source) as connection:
        connection.execute("DELETE FROM pupils WHERE id > 2")
        connection.execute("INSERT INTO marks (value) VALUES (5)")
    connection.close()

    sqlite.restore(copy, source)

    reader = sqlite.open_read_only(source)
    assert sqlite.count_rows(reader) == {"marks": 0, "pupils": 5}
    reader.close()


def test_a_damaged_sqlite_copy_fails_its_check(tmp_path):
    source = sqlite_database(tmp_path / "db.sqlite3", rows=200)
    copy = tmp_path / "copy.sqlite3"
    sqlite.dump(source, copy)
    data = bytearray(copy.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # the second page: a table's
    copy.write_bytes(bytes(data))

    with pytest.raises(sqlite.SqliteError, match="повреждена|не открывается"):
        sqlite.checked_counts(copy)


@pytest.mark.django_db
def test_a_sqlite_backup_is_written_whole_and_passes_its_check(places, tmp_path, monkeypatch):
    source = sqlite_database(tmp_path / "db.sqlite3", rows=4)
    monkeypatch.setattr(sqlite, "database_path", lambda alias="default": source)
    (places["media"] / "homework").mkdir()
    (places["media"] / "homework" / "task.pdf").write_bytes(b"%PDF")
    backup = Backup.objects.create(folder="20261110-013000", engine=SQLITE)

    write_backup(backup)
    verify_backup(backup)

    backup.refresh_from_db()
    assert backup.status == Status.DONE, backup.error
    assert backup.row_counts == {"marks": 0, "pupils": 4}
    assert backup.media_files == 1
    assert backup.check_status == Check.PASSED, backup.check_error
    folder = places["backups"] / "20261110-013000"
    assert sorted(p.name for p in folder.iterdir()) == [CHECK, "database.sqlite3", MANIFEST,
                                                        "media.tar"]


@pytest.mark.django_db
def test_a_full_disk_fails_the_backup_in_russian_and_leaves_no_folder(places, tmp_path,
                                                                      monkeypatch):
    source = sqlite_database(tmp_path / "db.sqlite3")
    monkeypatch.setattr(sqlite, "database_path", lambda alias="default": source)

    def no_space(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(media, "write_tar", no_space)
    backup = Backup.objects.create(folder="20261110-013000", engine=SQLITE)

    write_backup(backup)

    backup.refresh_from_db()
    assert backup.status == Status.FAILED
    assert backup.error == "Недостаточно места на диске для резервной копии."
    assert backup.database_sha256 == "" and backup.row_counts == {}
    assert list(places["backups"].iterdir()) == []


# The media tar's guard -------------------------------------------------------------------------

def test_a_media_tar_with_a_path_outside_media_root_is_refused_and_changes_nothing(tmp_path):
    tar_path = tmp_path / "media.tar"
    with tarfile.open(tar_path, "w") as tar:
        for name in ("homework/ok.txt", "../outside.txt"):
            info = tarfile.TarInfo(name)
            info.size = 2
            tar.addfile(info, io.BytesIO(b"hi"))
    media_root = tmp_path / "media"
    media_root.mkdir()
    (media_root / "kept.txt").write_text("kept", encoding="utf-8")

    with pytest.raises(media.MediaError, match="недопустимый элемент «../outside.txt»"):
        media.restore_tar(tar_path, media_root)

    assert [p.name for p in media_root.iterdir()] == ["kept.txt"]
    assert not (tmp_path / "outside.txt").exists()


# Interrupted jobs and the rows after a restore ----------------------------------------------

@pytest.mark.django_db
def test_an_interrupted_backup_is_recorded_as_failed_and_its_partial_folder_removed(places):
    now = at(dt.date(2026, 11, 10), 12)
    killed = Backup.objects.create(folder="20261110-013000", engine=SQLITE,
                                   started_at=now - dt.timedelta(hours=10))
    part_path(places["backups"], killed.folder).mkdir()
    queued = Backup.objects.create(folder="20261110-115500", engine=SQLITE,
                                   started_at=now - dt.timedelta(minutes=5))
    lost = Backup.objects.create(folder="20261109-090000", engine=SQLITE,
                                 started_at=now - dt.timedelta(days=1))

    abandon_interrupted(now)

    statuses = dict(Backup.objects.values_list("folder", "status"))
    assert statuses == {killed.folder: Status.FAILED, queued.folder: Status.RUNNING,
                        lost.folder: Status.FAILED}
    assert Backup.objects.get(pk=killed.pk).error == INTERRUPTED
    assert Backup.objects.get(pk=lost.pk).error == LOST
    assert list(places["backups"].iterdir()) == []


@pytest.mark.django_db
def test_rows_are_rebuilt_from_the_folders_on_disk(places):
    on_disk = fake_backup(places["backups"], at(dt.date(2026, 11, 10)))
    verify_record = {"status": Check.FAILED, "checked_at": at(dt.date(2026, 11, 10), 2).isoformat(),
                     "seconds": 1.5, "mismatches": {"pupils": [3, 2]}, "error": "Расхождение"}
    write_json(places["backups"] / on_disk.folder / CHECK, verify_record)
    folder = on_disk.folder
    on_disk.delete()  # the restored table is older than this backup
    gone = fake_backup(places["backups"], at(dt.date(2026, 11, 1)))
    (places["backups"] / gone.folder / MANIFEST).unlink()
    unfinished = Backup.objects.create(folder="20261111-013000", engine=SQLITE)

    assert rebuild_backup_rows(now=at(dt.date(2026, 11, 12))) == 1

    rebuilt = Backup.objects.get(folder=folder)
    assert rebuilt.status == Status.DONE and rebuilt.started_at == at(dt.date(2026, 11, 10))
    assert rebuilt.check_status == Check.FAILED
    assert rebuilt.check_mismatches == {"pupils": [3, 2]} and rebuilt.check_seconds == 1.5
    assert Backup.objects.get(pk=gone.pk).status == Status.REMOVED
    assert Backup.objects.get(pk=unfinished.pk).status == Status.FAILED
