"""Data versions: what caches of the journal's data (the diary's pages) are keyed by, so that a
write makes them miss at once instead of waiting for them to expire.

A version is a random number kept in Django's cache (Redis in production), one per scope:
- a class: its journals' lessons, marks, absences, homework and term marks, and its students'
  subgroups. Every journal write passes through `journal.signals.journal_changed`; its one
  listener here (`on_journal_changed`, connected in `journal.apps`) bumps the classes of the
  rows' journals. Substitutions, timetable changes and homework files are journal writes too.
  Student movement writes no journal rows: its service bumps the classes it changes.
- a school: what the school posts that the diary's week shows (events; `messaging.notices`).
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
    """What the school posts for its classes (events) changed."""
    _bump([_school_key(school_id)])


def bump_setup() -> None:
    """Something changed in the setup screens."""
    _bump([_SETUP_KEY])


def stamp(class_ids: Iterable[int], school_id: int) -> str:
    """The versions of the classes, the school and the setup, as one string for a cache key:
    one round trip to the cache (two when some are missing and get their first number)."""
    keys = [_SETUP_KEY, _school_key(school_id), *sorted({_class_key(pk) for pk in class_ids})]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, secrets.randbits(62), _FOREVER)
        found |= cache.get_many(missing)
    return ".".join(str(found.get(key, "")) for key in keys)


# The listeners --------------------------------------------------------------------------------

def on_journal_changed(sender, rows, **kwargs) -> None:
    """Every journal write: the classes of the rows' journals get new versions (one query)."""
    assignment_ids = {row.assignment_id for row in rows}
    bump_classes(TeachingAssignment.objects.filter(pk__in=assignment_ids)
                 .values_list("school_class_id", flat=True).distinct())


def on_setup_changed(sender, instance, created: bool, **kwargs) -> None:
    """An admin log entry saved: a change in the setup screens."""
    bump_setup()


def connect() -> None:
    from django.contrib.admin.models import LogEntry
    from django.db.models.signals import post_save

    from journal.signals import journal_changed

    journal_changed.connect(on_journal_changed, dispatch_uid="journal.versions")
    post_save.connect(on_setup_changed, sender=LogEntry, dispatch_uid="journal.versions.setup")
