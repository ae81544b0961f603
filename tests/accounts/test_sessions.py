"""Ending a user's sessions signs them out in every browser at once, and nobody else."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.sessions import end_all_sessions
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_open_session_of_the_user_ends_and_no_one_elses():
    user, other = make_user("ivanova", "Иванова", "Анна"), make_user("petrov", "Петров", "Пётр")
    phone, desk, others = signed_in(user), signed_in(user), signed_in(other)
    assert phone.get("/").wsgi_request.user == user

    end_all_sessions(user)

    assert not phone.get("/").wsgi_request.user.is_authenticated
    assert not desk.get("/").wsgi_request.user.is_authenticated
    assert others.get("/").wsgi_request.user == other
    assert signed_in(user).get("/").wsgi_request.user == user  # a new sign-in works
