"""The year archive in a real browser, as the director uses it: from the «Школа» menu to the
archive browser, «Архивировать» for the closed year (the open one offers no button), the
archive's page with its files, a journal's PDF downloaded, and «Проверить целостность» with
its result — also on a 360 px phone without sideways scrolling. Tasks run in-process."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from archive.models import YearArchive
from tests.archive.year_archive_setup import NOW, build_closed_school
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def closed_school(transactional_db, settings, tmp_path):
    settings.ARCHIVE_ROOT = tmp_path / "archive"
    with time_machine.travel(NOW, tick=True):
        yield build_closed_school()


def page_width(page) -> int:
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_director_archives_the_year_downloads_a_journal_and_verifies_it(
        page, closed_school, screenshot):
    sign_in(page, "director", PASSWORD)
    page.get_by_test_id("nav-school").click()
    page.get_by_test_id("nav-archive").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Архив журналов")
    closed = page.locator(f'[data-testid="year-row"][data-year="{closed_school.year.pk}"]')
    opened = page.locator(f'[data-testid="year-row"][data-year="{closed_school.next_year.pk}"]')
    expect(closed.get_by_test_id("year-state")).to_have_text("закрыт 27.08.2027")
    expect(opened.get_by_test_id("year-state")).to_have_text("открыт")
    expect(opened.get_by_test_id("start-archive")).to_have_count(0)

    closed.get_by_test_id("start-archive").click()
    expect(page).to_have_url(re.compile(r"/archive/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Архив 2026/2027 учебного года")
    expect(page.get_by_test_id("archive-status")).to_have_attribute("data-status", "done")
    archive = YearArchive.objects.get(year=closed_school.year)
    assert archive.status == YearArchive.Status.DONE, archive.error

    fifth = page.get_by_test_id("class-files").filter(
        has=page.get_by_role("heading", name="5А класс"))
    maths = fifth.get_by_test_id("journal-file").filter(has_text="Математика")
    with page.expect_download() as download:
        maths.get_by_role("link", name="Математика").click()
    assert download.value.suggested_filename == "2026-2027 5А Математика.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    page.get_by_test_id("verify-archive").click()
    expect(page.get_by_role("alert").filter(has_text="Проверка пройдена: все файлы целы")) \
        .to_be_visible()
    result = page.get_by_test_id("verify-result")
    expect(result).to_have_attribute("data-intact", "1")
    expect(result).to_contain_text("Все файлы целы.")
    expect(result).to_contain_text("Директорова М. Л.")
    screenshot(page, "archive-year")

    page.set_viewport_size(PHONE)
    page.reload()
    assert page_width(page) <= PHONE["width"]
    page.goto("/archive/")
    assert page_width(page) <= PHONE["width"]
    screenshot(page, "archive-years-phone")
