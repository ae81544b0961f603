"""Sign-in security in a real browser, at desktop width and on a 360 px phone: ten wrong
passwords close a login for the cool-off only, with the Russian page naming the time; the
director gets nowhere without the second factor, then signs in with the authenticator's code."""

from __future__ import annotations

import base64
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.roles import Role
from tests.browser.axe import assert_accessible
from tests.browser.conftest import authenticator_code, sign_in
from tests.conftest import PASSWORD, make_school, make_staff

PHONE = {"width": 360, "height": 740}
MORNING = dt.datetime(2026, 10, 5, 8, 0, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.fixture
def school(transactional_db):
    return make_school()


def page_width(page) -> int:
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")


def try_password(page, login: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Имя пользователя").fill(login)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()


def test_ten_wrong_passwords_lock_the_login_for_the_cool_off_only(page, school, screenshot):
    make_staff(school, "matveeva", "Матвеева", "Ольга", "Игоревна")
    make_staff(school, "klassnaya", "Руднева", "Анна", "Павловна")
    with time_machine.travel(MORNING, tick=True) as clock:
        for attempt in range(1, 11):
            try_password(page, "matveeva", f"угадываю-{attempt}")
            if attempt < 5:
                expect(page.get_by_text(re.compile("введите правильные имя пользователя"))) \
                    .to_be_visible()
        locked = page.get_by_test_id("locked-out")
        expect(locked).to_contain_text("Вход временно закрыт")
        expect(locked).to_contain_text("Для логина «matveeva» было слишком много неверных паролей")
        # Closed from the fifth failure, a few seconds after 08:00, for fifteen minutes.
        expect(page.get_by_test_id("retry-at")).to_have_text(
            re.compile(r"Повторите вход после 08:15 \(через 1[45] минут\)\."))
        assert_accessible(page)
        screenshot(page, "sign-in-locked-out-desktop")

        try_password(page, "matveeva", PASSWORD)
        expect(page.get_by_test_id("locked-out")).to_be_visible()  # the right password too
        page.set_viewport_size(PHONE)
        assert_accessible(page)
        assert page_width(page) <= PHONE["width"]
        screenshot(page, "sign-in-locked-out-phone")

        # Only that login is closed: a colleague at the same computer signs in.
        page.set_viewport_size({"width": 1280, "height": 900})
        sign_in(page, "klassnaya", PASSWORD)
        page.context.clear_cookies()

        clock.shift(dt.timedelta(minutes=16))
        sign_in(page, "matveeva", PASSWORD)
        expect(page).to_have_url(re.compile(r"/$"))


def test_the_director_cannot_sign_in_without_the_second_factor(page, school, screenshot):
    director = make_staff(school, "director", "Директорова", "Марина", "Львовна",
                          role=Role.DIRECTOR)
    phone = TOTPDevice.objects.create(user=director, name="телефон", confirmed=True)
    with time_machine.travel(MORNING, tick=True) as clock:
        try_password(page, "director", PASSWORD)
        step = page.get_by_test_id("second-factor")
        expect(step).to_contain_text("Второй шаг входа")
        expect(page.get_by_test_id("user-menu")).to_have_count(0)
        assert_accessible(page)
        screenshot(page, "sign-in-second-factor-desktop")

        # Every page sends her back here until she gives the code.
        for url in ["/", reverse("journal:my_journals"), reverse("admin:index")]:
            page.goto(url)
            expect(page.get_by_test_id("second-factor")).to_be_visible()

        page.set_viewport_size(PHONE)
        page.get_by_label("Код").fill("000000")
        page.get_by_role("button", name="Войти").click()
        expect(page.get_by_text("Код не подошёл.")).to_be_visible()
        assert_accessible(page)
        assert page_width(page) <= PHONE["width"]
        screenshot(page, "sign-in-second-factor-refused-phone")

        clock.shift(dt.timedelta(seconds=5))  # past the pause after a wrong code
        page.get_by_label("Код").fill(authenticator_code(phone.bin_key))
        page.get_by_role("button", name="Войти").click()
        # In, on the page she was going to (the last she tried: the school's setup).
        expect(page).to_have_url(re.compile(r"/admin/$"))
        page.goto(reverse("journal:my_journals"))
        expect(page.get_by_test_id("user-menu")).to_be_attached()
        expect(page.get_by_test_id("second-factor")).to_have_count(0)


def test_a_new_administrator_sets_up_the_authenticator_at_the_first_sign_in(page, school,
                                                                             screenshot):
    make_staff(school, "admin", "Админов", "Игорь", "Николаевич", role=Role.ADMINISTRATOR)
    page.set_viewport_size(PHONE)
    try_password(page, "admin", PASSWORD)
    step = page.get_by_test_id("second-factor")
    expect(step).to_have_attribute("data-step", "setup")
    expect(page.locator("svg.qr-code")).to_be_visible()
    assert_accessible(page)
    assert page_width(page) <= PHONE["width"]
    screenshot(page, "sign-in-second-factor-setup-phone")

    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Код из приложения").fill(authenticator_code(base64.b32decode(secret)))
    page.get_by_role("button", name="Включить").click()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    assert_accessible(page)
    screenshot(page, "sign-in-recovery-codes-phone")
    page.get_by_role("link", name="Коды сохранены, продолжить").click()
    expect(page.get_by_test_id("user-menu")).to_be_attached()


def test_the_administrator_opens_a_closed_login_from_a_phone(page, school, screenshot):
    make_staff(school, "matveeva", "Матвеева", "Ольга", "Игоревна")
    director = make_staff(school, "director", "Директорова", "Марина", "Львовна",
                          role=Role.DIRECTOR)
    TOTPDevice.objects.create(user=director, name="телефон", confirmed=True)
    make_staff(school, "admin", "Админов", "Игорь", "Николаевич", role=Role.ADMINISTRATOR)
    guesser = Client()
    for attempt in range(5):
        guesser.post(reverse("login"), {"username": "matveeva", "password": f"x{attempt}"},
                     REMOTE_ADDR="203.0.113.5")
    page.set_viewport_size(PHONE)
    sign_in(page, "admin", PASSWORD)
    page.goto(reverse("security"))
    row = page.get_by_test_id("lockout")
    expect(row).to_contain_text("Логин matveeva")
    expect(page.get_by_test_id("second-factor-staff")).to_contain_text("Директорова Марина Львовна")
    assert_accessible(page)
    assert page_width(page) <= PHONE["width"]
    screenshot(page, "sign-in-security-phone")

    page.get_by_role("button", name="Открыть вход: логин matveeva").click()
    expect(page.get_by_text("Вход снова открыт: логин «matveeva».")).to_be_visible()
    expect(page.get_by_test_id("no-lockouts")).to_be_visible()
    page.context.clear_cookies()
    sign_in(page, "matveeva", PASSWORD)
