"""The number of queries a diary page may cost (tests/diary/test_query_budget.py pins it)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from tests.redis_cache import CACHED_DB

BUDGET = 8


def budget() -> int:
    """Eight, the session and the user included, with production's sessions and visits on
    Redis; the session read from the table is one more, and without Redis the last visit is
    read from the table and each view written there: two more."""
    extra = 0 if settings.SESSION_ENGINE == CACHED_DB else 1
    return BUDGET + extra + (0 if isinstance(caches["default"], RedisCache) else 2)
