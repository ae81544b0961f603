from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP, hotp

from accounts.models import User
from journal.demo import cast
from journal.management.commands.demo_logins import demo_authenticator


class Command(BaseCommand):
    help = ("Печатает текущий код второго фактора демо-входа (директор, администратор) — вместо "
            "приложения-аутентификатора. Только для демо-ключа: другим учётным записям кодов не "
            "печатает.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("login", help="Демо-логин, например director.")

    def handle(self, *args, login: str, **options) -> None:
        user = User.objects.filter(username=login).first() if login in cast.LOGINS else None
        device = demo_authenticator(user) if user is not None else None
        if device is None:
            raise CommandError(f"У логина «{login}» нет демо-аутентификатора: коды печатаются "
                               f"только для демо-входов со вторым фактором (manage.py demo_logins).")
        now = time.time()
        current = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
        # A code is accepted once: after a sign-in in this time step, give the next step's code,
        # which the site accepts too (it allows `tolerance` steps either way).
        step = max(current, device.last_t + 1)
        if step > current + device.tolerance:
            wait = device.t0 + (step - device.tolerance - device.drift) * device.step - now
            raise CommandError(f"Коды на ближайшие полминуты уже использованы: повторите через "
                               f"{int(wait) + 1} с.")
        valid_until = device.t0 + (step + device.tolerance + 1 - device.drift) * device.step
        self.stdout.write(f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}")
        self.stderr.write(f"Код для «{login}» действует ещё около {int(valid_until - now)} с.")
