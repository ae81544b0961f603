"""Files made in the background: a PDF, or anything of the whole school, is one task after the
order's commit, with its progress saved as the rows are written and a page whose bar polls
until the download link; a small file downloads at once. Downloads go to the requester and the
school's checkers only; files are kept REPORT_RETENTION_DAYS, then removed with their rows."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from exports import render
from exports.models import ReportRun
from exports.render import progress
from exports.services import NO_RIGHT, make_report, remove_expired_reports
from exports.tasks import remove_expired_reports_task
from journal.services.rights import set_class_teacher
from tests.accounts.families_setup import assert_fonts_embedded, needs_poppler, pdf_text
from tests.exports.reports_setup import (  # noqa: F401 (fixtures)
    built_fixture,
    frozen_time_fixture,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files_in_a_folder_of_the_test(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def order(client, user, built, file_format: str, key: str = "attendance", **fields):
    client.force_login(user)
    data = {"scope": "class", "school_class": built.class_5a.pk, "period": built.q2.pk,
            "by": "student", "format": file_format, **fields}
    return client.post(reverse("exports:report", args=[key]), data)


def downloaded(client, run: ReportRun) -> bytes:
    response = client.get(reverse("exports:download", args=[run.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return b"".join(response.streaming_content)


def test_a_small_file_downloads_at_once_without_a_run(client, built):
    response = order(client, built.class_teacher, built, "xlsx")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert unquote(response["Content-Disposition"]).endswith(
        "Посещаемость — 5А класс, 2-я четверть (1–9 кл.), 05.11.2026–28.12.2026.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[5]][:2] == ["5А", "Петров Василий"]
    assert not ReportRun.objects.exists()


@needs_poppler
def test_a_pdf_is_made_in_the_background_once_the_order_commits(
        client, built, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = order(client, built.class_teacher, built, "pdf")

    run = ReportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("exports:run", args=[run.pk])
    assert (run.status, run.done, run.total, run.error) == ("done", 5, 5, "")
    assert run.school == built.small.school and run.requested_by == built.class_teacher
    assert run.params["school_class"] == built.class_5a.pk
    assert run.title == ("Посещаемость — 5А класс, 2-я четверть (1–9 кл.), "
                         "05.11.2026–28.12.2026")
    assert run.expires_at == run.finished_at + dt.timedelta(days=7)
    page = client.get(response.url).content.decode()
    assert f'href="{reverse("exports:download", args=[run.pk])}"' in page
    content = downloaded(client, run)
    text = pdf_text(content)
    assert "Посещаемость" in text and "Петров Василий" in text and "Итого по классу" in text
    assert_fonts_embedded(content)


def test_a_queued_run_shows_a_bar_that_polls_every_second(client, built):
    order(client, built.deputy, built, "xlsx", scope="school", school_class="")
    run = ReportRun.objects.get()  # its task waits for the commit the test never makes

    client.force_login(built.deputy)
    fragment = client.get(reverse("exports:run_status", args=[run.pk])).content.decode()
    assert f'hx-get="{reverse("exports:run_status", args=[run.pk])}"' in fragment
    assert 'hx-trigger="every 1s"' in fragment
    assert 'data-testid="run-progress"' in fragment and "В очереди" in fragment
    assert client.get(reverse("exports:download", args=[run.pk])).status_code == 404
    page = client.get(reverse("exports:index")).content.decode()
    assert f'data-run="{run.pk}"' in page


def test_progress_is_saved_as_the_rows_are_written(client, built, monkeypatch):
    order(client, built.deputy, built, "xlsx", scope="school", school_class="")
    run = ReportRun.objects.get()
    monkeypatch.setattr(progress, "EVERY_SECONDS", 0)
    seen = []
    write = render.write

    def watched(table, file_format, target, progress=None):
        def told(done):
            progress(done)
            seen.append(ReportRun.objects.values_list("status", "done", "total").get(pk=run.pk))
        return write(table, file_format, target, progress=told)

    monkeypatch.setattr(render, "write", watched)
    assert make_report(run.pk) == "done"

    # 6 students of 4 classes, a total of each class and of the school
    assert seen[0] == ("running", 1, 11)
    assert [done for _, done, _ in seen] == sorted(done for _, done, _ in seen)
    assert seen[-1] == ("running", 11, 11)
    run.refresh_from_db()
    assert (run.status, run.done, run.total) == ("done", 11, 11)
    client.force_login(built.director)  # a checker of the school may download it too
    sheet = load_workbook(io.BytesIO(downloaded(client, run))).active
    assert sheet.max_row == 1 + 11 + 1 + 1  # header, rows, a blank row, the note
    assert make_report(run.pk) == ""  # taken once only


@pytest.mark.parametrize("who", ["class_teacher_5b", "teacher", "parent"])
def test_nobody_else_reaches_a_run_or_its_file(client, built, who):
    run = made_run(built)
    client.force_login(getattr(built, who))

    for name in ("run", "run_status", "download"):
        assert client.get(reverse(f"exports:{name}", args=[run.pk])).status_code == 404
    assert f'data-run="{run.pk}"' not in client.get(reverse("exports:runs")).content.decode()


def test_the_requester_and_the_schools_checkers_reach_it(client, built):
    run = made_run(built)

    for user in (built.class_teacher, built.deputy, built.director):
        client.force_login(user)
        assert downloaded(client, run) == b"PK-fake"
    client.force_login(built.class_teacher)
    assert f'data-run="{run.pk}"' in client.get(reverse("exports:runs")).content.decode()


def made_run(built, **fields) -> ReportRun:
    run = ReportRun.objects.create(
        school=built.small.school, exporter="attendance", params={}, title="Посещаемость: 5А",
        format="xlsx", requested_by=built.class_teacher, status=ReportRun.Status.DONE,
        finished_at=timezone.now(), **fields)
    run.file.save("report.xlsx", ContentFile(b"PK-fake"))
    return run


def test_a_run_whose_requester_lost_the_class_fails_in_russian(client, built):
    order(client, built.class_teacher, built, "pdf", key="attendance_statement")
    run = ReportRun.objects.get()  # queued: its task waits for the commit
    set_class_teacher(built.deputy, built.class_5a, built.class_teacher_5b)

    assert make_report(run.pk) == "failed"
    run.refresh_from_db()
    assert (run.status, run.error, run.file.name) == ("failed", NO_RIGHT, "")
    page = client.get(reverse("exports:run", args=[run.pk])).content.decode()
    assert NO_RIGHT in page


def test_files_past_their_time_are_removed_with_their_rows(built, settings, tmp_path):
    old = made_run(built, expires_at=timezone.now() - dt.timedelta(hours=1))
    fresh = made_run(built, expires_at=timezone.now() + dt.timedelta(days=6))
    stuck = made_run(built)
    ReportRun.objects.filter(pk=stuck.pk).update(
        status=ReportRun.Status.FAILED, created_at=timezone.now() - dt.timedelta(days=8))
    old_file = tmp_path / old.file.name

    assert old_file.exists()
    assert remove_expired_reports_task.delay().get() == 2
    assert not old_file.exists()
    assert list(ReportRun.objects.all()) == [fresh]
    assert (tmp_path / fresh.file.name).exists()
    assert remove_expired_reports(timezone.now() + dt.timedelta(days=7)) == 1


def test_the_beat_removes_them_every_night(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["remove-expired-reports"]

    assert entry["task"] == remove_expired_reports_task.name
    schedule = entry["schedule"]
    assert len(schedule.day_of_month) == 31 and len(schedule.day_of_week) == 7
    assert schedule.hour == {2} and schedule.minute == {30}


def test_a_file_gone_from_the_storage_is_not_found(client, built, tmp_path):
    run = made_run(built)
    (tmp_path / run.file.name).unlink()
    client.force_login(built.class_teacher)

    assert client.get(reverse("exports:download", args=[run.pk])).status_code == 404
