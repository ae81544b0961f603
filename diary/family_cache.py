"""Whose diary a user reads (`diary.queries.family_enrolments`: the student themself, a
parent's children, with their enrolments), kept in the cache for each user between pages.

An entry is used only on the day it was built, for the same halves of the family, and while
the data versions (`journal.versions`) of the family's schools and the setup are still those it
was stored with: class lists, the rollover and the setup screens bump them. An enrolment (a
move) or a link between a parent and a child saved or deleted, and a changed name, drop the
entries of the users concerned (`forget`, connected in `diary.apps`).
A child missing from an entry is still found by the access check of the diary's pages, never
refused; `LIFETIME` bounds what else could be missed.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from accounts.models import Student
from diary import queries
from journal import versions

LIFETIME = 60 * 60


def _key(user_id: int) -> str:
    return f"diary:family:v2:{user_id}"


def cache_keys(user_id: int) -> list[str]:
    """What `family_enrolments` reads first from the cache for the user."""
    return [_key(user_id), versions.families_key()]


def _schools(family: list[tuple[Student, queries.Enrolments]]) -> frozenset[int]:
    """The schools whose versions an entry depends on."""
    return frozenset(student.school_id for student, _ in family)


@dataclass(frozen=True)
class Family:
    """The family's students with their enrolments, and a token new at every build (what is
    cached from it, a whole page, holds while the token is the same)."""

    members: list[tuple[Student, queries.Enrolments]]
    token: int


def cached(user_id: int) -> tuple[frozenset[int], Family] | None:
    """(the schools it depends on, the family) as cached for the user, checked for nothing."""
    entry = cache.get(_key(user_id))
    if entry is None:
        return None
    _, _, schools, _, family = entry
    return schools, family


def family_enrolments(user, *, themself: bool, children: bool, today: dt.date) -> Family:
    """`queries.family_enrolments`, from the cache while it still holds.

    An entry is stored with the versions read after its rows, and the families' version
    (`journal.versions.bump_families`) read before and after tells whether a change of a
    family or a class committed meanwhile: then it is stored as out of date, to be built
    again on the next page."""
    halves = (themself, children)
    entry, families_before = versions.families_and(_key(user.pk))
    if entry is not None:
        day, cached_halves, schools, cached_stamp, family = entry
        if (day == today and cached_halves == halves
                and versions.stamp((), *schools) == cached_stamp):
            return family
    members = queries.family_enrolments(user, themself=themself, children=children)
    family = Family(members, secrets.randbits(62))
    schools = _schools(members)
    stamp, families_after = versions.stamp_and_families((), *schools)
    if families_after != families_before:
        stamp = ""
    cache.set(_key(user.pk), (today, halves, schools, stamp, family), LIFETIME)
    return family


def forget(user_ids: Iterable[int]) -> None:
    """These users' entries are built again on their next page (at once, and after the commit
    for a reader who read inside the writer's transaction)."""
    keys = [_key(pk) for pk in set(user_ids)]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))
        versions.bump_families()


# What drops entries (connected in `diary.apps`) -------------------------------------------

_NAMES = frozenset({"first_name", "last_name", "patronymic"})


def _family_users(student_ids: Iterable[int]) -> list[int]:
    """The students' own users and their parents' users."""
    from accounts.models import ParentStudent

    ids = list(student_ids)
    return [*Student.objects.filter(pk__in=ids).values_list("user_id", flat=True),
            *ParentStudent.objects.filter(student_id__in=ids)
            .values_list("parent__user_id", flat=True)]


def on_link_changed(sender, instance, **kwargs) -> None:
    """A parent linked to a child or unlinked: the parent's list of children."""
    from accounts.models import Parent

    forget(Parent.objects.filter(pk=instance.parent_id).values_list("user_id", flat=True))


def on_enrolment_changed(sender, instance, **kwargs) -> None:
    forget(_family_users([instance.student_id]))


def on_student_changed(sender, instance, **kwargs) -> None:
    forget([instance.user_id, *_family_users([instance.pk])])


def on_user_changed(sender, instance, update_fields=None, **kwargs) -> None:
    """A user's name changed (or any save that does not say what it changed): the pages that
    show it, theirs and their parents'. A sign-in saves `last_login` only and costs nothing."""
    if update_fields is not None and not _NAMES & set(update_fields):
        return
    forget([instance.pk, *_family_users(Student.objects.filter(user=instance)
                                        .values_list("pk", flat=True))])


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from accounts.models import ParentStudent, User
    from journal.models import Enrolment

    for signal in (post_save, post_delete):
        suffix = "saved" if signal is post_save else "deleted"
        signal.connect(on_enrolment_changed, sender=Enrolment,
                       dispatch_uid=f"diary.family_cache.enrolment.{suffix}")
        signal.connect(on_link_changed, sender=ParentStudent,
                       dispatch_uid=f"diary.family_cache.link.{suffix}")
        signal.connect(on_student_changed, sender=Student,
                       dispatch_uid=f"diary.family_cache.student.{suffix}")
    post_save.connect(on_user_changed, sender=User, dispatch_uid="diary.family_cache.user")
