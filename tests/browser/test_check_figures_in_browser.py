"""The check's general figures in a real browser: the deputy director follows «Прошедших
уроков» to the journals and one journal's lessons, the teachers' share to the teachers, and the
parents' share to a class's families; none of these pages scrolls sideways at a desk or on a
360 px phone, nor has a serious accessibility fault."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from tests.browser.test_deputy_in_browser import DESKTOP, as_user, check_phone
from tests.journal.journal_setup import TODAY, at, make_lesson

LAST_MONTH = dt.date(2026, 10, 20)


@pytest.fixture(autouse=True)
def _school_day():
    with time_machine.travel(at(TODAY, 10), tick=True):
        yield


@pytest.fixture
def school(transactional_db, small_school, teacher, class_teacher, deputy, parent):
    """Two maths lessons of 5А in October (last month), one with a long topic."""
    make_lesson(small_school.maths_5a, LAST_MONTH, 2, is_held=True,
                topic="Сложение и вычитание обыкновенных дробей с разными знаменателями")
    make_lesson(small_school.maths_5a, LAST_MONTH + dt.timedelta(days=1), 2, is_held=True)
    return small_school


def check_desk(page, name: str, screenshot) -> None:
    page.set_viewport_size(DESKTOP)
    page.reload()
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= DESKTOP["width"], f"{name}: the page is {width} px wide at a desk"
    screenshot(page, f"{name}-desk")


def test_the_figures_lead_to_what_they_count(page, school, screenshot):
    as_user(page, "zavuch")
    page.goto("/journal/checks/")
    check_desk(page, "check-figures", screenshot)
    check_phone(page, page.url, "check-figures", screenshot)

    page.get_by_test_id("figure-link").filter(has_text="Прошедших уроков").click()
    expect(page.get_by_test_id("figure-title")).to_have_text("Прошедших уроков: 2")
    check_desk(page, "figure-lessons-journals", screenshot)
    check_phone(page, page.url, "figure-lessons-journals", screenshot)
    row = page.locator(f'[data-testid="figure-journal"][data-journal="{school.maths_5a.pk}"]')
    row.get_by_test_id("figure-number").click()
    expect(page.get_by_test_id("figure-lesson")).to_have_count(2)
    expect(page.get_by_test_id("figure-lesson").first).to_contain_text("20.10.2026, 2 ур.")
    check_desk(page, "figure-lessons", screenshot)
    check_phone(page, page.url, "figure-lessons", screenshot)

    page.get_by_test_id("back-to-check").click()
    page.get_by_test_id("teachers-link").click()
    expect(page.get_by_test_id("figure-teacher")).not_to_have_count(0)
    check_phone(page, page.url, "figure-teachers", screenshot)

    page.get_by_test_id("back-to-check").click()
    page.get_by_test_id("figure-link").filter(has_text="Родителей, открывавших").click()
    page.locator(f'[data-testid="figure-class"][data-class="{school.class_5a.pk}"]') \
        .get_by_test_id("figure-class-link").click()
    expect(page.get_by_test_id("figure-parents")).to_contain_text("не открывал(а)")
    check_desk(page, "figure-families", screenshot)
    check_phone(page, page.url, "figure-families", screenshot)
