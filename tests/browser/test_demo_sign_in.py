"""Every demo login signs in through the real form and lands on its own home page."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from journal.demo.cast import DEMO_PASSWORD
from tests.browser.conftest import sign_in

MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Moscow"))

# login → the home page sections it must show
HOME_SECTIONS = {
    "director": ["checks", "setup-limited"],
    "zavuch": ["teacher", "checks", "parent", "setup-limited"],
    "admin": ["setup"],
    "coordinator": ["teacher", "families"],
    "dpo": ["families"],
    "secretary": ["setup-limited"],
    "editor": ["teacher"],
    "dispatcher": ["setup-limited"],
    "teacher": ["teacher"],
    "klass": ["teacher"],
    "parent": ["parent"],
    "student": ["student"],
}
ALL_SECTIONS = {s for sections in HOME_SECTIONS.values() for s in sections}


@pytest.fixture
def demo_school(transactional_db):
    with time_machine.travel(MONDAY, tick=True):
        call_command("seed_demo", size="small", verbosity=0)
        yield


def test_each_demo_role_signs_in_and_lands_on_its_home_page(page, demo_school, screenshot):
    for login, sections in HOME_SECTIONS.items():
        sign_in(page, login, DEMO_PASSWORD)
        expect(page).to_have_url(f"{page.url.split('/', 3)[0]}//{page.url.split('/', 3)[2]}/")
        for section in sections:
            expect(page.locator(f'[data-section="{section}"]')).to_be_visible()
        for section in ALL_SECTIONS - set(sections):
            expect(page.locator(f'[data-section="{section}"]')).to_have_count(0)
        screenshot(page, f"home-{login}")
        page.get_by_test_id("user-menu").click()
        page.get_by_role("button", name="Выйти", exact=True).click()
        expect(page.get_by_role("button", name="Войти")).to_be_visible()
