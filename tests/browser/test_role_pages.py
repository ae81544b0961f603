"""The personal-data officer's, the e-diary coordinator's and the secretary's main pages in a
real browser, at desktop width and on a 360 px phone: reached from the menu, used as each role
uses them, with no sideways scroll and no serious accessibility problem."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.models import DataChangeNotice, PersonalDataEvent
from tests.accounts.role_pages_setup import (
    NOW,
    at,
    issue_login,
    log_event,
    record_application,
    record_consent,
    signed_in,
)
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def school_with_families(transactional_db, small_school, parent, children, outsider_parent,
                         class_teacher, teacher, secretary):
    record_application(parent, class_teacher, dt.date(2026, 9, 3))
    record_consent(parent, class_teacher, True, dt.date(2026, 9, 3), "согласие № 12")
    issue_login(parent, class_teacher, NOW - dt.timedelta(days=30))
    signed_in(parent, NOW - dt.timedelta(days=2))
    issue_login(outsider_parent, class_teacher, NOW - dt.timedelta(days=20))
    log_event(parent, class_teacher, when=at(dt.date(2026, 11, 20)), what="Карточка родителя",
              changes={"Адрес": ["г. Тверь, ул. Ленина, 1", "г. Тверь, ул. Мира, 5"]})
    log_event(children[0].user, teacher, PersonalDataEvent.Kind.VIEW_DIARY,
              when=at(dt.date(2026, 11, 21)), what="Дневник: неделя")
    log_event(outsider_parent, secretary, PersonalDataEvent.Kind.VIEW_DATA,
              when=at(dt.date(2026, 11, 22)), what="Картотека: карточка")
    return small_school


def open_from_menu(page, device: str, test_id: str) -> None:
    if device == "phone":
        page.get_by_role("button", name="Меню").click()
    page.get_by_test_id("nav-school").click()   # the school's tools are under «Школа»
    page.get_by_test_id(test_id).click()


def date_field(page, label: str):
    """The date field once its script has set it up: typed into before that, the text can be
    lost when the script moves the field into its group with the calendar button."""
    field = page.get_by_label(label, exact=True)
    expect(field).to_have_attribute("data-date-ready", "1")
    return field


def assert_fits(page, width: int) -> None:
    page.wait_for_load_state("load")
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"{page.url} scrolls sideways ({scrolled} px at {width} px)"


@pytest.mark.parametrize("device", VIEWPORTS)
def test_the_officer_narrows_the_log_and_downloads_it(page, school_with_families, data_officer,
                                                      screenshot, device):
    viewport = VIEWPORTS[device]
    sign_in(page, "dpo", PASSWORD)
    page.set_viewport_size(viewport)
    expect(page.locator('[data-section="dpo"]')).to_be_visible()
    open_from_menu(page, device, "nav-dpo")
    expect(page.get_by_role("heading", name="Журнал персональных данных")).to_be_visible()
    expect(page.get_by_test_id("log-row")).to_have_count(3)
    assert_fits(page, viewport["width"])
    assert_accessible(page)
    screenshot(page, f"dpo-log-{device}")

    page.get_by_label("Что").select_option(label="изменение данных")
    date_field(page, "С").fill("01.11.2026")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_test_id("log-row")).to_have_count(1)
    expect(page.get_by_test_id("log-row")).to_contain_text("г. Тверь, ул. Мира, 5")
    expect(page.get_by_test_id("log-count")).to_have_text("Найдено записей: 1")

    with page.expect_download() as download:
        page.get_by_test_id("log-xlsx").click()
    assert download.value.suggested_filename == "personal-data-log-2026-11-23.xlsx"

    date_field(page, "С").fill("32.11.2026")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_test_id("filter-errors")).to_contain_text("«С» — Введите дату")
    expect(page.get_by_label("С", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("log-row")).to_have_count(0)
    assert_fits(page, viewport["width"])

    page.get_by_role("link", name="Согласия и отказы").click()
    expect(page.get_by_test_id("consent-row")).to_have_count(2)
    assert_fits(page, viewport["width"])
    assert_accessible(page)
    screenshot(page, f"dpo-consents-{device}")


@pytest.mark.parametrize("device", VIEWPORTS)
def test_the_coordinator_sees_the_classes_and_who_to_chase(page, school_with_families,
                                                           diary_coordinator, screenshot,
                                                           device):
    viewport = VIEWPORTS[device]
    sign_in(page, "coordinator", PASSWORD)
    page.set_viewport_size(viewport)
    expect(page.locator('[data-section="coordinator"]')).to_be_visible()
    open_from_menu(page, device, "nav-coordinator")
    expect(page.get_by_role("heading", name="Доступ семей к электронному дневнику")).to_be_visible()
    five_b = page.locator('[data-testid="class-row"][data-class="5Б"]')
    expect(five_b.get_by_test_id("applications")).to_contain_text("0")
    assert_fits(page, viewport["width"])
    assert_accessible(page)
    screenshot(page, f"coordinator-classes-{device}")

    five_b.get_by_role("link", name="Нет заявления в 5Б: 1").click()
    expect(page.get_by_test_id("chase-row")).to_have_count(1)
    expect(page.get_by_test_id("chase-row")).to_contain_text("Сидоров Олег Иванович")
    expect(page.get_by_test_id("chase-row")).to_contain_text("логин выдан 03.11.2026")
    assert_fits(page, viewport["width"])
    assert_accessible(page)
    screenshot(page, f"coordinator-chase-{device}")


@pytest.mark.parametrize("device", VIEWPORTS)
def test_the_secretary_finds_a_student_and_records_a_notice_of_change(
        page, school_with_families, secretary, children, screenshot, device):
    viewport = VIEWPORTS[device]
    sign_in(page, "secretary", PASSWORD)
    page.set_viewport_size(viewport)
    expect(page.locator('[data-section="secretary"]')).to_be_visible()
    open_from_menu(page, device, "nav-secretary")
    page.get_by_label("Фамилия, имя или логин").fill("петров вас")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_test_id("person-row")).to_have_count(1)
    assert_fits(page, viewport["width"])
    assert_accessible(page)
    screenshot(page, f"secretary-people-{device}")

    page.get_by_role("link", name="Петров Василий").click()
    expect(page.get_by_test_id("person-name")).to_have_text("Петров Василий")
    expect(page.get_by_test_id("person-classes")).to_contain_text("5А класс")
    expect(page.get_by_test_id("person-family")).to_contain_text("Петрова Наталья Андреевна")
    date_field(page, "Уведомление получено").fill("30.11.2026")
    page.get_by_label("Что изменилось").fill("новый адрес проживания")
    page.get_by_role("button", name="Записать уведомление").click()
    expect(page.get_by_test_id("field-error")).to_have_text(
        "Дата получения уведомления ещё не наступила.")
    assert not DataChangeNotice.objects.exists()
    date_field(page, "Уведомление получено").fill("23.11.2026")
    page.get_by_role("button", name="Записать уведомление").click()
    expect(page.get_by_role("alert")).to_contain_text("Уведомление записано")
    expect(page.get_by_test_id("notice-row")).to_contain_text("26.11.2026")
    assert DataChangeNotice.objects.get().subject == children[0].user
    assert PersonalDataEvent.objects.filter(kind="view_data", actor=secretary,
                                            subject=children[0].user).exists()
    assert_fits(page, viewport["width"])
    assert_accessible(page)
    screenshot(page, f"secretary-card-{device}")
