"""Delivering a run: to the portal's HTTPS endpoint (a real receiver on loopback that fails
first) with retries and backoff, a refusal shown with the portal's message and not retried; to
a drop directory where files appear only whole, and a missing, unwritable or full one fails the
run with a clear reason and leaves nothing behind. A failure is e-mailed to the administrators,
once."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import shutil
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from exports.models import PortalExport
from exports.portal.runs import perform, start_export
from exports.portal.transports import DropDirectory, HttpsPost, transport_from_settings
from journal.models import Lesson, Mark
from tests.conftest import built_once, make_staff, make_student
from tests.exports.portal.test_runs import NOW, FakeFormat, build, files_of

pytestmark = pytest.mark.django_db

Kind, Status = PortalExport.Kind, PortalExport.Status
TOKEN = "portal-token-7"
built_fixture = built_once(build)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """The portal on loopback: answers the queued (status, text) pairs first, then 200."""

    url: str
    answers: list[tuple[int, str]] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)


@pytest.fixture
def receiver():
    def handle(request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length", 0))
        state.received.append(Received(dict(request.headers), request.rfile.read(length)))
        status, text = state.answers.pop(0) if state.answers else (200, '{"ok": true}')
        body = text.encode()
        request.send_response(status)
        request.send_header("Content-Type", "text/plain; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    class Handler(BaseHTTPRequestHandler):
        do_POST = handle

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = Receiver(url=f"http://127.0.0.1:{server.server_port}/api/upload")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def exports_root(settings, tmp_path) -> Path:
    settings.EXPORT_ROOT = tmp_path / "exports"
    settings.PORTAL_EXPORT_FORMAT = FakeFormat.name
    settings.PORTAL_DROP_DIR = ""
    settings.PORTAL_URL = ""
    settings.PORTAL_RETRY_BASE_SECONDS = 0  # eager retries run at once anyway
    settings.PORTAL_DELIVERY_RETRIES = 3
    return settings.EXPORT_ROOT


@pytest.fixture
def portal(settings, exports_root, receiver) -> Receiver:
    settings.PORTAL_URL = receiver.url
    settings.PORTAL_TOKEN = TOKEN
    settings.PORTAL_TIMEOUT_SECONDS = 10
    return receiver


@pytest.fixture
def drop(settings, exports_root, tmp_path) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    settings.PORTAL_DROP_DIR = str(folder)
    return folder


def started(built, django_capture_on_commit_callbacks) -> PortalExport:
    """A full run, started as the page starts it: its task runs after the commit (in-process)."""
    with django_capture_on_commit_callbacks(execute=True):
        run = start_export(built.school, Kind.FULL, now=NOW)
    run.refresh_from_db()
    return run


# HTTPS ---------------------------------------------------------------------------------------

def test_the_portal_failing_twice_gets_every_file_on_the_third_attempt(
        built, portal, django_capture_on_commit_callbacks, mailoutbox):
    portal.answers = [(503, "Service Unavailable"), (503, "Service Unavailable")]

    run = started(built, django_capture_on_commit_callbacks)

    assert run.status == Status.DONE
    assert run.attempts == 3
    assert run.error == ""
    assert run.next_attempt_at is None
    files = files_of(Path(exports_root_of(run)))
    delivered = portal.received[2:]
    assert [r.headers["X-Export-File"] for r in delivered] == ["classes.jsonl", "window.jsonl",
                                                                "manifest.json"]
    for request in portal.received:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        assert request.headers["X-Export-Run"] == str(run.pk)
    for request in delivered:
        name = request.headers["X-Export-File"]
        assert request.body == files[name]
        assert request.headers["X-Content-SHA256"] == hashlib.sha256(files[name]).hexdigest()
    assert delivered[0].headers["Content-Type"] == "application/x-ndjson"
    assert delivered[-1].headers["Content-Type"] == "application/json"
    assert mailoutbox == []


def test_the_real_format_reaches_the_portal_whole(built, portal, settings,
                                                  django_capture_on_commit_callbacks):
    settings.PORTAL_EXPORT_FORMAT = "ejournal-v1"
    student = make_student(built.school, "uid1", "Петров", "Василий", built.class_5a)
    student.portal_uid = "1001"
    student.save(update_fields=["portal_uid"])
    lesson = Lesson.objects.create(assignment=built.maths_5a, date=dt.date(2026, 10, 5),
                                   number=2, topic="Дроби")
    Mark.objects.create(lesson=lesson, student=student, value="5")

    run = started(built, django_capture_on_commit_callbacks)

    assert (run.status, run.attempts) == (Status.DONE, 1)
    files = files_of(exports_root_of(run))
    received = {r.headers["X-Export-File"]: r.body for r in portal.received}
    assert received == files  # every file, byte for byte, the entities without rows too
    assert any(body == b"" for body in received.values())
    assert portal.received[-1].headers["X-Export-File"] == "manifest.json"
    manifest = json.loads(received["manifest.json"])
    assert [f["name"] for f in manifest["files"]] == [
        r.headers["X-Export-File"] for r in portal.received[:-1]]
    assert run.counts["marks"] == 1


def exports_root_of(run: PortalExport) -> Path:
    from django.conf import settings

    return settings.EXPORT_ROOT / run.folder


def test_a_portal_refusal_fails_the_run_at_once_with_the_portals_message(
        built, portal, client, django_capture_on_commit_callbacks, mailoutbox):
    portal.answers = [(400, "Неверный код школы: 000")]

    run = started(built, django_capture_on_commit_callbacks)

    assert run.status == Status.FAILED
    assert run.attempts == 1
    assert len(portal.received) == 1
    assert run.error == ("Портал отклонил файл classes.jsonl (ответ 400): "
                         "Неверный код школы: 000")
    assert run.finished_at is not None
    client.force_login(built.school.staff_roles.get(role="administrator").user)
    page = client.get(reverse("portal:run", args=[run.pk]))
    assert "Неверный код школы: 000" in page.content.decode()
    # The administrators are told once; the run is not tried again.
    assert len(mailoutbox) == 1
    letter = mailoutbox[0]
    assert letter.to == ["admin@school7.example"]
    assert "полная (учебный год)" in letter.subject
    assert "Неверный код школы: 000" in letter.body
    assert f"http://localhost:8000{reverse('portal:run', args=[run.pk])}" in letter.body
    assert perform(run.pk) is None
    assert len(portal.received) == 1
    assert len(mailoutbox) == 1


def test_a_portal_that_never_recovers_fails_the_run_when_the_retries_are_spent(
        built, portal, django_capture_on_commit_callbacks, mailoutbox):
    portal.answers = [(429, "Too Many Requests")] * 10

    run = started(built, django_capture_on_commit_callbacks)

    assert run.status == Status.FAILED
    assert run.attempts == 4  # the first and PORTAL_DELIVERY_RETRIES more
    assert len(portal.received) == 4
    assert run.error.startswith("Портал не принял выгрузку и после 4 попыток.")
    assert "ответ 429" in run.error
    assert len(mailoutbox) == 1


def test_a_transient_failure_waits_longer_each_time(built, portal, settings):
    settings.PORTAL_RETRY_BASE_SECONDS = 60
    portal.answers = [(502, "Bad Gateway")] * 2
    run = start_export(built.school, Kind.FULL, now=NOW)

    with time_machine.travel(NOW, tick=False):
        assert perform(run.pk) == 60
        run.refresh_from_db()
        assert (run.status, run.attempts) == (Status.RETRY, 1)
        assert run.next_attempt_at == NOW + dt.timedelta(seconds=60)
        assert "ответ 502" in run.error
        manifest = exports_root_of(run) / "manifest.json"
        built_at = manifest.stat().st_mtime_ns
        # Sent again before its time (a second copy of the task): left to the planned retry.
        assert perform(run.pk) is None
    with time_machine.travel(NOW + dt.timedelta(seconds=60), tick=False):
        assert perform(run.pk) == 120
    with time_machine.travel(NOW + dt.timedelta(seconds=180), tick=False):
        assert perform(run.pk) is None
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == (Status.DONE, 3, "")
    assert len(portal.received) == 2 + 3
    assert manifest.stat().st_mtime_ns == built_at  # built once, delivered three times


def test_no_portal_answering_at_all_is_tried_again(built, exports_root, settings):
    settings.PORTAL_URL = "http://127.0.0.1:9/api/upload"  # the discard port: nobody listens
    run = start_export(built.school, Kind.FULL, now=NOW)

    assert perform(run.pk) == 0
    run.refresh_from_db()
    assert run.status == Status.RETRY
    assert run.error.startswith("Портал не ответил на передачу файла classes.jsonl")


# Drop directory ------------------------------------------------------------------------------

def test_files_appear_in_the_drop_directory_only_complete(built, drop, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    seen_while_copying = []
    copy = shutil.copyfile

    def watched(source, target, *args, **kwargs):
        seen_while_copying.append(sorted(p.name for p in drop.iterdir()))
        return copy(source, target, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", watched)

    run = started(built, django_capture_on_commit_callbacks)

    assert run.status == Status.DONE
    assert run.attempts == 1
    name = f"{built.school.pk}-full-20261014-140000-{run.pk}"
    assert [p.name for p in drop.iterdir()] == [name]
    assert files_of(drop / name) == files_of(exports_root_of(run))
    # While copying, the portal could see only the hidden part folder.
    assert seen_while_copying == [[f".{name}.part"]] * 3
    # Delivered again (a retry after a crash before the run was recorded): nothing changes.
    before = {p: p.stat().st_mtime_ns for p in (drop / name).iterdir()}
    DropDirectory(drop).deliver(run, exports_root_of(run), ["classes.jsonl"])
    assert {p: p.stat().st_mtime_ns for p in (drop / name).iterdir()} == before


@pytest.mark.parametrize(("failure", "reason"), [
    (OSError(errno.ENOSPC, "No space left on device"), "нет места"),
    (PermissionError(errno.EACCES, "Permission denied"), "Нет права записи в папку передачи"),
])
def test_a_full_or_unwritable_drop_directory_fails_the_run_and_leaves_nothing(
        built, drop, monkeypatch, django_capture_on_commit_callbacks, mailoutbox, failure,
        reason):
    copy = shutil.copyfile
    copied = []

    def second_file_fails(source, target, *args, **kwargs):
        if copied:
            Path(target).write_bytes(b"half")
            raise failure
        copied.append(target)
        return copy(source, target, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", second_file_fails)

    run = started(built, django_capture_on_commit_callbacks)

    assert run.status == Status.FAILED
    assert run.attempts == 1
    assert reason in run.error
    assert str(drop) in run.error
    assert list(drop.iterdir()) == []
    assert len(mailoutbox) == 1
    assert reason in mailoutbox[0].body


def test_a_missing_drop_directory_fails_the_run_with_a_clear_reason(built, drop, settings):
    settings.PORTAL_DROP_DIR = str(drop / "not-mounted")
    run = start_export(built.school, Kind.FULL, now=NOW)

    perform(run.pk)

    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert run.error == (f"Папка передачи на портал {drop / 'not-mounted'} не найдена: проверьте "
                         f"настройку PORTAL_DROP_DIR и подключение диска.")
    assert list(drop.iterdir()) == []


def test_the_failure_letter_goes_to_the_schools_administrators_only(
        built, drop, settings, mailoutbox):
    second = make_staff(built.school, "admin2", "Вторая", "Ольга", role="administrator")
    second.email = "second@school7.example"
    second.save(update_fields=["email"])
    make_staff(built.school, "admin3", "Безпочты", "Иван", role="administrator")  # no e-mail
    teacher = built.school.staff_roles.filter(role="teacher").first().user
    teacher.email = "teacher@school7.example"
    teacher.save(update_fields=["email"])
    settings.PORTAL_DROP_DIR = str(drop / "not-mounted")
    run = start_export(built.school, Kind.FULL, now=NOW)

    perform(run.pk)

    assert sorted(m.to[0] for m in mailoutbox) == ["admin@school7.example",
                                                    "second@school7.example"]


def test_the_transport_follows_the_settings(settings, tmp_path):
    settings.PORTAL_DROP_DIR, settings.PORTAL_URL = "", ""
    assert transport_from_settings() is None
    settings.PORTAL_DROP_DIR = str(tmp_path)
    assert isinstance(transport_from_settings(), DropDirectory)
    settings.PORTAL_DROP_DIR, settings.PORTAL_URL = "", "https://portal.example.ru/upload"
    transport = transport_from_settings()
    assert isinstance(transport, HttpsPost)
    assert transport.url == "https://portal.example.ru/upload"
