from __future__ import annotations

import argparse
import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.signin import session_user
from journal import versions
from journal.demo.build import seed_demo
from journal.demo.cast import DEMO_PASSWORD
from journal.demo.school import SIZES
from journal.models import School


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"ожидается дата ГГГГ-ММ-ДД, получено {value!r}") from exc


class Command(BaseCommand):
    help = ("Создаёт демонстрационную школу с сотрудниками, учениками, родителями, расписанием "
            "и журналами с 1 сентября по сегодняшний день.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--size", choices=list(SIZES), default="normal",
                            help="small — три класса для тестов, normal — ~750 учеников, "
                                 "large — ~2000 учеников.")
        parser.add_argument("--if-empty", action="store_true",
                            help="Ничего не делать, если в базе уже есть школа.")
        parser.add_argument("--today", type=_date, default=None,
                            help="Считать сегодняшним днём эту дату (ГГГГ-ММ-ДД): журналы "
                                 "заполняются до неё. Для сравнимых замеров.")

    def handle(self, *args, size: str, if_empty: bool, today: dt.date | None,
               **options) -> None:
        if School.objects.exists():
            if if_empty:
                self.stdout.write("Демо-школа уже загружена (в базе есть школа), пропускаю.")
                return
            raise CommandError("В базе уже есть школа. Демо-школу создают в пустой базе; "
                               "--if-empty пропускает этот шаг без ошибки.")
        started = time.monotonic()
        counts = seed_demo(size, today or timezone.localdate(), self.stdout.write)
        # A cache that outlived an earlier database (the same Redis) may hold pages built for
        # rows with the same ids: the new setup version leaves them all behind.
        versions.bump_setup()
        session_user.forget_everyone()
        self.stdout.write("Итого:")
        width = max(len(label) for label, _ in counts)
        for label, value in counts:
            self.stdout.write(f"  {label.ljust(width)}  {value:>8}")
        self.stdout.write(self.style.SUCCESS(
            f"Демо-школа создана за {time.monotonic() - started:.1f} с. Входы: "
            f"manage.py demo_logins, пароль у всех: {DEMO_PASSWORD}"))
