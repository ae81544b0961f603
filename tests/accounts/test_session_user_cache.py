"""The session's user kept in Redis (`accounts.signin.session_user`): a signed-in page costs no
query for it, and every change of what decides access is seen on the very next request."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import StaffRole
from accounts.roles import Role
from accounts.services import credentials
from accounts.sessions import end_all_sessions
from accounts.signin import session_user
from tests.accounts.sign_in_steps import signed_in_as
from tests.redis_cache import redis_cache  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("redis_cache")
PAGE = "password_change"  # a page any signed-in user may open, which checks no role


def user_queries(client: Client) -> list[str]:
    """The session user's queries of one page (the one that also asks for the second factor)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(PAGE)).status_code == 200
    return [q["sql"] for q in queries.captured_queries if "needs_second_factor" in q["sql"]]


@pytest.fixture
def browser(teacher) -> Client:
    client = Client()
    client.force_login(teacher)
    assert len(user_queries(client)) == 1        # read once...
    return client


def test_the_user_is_read_once_and_then_kept(browser, teacher):
    assert user_queries(browser) == []           # ...then kept
    assert cache.get(session_user._key(teacher.pk)).username == teacher.username


def test_a_deactivated_user_is_signed_out_on_the_next_request(browser, teacher):
    teacher.is_active = False
    teacher.save()
    assert signed_in_as(browser) is None


def test_a_password_changed_elsewhere_ends_the_session(browser, teacher):
    teacher.set_password("совсем-другой-пароль-2026")
    teacher.save()
    assert signed_in_as(browser) is None


def test_signing_out_everywhere_is_seen_though_it_saves_no_user(browser, teacher):
    end_all_sessions(teacher)                   # an UPDATE: no signal
    assert signed_in_as(browser) is None


def test_a_forced_password_change_is_asked_for_and_then_lifted(browser, teacher):
    teacher.must_change_password = True
    teacher.save()
    assert browser.get(reverse("home")).url == reverse(PAGE)
    credentials.password_changed(teacher)        # an UPDATE: no signal
    assert browser.get(reverse("home")).status_code == 200


def test_a_role_that_needs_the_second_factor_asks_for_it_at_once(browser, teacher, school):
    StaffRole.objects.create(user=teacher, school=school, role=Role.DIRECTOR)
    assert browser.get(reverse("home")).url.startswith(reverse("two_factor_verify"))


def test_an_authenticator_switched_on_asks_for_its_code_at_once(browser, teacher):
    TOTPDevice.objects.create(user=teacher, name="телефон", confirmed=True)
    assert browser.get(reverse("home")).url.startswith(reverse("two_factor_verify"))


def test_a_renamed_user_sees_the_new_name(browser, teacher):
    teacher.last_name = "Новикова"
    teacher.save()
    assert "Новикова" in browser.get(reverse(PAGE)).content.decode()


def test_a_user_read_while_a_change_commits_is_not_kept(teacher):
    def read_while_deactivated():
        session_user.forget([teacher.pk])       # the change's commit, in another request
        return teacher

    assert session_user.cached(teacher.pk, read_while_deactivated) == teacher
    assert cache.get(session_user._key(teacher.pk)) is None
    assert session_user.cached(teacher.pk, lambda: teacher) == teacher
    assert cache.get(session_user._key(teacher.pk)) == teacher


def test_a_replaced_database_keeps_no_user_from_before(browser, teacher, secretary):
    other = Client()
    other.force_login(secretary)
    other.get(reverse(PAGE))
    cache.set("a-key-of-something-else", 1)
    session_user.forget_everyone()
    assert cache.get(session_user._key(teacher.pk)) is None
    assert cache.get(session_user._key(secretary.pk)) is None
    assert cache.get("a-key-of-something-else") == 1
    assert len(user_queries(browser)) == 1
