"""Logins and one-time passwords: issued on a printed slip, reset by the class teacher or by
e-mail, changed by their owner at the first sign-in.

A login is made from the person's name in Latin letters (Петрова Наталья Андреевна →
`petrova.na`, then `petrova.na2`, ...) the first time one is issued to someone who has never
signed in; later issues keep it. The password is random, without look-alike characters, shown
once on the slip and kept only as a hash; `User.must_change_password` makes its owner set their
own at the first sign-in.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from accounts.models import CredentialIssue, User
from accounts.queries.family_access import State, status_from, with_access
from accounts.services.personal_data import Where, record_access
from accounts.signin import session_user

_UNAMBIGUOUS_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 10

_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
_NOT_LOGIN = re.compile(r"[^a-z0-9]+")
LOGIN_MAX = 30


def new_password(length: int = PASSWORD_LENGTH) -> str:
    """A random initial password without look-alike characters (no 0/O, 1/l/I)."""
    return "".join(secrets.choice(_UNAMBIGUOUS_CHARS) for _ in range(length))


def initial_password_hasher() -> Callable[[str], str]:
    """Hashes initial passwords fast enough for a whole class (or school) in one request.

    The default PBKDF2 costs ~0.4 s a password. The initial passwords are random (~58 bits),
    so 1 % of the iterations still leaves them out of reach, and Django re-hashes with the full
    count at the first sign-in (`must_update`), right before the owner replaces it.
    """
    hasher = get_hasher("default")
    if isinstance(hasher, PBKDF2PasswordHasher):
        iterations = max(hasher.iterations // 100, 10_000)

        def fast(password: str) -> str:
            return hasher.encode(password, hasher.salt(), iterations)

        return fast
    return make_password


def transliterate(text: str) -> str:
    return "".join(_LATIN.get(ch, ch) for ch in text.lower())


def login_base(user: User) -> str:
    """`petrova.na` for Петрова Наталья Андреевна."""
    last = _NOT_LOGIN.sub("", transliterate(user.last_name))[:LOGIN_MAX - 4]
    initials = "".join(_NOT_LOGIN.sub("", transliterate(part))[:1]
                       for part in (user.first_name, user.patronymic))
    base = f"{last}.{initials}" if last and initials else last or initials
    return base or "user"


def _free_login(base: str, taken: set[str]) -> str:
    number = 1
    login = base
    while login in taken:
        number += 1
        login = f"{base}{number}"
    return login


def _taken_like(base: str) -> set[str]:
    return set(User.objects.annotate(lower=Lower("username")).filter(lower__startswith=base)
               .values_list("lower", flat=True))


def _keeps_login(user: User) -> bool:
    """A login is made once: for someone who has never signed in and never been issued one."""
    return user.last_login is not None or CredentialIssue.objects.filter(user=user).exists()


@dataclass(frozen=True)
class Issued:
    user: User
    login: str
    password: str
    reset: bool  # a new password for a login issued before
    waits_for_application: bool  # a parent whose account opens when the application is in


@dataclass(frozen=True)
class Refused:
    user: User
    reason: str


def issue_credentials(actor, where: Where, people: Iterable[User]) -> tuple[list[Issued],
                                                                             list[Refused]]:
    """Issues each person a one-time password (and, the first time, a login), unless their
    status blocks it (a refusal of personal-data processing, a terminated service): those
    come back refused, with the reason. A parent's account is switched on only with an
    application in force — or when it is already in use (a reset must not lock out a family
    that signed in before the applications were kept here)."""
    hash_password = initial_password_hasher()
    issued, refused = [], []
    for person in people:
        with transaction.atomic():
            user = with_access(User.objects.select_for_update(of=("self",))
                               .filter(pk=person.pk)).get()
            status = status_from(user)
            if status.blocked:
                refused.append(Refused(user, status.blocked))
                continue
            reset = _keeps_login(user)
            if not reset:
                base = login_base(user)
                user.username = _free_login(base, _taken_like(base) - {user.username.lower()})
            password = new_password()
            user.password = hash_password(password)
            user.must_change_password = True
            in_use = user.is_active and status.state == State.SIGNED_IN
            user.is_active = not status.waits_for_application or in_use
            try:
                with transaction.atomic():
                    user.save(update_fields=["username", "password", "must_change_password",
                                             "is_active"])
            except IntegrityError:  # someone took the login a moment ago: the next number
                base = login_base(user)
                user.username = _free_login(base, _taken_like(base))
                user.save(update_fields=["username", "password", "must_change_password",
                                         "is_active"])
            CredentialIssue.objects.create(
                user=user, issued_by=actor,
                kind=CredentialIssue.Kind.RESET if reset else CredentialIssue.Kind.ISSUED)
            record_access(actor, where, user, "пароль сброшен, выдан новый листок" if reset
                          else f"выдан логин {user.username}")
            issued.append(Issued(user=user, login=user.username, password=password, reset=reset,
                                 waits_for_application=not user.is_active))
    return issued, refused


@transaction.atomic
def password_changed(user: User) -> None:
    """The owner set their own password: no more forced change."""
    if user.must_change_password:
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        session_user.forget([user.pk])
        user.must_change_password = False


@transaction.atomic
def password_reset_by_email(user: User, where: Where) -> None:
    """The owner set a new password through the link sent to their e-mail."""
    password_changed(user)
    CredentialIssue.objects.create(user=user, kind=CredentialIssue.Kind.EMAIL_RESET)
    record_access(user, where, user, "пароль сброшен по электронной почте")
