"""The session's user, kept in the shared cache (Redis) for SESSION_USER_SECONDS, so that a
signed-in page costs no query for it (`PasswordBackend.get_user`).

Every change of what the entry holds drops it, at once and again after the commit: a saved or
deleted user (receivers below), a role given or taken and an authenticator confirmed or removed
(they decide `needs_second_factor`), and the writes that update users without saving them
(`forget` is called by `accounts.sessions.end_all_sessions`, the forced password change, the
demo's seed and a restore). A user read from the database while such a change commits could be
stored as it was before: each user's change counter, read before the query and again after,
tells, and then nothing is stored.

Only with a cache every process shares: with each process's own memory (the demo) one process
could not drop what another keeps, so the setting is 0 there and every request reads the row.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from accounts.models import User

PREFIX = "accounts:session-user:v1:"


def _key(user_id: int) -> str:
    return f"{PREFIX}{user_id}"


def _changed_key(user_id: int) -> str:
    return f"{PREFIX}{user_id}:changed"


def read_ahead(request, user_id: int) -> list[str]:
    """The keys `cached` reads, for `ejournal.read_ahead.ReadAheadMiddleware`."""
    return [_key(user_id), _changed_key(user_id)] if settings.SESSION_USER_SECONDS else []


def cached(user_id: int, load: Callable[[], User | None]) -> User | None:
    """The user as kept, else `load()` (kept for the next request unless it changed meanwhile)."""
    if not settings.SESSION_USER_SECONDS:
        return load()
    found = cache.get_many([_key(user_id), _changed_key(user_id)])
    user = found.get(_key(user_id))
    if user is not None:
        return user
    changed_before = found.get(_changed_key(user_id))
    user = load()
    if user is not None and cache.get(_changed_key(user_id)) == changed_before:
        cache.set(_key(user_id), user, settings.SESSION_USER_SECONDS)
    return user


def forget(user_ids: Iterable[int]) -> None:
    """These users are read from the database on their next request."""
    ids = sorted(set(user_ids))
    if not ids or not settings.SESSION_USER_SECONDS:
        return

    def drop() -> None:
        cache.delete_many([_key(pk) for pk in ids])
        cache.set_many({_changed_key(pk): secrets.randbits(62) for pk in ids},
                       settings.SESSION_USER_SECONDS)

    drop()
    transaction.on_commit(drop)


def forget_everyone() -> None:
    """After the database was replaced (a restore, a new demo): no user kept from before."""
    if not settings.SESSION_USER_SECONDS:
        return
    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client is None:
        cache.clear()
        return
    redis = client(write=True)
    keys = list(redis.scan_iter(match=f"{cache.make_key(PREFIX)}*", count=1000))
    for start in range(0, len(keys), 1000):
        redis.delete(*keys[start:start + 1000])


# Receivers (connected in `accounts.apps`) --------------------------------------------------------

def on_user_changed(sender, instance, **kwargs) -> None:
    forget([instance.pk])


def on_user_part_changed(sender, instance, **kwargs) -> None:
    """A role or an authenticator of the user."""
    forget([instance.user_id])


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import StaffRole

    for signal in (post_save, post_delete):
        suffix = "saved" if signal is post_save else "deleted"
        signal.connect(on_user_changed, sender=User,
                       dispatch_uid=f"accounts.session_user.user.{suffix}")
        for model in (StaffRole, TOTPDevice):
            signal.connect(on_user_part_changed, sender=model,
                           dispatch_uid=f"accounts.session_user.{model.__name__}.{suffix}")
