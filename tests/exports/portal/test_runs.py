"""Portal export runs: the window of each kind, one unfinished run of a kind at a time, the
run's files made in a staging folder and renamed whole into its folder, the same window giving
the same bytes, the lock that keeps two workers off one school's kind, and the catch-up of
scheduled moments that passed and of runs left behind."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from exports.models import ExportSchedule, PortalExport
from exports.portal.formats import FileInfo, PortalFormat, Written, register_format
from exports.portal.runs import (
    ExportBusy,
    ExportRefused,
    catch_up,
    last_runs,
    lock_key,
    perform,
    run_lock,
    start_export,
)
from journal.models import AcademicYear, Lesson, Mark, SchoolClass
from tests.conftest import build_small_school, built_once, make_staff, make_student

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
Kind, Status = PortalExport.Kind, PortalExport.Status


def at(day: dt.date, hour: int = 14, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=MOSCOW)


NOW = at(dt.date(2026, 10, 14))  # a Wednesday in the first quarter


@register_format
class FakeFormat(PortalFormat):
    """Two small files and a manifest made from the scope alone: the runs' and deliveries'
    tests need files, not the real format's content (tested with it separately)."""

    name = "test-fake"
    version = "0"

    def write(self, scope, folder: Path) -> Written:
        folder.mkdir(parents=True, exist_ok=True)
        classes = [f"{c.grade}{c.letter}" for c in
                   SchoolClass.objects.filter(year=scope.year).order_by("grade", "letter")]
        window = {"kind": scope.kind, "since": scope.since and scope.since.isoformat(),
                  "until": scope.until.isoformat(), "date_from": str(scope.date_from),
                  "date_to": str(scope.date_to)}
        files = [self._file(folder / "classes.jsonl", [{"class": c} for c in classes]),
                 self._file(folder / "window.jsonl", [window])]
        manifest = self._file(folder / "manifest.json", [{"files": [f.name for f in files]}])
        return Written(files=[*files, manifest], counts={"classes": len(classes), "window": 1},
                       left_out={"students": 0})

    @staticmethod
    def _file(path: Path, rows: list[dict]) -> FileInfo:
        data = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
        path.write_bytes(data)
        return FileInfo(path.name, len(rows), len(data), hashlib.sha256(data).hexdigest())


def build():
    small = build_small_school()
    admin = make_staff(small.school, "admin", "Админов", "Игорь", "Николаевич",
                       role="administrator")
    admin.email = "admin@school7.example"
    admin.save(update_fields=["email"])
    return small


built_fixture = built_once(build)


@pytest.fixture
def exports_root(settings, tmp_path) -> Path:
    settings.EXPORT_ROOT = tmp_path / "exports"
    settings.PORTAL_DROP_DIR = ""
    settings.PORTAL_URL = ""
    return settings.EXPORT_ROOT


@pytest.fixture
def fake_format(settings, exports_root) -> Path:
    settings.PORTAL_EXPORT_FORMAT = FakeFormat.name
    return exports_root


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def done_daily(school, until: dt.datetime) -> PortalExport:
    return PortalExport.objects.create(school=school, kind=Kind.DAILY, status=Status.DONE,
                                       format="test-fake", since=until - dt.timedelta(days=1),
                                       until=until, created_at=until)


# Windows -------------------------------------------------------------------------------------

def test_the_first_daily_export_carries_the_changes_since_the_year_began(built, fake_format):
    run = start_export(built.school, Kind.DAILY, now=NOW)

    assert (run.since, run.until) == (at(dt.date(2026, 9, 1), 0), NOW)
    assert (run.date_from, run.date_to) == (None, None)
    assert run.status == Status.QUEUED
    assert run.reason == PortalExport.Reason.MANUAL
    assert run.format == "test-fake"


def test_a_daily_export_starts_where_the_last_successful_one_ended(built, fake_format):
    done_daily(built.school, at(dt.date(2026, 10, 12), 1))
    done_daily(built.school, at(dt.date(2026, 10, 13), 1))
    PortalExport.objects.create(school=built.school, kind=Kind.DAILY, status=Status.FAILED,
                                format="test-fake", until=at(dt.date(2026, 10, 14), 1))

    run = start_export(built.school, Kind.DAILY, now=NOW)

    assert (run.since, run.until) == (at(dt.date(2026, 10, 13), 1), NOW)


def test_a_control_export_covers_the_current_month(built, fake_format):
    run = start_export(built.school, Kind.CONTROL, now=NOW)

    assert (run.date_from, run.date_to) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert (run.since, run.until) == (None, NOW)


def test_a_control_export_stays_within_the_year(built, fake_format):
    AcademicYear.objects.filter(pk=built.year.pk).update(ends_on=dt.date(2027, 5, 26))

    run = start_export(built.school, Kind.CONTROL, now=at(dt.date(2027, 5, 27)))

    assert (run.date_from, run.date_to) == (dt.date(2027, 5, 1), dt.date(2027, 5, 26))
    PortalExport.objects.filter(pk=run.pk).update(status=Status.DONE)
    with pytest.raises(ExportRefused, match="Текущий месяц не входит в учебный год 2026/2027"):
        start_export(built.school, Kind.CONTROL, now=at(dt.date(2027, 6, 2)))


def test_a_full_export_covers_the_whole_year(built, fake_format):
    run = start_export(built.school, Kind.FULL, now=NOW)

    assert (run.date_from, run.date_to) == (dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    assert run.until == NOW


def test_a_school_without_a_current_year_has_nothing_to_export(built, fake_format):
    AcademicYear.objects.filter(pk=built.year.pk).update(is_current=False)

    with pytest.raises(ExportRefused, match="не задан текущий учебный год"):
        start_export(built.school, Kind.FULL, now=NOW)
    assert not PortalExport.objects.exists()


def test_a_second_run_of_a_kind_waits_until_the_first_has_finished(built, fake_format):
    first = start_export(built.school, Kind.DAILY, now=NOW)

    with pytest.raises(ExportBusy, match="Выгрузка этого вида уже идёт"):
        start_export(built.school, Kind.DAILY, now=NOW)
    other_kind = start_export(built.school, Kind.FULL, now=NOW)
    assert list(PortalExport.objects.order_by("pk")) == [first, other_kind]

    perform(first.pk)
    again = start_export(built.school, Kind.DAILY, now=NOW + dt.timedelta(hours=1))
    assert again.status == Status.QUEUED
    assert last_runs(built.school) == {Kind.DAILY: again, Kind.CONTROL: None,
                                       Kind.FULL: other_kind}


# Building ------------------------------------------------------------------------------------

def test_a_run_is_enqueued_after_the_commit_and_its_files_land_whole_in_its_folder(
        built, fake_format, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = start_export(built.school, Kind.FULL, now=NOW)
        assert PortalExport.objects.get(pk=run.pk).status == Status.QUEUED

    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.status == Status.DONE
    assert run.folder == f"{built.school.pk}/full/20261014-140000-{run.pk}"
    folder = fake_format / run.folder
    files = files_of(folder)
    assert list(files) == ["classes.jsonl", "manifest.json", "window.jsonl"]
    assert run.checksum == hashlib.sha256(files["manifest.json"]).hexdigest()
    assert run.bytes == sum(len(data) for data in files.values())
    assert run.counts == {"classes": 4, "window": 1}
    assert run.started_at is not None
    assert run.finished_at is not None
    assert run.attempts == 0  # nothing to deliver to
    assert list((fake_format / ".staging").iterdir()) == []


def test_a_failing_build_fails_the_run_and_leaves_no_folder(built, fake_format, monkeypatch,
                                                           mailoutbox):
    def broken(self, scope, folder):
        (folder / "classes.jsonl").write_text("half a line")
        raise RuntimeError("диск отвалился")

    monkeypatch.setattr(FakeFormat, "write", broken)
    run = start_export(built.school, Kind.FULL, now=NOW)

    perform(run.pk)

    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert run.error == "Не удалось собрать выгрузку: диск отвалился"
    assert run.folder == ""
    assert [p for p in fake_format.rglob("*") if p.is_file()] == []
    assert [m.to for m in mailoutbox] == [["admin@school7.example"]]


def test_a_run_interrupted_while_building_is_built_again_from_scratch(built, fake_format):
    run = start_export(built.school, Kind.FULL, now=NOW)
    left = fake_format / ".staging" / f"{run.pk}-deadbeef"
    left.mkdir(parents=True)
    (left / "classes.jsonl").write_text('{"class": "5')
    PortalExport.objects.filter(pk=run.pk).update(status=Status.BUILDING)

    perform(run.pk)

    run.refresh_from_db()
    assert run.status == Status.DONE
    assert not left.exists()
    assert files_of(fake_format / run.folder)["classes.jsonl"].startswith(b'{"class": "1')


def test_the_same_window_gives_the_same_bytes_in_the_real_format(built, exports_root):
    student = make_student(built.school, "uid1", "Петров", "Василий", built.class_5a)
    student.portal_uid = "1001"
    student.save(update_fields=["portal_uid"])
    lesson = Lesson.objects.create(assignment=built.maths_5a, date=dt.date(2026, 10, 5),
                                   number=2, topic="Дроби")
    Mark.objects.create(lesson=lesson, student=student, value="5")

    first = start_export(built.school, Kind.FULL, now=NOW)
    perform(first.pk)
    second = start_export(built.school, Kind.FULL, now=NOW)
    perform(second.pk)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.DONE, Status.DONE)
    assert first.format == "ejournal-v1"
    assert first.folder != second.folder
    first_files = files_of(exports_root / first.folder)
    assert first_files == files_of(exports_root / second.folder)
    assert first.checksum == second.checksum
    assert first.counts["marks"] == 1
    assert b"1001" in first_files["marks.jsonl"]
    assert "Петров".encode() not in b"".join(first_files.values())


# The lock ------------------------------------------------------------------------------------

@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock of PostgreSQL")
def test_two_workers_never_work_on_one_schools_kind_at_once(built, fake_format):
    run = start_export(built.school, Kind.FULL, now=NOW)
    key = lock_key(built.school.pk, Kind.FULL)
    other = connection.copy()
    try:
        with other.cursor() as cursor:  # another worker, in its own session, has the kind
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)

        assert perform(run.pk) is None
        run.refresh_from_db()
        assert (run.status, run.folder) == (Status.QUEUED, "")
        assert not (fake_format / str(built.school.pk)).exists()
        with run_lock(built.school.pk, Kind.DAILY) as other_kind:
            assert other_kind  # the lock is the school's kind's, not the school's
        # The catch-up leaves a building run alone while a worker holds its lock.
        PortalExport.objects.filter(pk=run.pk).update(status=Status.BUILDING)
        assert catch_up(NOW + dt.timedelta(minutes=5))["resent"] == 0

        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
    finally:
        other.close()
    # Its worker died: the lock is free, the catch-up sends the run again (here: runs it).
    assert catch_up(NOW + dt.timedelta(minutes=5))["resent"] == 1
    run.refresh_from_db()
    assert run.status == Status.DONE


# Catch-up ------------------------------------------------------------------------------------

@pytest.fixture
def schedule(built):
    """Daily at 1:00, control on Sundays at 4:00, full on the 1st at 5:00."""
    return ExportSchedule.objects.create(school=built.school, daily_hours=[1], control_weekday=7,
                                         control_hour=4, full_day=1, full_hour=5)


def test_catch_up_starts_a_scheduled_run_that_was_missed_and_only_once(built, fake_format,
                                                                     schedule):
    now = at(dt.date(2026, 10, 14), 3)  # 1:00 passed two hours ago, nothing ran

    assert catch_up(now) == {"started": 1, "resent": 0}
    run = PortalExport.objects.get()
    assert (run.kind, run.reason, run.status) == (Kind.DAILY, "schedule", Status.QUEUED)

    assert catch_up(now + dt.timedelta(minutes=1)) == {"started": 0, "resent": 0}
    perform(run.pk)
    assert catch_up(now + dt.timedelta(minutes=10)) == {"started": 0, "resent": 0}
    assert PortalExport.objects.count() == 1


def test_a_school_nobody_set_a_schedule_for_exports_on_the_defaults(built, fake_format):
    assert not ExportSchedule.objects.exists()

    assert catch_up(at(dt.date(2026, 10, 14), 3))["started"] == 1  # the default: daily at 1:00

    schedule = ExportSchedule.objects.get(school=built.school)
    assert (schedule.enabled, schedule.daily_hours) == (True, [1])
    assert PortalExport.objects.get().kind == Kind.DAILY


def test_catch_up_leaves_moments_that_had_their_run_or_are_long_past(built, fake_format,
                                                                   schedule):
    # Sunday's control run is more than a day old and the full one of the 1st long past.
    now = at(dt.date(2026, 10, 14), 3)
    manual = start_export(built.school, Kind.DAILY, now=at(dt.date(2026, 10, 14), 1, 30))
    perform(manual.pk)

    assert catch_up(now)["started"] == 0

    schedule.enabled = False
    schedule.save()
    assert catch_up(at(dt.date(2026, 10, 15), 3))["started"] == 0


def test_catch_up_sends_again_what_was_left_queued_or_waiting_for_a_retry(built, fake_format):
    queued = start_export(built.school, Kind.DAILY, now=NOW)
    waiting = start_export(built.school, Kind.CONTROL, now=NOW)
    PortalExport.objects.filter(pk=waiting.pk).update(
        status=Status.RETRY, attempts=1, next_attempt_at=NOW + dt.timedelta(minutes=5))

    # Too early for both: the queued task may still be on its way, the retry is not due.
    assert catch_up(NOW + dt.timedelta(minutes=1))["resent"] == 0
    with time_machine.travel(NOW + dt.timedelta(minutes=6), tick=False):
        assert catch_up()["resent"] == 2

    queued.refresh_from_db()
    waiting.refresh_from_db()
    assert (queued.status, waiting.status) == (Status.DONE, Status.DONE)


def test_the_scheduled_task_starts_a_run_unless_one_of_its_kind_is_going(built, fake_format):
    from exports.tasks import scheduled_portal_export

    run_id = scheduled_portal_export(built.school.pk, Kind.DAILY)

    run = PortalExport.objects.get(pk=run_id)
    assert (run.kind, run.reason, run.status) == (Kind.DAILY, "schedule", Status.QUEUED)
    assert scheduled_portal_export(built.school.pk, Kind.DAILY) is None
    assert PortalExport.objects.count() == 1
