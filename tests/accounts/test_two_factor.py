"""The second factor: required of the director, the administrator and superusers, optional for
other staff; codes from an authenticator app and one-time recovery codes."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import StaffRole
from accounts.roles import Role
from journal.demo import cast
from tests.accounts.sign_in_steps import code_of, sign_in
from tests.conftest import make_staff, make_user
from tests.test_deploy import production_env, settings_of

START = dt.datetime(2026, 10, 5, 5, 30, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def authenticator(director) -> TOTPDevice:
    """The director's phone, set up earlier."""
    return TOTPDevice.objects.create(user=director, name="телефон", confirmed=True)


def enter(client, code: str, next_url: str = "/"):
    return client.post(reverse("two_factor_verify"), {"code": code, "next": next_url})


def is_let_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def set_up(client, clock) -> tuple[TOTPDevice, list[str]]:
    """Switches the second factor on through its page, as a person with a phone does; returns
    the device and the recovery codes the page showed."""
    page = client.get(reverse("two_factor"))
    assert page.status_code == 200
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    device = TOTPDevice.objects.get(user=page.wsgi_request.user, confirmed=False)
    assert secret.replace(" ", "") == device.config_url.split("secret=")[1].split("&")[0]
    confirmed = client.post(reverse("two_factor"), {"code": code_of(device)})
    assert confirmed.status_code == 302
    codes_page = client.get(confirmed.url).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    clock.shift(dt.timedelta(seconds=31))
    return TOTPDevice.objects.get(pk=device.pk), codes


def test_the_director_cannot_open_any_page_without_the_second_factor(client, director,
                                                                     authenticator, small_school):
    response = sign_in(client, "director")
    assert response.status_code == 302
    pages = [reverse("home"), reverse("journal:my_journals"), reverse("admin:index"),
             reverse("password_change"), reverse("security"),
             reverse("journal:journal", args=[small_school.maths_5a.pk])]
    for url in pages:
        answer = client.get(url)
        assert answer.status_code == 302, url
        assert answer.url.startswith(reverse("two_factor_verify")), url
    assert client.post(reverse("sign_out_everywhere")).url.startswith(reverse("two_factor_verify"))

    page = client.get(reverse("two_factor_verify")).content.decode()
    assert "Второй шаг входа" in page
    assert 'data-testid="user-menu"' not in page  # no menu to pages that refuse anyway


def test_a_wrong_code_is_refused(client, director, authenticator, clock):
    sign_in(client, "director")
    wrong = f"{(int(code_of(authenticator)) + 1) % 1_000_000:06d}"
    response = enter(client, wrong)
    assert response.status_code == 200
    assert "Код не подошёл." in response.content.decode()
    assert not is_let_in(client)


def test_the_right_code_lets_the_director_in_where_they_were_going(client, director,
                                                                   authenticator, clock):
    sign_in(client, "director")
    going = client.get(reverse("journal:my_journals"))
    assert going.url == f"{reverse('two_factor_verify')}?next=%2Fjournal%2F"
    response = enter(client, code_of(authenticator), next_url="/journal/")
    assert response.status_code == 302 and response.url == "/journal/"
    assert is_let_in(client)


def test_a_code_from_another_site_or_time_is_refused(client, director, authenticator, clock):
    sign_in(client, "director")
    old = code_of(authenticator, at=START.timestamp() - 600)
    assert enter(client, old).status_code == 200
    assert not is_let_in(client)


def test_one_code_lets_in_once(client, director, authenticator, clock):
    code = code_of(authenticator)
    sign_in(client, "director")
    enter(client, code)
    assert is_let_in(client)
    other = client.__class__()
    sign_in(other, "director")
    assert "Код не подошёл." in enter(other, code).content.decode()


def test_wrong_codes_in_a_row_slow_the_next_tries_down(client, director, authenticator, clock):
    sign_in(client, "director")
    enter(client, "000000")
    response = enter(client, code_of(authenticator))
    assert "Слишком много неверных кодов подряд. Следующая попытка — через 1 с." in \
        response.content.decode()
    assert not is_let_in(client)
    clock.shift(dt.timedelta(seconds=2))
    enter(client, code_of(authenticator))
    assert is_let_in(client)


def test_a_director_without_an_authenticator_sets_one_up_before_anything_else(
        client, director, clock):
    sign_in(client, "director")
    verify = client.get(reverse("home"))
    assert verify.url.startswith(reverse("two_factor_verify"))
    setup = client.get(verify.url)
    assert setup.url.startswith(reverse("two_factor"))
    page = client.get(setup.url).content.decode()
    assert "Для вашей роли вход по одному паролю закрыт" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and "style=" not in page
    assert not is_let_in(client)

    device, codes = set_up(client, clock)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert is_let_in(client)


def test_a_wrong_code_at_set_up_switches_nothing_on(client, teacher, clock):
    client.force_login(teacher)
    client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=teacher)
    page = client.post(reverse("two_factor"), {"code": "12345"}).content.decode()
    assert "Код из приложения — шесть цифр." in page
    wrong = f"{(int(code_of(device)) + 7) % 1_000_000:06d}"
    assert "Код не подошёл." in client.post(reverse("two_factor"), {"code": wrong}) \
        .content.decode()
    assert not TOTPDevice.objects.filter(user=teacher, confirmed=True).exists()
    # The same secret stays on the page, so the phone that scanned it need not scan again.
    assert device.pk == TOTPDevice.objects.get(user=teacher).pk


def test_recovery_codes_are_shown_once_and_each_lets_in_once(client, director, clock):
    sign_in(client, "director")
    _device, codes = set_up(client, clock)
    assert client.get(reverse("two_factor_codes")).status_code == 302  # not shown again
    client.post(reverse("logout"))

    sign_in(client, "director")
    response = enter(client, codes[3].upper()[:4] + "-" + codes[3][4:])
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Вы вошли по коду восстановления; неиспользованных кодов осталось: 9." in \
        home.content.decode()
    client.post(reverse("logout"))

    sign_in(client, "director")
    clock.shift(dt.timedelta(seconds=5))
    assert "Код не подошёл." in enter(client, codes[3]).content.decode()
    assert not is_let_in(client)


def test_new_recovery_codes_replace_the_old_ones(client, teacher, clock):
    client.force_login(teacher)
    _device, old = set_up(client, clock)
    response = client.post(reverse("two_factor_new_codes"))
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>",
                     client.get(response.url).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=teacher).values_list("token", flat=True)) \
        == set(new)


def test_a_teacher_switches_it_on_and_then_needs_a_code(client, teacher, clock):
    client.force_login(teacher)
    assert "Двухфакторный вход" in client.get(reverse("home")).content.decode()  # user menu
    device, _codes = set_up(client, clock)
    client.post(reverse("logout"))

    sign_in(client, "matveeva")
    assert not is_let_in(client)
    enter(client, code_of(device))
    assert is_let_in(client)


def test_a_teacher_switches_it_off_again(client, teacher, clock):
    client.force_login(teacher)
    set_up(client, clock)
    page = client.get(reverse("two_factor")).content.decode()
    assert "Выключить двухфакторный вход" in page and 'data-testid="codes-left">10<' in page
    client.post(reverse("two_factor_off"))
    client.post(reverse("logout"))
    sign_in(client, "matveeva")
    assert is_let_in(client)


def test_the_director_cannot_switch_it_off(client, director, authenticator):
    client.force_login(director)
    assert "Выключить" not in client.get(reverse("two_factor")).content.decode()
    assert client.post(reverse("two_factor_off")).status_code == 404
    assert TOTPDevice.objects.filter(user=director, confirmed=True).exists()


def test_the_settings_of_a_second_factor_need_the_second_factor(client, teacher, clock):
    """Signed in with the password alone, nobody turns the second factor off or reads codes."""
    client.force_login(teacher)
    device, _codes = set_up(client, clock)
    client.post(reverse("logout"))
    sign_in(client, "matveeva")
    assert client.get(reverse("two_factor")).url.startswith(reverse("two_factor_verify"))
    assert client.post(reverse("two_factor_off")).status_code == 302
    assert client.post(reverse("two_factor_new_codes")).status_code == 302
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert StaticToken.objects.filter(device__user=teacher).count() == 10


def test_families_have_no_second_factor_page(client, parent):
    client.force_login(parent)
    assert client.get(reverse("two_factor")).status_code == 404
    assert "Двухфакторный вход" not in client.get(reverse("diary:index"), follow=True) \
        .content.decode()


def test_a_superuser_needs_it_too(client, school, clock):
    make_user("root", "Суперов", "Сергей", is_superuser=True)
    sign_in(client, "root")
    assert client.get(reverse("admin:index")).url.startswith(reverse("two_factor_verify"))


def test_a_role_given_while_signed_in_asks_for_the_code_at_the_next_click(client, teacher,
                                                                          school):
    sign_in(client, "matveeva")
    assert is_let_in(client)
    StaffRole.objects.create(user=teacher, school=school, role=Role.ADMINISTRATOR)
    assert not is_let_in(client)


# The administrator resets a lost second factor -----------------------------------------------

def test_the_administrator_resets_a_lost_second_factor(client, director, authenticator,
                                                       administrator):
    lost = client.__class__()
    lost.force_login(director)
    admin = client
    admin.force_login(administrator)
    page = admin.get(reverse("security")).content.decode()
    assert "Директорова Марина Львовна" in page
    response = admin.post(reverse("reset_second_factor", args=[director.pk]), follow=True)
    assert "Двухфакторный вход сброшен: Директорова Марина Львовна" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=director).exists()
    # The sessions with the lost phone's code have ended; she sets up a new phone at sign-in.
    assert lost.get(reverse("home")).url.startswith(reverse("login"))
    sign_in(lost, "director")
    assert lost.get(reverse("two_factor_verify")).url.startswith(reverse("two_factor"))


@pytest.mark.parametrize("who", ["teacher", "deputy", "director"])
def test_nobody_else_resets_a_second_factor(client, request, who, school):
    owner = make_staff(school, "owner", "Владелец", "Иван")
    device = TOTPDevice.objects.create(user=owner, name="телефон", confirmed=True)
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("reset_second_factor", args=[owner.pk])).status_code == 404
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_an_administrator_resets_neither_their_own_nor_another_schools_staff(
        client, administrator, school):
    from journal.models import School

    other_school = School.objects.create(name="Школа № 8", short_name="Школа № 8")
    stranger = make_staff(other_school, "stranger", "Чужой", "Иван")
    TOTPDevice.objects.create(user=stranger, name="телефон", confirmed=True)
    client.force_login(administrator)
    for user in (administrator, stranger):
        assert client.post(reverse("reset_second_factor", args=[user.pk])).status_code == 404
    assert TOTPDevice.objects.filter(user__in=[administrator, stranger]).count() == 2


# The demo --------------------------------------------------------------------------------------

@pytest.fixture
def demo_director(school):
    director = make_staff(school, "director", "Соколова", "Марина", role=Role.DIRECTOR)
    TOTPDevice.objects.create(user=director, name="Демо-аутентификатор", key=cast.DEMO_TOTP_KEY,
                              confirmed=True)
    return director


def test_demo_code_prints_the_code_the_site_accepts(client, demo_director, clock):
    out = StringIO()
    call_command("demo_code", "director", stdout=out, stderr=StringIO())
    sign_in(client, "director")
    assert not is_let_in(client)  # the demo's password alone opens nothing either
    enter(client, out.getvalue().strip())
    assert is_let_in(client)
    # Right after a sign-in the next code is printed: a second sign-in within the half-minute.
    again = StringIO()
    call_command("demo_code", "director", stdout=again, stderr=StringIO())
    other = client.__class__()
    sign_in(other, "director")
    enter(other, again.getvalue().strip())
    assert is_let_in(other)


@pytest.mark.parametrize("environment", [{}, {"DEMO": "1", "SECRET_KEY": None}],
                         ids=["production", "demo"])
def test_the_demo_asks_for_the_second_factor_as_production_does(tmp_path, environment):
    """No bypass for the demo that production could inherit: the same middleware either way."""
    seen = settings_of(production_env(tmp_path, **environment), "MIDDLEWARE")
    for middleware in ("django_otp.middleware.OTPMiddleware",
                       "accounts.signin.middleware.SecondFactorMiddleware"):
        assert middleware in seen["MIDDLEWARE"], middleware


def test_demo_code_prints_nothing_for_an_account_without_the_demo_key(director, authenticator):
    with pytest.raises(CommandError, match="нет демо-аутентификатора"):
        call_command("demo_code", "director", stdout=StringIO())
    with pytest.raises(CommandError, match="нет демо-аутентификатора"):
        call_command("demo_code", "matveeva", stdout=StringIO())


def test_demo_logins_print_the_demo_key_and_the_code_command(demo_director):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "Второй фактор (director): после пароля — код из приложения-аутентификатора." in text
    assert "MVVG 65LS" not in text and "MVVG65LSNZQWYLLEMVWW6LJSGAZDMIJB" in text
    assert ".venv/bin/python manage.py demo_code director" in text


def test_the_code_page_sends_anyone_who_owes_no_code_on(client, parent):
    client.force_login(parent)
    response = client.get(reverse("two_factor_verify"), {"next": "/diary/"})
    assert response.status_code == 302 and response.url == "/diary/"
