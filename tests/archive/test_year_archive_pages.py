"""The archive browser: the director and the administrator see the school's years with their
state, archive a closed year (an open one is refused, also by a crafted request), follow an
archive's progress, download its files and check its integrity; anyone else gets 404."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from archive.models import ArchiveFile, YearArchive
from archive.years.build import start_archive
from tests.archive.year_archive_setup import (
    FILES,
    NOW,
    ClosedSchool,
    archive_root_fixture,
    archived_fixture,
    build_closed_school,
    folder_of,
)
from tests.conftest import built_once

built = built_once(build_closed_school, NOW)
archive_root = archive_root_fixture()
archived = archived_fixture()


@pytest.fixture
def world(db, built, archive_root) -> ClosedSchool:
    return built


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def maths_5a_file(archive: YearArchive, world: ClosedSchool) -> ArchiveFile:
    return archive.files.get(journal=world.small.maths_5a)


def test_the_director_sees_the_years_with_their_state_and_may_archive_the_closed_one(
        world, archived):
    page = client_of(world.director).get(reverse("archive:years"))
    assert page.status_code == 200
    html = page.content.decode()
    closed = reverse("archive:year_start", args=[world.year.pk])
    opened = reverse("archive:year_start", args=[world.next_year.pk])
    assert closed in html
    assert opened not in html  # the button is offered for the closed year only
    assert "закрыт 27.08.2027" in html
    assert 'data-testid="not-closed"' in html
    assert reverse("archive:year_archive", args=[archived.pk]) in html
    assert 'data-status="done"' in html


def test_the_years_page_reads_in_a_fixed_number_of_queries(world, archived,
                                                           django_assert_num_queries):
    client = client_of(world.administrator)
    client.get(reverse("archive:years"))
    # Session, user, person, role lookups, the school, years with archives, removals (the menu's
    # role flags come from the cache).
    with django_assert_num_queries(9):
        assert client.get(reverse("archive:years")).status_code == 200


def test_a_crafted_request_to_archive_an_open_year_is_refused_in_russian(world):
    client = client_of(world.director)
    answer = client.post(reverse("archive:year_start", args=[world.next_year.pk]), follow=True)
    assert answer.redirect_chain[-1][0] == reverse("archive:years")
    assert "2027/2028 учебный год ещё не закрыт" in answer.content.decode()
    assert not YearArchive.objects.filter(year=world.next_year).exists()


def test_the_administrator_archives_the_closed_year_and_sees_its_files(
        world, django_capture_on_commit_callbacks):
    client = client_of(world.administrator)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("archive:year_start", args=[world.year.pk]))
    archive = YearArchive.objects.filter(year=world.year).latest("pk")
    assert answer.url == reverse("archive:year_archive", args=[archive.pk])
    assert archive.requested_by == world.administrator
    assert archive.status == YearArchive.Status.DONE, archive.error
    html = client.get(answer.url).content.decode()
    assert "Архив 2026/2027 учебного года" in html
    assert html.count('data-testid="journal-file"') == 6
    assert html.count('data-testid="statement-file"') == 16
    assert "Сводная ведомость посещаемости.xlsx" in html
    assert 'data-testid="verify-archive"' in html


def test_an_archive_being_built_shows_its_progress_and_the_page_reloads_when_done(world):
    archive = start_archive(world.year, world.director, enqueue=False)
    client = client_of(world.director)
    status = reverse("archive:year_archive_status", args=[archive.pk])
    page = client.get(reverse("archive:year_archive", args=[archive.pk])).content.decode()
    assert f'hx-get="{status}"' in page
    assert "готово 0 из 10 частей" in page
    assert 'data-testid="verify-archive"' not in page
    # The years page has no «Архивировать» while it is built.
    years = client.get(reverse("archive:years")).content.decode()
    assert reverse("archive:year_start", args=[world.year.pk]) not in years

    YearArchive.objects.filter(pk=archive.pk).update(done=4, status="building")
    assert "готово 4 из 10 частей" in client.get(status).content.decode()
    YearArchive.objects.filter(pk=archive.pk).update(status="done")
    answer = client.get(status, headers={"HX-Request": "true"})
    assert answer["HX-Refresh"] == "true"


def test_the_archive_page_reads_in_a_fixed_number_of_queries(world, archived,
                                                             django_assert_num_queries):
    client = client_of(world.director)
    url = reverse("archive:year_archive", args=[archived.pk])
    client.get(url)
    with django_assert_num_queries(5):
        page = client.get(url)
    assert page.content.decode().count('data-testid="file-link"') == FILES


def test_a_journal_pdf_downloads_under_the_year_and_class_name(world, archived):
    archive_file = maths_5a_file(archived, world)
    answer = client_of(world.director).get(
        reverse("archive:year_archive_file", args=[archive_file.pk]))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"].startswith("attachment")
    assert quote("2026-2027 5А Математика.pdf") in answer["Content-Disposition"]
    content = b"".join(answer.streaming_content)
    assert content.startswith(b"%PDF")
    assert len(content) == archive_file.bytes


def test_a_file_gone_from_the_disk_answers_404(world, archived):
    archive_file = archived.files.get(path="statements/1А/Сводная ведомость посещаемости.csv")
    path = folder_of(archived) / archive_file.path
    kept = path.read_bytes()
    path.unlink()
    try:
        answer = client_of(world.director).get(
            reverse("archive:year_archive_file", args=[archive_file.pk]))
        assert answer.status_code == 404
    finally:
        path.write_bytes(kept)


def test_verify_shows_all_intact_then_the_changed_file(world, archived):
    client = client_of(world.director)
    verify = reverse("archive:year_archive_verify", args=[archived.pk])
    html = client.post(verify, follow=True).content.decode()
    assert f"Проверка пройдена: все файлы целы ({FILES})." in html
    assert 'data-intact="1"' in html

    path = folder_of(archived) / maths_5a_file(archived, world).path
    original = path.read_bytes()
    try:
        path.write_bytes(original[:-1] + bytes([original[-1] ^ 0xFF]))
        html = client.post(verify, follow=True).content.decode()
    finally:
        path.write_bytes(original)
    assert "Нарушена целостность архива: изменено файлов — 1, отсутствует — 0." in html
    assert 'data-intact="0"' in html
    assert re.search(r'data-testid="changed-file">изменён: journals/5А/Математика.pdf<', html)
    assert "Директорова М. Л." in html


@pytest.mark.parametrize("who", ["deputy", "teacher", "class_teacher", "parent"])
def test_others_get_404_everywhere_in_the_archive(world, archived, who):
    users = {"deputy": world.deputy, "teacher": world.small.maths_5a.teacher,
             "class_teacher": world.small.class_5a.class_teacher, "parent": world.parent}
    client = client_of(users[who])
    archive_file = maths_5a_file(archived, world)
    for url in (reverse("archive:years"), reverse("archive:year_archive", args=[archived.pk]),
                reverse("archive:year_archive_status", args=[archived.pk]),
                reverse("archive:year_archive_file", args=[archive_file.pk])):
        assert client.get(url).status_code == 404, url
    for url in (reverse("archive:year_start", args=[world.year.pk]),
                reverse("archive:year_archive_verify", args=[archived.pk])):
        assert client.post(url).status_code == 404, url
    assert YearArchive.objects.count() == 1
    assert YearArchive.objects.get().verified_at is None


def test_the_menu_links_the_archive_for_the_director_only_of_these(world):
    assert 'data-testid="nav-archive"' in client_of(world.director).get("/").content.decode()
    assert 'data-testid="nav-archive"' not in client_of(world.deputy).get("/").content.decode()
