"""The site as a whole in a real browser, at desktop width and on a 360 px phone: the sign-in
page and a home page pass axe-core (WCAG 2.2 AA) with a readable menu, no file is missing (the
icon), and a date is typed as ДД.ММ.ГГГГ even in a browser set to English."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.journal.journal_setup import TODAY, at

PHONE = {"width": 360, "height": 740}


@pytest.fixture(autouse=True)
def _school_day():
    with time_machine.travel(at(TODAY, 9), tick=True):  # Monday 16.11.2026
        yield


def missing_files(page) -> list[str]:
    """Collects every URL the page asks for that answers 404 (the icon, styles, scripts)."""
    missing: list[str] = []
    page.on("response", lambda response: missing.append(response.url)
            if response.status == 404 else None)
    return missing


def page_width(page) -> int:
    page.wait_for_load_state("load")  # stylesheets applied before measuring
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_sign_in_page_is_russian_accessible_and_fits_a_phone(page, transactional_db,
                                                                  screenshot):
    missing = missing_files(page)
    page.goto("/login/")

    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator('link[rel="icon"]').first).to_be_attached()
    assert_accessible(page)
    screenshot(page, "site-login-desktop")

    page.set_viewport_size(PHONE)
    assert_accessible(page)
    assert page_width(page) <= PHONE["width"]
    page.get_by_label("Имя пользователя").fill("nobody")
    page.get_by_label("Пароль").fill("wrong")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_text(re.compile("введите правильные имя пользователя и пароль"))).to_be_visible()
    assert_accessible(page)
    screenshot(page, "site-login-refused-phone")
    assert missing == []


def test_the_icon_answers_at_the_sites_root(page, transactional_db):
    response = page.request.get("/favicon.ico")

    assert response.ok
    assert response.headers["content-type"].startswith("image/")


def test_a_home_page_is_accessible_with_a_readable_menu(page, small_school, teacher, screenshot):
    missing = missing_files(page)
    sign_in(page, "matveeva", PASSWORD)

    # The menu's links were #92befe on #0d6efd (2.4:1); axe measures every text's contrast.
    assert_accessible(page)
    # "Уроки сегодня" had Bootstrap's calendar-day icon, which always reads "Fri".
    expect(page.locator(".bi-calendar-day, .bi-calendar2-day")).to_have_count(0)
    screenshot(page, "site-home-desktop")

    page.set_viewport_size(PHONE)
    page.reload()
    assert_accessible(page)
    page.get_by_role("button", name="Меню").click()
    expect(page.get_by_role("link", name="Журналы")).to_be_visible()
    assert_accessible(page)
    assert page_width(page) <= PHONE["width"]
    screenshot(page, "site-home-menu-phone")
    assert missing == []


def test_the_error_pages_are_the_sites_own_on_a_phone(page, small_school, parent, screenshot):
    sign_in(page, "petrova", PASSWORD)
    page.set_viewport_size(PHONE)

    response = page.goto(reverse("journal:journal", args=[small_school.maths_5a.pk]))

    assert response.status == 404
    expect(page.get_by_role("heading", name="Страница не найдена")).to_be_visible()
    expect(page.get_by_role("link", name="На главную")).to_be_visible()
    assert_accessible(page)
    assert page_width(page) <= PHONE["width"]
    screenshot(page, "site-404-phone")


@pytest.fixture
def english_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_date_is_typed_as_dd_mm_yyyy_in_a_browser_set_to_english(english_page, small_school,
                                                                    class_teacher, children,
                                                                    screenshot):
    page = english_page
    sign_in(page, "klassnaya", PASSWORD)
    page.goto(reverse("journal:class_attendance", args=[small_school.class_5a.pk]))
    field = page.get_by_label("Неделя, в которую входит дата")
    week = page.get_by_test_id("week-range")

    expect(field).to_have_value("16.11.2026")  # a native date input would show 11/16/2026
    expect(field).to_have_attribute("placeholder", "дд.мм.гггг")

    field.fill("")
    field.press_sequentially("25112026")  # a phone's digit keyboard has no dot
    expect(field).to_have_value("25.11.2026")
    page.get_by_role("button", name="Показать").click()
    expect(week).to_have_text(re.compile(r"^23\.11\.2026 – "))
    expect(field).to_have_value("23.11.2026")

    # The browser's calendar stays as an aid: what it picks is written as ДД.ММ.ГГГГ.
    calendar = page.get_by_role("button", name="Выбрать дату в календаре")
    expect(calendar).to_be_visible()
    page.locator(".date-input-native").evaluate(
        "el => { el.value = '2026-12-02'; el.dispatchEvent(new Event('change')); }")
    expect(field).to_have_value("02.12.2026")
    assert_accessible(page)
    screenshot(page, "site-date-field-desktop")

    page.set_viewport_size(PHONE)
    field.fill("9.12.2026")
    field.press("Enter")
    expect(week).to_have_text(re.compile(r"^07\.12\.2026 – "))
    expect(calendar).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    assert_accessible(page)
    screenshot(page, "site-date-field-phone")
