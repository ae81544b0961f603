"""Backups on real PostgreSQL: pg_dump in the dump's own snapshot, the scratch restore that checks
it, and the round trip through `manage.py restore`. The data must be committed for pg_dump (a
separate connection) to see it, hence transactional tests."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from accounts.models import Student
from accounts.roles import Role
from archive.backups import postgres
from archive.backups.folders import MANIFEST
from archive.backups.services import make_backup
from archive.backups.verify import verify_backup
from archive.models import Backup
from journal.models import Enrolment, Subject
from tests.conftest import build_small_school, make_children, make_parent, make_staff

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="pg_dump and pg_restore need PostgreSQL (CI runs it)"),
    pytest.mark.django_db(transaction=True),
]


def put_media(media: Path) -> None:
    (media / "homework" / "2026").mkdir(parents=True)
    (media / "homework" / "2026" / "задание.pdf").write_bytes(b"%PDF-1.4 homework")
    (media / "letters").mkdir()
    (media / "letters" / "letter.txt").write_text("Уважаемые родители", encoding="utf-8")


def media_content(media: Path) -> dict[str, bytes]:
    return {path.relative_to(media).as_posix(): path.read_bytes()
            for path in media.rglob("*") if path.is_file()}


def table_digests() -> dict[str, str]:
    """Every table of the database: an md5 of its rows in a fixed order."""
    with connection.cursor() as cursor:
        cursor.execute(postgres.TABLES)
        tables = [row[0] for row in cursor.fetchall()]
        digests = {}
        for table in tables:
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "  # noqa: S608
                           f"FROM {quoted} t")
            digests[table] = cursor.fetchone()[0]
    return digests


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return postgres.count_rows(cursor)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def scratch_databases() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                       [f"{connection.settings_dict['NAME'][:40]}_verify_%"])
        return [row[0] for row in cursor.fetchall()]


def build_school() -> None:
    small = build_small_school()
    children = make_children(small)
    make_parent("petrova", "Петрова", "Наталья", "Андреевна", children, email="p@example.ru")


def test_the_administrators_button_makes_a_backup_that_is_checked_copied_and_counted(
        client, places):
    build_school()
    put_media(places["media"])
    administrator = make_staff(Student.objects.first().school, "admin", "Админов", "Игорь",
                               role=Role.ADMINISTRATOR)
    client.force_login(administrator)

    response = client.post(reverse("archive:backup_start"), follow=True)

    backup = Backup.objects.get()
    assert backup.status == Backup.Status.DONE, backup.error
    assert backup.reason == Backup.Reason.MANUAL and backup.requested_by == administrator
    folder = places["backups"] / backup.folder
    assert re.fullmatch(r"\d{8}-\d{6}", backup.folder)
    assert sorted(p.name for p in folder.iterdir()) == ["check.json", "database.dump",
                                                        "manifest.json", "media.tar"]
    assert not [p for p in places["backups"].iterdir() if p.name.endswith(".part")]
    assert sha256(folder / "database.dump") == backup.database_sha256
    assert sha256(folder / "media.tar") == backup.media_sha256
    assert backup.database_bytes == (folder / "database.dump").stat().st_size
    assert backup.media_files == 2
    # The rows of every table in the dump's snapshot: nothing changed since, so today's counts.
    assert backup.row_counts == table_counts()
    assert backup.row_counts["accounts_student"] == 2
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["engine"] == "postgresql"
    assert manifest["database"]["sha256"] == backup.database_sha256
    assert manifest["row_counts"] == backup.row_counts
    # Restored into a scratch database, counted, and the scratch database dropped.
    assert backup.check_status == Backup.Check.PASSED, backup.check_error
    assert backup.check_mismatches == {} and backup.check_seconds > 0
    assert scratch_databases() == []
    # The second place holds the same files.
    copy = places["copy"] / backup.folder
    assert backup.copied_to == str(copy) and backup.copied_at is not None
    assert {p.name: sha256(p) for p in copy.iterdir()} == {p.name: sha256(p)
                                                          for p in folder.iterdir()}
    page = response.content.decode()
    assert 'data-testid="backup-row"' in page and "восстановление проверено" in page


def test_a_check_that_does_not_match_is_recorded_as_failed(places):
    build_school()
    backup = make_backup(verify=False)
    expected = backup.row_counts["accounts_student"]

    backup.row_counts = {**backup.row_counts, "accounts_student": expected + 1}
    backup.save()
    verify_backup(backup)

    backup.refresh_from_db()
    assert backup.check_status == Backup.Check.FAILED
    assert backup.check_mismatches == {"accounts_student": [expected + 1, expected]}
    assert "accounts_student" in backup.check_error
    assert scratch_databases() == []

    dump = places["backups"] / backup.folder / "database.dump"
    dump.write_bytes(dump.read_bytes() + b"\0")
    backup.row_counts = {**backup.row_counts, "accounts_student": expected}
    backup.save()
    verify_backup(backup)

    backup.refresh_from_db()
    assert backup.check_status == Backup.Check.FAILED
    assert "Контрольная сумма файла database.dump не совпадает" in backup.check_error


def change_everything(media: Path) -> None:
    """Adds, changes and deletes rows and uploaded files."""
    school = Student.objects.first().school
    Subject.objects.create(school=school, name="Физика", order=9)
    student = Student.objects.select_related("user").first()
    student.user.last_name = "Изменённая"
    student.user.save()
    Enrolment.objects.filter(student=student).delete()
    (media / "letters" / "letter.txt").unlink()
    (media / "homework" / "2026" / "задание.pdf").write_bytes(b"changed")
    (media / "new.txt").write_text("new", encoding="utf-8")


def test_restore_brings_back_every_table_and_every_file(places, capsys):
    build_school()
    put_media(places["media"])
    backup = make_backup(verify=False)
    before, files_before = table_digests(), media_content(places["media"])
    change_everything(places["media"])
    assert table_digests() != before

    call_command("restore", backup.folder, yes=True)

    after = table_digests()
    assert [table for table in before if after.get(table) != before[table]] == []
    assert set(after) == set(before)
    assert media_content(places["media"]) == files_before
    assert Backup.objects.get().status == Backup.Status.DONE
    assert "Восстановлено из" in capsys.readouterr().out


@pytest.mark.parametrize("damage", ["changed dump", "missing media"])
def test_a_backup_whose_files_do_not_match_is_not_restored(places, damage):
    build_school()
    put_media(places["media"])
    backup = make_backup(verify=False)
    change_everything(places["media"])
    changed, files_changed = table_digests(), media_content(places["media"])
    folder = places["backups"] / backup.folder
    if damage == "changed dump":
        data = bytearray((folder / "database.dump").read_bytes())
        data[len(data) // 2] ^= 0xFF
        (folder / "database.dump").write_bytes(bytes(data))
    else:
        (folder / "media.tar").unlink()

    with pytest.raises(CommandError, match="Контрольная сумма|нет файла media.tar"):
        call_command("restore", backup.folder, yes=True)

    assert table_digests() == changed
    assert media_content(places["media"]) == files_changed


def test_a_dry_run_shows_the_backup_and_changes_nothing(places, capsys):
    build_school()
    backup = make_backup(verify=False)
    Subject.objects.create(school=Student.objects.first().school, name="Физика", order=9)
    changed = table_digests()

    call_command("restore", str(places["backups"] / backup.folder), dry_run=True)

    out = capsys.readouterr().out
    assert "СУБД: postgresql" in out
    assert f"accounts_student: {backup.row_counts['accounts_student']}" in out
    assert "ничего не изменено" in out
    assert table_digests() == changed


def test_the_restore_asks_for_the_database_name(places, monkeypatch):
    build_school()
    backup = make_backup(verify=False)
    Subject.objects.create(school=Student.objects.first().school, name="Физика", order=9)
    changed = table_digests()
    monkeypatch.setattr("builtins.input", lambda prompt: "не та база")

    with pytest.raises(CommandError, match="имя базы не подтверждено"):
        call_command("restore", backup.folder)

    assert table_digests() == changed
