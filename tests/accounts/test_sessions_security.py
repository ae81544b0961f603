"""Staff sessions end after STAFF_SESSION_AGE without a click (families keep theirs longer);
«чужой компьютер» ends a session with the browser; «Выйти на всех устройствах»."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from tests.accounts.sign_in_steps import sign_in, signed_in_as

START = dt.datetime(2026, 10, 5, 5, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def session_cookie(client):
    return client.cookies[settings.SESSION_COOKIE_NAME]


def test_a_staff_session_ends_after_four_hours_without_a_click(client, teacher, clock):
    sign_in(client, "matveeva")
    clock.shift(dt.timedelta(hours=3, minutes=59))
    assert signed_in_as(client) == "matveeva"
    clock.shift(dt.timedelta(hours=4, minutes=1))
    response = client.get(reverse("journal:my_journals"), follow=True)
    assert response.redirect_chain[0][0] == f"{reverse('login')}?next=/journal/"
    assert "Сеанс завершён: на сайте не было действий больше 4 часов. Войдите снова." in \
        response.content.decode()
    assert signed_in_as(client) is None


def test_a_staff_session_in_use_stays_open_all_day(client, teacher, clock):
    sign_in(client, "matveeva")
    for _hour in range(9):
        clock.shift(dt.timedelta(hours=1))
        assert client.get(reverse("home")).status_code == 200
    assert signed_in_as(client) == "matveeva"
    # The browser's cookie follows the clicks too: it lasts from the latest one (an hour past
    # the limit, so that the page can say why the session has ended).
    assert session_cookie(client)["max-age"] == settings.STAFF_SESSION_AGE + 3600


def test_families_keep_their_longer_session(client, parent, clock):
    sign_in(client, "petrova")
    assert session_cookie(client)["max-age"] == settings.SESSION_COOKIE_AGE
    clock.shift(dt.timedelta(hours=6))
    assert signed_in_as(client) == "petrova"


def test_the_staff_session_age_is_a_setting(client, teacher, settings, clock):
    settings.STAFF_SESSION_AGE = 30 * 60
    sign_in(client, "matveeva")
    assert session_cookie(client)["max-age"] == 30 * 60 + 3600
    clock.shift(dt.timedelta(minutes=31))
    response = client.get(reverse("home"), follow=True)
    assert "не было действий больше 30 минут." in response.content.decode()
    assert signed_in_as(client) is None


def test_the_sign_in_page_offers_a_shared_computer(client):
    page = client.get(reverse("login")).content.decode()
    assert "Чужой компьютер" in page
    assert "Выйти, когда закроется браузер" in page


@pytest.mark.parametrize("who", ["matveeva", "petrova"])
def test_on_a_shared_computer_the_session_ends_with_the_browser(client, teacher, parent, who):
    sign_in(client, who, shared_computer="on")
    cookie = session_cookie(client)
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert signed_in_as(client) == who


def test_a_staff_session_on_a_shared_computer_still_ends_when_idle(client, teacher, clock):
    sign_in(client, "matveeva", shared_computer="on")
    clock.shift(dt.timedelta(hours=4, minutes=1))
    assert signed_in_as(client) is None


def test_sign_out_everywhere_ends_every_session_of_the_user(client, teacher, parent):
    other_browser = client.__class__()
    sign_in(other_browser, "matveeva")
    phone = client.__class__()
    sign_in(phone, "matveeva")
    family = client.__class__()
    sign_in(family, "petrova")

    response = phone.post(reverse("sign_out_everywhere"), follow=True)
    assert "Вы вышли на всех устройствах. Войдите снова." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("login")
    assert signed_in_as(phone) is None
    assert signed_in_as(other_browser) is None
    assert signed_in_as(family) == "petrova"
    # The password still signs in, on every device.
    assert sign_in(other_browser, "matveeva").status_code == 302


def test_sign_out_everywhere_is_in_everyones_menu_and_only_a_post(client, parent):
    client.force_login(parent)
    page = client.get(reverse("diary:index"), follow=True).content.decode()
    assert "Выйти на всех устройствах" in page
    assert client.get(reverse("sign_out_everywhere")).status_code == 405
    assert signed_in_as(client) == "petrova"
