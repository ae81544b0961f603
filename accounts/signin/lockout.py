"""Lock-out after repeated wrong passwords (django-axes), counted by login and by address.

Axes keeps a row per (login, address, browser) with its failures and the time of the last one;
a row counts for the cool-off after its last failure. A login is locked when its rows hold
SIGNIN_LOGIN_FAILURES failures, an address when its rows hold SIGNIN_ADDRESS_FAILURES (more: a
whole school may sign in from one NAT address). Failures during a lock-out are not counted
(AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so a lock-out always ends after the cool-off.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone

log = logging.getLogger(__name__)

LOGIN = "login"
ADDRESS = "address"


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for the address: axes compares the
    larger of the two counts with one limit (the login's), so an address past its own limit
    counts as the login's limit."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        by_login, by_address = (
            attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0
            for attempts in self.get_user_attempts(request, credentials))
        if by_address >= settings.SIGNIN_ADDRESS_FAILURES:
            return max(by_login, settings.SIGNIN_LOGIN_FAILURES)
        return by_login


def login_failure_limit(request=None, credentials=None) -> int:
    """AXES_FAILURE_LIMIT: the login's limit (the address's is `LockoutHandler`'s)."""
    return settings.SIGNIN_LOGIN_FAILURES


def cool_off(request=None) -> dt.timedelta:
    """AXES_COOLOFF_TIME."""
    return dt.timedelta(minutes=settings.SIGNIN_LOCKOUT_MINUTES)


@dataclass(frozen=True)
class Lockout:
    kind: str  # LOGIN or ADDRESS
    value: str
    failures: int
    until: dt.datetime

    @property
    def kind_label(self) -> str:
        return "логин" if self.kind == LOGIN else "адрес"

    def minutes_left(self, now: dt.datetime | None = None) -> int:
        seconds = (self.until - (now or timezone.now())).total_seconds()
        return max(1, -(-int(seconds) // 60))

    @property
    def failures_word(self) -> str:
        """«неверный пароль», «неверных пароля», «неверных паролей»."""
        number = self.failures
        if number % 10 == 1 and number % 100 != 11:
            return "неверный пароль"
        if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
            return "неверных пароля"
        return "неверных паролей"

    @property
    def until_text(self) -> str:
        """«08:47», or «08:47 12.03.2027» when the lock-out ends on another day."""
        until = timezone.localtime(self.until)
        if until.date() == timezone.localdate():
            return until.strftime("%H:%M")
        return until.strftime("%H:%M %d.%m.%Y")


def in_minutes(minutes: int) -> str:
    """«через 1 минуту», «через 3 минуты», «через 15 минут»."""
    if minutes % 10 == 1 and minutes % 100 != 11:
        word = "минуту"
    elif 2 <= minutes % 10 <= 4 and not 12 <= minutes % 100 <= 14:
        word = "минуты"
    else:
        word = "минут"
    return f"через {minutes} {word}"


def _locked_until(rows: list[AccessAttempt], limit: int) -> dt.datetime | None:
    """When the rows stop holding `limit` failures: each drops out a cool-off after its last
    failure, the oldest first."""
    total = sum(row.failures_since_start for row in rows)
    if total < limit:
        return None
    for row in sorted(rows, key=lambda r: r.attempt_time):
        total -= row.failures_since_start
        if total < limit:
            return row.attempt_time + cool_off()
    return None  # unreachable: the total falls to zero


def current_lockouts(*, login: str | None = None, address: str | None = None) -> list[Lockout]:
    """Lock-outs in force now, logins first; only those of `login` and `address` when either is
    given (the lock-out page of one request)."""
    rows = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off())
    if login is not None or address is not None:
        rows = rows.filter(Q(username=login) | Q(ip_address=address))
    rows = list(rows.only("username", "ip_address", "failures_since_start", "attempt_time"))
    groups: dict[tuple[str, str], list[AccessAttempt]] = {}
    for row in rows:
        if row.username is not None and (login is None or row.username == login):
            groups.setdefault((LOGIN, row.username), []).append(row)
        if row.ip_address is not None and (address is None or row.ip_address == address):
            groups.setdefault((ADDRESS, row.ip_address), []).append(row)
    limits = {LOGIN: settings.SIGNIN_LOGIN_FAILURES, ADDRESS: settings.SIGNIN_ADDRESS_FAILURES}
    lockouts = []
    for (kind, value), group in groups.items():
        until = _locked_until(group, limits[kind])
        if until is not None:
            lockouts.append(Lockout(kind, value, sum(r.failures_since_start for r in group),
                                    until))
    return sorted(lockouts, key=lambda lock: (lock.kind != LOGIN, lock.value))


def lockouts_of_request(request, credentials: dict | None = None) -> list[Lockout]:
    """The lock-outs that refused this sign-in: of the login it gave and of its address."""
    AxesProxyHandler.update_request(request)
    return current_lockouts(login=get_client_username(request, credentials) or "",
                            address=request.axes_ip_address)


def lift_lockout(lockout: Lockout, lifted_by) -> int:
    """Forgets the failures behind a lock-out, so the login or address may sign in at once."""
    if lockout.kind == LOGIN:
        count = AxesProxyHandler.reset_attempts(username=lockout.value)
    else:
        count = AxesProxyHandler.reset_attempts(ip_address=lockout.value)
    log.warning("Sign-in lock-out of %s %s lifted by %s", lockout.kind, lockout.value,
                lifted_by.get_username())
    return count
