"""Browser tests: headless Chromium from Debian's package, driven by Playwright.

Playwright's own browser download does not work on closed networks; we launch the system's
Chromium. Its sync API runs an event loop in the test thread, so the ORM must be told that
this is fine.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               "--disable-quic", "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None:
                item.add_marker(pytest.mark.skip(reason="chromium is not installed"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Saves a screenshot under test-artifacts/ (not committed) for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page, login: str, password: str) -> None:
    from playwright.sync_api import expect

    page.goto("/login/")
    page.get_by_label("Имя пользователя").fill(login)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    # Signed in, on the next page (on a phone the menu is folded under the navbar's toggler).
    expect(page.get_by_test_id("user-menu")).to_be_attached()


def grid_cells(page):
    """The journal grid's cells, once its script is ready for typing. The cells can take focus
    before the script has run (a click on a link waits for the next page to start, not for its
    scripts), and keys typed then go nowhere."""
    from playwright.sync_api import expect

    expect(page.locator("table.journal-grid")).to_have_attribute("data-ready", "1")
    return page.locator('td[data-testid="cell"]')
