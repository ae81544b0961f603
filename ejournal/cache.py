"""Django's Redis cache with one client object per process, and keys read ahead in one round
trip.

Django's `RedisCacheClient` builds a new `redis.Redis` object (over the same connection pool)
for every cache operation, and redis-py's constructor fills a table of some 170 reply handlers
each time: about a quarter of a millisecond of CPU per operation, on a diary page that makes
half a dozen. A `redis.Redis` object is safe to share between threads (each command takes a
connection from the pool), so one per pool is kept.

`prefetched(keys)` reads keys that the code inside the block will ask for one by one (each
module its own) in one round trip: within the block `get` and `get_many` answer them from what
was read, and a write to one of them forgets it. Blocks nest: an inner one adds its keys for its
own duration. Django keeps a cache object per thread, so what was read is the request's own.
`ejournal.read_ahead.ReadAheadMiddleware` opens the block for a signed-in request with the keys
of settings.CACHE_READ_AHEAD (the session's user, the diary's keys), before anything reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager, nullcontext

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_ABSENT = object()


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._read_ahead: dict | None = None

    @contextmanager
    def prefetched(self, keys: Iterable[str]):
        outer = self._read_ahead
        read = outer if outer is not None else {}
        new = [key for key in dict.fromkeys(keys) if key not in read]
        found = super().get_many(new) if new else {}
        read.update((key, found.get(key, _ABSENT)) for key in new)
        self._read_ahead = read
        try:
            yield
        finally:
            if outer is None:
                self._read_ahead = None
            else:
                for key in new:
                    read.pop(key, None)

    def _forget(self, keys: Iterable[str]) -> None:
        if self._read_ahead:
            for key in keys:
                self._read_ahead.pop(key, None)

    def get(self, key, default=None, version=None):
        if self._read_ahead is not None and version is None and key in self._read_ahead:
            value = self._read_ahead[key]
            return default if value is _ABSENT else value
        return super().get(key, default, version)

    def get_many(self, keys, version=None):
        keys = list(keys)
        if self._read_ahead is None or version is not None:
            return super().get_many(keys, version)
        rest = [key for key in keys if key not in self._read_ahead]
        found = super().get_many(rest) if rest else {}
        for key in keys:
            value = self._read_ahead.get(key, _ABSENT)
            if value is not _ABSENT:
                found[key] = value
        return found

    def set(self, key, *args, **kwargs):
        self._forget([key])
        return super().set(key, *args, **kwargs)

    def add(self, key, *args, **kwargs):
        self._forget([key])
        return super().add(key, *args, **kwargs)

    def delete(self, key, *args, **kwargs):
        self._forget([key])
        return super().delete(key, *args, **kwargs)

    def touch(self, key, *args, **kwargs):
        self._forget([key])
        return super().touch(key, *args, **kwargs)

    def incr(self, key, *args, **kwargs):
        self._forget([key])
        return super().incr(key, *args, **kwargs)

    def set_many(self, data, *args, **kwargs):
        self._forget(list(data))
        return super().set_many(data, *args, **kwargs)

    def delete_many(self, keys, *args, **kwargs):
        keys = list(keys)
        self._forget(keys)
        return super().delete_many(keys, *args, **kwargs)

    def clear(self):
        if self._read_ahead is not None:
            self._read_ahead.clear()
        return super().clear()


def prefetched(keys: Iterable[str]):
    """`ReusingRedisCache.prefetched` on the default cache; with another cache, nothing."""
    read_ahead = getattr(cache, "prefetched", None)
    return read_ahead(keys) if read_ahead is not None else nullcontext()
