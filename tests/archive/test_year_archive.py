"""The year-end archive: a closed year's journals as PDFs, its classes' summary statements as
XLSX and CSV, the manifest with every file's SHA-256, built part by part; an open year refused;
a full disk failing the run with nothing left behind; a killed worker's archive resumed; the
integrity check finding a changed and a missing file, also from the command line."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import hashlib
import io
import json
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from archive.models import ArchiveFile, YearArchive
from archive.tasks import build_archive_part, resume_year_archives
from archive.years import files as archive_files
from archive.years.build import (
    ArchiveRefused,
    build_part,
    parts_of,
    start_archive,
)
from archive.years.resume import GAVE_UP
from archive.years.verify import verify_archive
from tests.archive.year_archive_setup import (
    CLASSES,
    FILES,
    JOURNALS,
    NOW,
    ClosedSchool,
    archive_root_fixture,
    archived_fixture,
    build_closed_school,
    folder_of,
)
from tests.conftest import built_once

Kind = ArchiveFile.Kind
built = built_once(build_closed_school, NOW)


archive_root = archive_root_fixture()
archived = archived_fixture()


@pytest.fixture
def world(db, built, archive_root) -> ClosedSchool:
    return built


def everything_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


# Refusals ----------------------------------------------------------------------------------

def test_an_open_year_is_refused_and_nothing_is_made(world, archive_root):
    before = set(archive_root.iterdir())
    with pytest.raises(ArchiveRefused, match="2027/2028 учебный год ещё не закрыт"):
        start_archive(world.next_year, world.director)
    assert not YearArchive.objects.filter(year=world.next_year).exists()
    assert set(archive_root.iterdir()) == before


def test_a_year_whose_archive_is_being_built_is_refused(world):
    first = start_archive(world.year, world.director, enqueue=False)
    with pytest.raises(ArchiveRefused, match="уже собирается"):
        start_archive(world.year, world.administrator)
    assert list(YearArchive.objects.filter(year=world.year, status__in=YearArchive.UNFINISHED)
                ) == [first]


def test_the_parts_are_enqueued_only_once_the_plan_is_committed(world, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    enqueued = []
    monkeypatch.setattr(build_archive_part, "delay", lambda *args: enqueued.append(args))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        archive = start_archive(world.year, world.director)
        assert enqueued == []
    for callback in callbacks:
        callback()
    assert archive.total == JOURNALS + CLASSES
    assert sorted(enqueued) == sorted((archive.pk, key) for key in parts_of(archive))
    assert len(enqueued) == archive.total


# The archive as built ------------------------------------------------------------------------

def test_every_file_is_written_recorded_and_listed_in_the_manifest(world, archived):
    folder = folder_of(archived)
    assert archived.status == YearArchive.Status.DONE, archived.error
    assert (archived.done, archived.total) == (JOURNALS + CLASSES, JOURNALS + CLASSES)
    recorded = list(archived.files.order_by("path"))
    assert len(recorded) == FILES
    assert everything_in(folder) == [f.path for f in recorded]  # nothing else: no .part left
    for archive_file in recorded:
        content = (folder / archive_file.path).read_bytes()
        assert archive_file.bytes == len(content)
        assert archive_file.sha256 == hashlib.sha256(content).hexdigest()

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert archived.manifest_sha256 == hashlib.sha256(
        (folder / "manifest.json").read_bytes()).hexdigest()
    assert manifest["year"]["name"] == "2026/2027"
    assert manifest["school"]["short_name"] == "Школа № 7"
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == {f.path for f in recorded if f.kind != Kind.MANIFEST}
    for archive_file in recorded:
        if archive_file.kind != Kind.MANIFEST:
            assert listed[archive_file.path]["sha256"] == archive_file.sha256
            assert listed[archive_file.path]["bytes"] == archive_file.bytes


def test_a_journal_is_a_pdf_in_its_class_folder_with_its_pages_and_keeping_date(world,
                                                                                 archived):
    paths = set(archived.files.filter(kind=Kind.JOURNAL).values_list("path", flat=True))
    assert paths == {"journals/1А/Литературное чтение.pdf", "journals/5А/Математика.pdf",
                     "journals/5А/Русский язык.pdf", "journals/5А/Английский язык (1 группа).pdf",
                     "journals/5А/Английский язык (2 группа).pdf", "journals/5Б/Математика.pdf"}
    maths = archived.files.get(journal=world.small.maths_5a)
    assert (folder_of(archived) / maths.path).read_bytes().startswith(b"%PDF")
    assert maths.pages >= 1
    assert maths.school_class == world.small.class_5a
    # Journals are kept 5 years after the year's end, summary statements 25.
    assert maths.keep_until == dt.date(2032, 8, 31)
    statement = archived.files.filter(kind=Kind.MARKS_STATEMENT).first()
    assert statement.keep_until == dt.date(2052, 8, 31)


def test_each_class_has_its_statements_of_marks_and_attendance_as_xlsx_and_csv(world,
                                                                                archived):
    by_class = {}
    for archive_file in archived.files.exclude(kind__in=[Kind.JOURNAL, Kind.MANIFEST]):
        by_class.setdefault(str(archive_file.school_class), set()).add(archive_file.path)
    assert set(by_class) == {"1А", "5А", "5Б", "10А"}
    assert by_class["5А"] == {
        "statements/5А/Сводная ведомость учёта успеваемости.xlsx",
        "statements/5А/Сводная ведомость учёта успеваемости.csv",
        "statements/5А/Сводная ведомость посещаемости.xlsx",
        "statements/5А/Сводная ведомость посещаемости.csv"}


def test_the_marks_statement_reads_back_with_its_header_and_typed_cells(world, archived):
    path = folder_of(archived) / "statements/5А/Сводная ведомость учёта успеваемости.xlsx"
    sheet = load_workbook(path, read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:4] == ["Класс", "№", "Обучающийся", "Предмет"]
    assert "1-я четверть" in header and "Годовая" in header
    maths = next(row for row in rows[1:] if row[2] == "Петров Василий" and row[3] == "Математика")
    assert maths[1] == 1  # a number, not text
    assert maths[header.index("1-я четверть")] == 5  # marks too
    assert maths[header.index("Годовая")] == 5


def test_the_attendance_statement_counts_the_absence_in_xlsx_and_in_csv(world, archived):
    folder = folder_of(archived)
    sheet = load_workbook(folder / "statements/5А/Сводная ведомость посещаемости.xlsx",
                          read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    vasya = next(row for row in rows[1:] if row[2] == "Петров Василий")
    assert vasya[header.index("сен «б»")] == 1
    assert vasya[header.index("Всего уроков")] == 1

    text = (folder / "statements/5А/Сводная ведомость посещаемости.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel opens it as such
    table = list(csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:3] == ["Класс", "№", "Обучающийся"]
    vasya = next(row for row in table[1:] if row[2] == "Петров Василий")
    assert vasya[table[0].index("сен «б»")] == "1"


def test_a_part_done_again_changes_nothing(world, archived):
    before = list(archived.files.order_by("path").values_list("path", "sha256", "created_at"))
    build_part(archived.pk, f"journal:{world.small.maths_5a.pk}")
    build_part(archived.pk, f"class:{world.small.class_5a.pk}")
    archived.refresh_from_db()
    assert archived.done == archived.total
    assert list(archived.files.order_by("path").values_list("path", "sha256", "created_at")
                ) == before


# A full disk ---------------------------------------------------------------------------------

def test_a_full_disk_fails_the_run_with_the_reason_and_leaves_no_file(world, monkeypatch):
    archive = start_archive(world.year, world.director, enqueue=False)
    keys = parts_of(archive)
    build_part(archive.pk, keys[0])
    build_part(archive.pk, keys[-1])
    assert archive.files.count() == 1 + 4  # a journal and a class's statements are in
    partial = []

    def disk_full(handle):
        handle.flush()
        partial.append(Path(handle.name))
        assert Path(handle.name).exists() and Path(handle.name).name.endswith(".part")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(archive_files, "_sync", disk_full)
    build_part(archive.pk, keys[1])

    archive.refresh_from_db()
    assert archive.status == YearArchive.Status.FAILED
    assert archive.error.startswith("Недостаточно места на диске архива")
    assert "архив не собран" in archive.error
    assert partial and not any(path.exists() for path in partial)
    assert not folder_of(archive).exists()  # neither the half file nor the parts done before
    assert archive.files.count() == 0
    # The parts still queued find the archive failed and write nothing.
    monkeypatch.undo()
    build_part(archive.pk, keys[2])
    assert not folder_of(archive).exists()
    # And the year can be archived again.
    assert start_archive(world.year, world.director, enqueue=False).status == "queued"


def test_a_broken_renderer_fails_the_run_with_its_reason(world, monkeypatch):
    archive = start_archive(world.year, world.director, enqueue=False)

    def broken(journal, **kwargs):
        raise ValueError("шаблон не найден")

    monkeypatch.setattr("archive.years.build.render_journal_pdf", broken)
    build_part(archive.pk, f"journal:{world.small.maths_5a.pk}")
    archive.refresh_from_db()
    assert archive.status == YearArchive.Status.FAILED
    assert archive.error.startswith("Не удалось собрать журнал «5А Математика»: шаблон не найден")
    assert not folder_of(archive).exists()


# A killed worker -----------------------------------------------------------------------------

def test_an_archive_a_killed_worker_left_is_resumed_and_completed_with_every_file_once(world):
    start = NOW + dt.timedelta(days=1)
    with time_machine.travel(start, tick=False):
        # Planned, but the worker died: only half the parts ran.
        archive = start_archive(world.year, world.director, enqueue=False)
        keys = parts_of(archive)
        for key in keys[::2]:
            build_part(archive.pk, key)
    half = archive.files.count()
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
        assert resume_year_archives() == []  # not stalled yet
    archive.refresh_from_db()
    assert archive.status == YearArchive.Status.BUILDING
    assert archive.files.count() == half

    with time_machine.travel(start + dt.timedelta(minutes=11), tick=False):
        assert resume_year_archives() == [archive.pk]  # the missing parts, run in-process here
    archive.refresh_from_db()
    assert archive.status == YearArchive.Status.DONE, archive.error
    assert (archive.done, archive.total) == (len(keys), len(keys))
    paths = list(archive.files.values_list("path", flat=True))
    assert len(paths) == len(set(paths)) == FILES
    assert everything_in(folder_of(archive)) == sorted(paths)
    assert verify_archive(archive)["changed"] == []


def test_an_archive_that_makes_no_progress_for_hours_fails_so_that_it_can_be_restarted(world):
    start = NOW + dt.timedelta(days=1)
    with time_machine.travel(start, tick=False):
        archive = start_archive(world.year, world.director, enqueue=False)
        build_part(archive.pk, parts_of(archive)[0])
    with time_machine.travel(start + dt.timedelta(hours=3), tick=False):
        assert resume_year_archives() == []
    archive.refresh_from_db()
    assert archive.status == YearArchive.Status.FAILED
    assert archive.error == GAVE_UP
    assert not folder_of(archive).exists()


# Integrity ---------------------------------------------------------------------------------

def test_verify_finds_every_file_intact(world, archived):
    result = verify_archive(archived, world.director)
    assert result["changed"] == [] and result["missing"] == []
    assert result["checked"] == FILES
    archived.refresh_from_db()
    assert archived.verified_by == world.director
    assert archived.verified_at is not None
    assert archived.verify_result == result


def test_verify_reports_one_altered_byte_and_a_deleted_file(world, archived):
    folder = folder_of(archived)
    altered = folder / "journals/5А/Математика.pdf"
    deleted = folder / "statements/5Б/Сводная ведомость посещаемости.csv"
    original, kept = altered.read_bytes(), deleted.read_bytes()
    try:
        altered.write_bytes(original[:100] + bytes([original[100] ^ 1]) + original[101:])
        deleted.unlink()
        result = verify_archive(archived, world.administrator)
        assert result["changed"] == ["journals/5А/Математика.pdf"]
        assert result["missing"] == ["statements/5Б/Сводная ведомость посещаемости.csv"]
    finally:
        altered.write_bytes(original)
        deleted.write_bytes(kept)
    assert verify_archive(archived)["changed"] == []


def test_verify_notices_a_changed_manifest(world, archived):
    manifest = folder_of(archived) / "manifest.json"
    original = manifest.read_bytes()
    try:
        manifest.write_bytes(original.replace(b'"bytes": ', b'"bytes":  ', 1))
        assert verify_archive(archived)["changed"] == ["manifest.json"]
    finally:
        manifest.write_bytes(original)


def test_an_unfinished_archive_is_not_verified(world):
    archive = start_archive(world.year, world.director, enqueue=False)
    with pytest.raises(ArchiveRefused, match="только у готового архива"):
        verify_archive(archive)


def test_the_verify_command_prints_the_report_and_fails_on_a_damaged_archive(world, archived):
    out = io.StringIO()
    call_command("verify_archive", "--archive", str(archived.pk), stdout=out)
    assert f"проверено файлов — {FILES}. Все файлы целы." in out.getvalue()

    altered = folder_of(archived) / "journals/5Б/Математика.pdf"
    original = altered.read_bytes()
    try:
        altered.write_bytes(original + b"\n")
        out = io.StringIO()
        with pytest.raises(SystemExit) as exit_code:
            call_command("verify_archive", "--year", str(world.year.pk), stdout=out,
                         stderr=io.StringIO())
        assert exit_code.value.code == 1
        assert "Нарушена целостность:" in out.getvalue()
        assert "изменён: journals/5Б/Математика.pdf" in out.getvalue()
    finally:
        altered.write_bytes(original)

    with pytest.raises(CommandError, match="У учебного года № .* нет готового архива"):
        call_command("verify_archive", "--year", str(world.next_year.pk))


def test_the_archive_year_command_builds_a_closed_year_and_refuses_an_open_one(world):
    out = io.StringIO()
    call_command("archive_year", "--year", str(world.year.pk), "--here", stdout=out)
    assert f"Архив готов: файлов {FILES}," in out.getvalue()
    with pytest.raises(CommandError, match="ещё не закрыт"):
        call_command("archive_year", "--year", str(world.next_year.pk))
