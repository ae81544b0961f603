"""Sessions read from Redis (`cached_db`) and the menu's role flags from the cache: a page costs
no query for either, and whatever ends a session or takes a role away still does so."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.access import navigation_of
from accounts.models import StaffRole
from accounts.roles import Role
from accounts.services.terminations import terminate
from tests.accounts.sign_in_steps import code_of, sign_in, signed_in_as
from tests.redis_cache import CACHED_DB, redis_cache  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("redis_cache")
ROOT = Path(__file__).resolve().parents[2]


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def stored(key: str) -> tuple[bool, bool]:
    """(in the cache, in the table)"""
    return (cache.get(KEY_PREFIX + key) is not None,
            Session.objects.filter(session_key=key).exists())


def with_cookie_of(key: str) -> Client:
    """Another browser that presents the session cookie `key` (a copied or stolen one)."""
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = key
    return browser


def queries_of(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize(("redis_url", "engine", "user_seconds"), [
    ("redis://127.0.0.1:6379/0", CACHED_DB, 300), ("", "django.contrib.sessions.backends.db", 0)])
def test_sessions_and_their_user_are_cached_in_redis_when_there_is_one_and_only_then(
        redis_url, engine, user_seconds):
    """Only a cache every process shares may keep the user: one process's memory could not be
    told of a change made through another."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "from ejournal import settings as s; "
                               "print(s.SESSION_ENGINE, s.SESSION_USER_SECONDS)"],
        cwd=ROOT, env={**os.environ, "DEBUG": "1", "REDIS_URL": redis_url},
        capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.split() == [engine, str(user_seconds)]


def test_a_page_reads_the_session_from_redis_not_from_the_table(client, parent):
    sign_in(client, "petrova")
    assert stored(session_key(client)) == (True, True)
    client.get(reverse("password_change"))
    assert not [sql for sql in queries_of(client, reverse("password_change"))
                if "django_session" in sql]


def test_signing_out_removes_the_session_from_redis_and_the_table(client, parent):
    sign_in(client, "petrova")
    key = session_key(client)
    assert client.post(reverse("logout")).status_code == 302
    assert stored(key) == (False, False)
    assert signed_in_as(with_cookie_of(key)) is None
    assert signed_in_as(client) is None


def test_sign_out_everywhere_leaves_no_other_session_usable_or_kept(client, parent, teacher):
    phone, desk, other = Client(), Client(), Client()
    for browser in (phone, desk):
        sign_in(browser, "petrova")
    sign_in(other, "matveeva")
    phone_key = session_key(phone)

    assert desk.post(reverse("sign_out_everywhere")).status_code == 302
    assert signed_in_as(with_cookie_of(phone_key)) is None
    # That click found the session's user changed and dropped it from both stores.
    assert stored(phone_key) == (False, False)
    assert signed_in_as(phone) is None
    assert signed_in_as(other) == "matveeva"


def test_a_termination_ends_the_familys_open_session_at_once(class_teacher, parent):
    phone = Client()
    sign_in(phone, "petrova")
    assert signed_in_as(phone) == "petrova"
    terminate(class_teacher, None, parent, applicant_name="Петрова Наталья Андреевна",
              applicant_address="г. Воронеж, ул. Липовая, д. 3, кв. 14",
              reason="Заявление родителя", terminated_on=timezone.localdate())
    assert signed_in_as(phone) is None


def test_the_second_factor_is_kept_in_the_cached_session_and_its_reset_ends_it(
        director, administrator):
    device = TOTPDevice.objects.create(user=director, name="телефон", confirmed=True)
    browser = Client()
    sign_in(browser, "director")
    before_code = session_key(browser)
    assert browser.get(reverse("home")).url.startswith(reverse("two_factor_verify"))
    browser.post(reverse("two_factor_verify"), {"code": code_of(device), "next": "/"})
    # A new key once the code is given; the one before it is gone from the cache and the table.
    assert session_key(browser) != before_code
    assert stored(before_code) == (False, False)
    assert browser.get(reverse("home")).status_code == 200
    assert with_cookie_of(before_code).get(reverse("home")).status_code == 302

    admin = Client()
    admin.force_login(administrator)
    admin.post(reverse("reset_second_factor", args=[director.pk]))
    assert signed_in_as(browser) is None


def test_a_locked_out_login_gets_no_session(client, teacher):
    for _ in range(10):
        sign_in(client, "matveeva", "не тот пароль")
    assert sign_in(client, "matveeva").status_code == 429
    assert signed_in_as(client) is None


# The menu's role flags -------------------------------------------------------------------------

def person_queries(client: Client, url: str) -> list[str]:
    """The queries of `accounts.access.person_of` (its flags are named `_leads`, `_reads`...)."""
    return [sql for sql in queries_of(client, url) if '"_leads"' in sql]


def test_the_menu_reads_the_roles_from_the_cache(client, secretary, django_assert_num_queries):
    client.force_login(secretary)
    page = reverse("password_change")  # a page that checks no role itself
    assert len(person_queries(client, page)) == 1
    assert person_queries(client, page) == []
    request = RequestFactory().get(page)
    request.user = secretary
    with django_assert_num_queries(0):
        assert navigation_of(request).keeps_records


def test_a_removed_role_leaves_its_pages_at_once_and_the_menu_within_the_stated_time(
        client, secretary, settings):
    settings.ROLE_FLAGS_SECONDS = 1
    client.force_login(secretary)
    menu = reverse("password_change")
    assert 'data-testid="nav-secretary"' in client.get(menu).content.decode()

    StaffRole.objects.filter(user=secretary, role=Role.SECRETARY).delete()
    assert client.get(reverse("secretary:people")).status_code == 404
    # The menu's link may stay for ROLE_FLAGS_SECONDS and leads to the refusal above...
    assert 'data-testid="nav-secretary"' in client.get(menu).content.decode()
    time.sleep(1.1)
    # ...and not longer.
    assert 'data-testid="nav-secretary"' not in client.get(menu).content.decode()


def test_a_page_that_checks_roles_shows_its_menu_as_they_are(client, secretary):
    client.force_login(secretary)
    assert 'data-testid="nav-secretary"' in client.get(reverse("password_change")).content.decode()
    StaffRole.objects.filter(user=secretary, role=Role.SECRETARY).delete()
    # The home page reads the roles from the database; its menu follows the same answer.
    assert 'data-testid="nav-secretary"' not in client.get(reverse("home")).content.decode()


def test_signing_in_again_shows_the_roles_as_they_are(client, school, secretary):
    sign_in(client, "secretary")
    assert 'data-testid="nav-secretary"' in client.get(reverse("password_change")).content.decode()
    StaffRole.objects.filter(user=secretary, role=Role.SECRETARY).delete()
    StaffRole.objects.create(user=secretary, school=school, role=Role.DATA_OFFICER)
    another = Client()
    sign_in(another, "secretary")
    # The menu is the user's, not the session's: the one already open follows too.
    for browser in (another, client):
        page = browser.get(reverse("password_change")).content.decode()
        assert 'data-testid="nav-secretary"' not in page and 'data-testid="nav-dpo"' in page


def test_with_no_time_set_the_menu_reads_the_roles_on_every_page(client, secretary, settings):
    settings.ROLE_FLAGS_SECONDS = 0
    client.force_login(secretary)
    page = reverse("password_change")
    assert len(person_queries(client, page)) == 1
    assert len(person_queries(client, page)) == 1
