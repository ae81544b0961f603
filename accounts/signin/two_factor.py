"""The second factor at sign-in: a code from an authenticator app (TOTP, django-otp) or one of
ten one-time recovery codes.

Required of `SECOND_FACTOR_ROLES` and superusers; any other staff member may switch it on. Whoever
needs it gives a code after the password, and sees no page but these until they do.
"""

from __future__ import annotations

import io
from base64 import b32encode

import segno
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import StaffRole, User
from accounts.roles import SECOND_FACTOR_ROLES

RECOVERY_CODES = 10
AUTHENTICATOR_NAME = "Приложение-аутентификатор"
RECOVERY_NAME = "Коды восстановления"
WRONG_CODE = ("Код не подошёл. Введите шесть цифр, которые приложение показывает сейчас, или "
              "неиспользованный код восстановления.")


def _required_by_role() -> Q:
    return Q(is_superuser=True) | Q(Exists(StaffRole.objects.filter(
        user=OuterRef("pk"), role__in=SECOND_FACTOR_ROLES)))


def second_factor_needed() -> ExpressionWrapper:
    """For `User` querysets: whether the user must give a code after the password."""
    return ExpressionWrapper(
        _required_by_role()
        | Q(Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))),
        output_field=BooleanField())


def needs_second_factor(user) -> bool:
    """The session's user carries the answer from `PasswordBackend.get_user` (no query)."""
    needed = getattr(user, "needs_second_factor", None)
    if needed is None:
        needed = (User.objects.filter(pk=user.pk).annotate(needed=second_factor_needed())
                  .values_list("needed", flat=True).get())
        user.needs_second_factor = needed
    return needed


def is_required(user) -> bool:
    """Required by the user's roles: they may not switch it off."""
    return User.objects.filter(_required_by_role(), pk=user.pk).exists()


def authenticator_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed, so that reloading
    the page does not invalidate what the phone has scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME,
                                               confirmed=False)


def confirm_authenticator(user, device: TOTPDevice, code: str) -> list[str] | None:
    """Switches the second factor on when `code` is the device's current one; returns the new
    recovery codes, or None for a wrong code (nothing changed but the device's throttle)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user,
                                                            confirmed=False)
        if not _is_totp(normalise(code)) or not device.verify_token(normalise(code)):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.created_at = timezone.now()
        device.save(update_fields=["confirmed", "created_at"])
        return new_recovery_codes(user)


def new_recovery_codes(user) -> list[str]:
    """Ten new recovery codes in place of the old ones; shown to the user once."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def switch_off(user) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _is_totp(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


def verify_code(user, code: str) -> tuple[TOTPDevice | StaticDevice | None, str]:
    """The device that accepts `code` (an app's six digits or a recovery code), or None and the
    reason in Russian. Wrong codes slow down further tries (django-otp's throttling)."""
    code = normalise(code)
    model = TOTPDevice if _is_totp(code) else StaticDevice
    with transaction.atomic():
        for device in model.objects.select_for_update().filter(user=user, confirmed=True):
            allowed, details = device.verify_is_allowed()
            if not allowed:
                wait = (details or {}).get("locked_until")
                seconds = max(1, int((wait - timezone.now()).total_seconds())) if wait else 1
                return None, (f"Слишком много неверных кодов подряд. Следующая попытка — через "
                              f"{seconds} с.")
            if device.verify_token(code):
                return device, ""
    return None, WRONG_CODE


def display_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The authenticator's set-up link as an inline SVG QR code (no style attributes)."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", xmldecl=False, svgns=True, border=4, dark="#000", light="#fff",
        omitsize=True, svgclass="qr-code", lineclass=None,
        title="QR-код для приложения-аутентификатора")
    return buffer.getvalue().decode()
