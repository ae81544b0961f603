"""Recording and reading families' activity; pruning it after the retention period.

With Redis (production) a diary view costs no write to the database: it waits in a Redis list
and `flush_activity` (a beat task, every minute) writes what waits in bulk. Beside the list a
sorted set keeps each user's latest view, so the «новое» badges (`last_visit_before`) and the
class teacher's list (`last_visits`) see a view at once, before it reaches the table. Without
Redis (the demo, whose cache is each process's memory) every view is written as it happens.
Sign-ins, one per visit and each a write anyway, are always written at once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from redis.exceptions import LockError, RedisError, ResponseError

from accounts.models import Parent, Student, User
from diary.models import ActivityRecord

logger = logging.getLogger(__name__)

# Redis keys (under the cache's prefix). Views waiting to be written, one JSON entry each:
_WAITING = "diary:views"
# the views a flush took to write; left behind only by a flush that died:
_TAKEN = "diary:views:taken"
# each user's latest view (member: user id; score: microseconds since the epoch):
_LATEST = "diary:views:latest"
_FLUSH_LOCK = "diary:views:flush"
# Users not seen for this long leave the sorted set; their latest view is then read from the table.
LATEST_KEPT = dt.timedelta(days=7)
# A flush writes so many views per statement, all in one transaction.
FLUSH_CHUNK = 2000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_REFUSED = "Redis refused a diary view; written to the table at once"


def is_family_member(user) -> bool:
    return Parent.objects.filter(user=user).exists() or Student.objects.filter(user=user).exists()


def record_sign_in(user) -> None:
    """A parent's or student's sign-in; staff sign-ins are not recorded here."""
    if is_family_member(user):
        ActivityRecord.objects.create(user=user, kind=ActivityRecord.Kind.SIGN_IN)


def record_view(user, page: str, student: Student | None) -> None:
    client = _redis()
    if client is not None:
        try:
            _queued(client.pipeline(transaction=False), user, _micros(timezone.now()), page,
                    student).execute()
            return
        except RedisError:
            logger.warning(_REFUSED, exc_info=True)
    _write_view(user, page, student)


def _queued(pipeline, user, at: int, page: str, student: Student | None):
    """The pipeline with the view put in the waiting list and the user's latest view set."""
    entry = json.dumps([user.pk, at, page, student.pk if student else None])
    return pipeline.rpush(_key(_WAITING), entry).zadd(_key(_LATEST), {user.pk: at}, gt=True)


def _write_view(user, page: str, student: Student | None) -> None:
    ActivityRecord.objects.create(user=user, kind=ActivityRecord.Kind.VIEW, page=page,
                                  student=student)


def last_visit_before(user, moment: dt.datetime) -> dt.datetime | None:
    """When the user last opened the diary before `moment`: what is newer is marked new."""
    client = _redis()
    try:
        latest = client.zscore(_key(_LATEST), user.pk) if client is not None else None
    except RedisError:
        logger.warning("Redis did not answer; the last visit read from the table", exc_info=True)
        latest = None
    return _seen_until(client, user, moment, latest)


def visit(user, page: str, student: Student) -> dt.datetime | None:
    """Records a family member's view of a diary page now and answers `last_visit_before` it:
    with Redis in one round trip (the latest view is read before the new one enters)."""
    now = timezone.now()
    client = _redis()
    if client is None:
        seen_until = last_visit_before(user, now)
        record_view(user, page, student)
        return seen_until
    try:
        latest, _, _ = _queued(client.pipeline(transaction=False).zscore(_key(_LATEST), user.pk),
                               user, _micros(now), page, student).execute()
    except RedisError:
        logger.warning(_REFUSED, exc_info=True)
        seen_until = _last_view_in_table(user, now)
        _write_view(user, page, student)
        return seen_until
    return _seen_until(client, user, now, latest)


def _seen_until(client, user, moment: dt.datetime, latest: float | None
                ) -> dt.datetime | None:
    """`last_visit_before` from the user's latest view as the sorted set had it."""
    if latest is None:
        # Nothing of theirs waits (or no Redis): a view always enters the set with the list,
        # and leaves it only long after a flush wrote it.
        return _last_view_in_table(user, moment)
    latest = _moment(latest)
    if latest < moment:
        return latest
    # Their latest view is not before `moment` (another tab's, recorded meanwhile): the one
    # before it is in the table or still waiting.
    before = [at for user_id, at, _, _ in _waiting(client) if user_id == user.pk and at < moment]
    in_table = _last_view_in_table(user, moment)
    return max([*before, in_table] if in_table else before, default=None)


def last_visits(users) -> dict[int, dt.datetime]:
    """Each user's last sign-in or diary view, for the class teacher's list (one query, and
    with Redis one read of the latest views, written or not)."""
    ids = [getattr(user, "pk", user) for user in users]
    rows = (ActivityRecord.objects.filter(user_id__in=ids).values("user_id")
            .annotate(last=Max("at")))
    visits = {row["user_id"]: row["last"] for row in rows}
    client = _redis()
    if client is not None and ids:
        try:
            latest_views = client.zmscore(_key(_LATEST), ids)
        except RedisError:
            logger.warning("Redis did not answer; last visits read from the table", exc_info=True)
            latest_views = []
        for user_id, latest in zip(ids, latest_views, strict=False):
            if latest is not None:
                visits[user_id] = max(visits.get(user_id, _EPOCH), _moment(latest))
    return visits


def flush_activity() -> int:
    """Writes the diary views waiting in Redis to the table; returns how many it wrote. One
    flush at a time (a lock); what a flush that died left behind is written by the next, without
    the rows that had reached the table."""
    client = _redis()
    if client is None:
        return 0
    lock = client.lock(_key(_FLUSH_LOCK), timeout=600)
    if not lock.acquire(blocking=False):
        return 0
    try:
        written = 0
        if client.exists(_key(_TAKEN)):
            written += _write_taken(client, maybe_written=True)
        try:
            client.rename(_key(_WAITING), _key(_TAKEN))
        except ResponseError:  # nothing waits
            pass
        else:
            written += _write_taken(client, maybe_written=False)
        client.zremrangebyscore(_key(_LATEST), "-inf", _micros(timezone.now() - LATEST_KEPT))
        return written
    finally:
        try:
            lock.release()
        except LockError:  # held past its timeout: another flush may have it by now
            pass


def prune_activity(now: dt.datetime | None = None) -> int:
    """Delete records older than the retention period; returns how many went."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.ACTIVITY_RETENTION_DAYS)
    deleted, _ = ActivityRecord.objects.filter(at__lt=cutoff).delete()
    return deleted


# Redis -------------------------------------------------------------------------------------

def _redis():
    """The cache's Redis client when the cache is Redis, else None."""
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return None
    return cache._cache.get_client(write=True)


def _key(name: str) -> str:
    return caches["default"].make_key(name)


def _micros(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // dt.timedelta(microseconds=1)


def _moment(micros: float) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=int(micros))


def _parse(entry: bytes) -> tuple[int, dt.datetime, str, int | None]:
    user_id, at, page, student_id = json.loads(entry)
    return user_id, _moment(at), page, student_id


def _waiting(client):
    """The views not yet in the table (rare: only when the latest one is not enough)."""
    for name in (_TAKEN, _WAITING):
        yield from (_parse(entry) for entry in client.lrange(_key(name), 0, -1))


def _last_view_in_table(user, moment: dt.datetime) -> dt.datetime | None:
    return (ActivityRecord.objects.filter(user=user, kind=ActivityRecord.Kind.VIEW, at__lt=moment)
            .aggregate(last=Max("at"))["last"])


def _write_taken(client, *, maybe_written: bool) -> int:
    """Writes the taken views in one transaction and lets them go once it is committed. A user
    or student deleted meanwhile takes their views along, as the table's cascade would have."""
    taken, written = _key(_TAKEN), 0
    length = client.llen(taken)
    with transaction.atomic():
        for start in range(0, length, FLUSH_CHUNK):
            views = [_parse(e) for e in client.lrange(taken, start, start + FLUSH_CHUNK - 1)]
            users = set(User.objects.filter(pk__in={v[0] for v in views})
                        .values_list("pk", flat=True))
            students = set(Student.objects.filter(pk__in={v[3] for v in views if v[3]})
                           .values_list("pk", flat=True))
            views = [v for v in views if v[0] in users and (v[3] is None or v[3] in students)]
            if maybe_written:
                done = set(ActivityRecord.objects.filter(
                    kind=ActivityRecord.Kind.VIEW, user_id__in={v[0] for v in views},
                    at__in={v[1] for v in views}).values_list("user_id", "at"))
                views = [v for v in views if (v[0], v[1]) not in done]
            ActivityRecord.objects.bulk_create(
                ActivityRecord(user_id=user_id, at=at, kind=ActivityRecord.Kind.VIEW, page=page,
                               student_id=student_id)
                for user_id, at, page, student_id in views)
            written += len(views)
    transaction.on_commit(lambda: client.delete(taken))
    return written
