"""Sending SMS through the school's gateway: an interface, and its HTTP implementation (a POST
of JSON with a bearer token to `SMS_GATEWAY_URL`), the one the settings choose."""

from __future__ import annotations

from typing import Protocol

import requests
from django.conf import settings


class SmsError(Exception):
    """The gateway did not take the message; the delivery is tried again within its budget."""


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Hand one message to the gateway, or raise SmsError."""


class HttpSmsGateway:
    """POST {"to": phone, "text": text} with `Authorization: Bearer <token>`; any 2xx answer
    means the gateway took the message."""

    def __init__(self, url: str, token: str, timeout: float = 10):
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, phone: str, text: str) -> None:
        try:
            response = requests.post(self.url, json={"to": phone, "text": text},
                                     headers={"Authorization": f"Bearer {self.token}"},
                                     timeout=self.timeout)
        except requests.RequestException as exc:
            raise SmsError(f"SMS-шлюз не отвечает: {exc}") from exc
        if not 200 <= response.status_code < 300:
            raise SmsError(f"SMS-шлюз ответил {response.status_code}: "
                           f"{response.text[:200]}")


def gateway() -> SmsGateway:
    if not settings.SMS_GATEWAY_URL:
        raise SmsError("Отправка SMS не настроена (SMS_GATEWAY_URL).")
    return HttpSmsGateway(settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN,
                          settings.SMS_GATEWAY_TIMEOUT)
