"""Runs survive what happens to real workers, on real PostgreSQL and Redis: a worker killed in
the middle of a run leaves no half file where anyone would take it, and the next one completes
the run with the same files; with Redis down «export now» still answers and the run waits,
queued, until Redis is back and a real worker takes it from the catch-up.

Other processes must see the test's data, so these tests commit (they are slow: keep them few).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse

from ejournal.celery import app
from exports.models import ExportSchedule, PortalExport
from exports.portal import runs
from exports.portal.runs import catch_up, lock_is_free, start_export
from journal.models import Lesson, Mark
from tests.conftest import build_small_school, make_staff, make_student
from tests.redis_cache import real_redis_url

BASE_DIR = Path(__file__).resolve().parents[3]
NOW = dt.datetime(2026, 10, 14, 14, 0, tzinfo=dt.UTC)
WAIT = 60  # seconds: the longest any wait below may take
Kind, Status = PortalExport.Kind, PortalExport.Status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql" and not os.environ.get("REQUIRE_POSTGRES"),
                       reason="other processes share the test database on PostgreSQL only"),
]


def wait_until(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting after {timeout} s: {what}")
        time.sleep(0.1)


def database_url() -> str:
    """The test database, for another process."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}"
                                                if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def environment(**extra: str) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/"),
           "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(BASE_DIR),
           "DATABASE_URL": database_url(), "EXPORT_ROOT": str(django_settings.EXPORT_ROOT),
           "PORTAL_DROP_DIR": django_settings.PORTAL_DROP_DIR, "PORTAL_URL": "",
           "PORTAL_EXPORT_FORMAT": django_settings.PORTAL_EXPORT_FORMAT}
    return {**env, **extra}


def school_with_marks():
    small = build_small_school()
    admin = make_staff(small.school, "admin", "Админов", "Игорь", "Николаевич",
                       role="administrator")
    for number, (login, uid) in enumerate([("uid1", "1001"), ("uid2", "1002")], start=1):
        student = make_student(small.school, login, "Петров", f"Ученик{number}", small.class_5a)
        student.portal_uid = uid
        student.save(update_fields=["portal_uid"])
        lesson = Lesson.objects.create(assignment=small.maths_5a, date=dt.date(2026, 10, number),
                                       number=2, topic=f"Тема {number}")
        Mark.objects.create(lesson=lesson, student=student, value="5")
    # Only the runs these tests start: the school's schedule is off.
    ExportSchedule.objects.create(school=small.school, enabled=False, daily_hours=[1])
    return small, admin


@pytest.fixture
def places(settings, tmp_path) -> tuple[Path, Path]:
    settings.EXPORT_ROOT = tmp_path / "exports"
    drop = tmp_path / "drop"
    drop.mkdir()
    settings.PORTAL_DROP_DIR = str(drop)
    settings.PORTAL_URL = ""
    settings.PORTAL_EXPORT_FORMAT = "ejournal-v1"
    return settings.EXPORT_ROOT, drop


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


KILLED_MID_RUN = textwrap.dedent("""
    import os, signal, sys
    import django
    django.setup()
    from exports.portal.formats import ejournal_v1
    from exports.portal.runs import perform

    write_lines = ejournal_v1.EjournalV1._write_lines

    def write_one_file_and_die(self, path, rows):
        info = write_lines(self, path, rows)
        os.kill(os.getpid(), signal.SIGKILL)
        return info

    ejournal_v1.EjournalV1._write_lines = write_one_file_and_die
    perform(int(sys.argv[1]))
""")


def test_a_worker_killed_mid_run_leaves_no_half_file_and_the_next_completes_the_run(
        places, monkeypatch):
    root, drop = places
    small, _ = school_with_marks()
    monkeypatch.setattr(runs, "enqueue", lambda run_id: False)  # the test plays the workers
    run = start_export(small.school, Kind.FULL, now=NOW)

    killed = subprocess.run([sys.executable, "-c", KILLED_MID_RUN, str(run.pk)],  # noqa: S603
                            cwd=BASE_DIR, env=environment(), capture_output=True, text=True,
                            timeout=WAIT, check=False)

    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    run.refresh_from_db()
    assert (run.status, run.folder) == (Status.BUILDING, "")
    staged = [p for p in (root / ".staging").rglob("*") if p.is_file()]
    assert len(staged) == 1  # the one file it finished; nothing under the run's folder
    assert not (root / str(small.school.pk)).exists()
    assert list(drop.iterdir()) == []

    # Its connection is gone and the lock with it: the catch-up sends the run again.
    wait_until(lambda: lock_is_free(small.school.pk, Kind.FULL), "the dead worker's lock")
    monkeypatch.undo()
    assert catch_up()["resent"] == 1  # tasks run in-process here
    run.refresh_from_db()
    assert (run.status, run.attempts) == (Status.DONE, 1)
    assert not any((root / ".staging").iterdir())
    assert [p.name for p in drop.iterdir()] == [f"{small.school.pk}-full-{Path(run.folder).name}"]

    # The same window, run without trouble, gives the same files.
    clean = start_export(small.school, Kind.FULL, now=NOW)
    clean.refresh_from_db()
    assert clean.status == Status.DONE
    assert files_of(root / run.folder) == files_of(root / clean.folder)
    assert files_of(drop / f"{small.school.pk}-full-{Path(run.folder).name}") == \
        files_of(root / clean.folder)
    assert run.counts["marks"] == 2


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def reconnect_broker() -> None:
    """The app's broker connections and routes anew, from the settings of now."""
    app._pool = None
    app.__dict__.pop("amqp", None)


@pytest.fixture
def real_redis() -> str:
    return real_redis_url()


@pytest.fixture
def broker(settings, real_redis):
    """Tasks go to a broker (not in-process); a queue of this test's own on the real Redis."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_TASK_DEFAULT_QUEUE = f"test-portal-{uuid.uuid4().hex[:12]}"
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    yield queue
    # The queue and its bindings (the exchange is named after the queue) go with the test.
    redis.Redis.from_url(real_redis).delete(queue, f"_kombu.binding.{queue}",
                                            f"_kombu.binding_permanent.{queue}")
    reconnect_broker()  # the next test's broker is its settings'


def start_worker(queue: str, redis_url: str, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "ejournal", "worker", "-Q", queue,
               "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
               "--loglevel=INFO"]
    with log.open("wb") as output:
        return subprocess.Popen(command, cwd=BASE_DIR,  # noqa: S603 - our own worker
                                env=environment(REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="0"),
                                stdout=output, stderr=subprocess.STDOUT)


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)  # warm shutdown: finishes the task in hand
        try:
            worker.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=WAIT)


def test_with_redis_down_the_run_waits_queued_and_a_worker_does_it_when_redis_is_back(
        places, settings, broker, real_redis, client, tmp_path, caplog):
    root, drop = places
    small, admin = school_with_marks()
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    reconnect_broker()
    client.force_login(admin)

    answer = client.post(reverse("portal:start", args=[Kind.FULL]))

    run = PortalExport.objects.get()
    assert answer.status_code == 302
    assert answer.url == reverse("portal:run", args=[run.pk])
    assert client.get(answer.url).status_code == 200
    assert run.status == Status.QUEUED
    assert f"Portal export {run.pk} stays queued: the broker did not take its task" in caplog.text

    settings.CELERY_BROKER_URL = real_redis
    reconnect_broker()
    log = tmp_path / "worker.log"
    worker = start_worker(broker, real_redis, log)
    try:
        assert catch_up(run.created_at + dt.timedelta(minutes=3)) == {"started": 0, "resent": 1}
        wait_until(lambda: PortalExport.objects.get(pk=run.pk).finished, "the worker's run")
    finally:
        stop_worker(worker)
    run.refresh_from_db()
    assert run.status == Status.DONE, log.read_text()[-3000:]
    assert run.counts["marks"] == 2
    assert [p.name for p in drop.iterdir()] == [f"{small.school.pk}-full-{Path(run.folder).name}"]
    assert (root / run.folder / "manifest.json").is_file()
