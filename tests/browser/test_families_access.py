"""Families' access in a real browser: the class teacher records a parent's application and
issues the parent's login; the slip's PDF is downloaded and read for the password; the parent
signs in with it and must change it first; then the class teacher ends the service and the
parent's open session is refused on the next click. The pages at phone width too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.models import DiaryApplication, User
from tests.accounts.families_setup import NOW, needs_poppler, pdf_text, slip_passwords
from tests.browser.axe import assert_accessible
from tests.browser.conftest import CSP_WATCH, sign_in
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _school_day():
    with time_machine.travel(NOW, tick=True):
        yield


def fits_a_phone(page) -> None:
    page.wait_for_load_state("load")  # stylesheets applied before measuring
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} scrolls sideways on a phone ({width} px)"


def second_browser(page, live_server, csp_violations):
    """Another person's browser, watched for CSP refusals like the first one."""
    context = page.context.browser.new_context(base_url=live_server.url, locale="ru-RU",
                                               viewport={"width": 1280, "height": 900})
    context.expose_function("__cspViolation", lambda line: csp_violations.append(line))
    context.add_init_script(CSP_WATCH)
    other = context.new_page()
    other.set_default_timeout(15_000)
    return other


@needs_poppler
def test_a_class_teacher_gives_a_parent_access_and_later_ends_it(
        page, live_server, transactional_db, csp_violations, small_school, class_teacher,
        parent, children, screenshot):
    sign_in(page, "klassnaya", PASSWORD)
    page.get_by_test_id("class-families-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("5А класс: доступ семей к дневнику")
    row = page.locator('tr[data-testid="family-row"]', has_text="Петрова Наталья Андреевна")
    expect(row.get_by_test_id("waits-for-application")).to_be_visible()
    assert_accessible(page)

    # The application, signed in person with the passport shown, is entered.
    row.get_by_test_id("record-application").click()
    expect(page.get_by_role("link", name="бланк заявления (PDF)")).to_be_visible()
    page.get_by_label("Дата заявления").fill("14.11.2026")
    page.get_by_role("button", name="Внести заявление").click()
    expect(page.get_by_role("alert")).to_contain_text("вход в дневник открыт")
    assert DiaryApplication.objects.get().passport_checked_by == class_teacher

    # The login: the slip downloads, and the page shows the new status once it has.
    page.get_by_role("link", name="5А класс").click()
    row = page.locator('tr[data-testid="family-row"]', has_text="Петрова Наталья Андреевна")
    expect(row.get_by_test_id("waits-for-application")).to_have_count(0)
    with page.expect_download() as download:
        row.get_by_test_id("issue-login").click()
    slip = Path(download.value.path()).read_bytes()
    login, password = next(iter(slip_passwords(pdf_text(slip)).items()))
    assert login == "petrova.na"
    expect(row.get_by_test_id("access-status")).to_contain_text("логин выдан")
    expect(page.get_by_role("alert")).to_contain_text("Выдано листков с паролями: 1")
    screenshot(page, "families-class-desktop")

    # The parent, at home: the slip's password opens only the password change.
    home = second_browser(page, live_server, csp_violations)
    sign_in(home, login, password)
    expect(home.get_by_test_id("must-change-password")).to_be_visible()
    home.goto("/diary/")
    expect(home.get_by_test_id("must-change-password")).to_be_visible()
    home.get_by_label("Старый пароль").fill(password)
    home.locator("#id_new_password1").fill("Мой-пароль-2026")
    home.get_by_label("Подтверждение нового пароля").fill("Мой-пароль-2026")
    home.get_by_role("button", name="Сменить пароль").click()
    expect(home.get_by_text("Пароль изменён")).to_be_visible()
    home.get_by_test_id("nav-diary").click()
    expect(home.get_by_test_id("diary-student")).to_have_text("Петров Василий")
    assert not User.objects.get(pk=parent.pk).must_change_password

    # The class teacher ends the service: the parent's next click is refused.
    row.get_by_role("link", name="Петрова Наталья Андреевна").click()
    page.get_by_test_id("terminate-link").click()
    page.get_by_label("Причина прекращения").fill("Заявление родителя об отказе от услуги")
    page.get_by_label(re.compile("Учётная запись будет аннулирована")).check()
    page.get_by_role("button", name="Прекратить услугу").click()
    expect(page.get_by_role("alert")).to_contain_text("учётная запись аннулирована")
    expect(page.get_by_test_id("notice-link")).to_be_visible()

    home.get_by_role("link", name="Отметки").click()
    expect(home).to_have_url(re.compile(r"/login/"))
    expect(home.get_by_role("button", name="Войти")).to_be_visible()
    expect(home.get_by_text("Петров Василий")).to_have_count(0)
    home.context.close()

    # At phone width the pages fit and stay readable.
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    fits_a_phone(page)
    assert_accessible(page)
    screenshot(page, "families-person-phone")
    page.goto(f"/families/class/{small_school.class_5a.pk}/")
    fits_a_phone(page)
    screenshot(page, "families-class-phone")
