"""Signing in through the pages, as a browser does: the lock-out, second-factor and session
tests share these steps."""

from __future__ import annotations

import time

from django.urls import reverse
from django_otp.oath import TOTP

from tests.conftest import PASSWORD

SCHOOL_ADDRESS = "192.0.2.10"


def sign_in(client, login: str, password: str = PASSWORD, *, address: str = SCHOOL_ADDRESS,
            **fields):
    return client.post(reverse("login"), {"username": login, "password": password, **fields},
                       REMOTE_ADDR=address)


def signed_in_as(client) -> str | None:
    """The login the client's session belongs to, as the site sees it on the next page."""
    response = client.get(reverse("password_change"))
    user = response.wsgi_request.user
    return user.get_username() if user.is_authenticated else None


def code_of(device, at: float | None = None) -> str:
    """The code the authenticator app shows now (or at `at`), as the phone computes it."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"
