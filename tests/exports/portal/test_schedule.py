"""The administrator's export schedule in beat's tables: one entry per kind on a crontab in
school time, changed in place, switched off with the schedule, and seen by a real beat scheduler
after a change without a restart; `last_due` — the latest scheduled moment — around its edges."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_celery_beat.models import CrontabSchedule, PeriodicTask, PeriodicTasks
from django_celery_beat.schedulers import DatabaseScheduler

from ejournal.celery import app
from exports.models import ExportSchedule, PortalExport
from exports.portal.schedule import last_due, save_schedule, schedule_of, sync_beat
from tests.conftest import make_school

MOSCOW = ZoneInfo("Europe/Moscow")
Kind = PortalExport.Kind


def moscow(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MOSCOW)


def entries(school) -> dict[str, PeriodicTask]:
    tasks = PeriodicTask.objects.filter(name__startswith=f"portal-export:{school.pk}:")
    return {task.name.rsplit(":", 1)[1]: task for task in tasks.select_related("crontab")}


def crontab_of(task: PeriodicTask) -> dict:
    c = task.crontab
    return {"minute": c.minute, "hour": c.hour, "day_of_week": c.day_of_week,
            "day_of_month": c.day_of_month, "month_of_year": c.month_of_year,
            "timezone": str(c.timezone)}


@pytest.fixture
def schedule(school) -> ExportSchedule:
    return schedule_of(school)


@pytest.mark.django_db
def test_a_new_schedule_has_the_defaults_and_is_in_beat_at_once(school):
    schedule = schedule_of(school)
    assert (schedule.daily_hours, schedule.control_weekday, schedule.control_hour,
            schedule.full_day, schedule.full_hour) == ([1], 7, 4, 1, 5)
    beat = entries(school)
    assert set(beat) == {"daily", "control", "full"}
    assert all(task.enabled for task in beat.values())
    assert schedule_of(school).pk == schedule.pk  # the second call finds it


@pytest.mark.django_db
def test_sync_writes_a_crontab_in_school_time_per_kind(schedule, school):
    schedule.daily_hours, schedule.control_weekday, schedule.control_hour = [1, 13], 1, 3
    schedule.full_day, schedule.full_hour = 15, 22
    sync_beat(schedule)

    beat = entries(school)
    assert crontab_of(beat["daily"]) == {"minute": "0", "hour": "1,13", "day_of_week": "*",
                                         "day_of_month": "*", "month_of_year": "*",
                                         "timezone": "Europe/Moscow"}
    # Monday is 1 for Celery too; our Sunday (7) is Celery's 0.
    assert crontab_of(beat["control"]) == {"minute": "0", "hour": "3", "day_of_week": "1",
                                           "day_of_month": "*", "month_of_year": "*",
                                           "timezone": "Europe/Moscow"}
    assert crontab_of(beat["full"]) == {"minute": "0", "hour": "22", "day_of_week": "*",
                                        "day_of_month": "15", "month_of_year": "*",
                                        "timezone": "Europe/Moscow"}
    for kind, task in beat.items():
        assert task.task == "exports.scheduled_portal_export"
        assert json.loads(task.args) == [school.pk, kind]
        assert task.enabled

    schedule.control_weekday = 7
    sync_beat(schedule)
    assert entries(school)["control"].crontab.day_of_week == "0"


@pytest.mark.django_db
def test_a_change_updates_the_entries_in_place_and_beat_is_told(schedule, school, administrator):
    before = {kind: task.pk for kind, task in entries(school).items()}
    old_crontab = entries(school)["daily"].crontab_id
    changed_at = PeriodicTasks.last_change()

    schedule.daily_hours = [2, 14]
    save_schedule(schedule, administrator)
    save_schedule(schedule, administrator)  # saved twice: still one entry per kind

    after = entries(school)
    assert {kind: task.pk for kind, task in after.items()} == before
    assert PeriodicTask.objects.filter(name__startswith=f"portal-export:{school.pk}:").count() == 3
    assert after["daily"].crontab.hour == "2,14"
    assert PeriodicTasks.last_change() > changed_at
    # The crontab nobody runs on any more is gone; a shared one is reused.
    assert not CrontabSchedule.objects.filter(pk=old_crontab).exists()
    assert ExportSchedule.objects.get(pk=schedule.pk).updated_by == administrator


@pytest.mark.django_db
def test_two_schools_on_the_same_hours_share_a_crontab_and_keep_their_own_entries(schedule,
                                                                                  school):
    other = make_school()
    other_schedule = schedule_of(other)
    assert entries(other)["daily"].crontab_id == entries(school)["daily"].crontab_id

    other_schedule.daily_hours = [5]
    sync_beat(other_schedule)
    assert entries(school)["daily"].crontab.hour == "1"  # still there, not deleted
    assert entries(other)["daily"].crontab.hour == "5"


@pytest.mark.django_db
def test_switching_the_schedule_off_disables_the_entries(schedule, school):
    schedule.enabled = False
    sync_beat(schedule)
    assert not any(task.enabled for task in entries(school).values())
    assert last_due(schedule, Kind.DAILY, moscow(2026, 12, 1, 12)) is None

    schedule.enabled = True
    sync_beat(schedule)
    assert all(task.enabled for task in entries(school).values())


# The latest scheduled moment ---------------------------------------------------------------

SCHEDULE = {"daily_hours": [1, 13], "control_weekday": 7, "control_hour": 4, "full_day": 1,
            "full_hour": 5}


@pytest.mark.parametrize(("kind", "changes", "now", "due"), [
    # Daily at 1:00 and 13:00: just before and at the hour, and the evening before.
    (Kind.DAILY, {}, moscow(2026, 12, 1, 0, 59, 59), moscow(2026, 11, 30, 13)),
    (Kind.DAILY, {}, moscow(2026, 12, 1, 1), moscow(2026, 12, 1, 1)),
    (Kind.DAILY, {}, moscow(2026, 12, 1, 12, 59), moscow(2026, 12, 1, 1)),
    (Kind.DAILY, {}, moscow(2026, 12, 1, 13, 0, 1), moscow(2026, 12, 1, 13)),
    # The same moment given in UTC: 22:00 UTC is 1:00 the next day in Moscow (no DST there).
    (Kind.DAILY, {}, dt.datetime(2026, 11, 30, 22, tzinfo=dt.UTC), moscow(2026, 12, 1, 1)),
    (Kind.DAILY, {}, dt.datetime(2027, 6, 30, 21, 59, tzinfo=dt.UTC), moscow(2027, 6, 30, 13)),
    (Kind.DAILY, {"daily_hours": [23]}, moscow(2027, 1, 1, 0, 30), moscow(2026, 12, 31, 23)),
    # Control on Sundays at 4:00: Sunday 29 November 2026, the week before, a Monday after.
    (Kind.CONTROL, {}, moscow(2026, 11, 29, 3, 59), moscow(2026, 11, 22, 4)),
    (Kind.CONTROL, {}, moscow(2026, 11, 29, 4), moscow(2026, 11, 29, 4)),
    (Kind.CONTROL, {}, moscow(2026, 11, 30, 0, 1), moscow(2026, 11, 29, 4)),
    (Kind.CONTROL, {"control_weekday": 1}, moscow(2026, 11, 29, 23), moscow(2026, 11, 23, 4)),
    (Kind.CONTROL, {"control_weekday": 1}, moscow(2026, 11, 30, 4), moscow(2026, 11, 30, 4)),
    # Full on the 1st at 5:00: across a month, a year, and the 28th of February.
    (Kind.FULL, {}, moscow(2026, 12, 1, 4, 59), moscow(2026, 11, 1, 5)),
    (Kind.FULL, {}, moscow(2026, 12, 1, 5), moscow(2026, 12, 1, 5)),
    (Kind.FULL, {}, moscow(2027, 1, 1, 0), moscow(2026, 12, 1, 5)),
    (Kind.FULL, {"full_day": 28}, moscow(2027, 3, 1, 12), moscow(2027, 2, 28, 5)),
    (Kind.FULL, {"full_day": 28}, moscow(2027, 3, 28, 4), moscow(2027, 2, 28, 5)),
])
def test_last_due_is_the_latest_scheduled_moment_at_or_before_now(kind, changes, now, due):
    schedule = ExportSchedule(**{**SCHEDULE, **changes})
    found = last_due(schedule, kind, now)
    assert found == due
    assert found.utcoffset() == dt.timedelta(hours=3)


# A real beat's view ----------------------------------------------------------------------

def beat_hours(scheduler: DatabaseScheduler, school, kind: str) -> set[int] | None:
    entry = scheduler.schedule.get(f"portal-export:{school.pk}:{kind}")
    return None if entry is None else set(entry.schedule.hour)


@pytest.mark.django_db(transaction=True)
def test_a_running_beat_follows_a_change_without_a_restart(administrator):
    """The beat scheduler reads the database once, then only when it is told something changed
    (`PeriodicTasks`). Beat lists single-hour crontabs within two hours of now only; the
    clock is set near the hours used."""
    school = administrator.staff_roles.get().school
    with time_machine.travel(moscow(2026, 12, 1, 10, 30), tick=True):
        schedule = schedule_of(school)
        scheduler = DatabaseScheduler(app=app, lazy=True)
        assert beat_hours(scheduler, school, Kind.DAILY) is None  # 1:00 is far off
        # Its next tick notes when the schedule last changed, to compare with later.
        assert beat_hours(scheduler, school, Kind.DAILY) is None

        schedule.daily_hours = [11]
        save_schedule(schedule, administrator)
        assert beat_hours(scheduler, school, Kind.DAILY) == {11}

        schedule.daily_hours = [1, 13]
        save_schedule(schedule, administrator)
        assert beat_hours(scheduler, school, Kind.DAILY) == {1, 13}
        entry = scheduler.schedule[f"portal-export:{school.pk}:{Kind.DAILY}"]
        assert entry.task == "exports.scheduled_portal_export"
        assert entry.args == [school.pk, "daily"]

        schedule.enabled = False
        save_schedule(schedule, administrator)
        assert f"portal-export:{school.pk}:{Kind.DAILY}" not in scheduler.schedule
