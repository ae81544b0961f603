"""A search for people by name or login, the same on every page of these roles."""

from __future__ import annotations

from django.db.models import Q

SEARCH_LENGTH = 100
MAX_WORDS = 5
_NAME_FIELDS = ("last_name", "first_name", "patronymic", "username")


def search_words(text: str | None) -> list[str]:
    return " ".join((text or "").split())[:SEARCH_LENGTH].split()[:MAX_WORDS]


def case_variants(word: str) -> set[str]:
    # SQLite (the demo's database) folds the case of Latin letters only; names are written
    # with a capital, so a word typed in lower case must also be tried capitalised.
    return {word, word.lower(), word.capitalize(), word.upper()}


def person_matches(text: str | None, user: str = "") -> Q:
    """Every word of `text` found in the surname, name, patronymic or login of the user at the
    path `user` (e.g. "subject__")."""
    condition = Q()
    for word in search_words(text):
        either = Q()
        for variant in case_variants(word):
            for field in _NAME_FIELDS:
                either |= Q(**{f"{user}{field}__icontains": variant})
        condition &= either
    return condition
