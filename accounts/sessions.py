"""Ending a user's sessions: every browser they are signed in on is signed out on its next
request, whatever the session store (the session's auth hash includes `User.session_epoch`).
That request finds the hash changed and flushes the session, from the table and, with the
`cached_db` store, from the cache as well."""

from __future__ import annotations

from django.db.models import F

from accounts.access import forget_roles
from accounts.models import User
from accounts.signin import session_user


def end_all_sessions(user: User) -> None:
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    forget_roles([user.pk])
    session_user.forget([user.pk])
