"""Keeping periods: journals 5 years after the year's end, summary statements 25. The daily task
lists what is past its date for the director; nothing is removed before the director approves,
and nothing before its date; removals are logged (who, when, how many files)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from archive.document import render_journal_pdf
from archive.models import ArchiveFile, ArchiveRemoval, YearArchive
from archive.tasks import list_expired_archive_files
from archive.years.verify import verify_archive
from tests.archive.year_archive_setup import (
    JOURNALS,
    MOSCOW,
    NOW,
    ClosedSchool,
    archive_root_fixture,
    build_archive,
    build_closed_school,
    folder_of,
)
from tests.conftest import built_once

Kind = ArchiveFile.Kind
built = built_once(build_closed_school, NOW)
archive_root = archive_root_fixture()
LAST_DAY = dt.datetime(2032, 8, 31, 23, 0, tzinfo=MOSCOW)  # journals: kept until 31.08.2032
DAY_AFTER = dt.datetime(2032, 9, 1, 4, 0, tzinfo=MOSCOW)


@pytest.fixture
def world(db, built, archive_root) -> ClosedSchool:
    return built


@pytest.fixture(scope="module")
def journal_pdf(built, django_db_blocker) -> bytes:
    with django_db_blocker.unblock():
        return render_journal_pdf(built.small.maths_5a)


@pytest.fixture
def archive(world, journal_pdf, monkeypatch) -> YearArchive:
    """Built anew for each test (its files are removed); every journal the same PDF, which
    keeping periods do not read."""
    monkeypatch.setattr("archive.years.build.render_journal_pdf", lambda journal: journal_pdf)
    return build_archive(world)


def on_disk(archive: YearArchive, kind: str) -> int:
    folder = folder_of(archive)
    return sum((folder / f.path).is_file() for f in archive.files.filter(kind=kind))


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(at: dt.datetime) -> list[ArchiveRemoval]:
    with time_machine.travel(at, tick=False):
        return list(ArchiveRemoval.objects.filter(pk__in=list_expired_archive_files()))


def test_nothing_is_listed_on_the_journals_last_day(world, archive):
    assert listed(LAST_DAY) == []
    assert not ArchiveRemoval.objects.exists()


def test_the_day_after_the_journals_but_not_the_statements_wait_for_the_director(world,
                                                                                  archive):
    [removal] = listed(DAY_AFTER)
    assert removal.status == ArchiveRemoval.Status.PENDING
    assert removal.school == world.small.school
    assert set(removal.files.values_list("kind", flat=True)) == {Kind.JOURNAL}
    assert removal.files.count() == JOURNALS
    assert on_disk(archive, Kind.JOURNAL) == JOURNALS  # nothing removed yet
    assert listed(DAY_AFTER + dt.timedelta(days=1)) == []  # not listed twice

    with time_machine.travel(DAY_AFTER, tick=False):
        page = client_of(world.director).get(reverse("archive:years")).content.decode()
    assert f"файлов — {JOURNALS} (журналов — {JOURNALS})" in page
    assert "journals/5А/Математика.pdf — хранить до 31.08.2032" in page
    assert reverse("archive:removal_approve", args=[removal.pk]) in page


def test_the_statements_are_listed_only_after_25_years(world, archive):
    listed(DAY_AFTER)
    [removal] = listed(dt.datetime(2052, 9, 1, 4, 0, tzinfo=MOSCOW))
    assert set(removal.files.values_list("kind", flat=True)) == {
        Kind.MARKS_STATEMENT, Kind.ATTENDANCE_STATEMENT, Kind.MANIFEST}


def test_the_director_approves_and_only_files_still_past_their_date_go(world, archive):
    [removal] = listed(DAY_AFTER)
    # Since the list was made, one journal's keeping was extended: it must stay.
    extended = archive.files.get(journal=world.small.maths_5a)
    ArchiveFile.objects.filter(pk=extended.pk).update(keep_until=dt.date(2033, 8, 31))

    with time_machine.travel(DAY_AFTER + dt.timedelta(hours=6), tick=False):
        answer = client_of(world.director).post(
            reverse("archive:removal_approve", args=[removal.pk]), follow=True)
    html = answer.content.decode()
    assert f"Удаление утверждено: удалено файлов — {JOURNALS - 1}." in html

    removal.refresh_from_db()
    assert removal.status == ArchiveRemoval.Status.APPROVED
    assert removal.decided_by == world.director
    assert removal.decided_at == DAY_AFTER + dt.timedelta(hours=6)
    assert on_disk(archive, Kind.JOURNAL) == 1
    assert (folder_of(archive) / extended.path).is_file()
    extended.refresh_from_db()
    assert extended.removed_at is None and extended.removal is None
    assert archive.files.filter(removed_at__isnull=False).count() == JOURNALS - 1
    assert on_disk(archive, Kind.MARKS_STATEMENT) == 8  # statements untouched
    # The log: who, when, how many.
    assert "Директорова М. Л." in html
    assert f"удалено {JOURNALS - 1}" in html
    assert "оставлено (срок хранения не истёк): 1" in html
    # The archive is still whole: removed files are no longer expected.
    result = verify_archive(archive)
    assert (result["changed"], result["missing"], result["removed"]) == ([], [], JOURNALS - 1)
    removed = archive.files.filter(removed_at__isnull=False).first()
    with time_machine.travel(DAY_AFTER + dt.timedelta(hours=7), tick=False):
        client = client_of(world.director)
        answer = client.get(reverse("archive:year_archive_file", args=[removed.pk]))
        assert answer.status_code == 404
        page = client.get(reverse("archive:year_archive", args=[archive.pk])).content.decode()
    assert page.count('data-testid="removed-file"') == JOURNALS - 1


def test_the_administrator_sees_the_list_but_cannot_approve_it(world, archive):
    [removal] = listed(DAY_AFTER)
    with time_machine.travel(DAY_AFTER, tick=False):
        client = client_of(world.administrator)
        page = client.get(reverse("archive:years")).content.decode()
        assert "Ждёт решения директора." in page
        assert reverse("archive:removal_approve", args=[removal.pk]) not in page
        for action in ("archive:removal_approve", "archive:removal_reject"):
            assert client.post(reverse(action, args=[removal.pk])).status_code == 403
    removal.refresh_from_db()
    assert removal.status == ArchiveRemoval.Status.PENDING
    assert on_disk(archive, Kind.JOURNAL) == JOURNALS


def test_a_rejected_list_keeps_the_files_and_comes_back_a_year_later(world, archive):
    [removal] = listed(DAY_AFTER)
    with time_machine.travel(DAY_AFTER, tick=False):
        answer = client_of(world.director).post(
            reverse("archive:removal_reject", args=[removal.pk]), follow=True)
    assert "Удаление отклонено: файлы остаются в архиве." in answer.content.decode()
    removal.refresh_from_db()
    assert removal.status == ArchiveRemoval.Status.REJECTED
    assert on_disk(archive, Kind.JOURNAL) == JOURNALS
    assert listed(DAY_AFTER + dt.timedelta(days=30)) == []
    [again] = listed(DAY_AFTER + dt.timedelta(days=366))
    assert again.files.count() == JOURNALS


def test_a_decided_list_is_not_decided_again(world, archive):
    [removal] = listed(DAY_AFTER)
    with time_machine.travel(DAY_AFTER, tick=False):
        client = client_of(world.director)
        client.post(reverse("archive:removal_reject", args=[removal.pk]))
        answer = client.post(reverse("archive:removal_approve", args=[removal.pk]), follow=True)
    assert "По этому списку решение уже принято." in answer.content.decode()
    assert on_disk(archive, Kind.JOURNAL) == JOURNALS
