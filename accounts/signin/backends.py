"""Sign-in by login and password."""

from __future__ import annotations

from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import router

from accounts.models import User
from accounts.signin import session_user
from accounts.signin.two_factor import second_factor_needed

# A user id no row has: where the session's id goes in the SQL compiled once.
_ANY_USER = -7_340_033


@cache
def _session_user_sql(alias: str) -> tuple[str, tuple]:
    """The session user's query, compiled by the ORM once per process and database: every
    signed-in request runs it, and compiling it cost more than running it."""
    query = (User._default_manager.annotate(needs_second_factor=second_factor_needed())
             .filter(pk=_ANY_USER).query)
    return query.get_compiler(alias).as_sql()


class PasswordBackend(ModelBackend):
    """Django's password sign-in. The session's user comes with `needs_second_factor` from the
    same query, so the check on every request costs nothing more; with a shared cache it is
    kept between requests (`session_user`)."""

    def get_user(self, user_id):
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = session_user.cached(user_id, lambda: _read_user(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None


def _read_user(user_id: int) -> User | None:
    sql, params = _session_user_sql(router.db_for_read(User))
    params = tuple(user_id if value == _ANY_USER else value for value in params)
    user = next(iter(User._default_manager.raw(sql, params)), None)
    if user is not None:
        user.needs_second_factor = bool(user.needs_second_factor)
    return user
