"""Staff sessions: shorter than families', ended by inactivity; «чужой компьютер» ends any
session when the browser closes."""

from __future__ import annotations

import time

from django.conf import settings
from django.db.models import Exists, OuterRef

from accounts.models import Parent, StaffRole, Student, User

# The time of the staff session's latest request (seconds since the epoch), refreshed at most
# every `refresh_interval()` seconds: a session is written once in a while, not on every click.
LAST_SEEN = "signin_last_seen"
# The idle limit is enforced here (accounts.signin.middleware); the cookie and the stored session
# outlive it by this much, so that whoever comes back is told why they must sign in again.
NOTICE_SECONDS = 3600


def refresh_interval() -> int:
    return max(1, min(300, settings.STAFF_SESSION_AGE // 10))


def is_family_only(user) -> bool:
    """A parent's or student's account with no staff role: such sessions keep
    SESSION_COOKIE_AGE. Everyone else (staff, superusers, a teacher with no role yet) is staff."""
    if user.is_superuser:
        return False
    flags = User.objects.filter(pk=user.pk).annotate(
        family=Exists(Parent.objects.filter(user=OuterRef("pk")))
        | Exists(Student.objects.filter(user=OuterRef("pk"))),
        staff=Exists(StaffRole.objects.filter(user=OuterRef("pk"))),
    ).values("family", "staff").get()
    return flags["family"] and not flags["staff"]


def start_session(request, user) -> None:
    if is_family_only(user):
        return
    request.session.set_expiry(settings.STAFF_SESSION_AGE + NOTICE_SECONDS)
    request.session[LAST_SEEN] = int(time.time())


def end_on_browser_close(request) -> None:
    """«Чужой компьютер»: the cookie lives until the browser closes (a staff session still ends
    after STAFF_SESSION_AGE without a request)."""
    request.session.set_expiry(0)


def idle_seconds(request) -> int | None:
    """Seconds since the staff session's latest request; None for families' sessions."""
    seen = request.session.get(LAST_SEEN)
    return None if seen is None else int(time.time()) - seen


def mark_seen(request) -> None:
    request.session[LAST_SEEN] = int(time.time())
