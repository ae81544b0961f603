"""Lock-out after repeated wrong passwords: by login and, at a higher threshold, by address, for
the cool-off only; the administrator sees lock-outs and lifts them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from accounts.signin.addresses import client_address
from tests.accounts.sign_in_steps import SCHOOL_ADDRESS, sign_in, signed_in_as
from tests.conftest import make_user

MSK = ZoneInfo("Europe/Moscow")
MORNING = dt.datetime(2026, 10, 5, 8, 30, tzinfo=MSK)
HOME = "192.0.2.77"  # the teacher's own address, not the school's


def fail(client, login: str, times: int, *, address: str = SCHOOL_ADDRESS):
    responses = [sign_in(client, login, "не тот пароль", address=address) for _ in range(times)]
    return responses[-1]


@pytest.fixture
def morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def test_ten_wrong_passwords_lock_the_login_and_then_the_right_one_is_refused(
        client, teacher, morning):
    first = sign_in(client, "matveeva", "не тот пароль")
    assert first.status_code == 200
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in first.content.decode()

    last = fail(client, "matveeva", 9)
    assert last.status_code == 429
    assert "Вход временно закрыт" in last.content.decode()

    refused = sign_in(client, "matveeva")
    assert refused.status_code == 429
    assert signed_in_as(client) is None


def test_the_lock_out_page_says_when_to_try_again(client, teacher, morning):
    fail(client, "matveeva", 4)
    morning.shift(dt.timedelta(minutes=2))
    page = fail(client, "matveeva", 1).content.decode()
    # Five failures, the last at 08:32: closed for 15 minutes from then.
    assert "Для логина «matveeva» было слишком много неверных паролей подряд." in page
    assert "Повторите вход после <strong>08:47</strong> (через 15 минут)." in page


def test_after_the_cool_off_the_right_password_signs_in(client, teacher, morning):
    fail(client, "matveeva", 10)
    morning.shift(dt.timedelta(minutes=14))
    assert sign_in(client, "matveeva").status_code == 429
    morning.shift(dt.timedelta(minutes=1, seconds=1))
    response = sign_in(client, "matveeva")
    assert response.status_code == 302
    assert signed_in_as(client) == "matveeva"


def test_wrong_passwords_during_the_lock_out_do_not_prolong_it(client, teacher, morning):
    """A student who keeps typing cannot keep a teacher out for good."""
    fail(client, "matveeva", 5)
    for _ in range(14):
        morning.shift(dt.timedelta(minutes=1))
        assert fail(client, "matveeva", 1).status_code == 429
    morning.shift(dt.timedelta(minutes=1, seconds=1))
    assert sign_in(client, "matveeva").status_code == 302


def test_four_wrong_passwords_lock_nothing(client, teacher, morning):
    fail(client, "matveeva", 4)
    assert sign_in(client, "matveeva").status_code == 302


def test_a_lock_out_of_a_login_holds_at_every_address(client, teacher, morning):
    fail(client, "matveeva", 5)
    assert sign_in(client, "matveeva", address=HOME).status_code == 429


def test_one_address_gets_more_tries_than_one_login_but_not_unlimited(client, teacher, morning):
    """Pupils at a school's shared address mistyping their own passwords do not lock the school
    out at once; twenty failures from one address do, for every login, and only there."""
    for number in range(19):
        make_user(f"pupil{number}", "Учеников", "Пётр")
        sign_in(client, f"pupil{number}", "не тот пароль")
    assert sign_in(client, "matveeva").status_code == 302
    client.logout()

    assert fail(client, "pupil0", 1).status_code == 429
    assert sign_in(client, "matveeva").status_code == 429
    page = sign_in(client, "matveeva").content.decode()
    assert "С вашего адреса было слишком много неверных паролей подряд." in page
    assert sign_in(client, "matveeva", address=HOME).status_code == 302


def test_behind_the_trusted_proxy_the_client_address_counts(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    factory = RequestFactory()
    via_proxy = factory.post("/login/", REMOTE_ADDR="10.0.0.3",
                             HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.4")
    assert client_address(via_proxy) == "198.51.100.4"
    # Whatever the client wrote itself stands left of the proxy's entry and is ignored; a
    # client that reaches the site past the proxy is counted at its own address.
    direct = factory.post("/login/", REMOTE_ADDR="198.51.100.9",
                          HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert client_address(direct) == "198.51.100.9"
    chained = factory.post("/login/", REMOTE_ADDR="10.0.0.3",
                           HTTP_X_FORWARDED_FOR="198.51.100.4, 10.0.0.7")
    assert client_address(chained) == "198.51.100.4"
    settings.TRUSTED_PROXIES = []
    assert client_address(via_proxy) == "10.0.0.3"


def test_behind_the_proxy_two_families_at_different_addresses_are_counted_apart(
        client, settings, teacher, morning):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    settings.SIGNIN_ADDRESS_FAILURES = 3
    for number in range(3):
        make_user(f"guess{number}", "Подборов", "Иван")
        client.post(reverse("login"), {"username": f"guess{number}", "password": "x"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    attacker = client.post(reverse("login"), {"username": "matveeva", "password": "Проверка-2026"},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert attacker.status_code == 429
    neighbour = client.post(reverse("login"), {"username": "matveeva",
                                               "password": "Проверка-2026"},
                            REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert neighbour.status_code == 302


def test_the_limits_and_the_cool_off_are_settings(client, settings, teacher, morning):
    settings.SIGNIN_LOGIN_FAILURES = 3
    settings.SIGNIN_LOCKOUT_MINUTES = 60
    assert fail(client, "matveeva", 3).status_code == 429
    morning.shift(dt.timedelta(minutes=59))
    assert sign_in(client, "matveeva").status_code == 429
    morning.shift(dt.timedelta(minutes=2))
    assert sign_in(client, "matveeva").status_code == 302


# The administrator's page --------------------------------------------------------------------

def test_the_administrator_sees_the_lock_out_and_lifts_it_at_once(
        client, teacher, administrator, morning):
    fail(client, "matveeva", 5)
    admin = client.__class__()
    admin.force_login(administrator)
    page = admin.get(reverse("security")).content.decode()
    assert "Логин <strong>matveeva</strong>" in page
    assert "08:45" in page and "через 15 минут" in page

    response = admin.post(reverse("lift_lockout"), {"kind": "login", "value": "matveeva"},
                          follow=True)
    assert "Вход снова открыт: логин «matveeva»." in response.content.decode()
    assert "Сейчас закрытых входов нет." in response.content.decode()
    assert sign_in(client, "matveeva").status_code == 302


def test_the_administrator_lifts_a_lock_out_of_an_address(client, teacher, administrator,
                                                          settings, morning):
    settings.SIGNIN_ADDRESS_FAILURES = 2
    make_user("pupil", "Учеников", "Пётр")
    fail(client, "pupil", 2)
    assert sign_in(client, "matveeva").status_code == 429
    admin = client.__class__()
    admin.force_login(administrator)
    assert f"Адрес <strong>{SCHOOL_ADDRESS}</strong>" in admin.get(reverse("security")) \
        .content.decode()
    admin.post(reverse("lift_lockout"), {"kind": "address", "value": SCHOOL_ADDRESS})
    assert sign_in(client, "matveeva").status_code == 302


@pytest.mark.parametrize("who", ["teacher", "deputy", "director", "class_teacher"])
def test_nobody_else_sees_or_lifts_lock_outs(client, request, who, teacher, morning):
    fail(client, "matveeva", 5)
    someone = client.__class__()
    someone.force_login(request.getfixturevalue(who))
    assert someone.get(reverse("security")).status_code == 404
    lift = someone.post(reverse("lift_lockout"), {"kind": "login", "value": "matveeva"})
    assert lift.status_code == 404
    assert sign_in(client, "matveeva").status_code == 429


def test_a_locked_out_teacher_cannot_lift_their_own_lock_out(client, teacher, morning):
    session = client.__class__()
    session.force_login(teacher)  # signed in at home before someone guessed at school
    fail(client, "matveeva", 5)
    lift = session.post(reverse("lift_lockout"), {"kind": "login", "value": "matveeva"})
    assert lift.status_code == 404
    assert sign_in(client, "matveeva").status_code == 429


def test_an_administrator_cannot_lift_the_lock_out_of_their_own_login(
        client, administrator, morning):
    admin = client.__class__()
    admin.force_login(administrator)
    fail(client, "admin", 5)
    assert "ваш логин" in admin.get(reverse("security")).content.decode()
    lift = admin.post(reverse("lift_lockout"), {"kind": "login", "value": "admin"})
    assert lift.status_code == 404
    assert sign_in(client, "admin").status_code == 429


def test_lifting_a_lock_out_that_is_not_in_force_is_not_found(client, teacher, administrator,
                                                              morning):
    fail(client, "matveeva", 4)  # not locked yet
    admin = client.__class__()
    admin.force_login(administrator)
    for kind, value in [("login", "matveeva"), ("address", SCHOOL_ADDRESS), ("login", "nobody"),
                        ("school", "matveeva")]:
        assert admin.post(reverse("lift_lockout"), {"kind": kind, "value": value}) \
            .status_code == 404
    assert fail(client, "matveeva", 1).status_code == 429  # the four failures still count


def test_the_security_page_lists_lock_outs_in_few_queries(client, teacher, administrator,
                                                          morning, django_assert_max_num_queries):
    for number in range(5):
        make_user(f"pupil{number}", "Учеников", "Пётр")
        fail(client, f"pupil{number}", 5, address=f"192.0.2.{100 + number}")
    admin = client.__class__()
    admin.force_login(administrator)
    with django_assert_max_num_queries(10):
        page = admin.get(reverse("security")).content.decode()
    assert page.count('data-testid="lockout"') == 5
