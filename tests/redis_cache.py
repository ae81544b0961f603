"""Production's cache and session store for the tests that are about them: the cache on a real
Redis, sessions `cached_db` and the session's user kept in the cache, also when the run itself
has no REDIS_URL (a Redis answering on 127.0.0.1 is used then; without one these tests are
skipped, and fail in CI)."""

from __future__ import annotations

import os

import pytest
import redis
from django.core.cache import caches

REDIS_BACKEND = "ejournal.cache.ReusingRedisCache"
CACHED_DB = "django.contrib.sessions.backends.cached_db"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"
# Production's default (ejournal/settings.py, with Redis): the session's user kept this long.
PRODUCTION_SESSION_USER_SECONDS = 300


def real_redis_url() -> str:
    """REDIS_URL, or a Redis on 127.0.0.1; the test is skipped without one (failed in CI)."""
    url = os.environ.get("REDIS_URL") or LOCAL_REDIS
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have Redis at {url}")
        pytest.skip(f"no Redis at {url}")
    return url


def _clear(cache) -> None:
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def redis_cache(settings):
    """The default cache, on Redis, emptied of this run's keys before and after the test."""
    configured = settings.CACHES["default"]
    if configured["BACKEND"] != REDIS_BACKEND:
        url = real_redis_url()
        settings.CACHES = {"default": {"BACKEND": REDIS_BACKEND, "LOCATION": url,
                                       "KEY_PREFIX": f"{configured.get('KEY_PREFIX', '')}redis"}}
    settings.SESSION_ENGINE = CACHED_DB
    settings.SESSION_USER_SECONDS = PRODUCTION_SESSION_USER_SECONDS
    cache = caches["default"]
    _clear(cache)
    yield cache
    _clear(cache)
