"""Data versions: what caches of the journal's data (the diary's pages) are keyed by, so that a
write makes them miss at once instead of waiting for them to expire.

A version is a random number kept in Django's cache (Redis in production), one per scope:
- a class: its journals' lessons, marks, absences, homework and term marks, its students'
  subgroups, and who is enrolled in it (`on_enrolment_changed`). Every journal write passes
  through `journal.signals.journal_changed`; its one listener here (`on_journal_changed`,
  connected in `journal.apps`) bumps the classes of the rows' journals. Substitutions,
  timetable changes and homework files are journal writes too. Student movement writes no
  journal rows: its service bumps the classes it changes.
- a school: what the school posts that the diary's week shows (events and notices,
  `messaging.notices`), enrolments and links made in bulk (class lists), the rollover.
- the setup: every change made in the setup screens (holidays, bells, subjects, curriculum,
  subgroups' members, study periods...) writes an admin log entry, which bumps it
  (`on_setup_changed`). A bulk delete of several rows logs them without the signal: what it
  removed shows until the cached pages expire (`diary.fragments.LIFETIME`).

A bump sets a new random number twice: at once, and again once the transaction commits. The
second is the one that matters: a reader who saw the first bump but read the data before the
commit stored the old data under the new version, which the second bump leaves behind. The
first keeps readers inside the writer's transaction right (tests never commit).
A version lost from the cache (evicted, flushed) comes back as a new random number, never as
an old one, so nothing stored under an earlier version can match again.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

from journal.models import TeachingAssignment

logger = logging.getLogger(__name__)
# Versions are few (one per class and school) and must outlive the pages keyed by them.
_FOREVER = None


def _class_key(class_id: int) -> str:
    return f"version:class:{class_id}"


def _school_key(school_id: int) -> str:
    return f"version:school:{school_id}"


_SETUP_KEY = "version:setup"
# Any change of who is in a family or a class, across all schools: not part of any stamp, only
# read before and after a cache entry of such data is built (`diary.family_cache`), to tell
# whether a change committed while it was built.
_FAMILIES_KEY = "version:families"


def _bump(keys: list[str]) -> None:
    if not keys:
        return

    def renew() -> None:
        # A teacher's save never fails for the cache: a bump lost to an unreachable Redis
        # leaves pages up to `diary.fragments.LIFETIME` old.
        try:
            cache.set_many({key: secrets.randbits(62) for key in keys}, _FOREVER)
        except RedisError:
            logger.warning("Redis refused new data versions %s", keys, exc_info=True)

    renew()
    transaction.on_commit(renew)


def bump_classes(class_ids: Iterable[int | None]) -> None:
    """The classes' journals or students changed."""
    _bump(sorted({_class_key(pk) for pk in class_ids if pk}))


def bump_school(school_id: int) -> None:
    """What the school posts for its classes (events, notices) or its people changed."""
    _bump([_school_key(school_id), _FAMILIES_KEY])


def bump_setup() -> None:
    """Something changed in the setup screens."""
    _bump([_SETUP_KEY, _FAMILIES_KEY])


def bump_families() -> None:
    """Who is in a family or a class changed (the scopes concerned are bumped, or their
    entries dropped, besides)."""
    _bump([_FAMILIES_KEY])


def _current(keys: list[str], also: tuple[str, ...] = ()) -> dict:
    """The versions at `keys` (a missing one gets its first number) and whatever is cached
    at `also`: one round trip to the cache (two when versions are missing)."""
    found = cache.get_many([*keys, *also])
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, secrets.randbits(62), _FOREVER)
        found |= cache.get_many(missing)
    return found


def stamp_keys(class_ids: Iterable[int], school_ids: Iterable[int]) -> list[str]:
    """The keys a `stamp` of these classes and schools reads (to read them ahead)."""
    return [_SETUP_KEY, *(_school_key(pk) for pk in sorted(set(school_ids))),
            *sorted({_class_key(pk) for pk in class_ids})]


def _joined(found: dict, keys: list[str]) -> str:
    return ".".join(str(found.get(key, "")) for key in keys)


def stamp(class_ids: Iterable[int], *school_ids: int) -> str:
    """The versions of the classes, the schools and the setup, as one string for a cache key."""
    keys = stamp_keys(class_ids, school_ids)
    return _joined(_current(keys), keys)


def stamp_with(key: str, class_ids: Iterable[int], *school_ids: int) -> tuple[str, object]:
    """(`stamp`, what is cached at `key`), in one round trip."""
    keys = stamp_keys(class_ids, school_ids)
    found = _current(keys, also=(key,))
    return _joined(found, keys), found.get(key)


def families_key() -> str:
    return _FAMILIES_KEY


def families_and(key: str) -> tuple[object, object]:
    """(what is cached at `key`, the families' version now), in one round trip."""
    found = _current([_FAMILIES_KEY], also=(key,))
    return found.get(key), found.get(_FAMILIES_KEY)


def stamp_and_families(class_ids: Iterable[int], *school_ids: int) -> tuple[str, object]:
    """(`stamp`, the families' version now), in one round trip."""
    keys = stamp_keys(class_ids, school_ids)
    found = _current([*keys, _FAMILIES_KEY])
    return _joined(found, keys), found.get(_FAMILIES_KEY)


# The listeners --------------------------------------------------------------------------------

def on_journal_changed(sender, rows, **kwargs) -> None:
    """Every journal write: the classes of the rows' journals get new versions (one query)."""
    assignment_ids = {row.assignment_id for row in rows}
    bump_classes(TeachingAssignment.objects.filter(pk__in=assignment_ids)
                 .values_list("school_class_id", flat=True).distinct())


def on_enrolment_changed(sender, instance, **kwargs) -> None:
    """An enrolment saved or deleted one by one (the setup screens, the movement service): its
    class's pages are built again. Bulk writes of enrolments (the rollover, class lists) bump
    their school."""
    bump_classes([instance.school_class_id])


def on_setup_changed(sender, instance, created: bool, **kwargs) -> None:
    """An admin log entry saved: a change in the setup screens."""
    bump_setup()


def connect() -> None:
    from django.contrib.admin.models import LogEntry
    from django.db.models.signals import post_delete, post_save

    from journal.models import Enrolment
    from journal.signals import journal_changed

    journal_changed.connect(on_journal_changed, dispatch_uid="journal.versions")
    for signal in (post_save, post_delete):
        signal.connect(on_enrolment_changed, sender=Enrolment,
                       dispatch_uid=f"journal.versions.enrolment.{signal is post_save}")
    post_save.connect(on_setup_changed, sender=LogEntry, dispatch_uid="journal.versions.setup")
