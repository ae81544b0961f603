"""Django's Redis cache with one client object per process.

Django's `RedisCacheClient` builds a new `redis.Redis` object (over the same connection pool)
for every cache operation, and redis-py's constructor fills a table of some 170 reply handlers
each time: about a quarter of a millisecond of CPU per operation, on a diary page that makes
half a dozen. A `redis.Redis` object is safe to share between threads (each command takes a
connection from the pool), so one per pool is kept.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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
