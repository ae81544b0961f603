from __future__ import annotations

from base64 import b32encode

from django.core.management.base import BaseCommand
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from journal.demo import cast
from journal.models import Enrolment


def demo_authenticator(user: User) -> TOTPDevice | None:
    """The user's authenticator if it is the demo's published one (demo data only)."""
    return TOTPDevice.objects.filter(user=user, key=cast.DEMO_TOTP_KEY, confirmed=True).first()


def _classes_of(student) -> str:
    enrolments = Enrolment.objects.current().filter(student=student)
    return ", ".join(str(e.school_class) for e in enrolments.select_related("school_class"))


def _role(member: cast.CastMember, user: User) -> str:
    """The member's title with what the data says about them: classes led, children, class."""
    parts = [member.title]
    led = [str(c) for c in user.led_classes.filter(year__is_current=True)]
    if led:
        parts.append(f"классный руководитель {', '.join(led)}")
    parent = getattr(user, "parent", None)
    if parent is not None:
        children = [_classes_of(child) for child in parent.children.order_by("birth_date")]
        if member.roles:
            parts.append("родитель")
        elif children:
            parts[0] += f" (дети в {' и '.join(children)})"
    student = getattr(user, "student", None)
    if student is not None:
        parts[0] += f" {_classes_of(student)}"
    return ", ".join(parts)


class Command(BaseCommand):
    help = "Печатает демо-входы: роль, логин, пароль и ФИО."

    def handle(self, *args, **options) -> None:
        members = [*cast.STAFF, cast.PARENT, cast.STUDENT]
        users = {u.username: u for u in User.objects.filter(username__in=cast.LOGINS)
                 .select_related("parent", "student")}
        if not users:
            self.stdout.write("Демо-школа не загружена: выполните manage.py seed_demo.")
            return
        # The role goes last: it is the long column.
        header = ("Логин", "Пароль", "ФИО", "Роль")
        rows = [(m.login, cast.DEMO_PASSWORD, users[m.login].full_name, _role(m, users[m.login]))
                for m in members if m.login in users]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        line = "  ".join("-" * w for w in widths)
        self.stdout.write("Демо-входы (пароль у всех один):")
        self.stdout.write("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
                          .rstrip())
        self.stdout.write(line)
        for row in rows:
            self.stdout.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True))
                              .rstrip())
        second = [m.login for m in members if m.login in users
                  and demo_authenticator(users[m.login]) is not None]
        if second:
            key = b32encode(bytes.fromhex(cast.DEMO_TOTP_KEY)).decode()
            self.stdout.write("")
            self.stdout.write(f"Второй фактор ({', '.join(second)}): после пароля — код из "
                              f"приложения-аутентификатора. Демо-ключ для приложения (TOTP): {key}")
            self.stdout.write(f"Текущий код без приложения: .venv/bin/python manage.py demo_code "
                              f"{second[0]}")
