"""The setup screens in a real browser: the index in the order a school is set up, in the site's
colours with a way back to the site; the school's form, the class list and a class's form (a
table of rows, autocomplete boxes) without serious accessibility violations at desktop and phone
width; the date widget in Russian, Monday first."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.journal.journal_setup import MOSCOW

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SECTIONS = ["Школа и учебный год", "Классы, предметы и учебный план", "Журналы и расписание",
            "Люди", "Доступ семей и персональные данные", "Прочее"]


@pytest.fixture
def signed_in(page, transactional_db, small_school, administrator):
    sign_in(page, "admin", PASSWORD)
    return page


def page_width(page) -> int:
    page.wait_for_load_state("load")  # stylesheets applied before measuring
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_index_lists_the_sections_in_setup_order_in_the_sites_colours(signed_in,
                                                                         screenshot):
    page = signed_in
    page.goto(reverse("admin:index"))
    expect(page).to_have_title("Настройка школы | Настройка школы — Электронный журнал")
    expect(page.locator("#content-main caption")).to_have_text(SECTIONS)
    expect(page.locator("#content-main .setup-section").first.locator("th a")).to_have_text(
        ["Школы", "Учебные годы", "Учебные периоды", "Каникулы и праздники",
         "Расписание звонков"])
    header = page.locator("#header")
    expect(header).to_have_css("background-color", "rgb(10, 61, 145)")
    expect(header.get_by_role("link", name="Электронный журнал")).to_have_attribute("href", "/")
    assert_accessible(page)
    screenshot(page, "setup-index")

    page.set_viewport_size(PHONE)
    expect(page.locator("#content-main caption").first).to_be_in_viewport()
    assert page_width(page) <= PHONE["width"]
    assert_accessible(page)
    screenshot(page, "setup-index-phone")

    header.get_by_role("link", name="Электронный журнал").click()
    expect(page).to_have_url(re.compile(r"://[^/]+/$"))


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
@pytest.mark.usefixtures("children")
def test_the_school_form_and_the_classes_are_accessible(signed_in, small_school, screenshot,
                                                        name, viewport):
    page = signed_in
    page.set_viewport_size(viewport)
    page.goto(reverse("admin:journal_school_change", args=[small_school.school.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Изменить школу")
    expect(page.locator(".breadcrumbs")).to_contain_text("Школа и учебный год")
    assert page_width(page) <= viewport["width"]
    assert_accessible(page)
    screenshot(page, f"setup-school-form-{name}")

    page.goto(reverse("admin:journal_schoolclass_changelist"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Выберите класс для изменения")
    expect(page.get_by_role("link", name="Добавить класс")).to_be_visible()
    expect(page.locator(".paginator")).to_contain_text("Всего классов: 4")
    page.locator("#result_list tbody input.action-select").first.check()
    expect(page.locator(".action-counter")).to_have_text("Выбран 1 из 4")
    assert page_width(page) <= viewport["width"]
    assert_accessible(page)
    screenshot(page, f"setup-class-list-{name}")

    # A form with a table of rows and autocomplete boxes: the class with its enrolments.
    page.get_by_role("link", name="5А", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Изменить класс")
    expect(page.get_by_role("combobox", name="Обучающийся")).to_have_count(1)
    expect(page.get_by_role("combobox", name="Классный руководитель")).to_contain_text(
        "Руднева Анна Павловна")
    assert page_width(page) <= viewport["width"]
    assert_accessible(page)
    screenshot(page, f"setup-class-form-{name}")


def test_the_date_widget_is_russian_with_monday_first(signed_in):
    page = signed_in
    # Tuesday 1 December 2026 in the browser: the calendar must put today under «В» (вторник).
    page.clock.set_fixed_time(dt.datetime(2026, 12, 1, 10, tzinfo=MOSCOW))
    page.goto(reverse("admin:journal_holiday_add"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Добавить каникулы или праздник")
    page.locator("#calendarlink0").click()
    calendar = page.locator("#calendarbox0")
    expect(calendar.locator("caption")).to_have_text("Декабрь 2026")
    expect(calendar.locator("th")).to_have_text(["П", "В", "С", "Ч", "П", "С", "В"])
    today = calendar.locator("td.today")
    expect(today).to_have_text("1")
    assert today.evaluate("cell => cell.cellIndex") == 1
    calendar.get_by_role("link", name="Сегодня").click()
    expect(page.locator("#id_starts_on")).to_have_value("01.12.2026")
    page.locator("#calendarlink1").click()
    page.locator("#calendarbox1").get_by_role("link", name="8", exact=True).click()
    expect(page.locator("#id_ends_on")).to_have_value("08.12.2026")
