"""Portal exports in a real browser, as the administrator does them: from the «Школа» menu to the
exports page, the daily export moved to another hour and kept, then «Выгрузить сейчас» for the
daily export and the run's page showing it done with its counts — on a desktop and on a 360 px
phone without sideways scrolling. Tasks run in-process; no portal is set, so the files stay on
the server."""

from __future__ import annotations

import re

import pytest
from django_celery_beat.models import PeriodicTask
from playwright.sync_api import expect

from exports.models import ExportSchedule, PortalExport
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def signed_in(page, transactional_db, small_school, administrator, children, settings,
              tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    settings.PORTAL_DROP_DIR = ""
    settings.PORTAL_URL = ""
    sign_in(page, "admin", PASSWORD)
    return page


def page_width(page) -> int:
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_administrator_moves_the_daily_export_and_exports_now(signed_in, small_school,
                                                                  screenshot):
    page = signed_in
    page.get_by_test_id("nav-school").click()
    page.get_by_test_id("nav-portal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Выгрузки на портал")
    daily = page.get_by_test_id("kind-daily")
    expect(daily.get_by_test_id("kind-when")).to_contain_text("каждый день в 01:00")
    expect(daily.get_by_test_id("no-run")).to_be_visible()

    # The daily export at 3:00 instead of 1:00.
    hours = page.get_by_label("Ежедневная выгрузка, часы")
    expect(hours).to_have_value("1")
    hours.fill("3")
    page.get_by_test_id("save-schedule").click()
    expect(page.get_by_role("alert").filter(has_text="Расписание выгрузок сохранено.")) \
        .to_be_visible()
    page.reload()
    expect(page.get_by_label("Ежедневная выгрузка, часы")).to_have_value("3")
    expect(daily.get_by_test_id("kind-when")).to_contain_text("каждый день в 03:00")
    assert ExportSchedule.objects.get(school=small_school.school).daily_hours == [3]
    daily_entry = PeriodicTask.objects.get(name=f"portal-export:{small_school.school.pk}:daily")
    assert daily_entry.crontab.hour == "3"

    # Nonsense is refused and the kept hour stays.
    page.get_by_label("Ежедневная выгрузка, часы").fill("25")
    page.get_by_test_id("save-schedule").click()
    expect(page.get_by_test_id("field-error")).to_have_text("Час — число от 0 до 23.")
    expect(daily.get_by_test_id("kind-when")).to_contain_text("каждый день в 03:00")

    # Export now: the run's page, done, with its counts.
    page.get_by_test_id("start-daily").click()
    expect(page).to_have_url(re.compile(r"/exports/runs/\d+/$"))
    expect(page.get_by_role("alert").filter(has_text="Выгрузка поставлена в очередь.")) \
        .to_be_visible()
    state = page.get_by_test_id("run-state")
    expect(state).to_have_attribute("data-status", "done")
    expect(state.get_by_test_id("run-status")).to_have_text("выполнена")
    counts = state.get_by_test_id("run-counts")
    expect(counts.get_by_role("row", name=re.compile(r"^Классы 4$"))).to_be_visible()
    expect(counts.get_by_role("row", name=re.compile(r"^Школа 1$"))).to_be_visible()
    expect(state.get_by_test_id("run-left-out")).to_contain_text("обучающихся — 2")
    expect(state.get_by_test_id("file-link").last).to_have_text("manifest.json")
    run = PortalExport.objects.get()
    assert (run.kind, run.status) == (PortalExport.Kind.DAILY, PortalExport.Status.DONE)
    expect(state.get_by_test_id("run-checksum")).to_have_text(run.checksum)
    screenshot(page, "portal-export-run")

    # The exports page and the home page show the run.
    page.get_by_role("link", name="Выгрузки на портал").first.click()
    expect(daily.get_by_test_id("last-run")).to_have_attribute("data-status", "done")
    expect(daily.get_by_test_id("last-run-figures")).to_contain_text("записей:")
    screenshot(page, "portal-exports-index")
    page.goto("/")
    expect(page.locator('[data-section="portal-exports"]').get_by_test_id("last-run").first) \
        .to_have_attribute("data-status", "done")


def test_the_exports_pages_fit_a_phone(signed_in, small_school, screenshot):
    page = signed_in
    page.set_viewport_size(PHONE)
    page.goto("/exports/")
    page.get_by_test_id("start-full").click()
    expect(page.get_by_test_id("run-state")).to_have_attribute("data-status", "done")
    assert page_width(page) <= PHONE["width"]
    screenshot(page, "portal-export-run-phone")
    for url, name in (("/exports/", "index"), ("/exports/runs/", "runs"), ("/", "home")):
        page.goto(url)
        assert page_width(page) <= PHONE["width"], url
        screenshot(page, f"portal-exports-{name}-phone")


def test_a_runs_page_follows_the_run_until_it_is_done(signed_in, small_school):
    """A run another process is working on: its page asks again by itself (htmx, allowed by the
    site's CSP) and shows the outcome without a reload."""
    page = signed_in
    run = PortalExport.objects.create(school=small_school.school, kind=PortalExport.Kind.FULL,
                                      status=PortalExport.Status.BUILDING, format="ejournal-v1")
    page.goto(f"/exports/runs/{run.pk}/")
    state = page.get_by_test_id("run-state")
    expect(state.get_by_test_id("run-status")).to_have_text("собирается")

    PortalExport.objects.filter(pk=run.pk).update(
        status=PortalExport.Status.DONE, counts={"lessons": 120, "marks": 340}, bytes=51200)

    expect(state).to_have_attribute("data-status", "done")
    expect(state.get_by_test_id("run-status")).to_have_text("выполнена")
    expect(state.get_by_test_id("run-counts")).to_contain_text("Уроки")
    expect(page.get_by_role("heading", name="Записей по видам: 460")).to_be_visible()
