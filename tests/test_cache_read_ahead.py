"""The production cache (`ejournal.cache.ReusingRedisCache`, on a real Redis): keys read ahead
in one round trip answer the reads inside the block, and a write inside it is never hidden."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from tests.redis_cache import redis_cache  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("redis_cache")


@pytest.fixture
def cache():
    return caches["default"]


@pytest.fixture
def trips(cache, monkeypatch):
    """The keys each round trip to Redis asked for."""
    asked: list[list[str]] = []
    client = cache._cache
    get, get_many = client.get, client.get_many
    monkeypatch.setattr(client, "get", lambda key, default: asked.append([key]) or get(key, default))
    monkeypatch.setattr(client, "get_many", lambda keys: asked.append(list(keys)) or get_many(keys))
    return asked


def test_read_ahead_keys_cost_one_round_trip(cache, trips):
    cache.set_many({"a": 1, "b": 2})
    with cache.prefetched(["a", "b", "missing"]):
        assert cache.get("a") == 1
        assert cache.get("missing", "none") == "none"
        assert cache.get_many(["b", "missing", "c"]) == {"b": 2}
    assert len(trips) == 2                                  # the read ahead, then "c" alone
    assert trips[1] == [cache.make_and_validate_key("c")]
    assert cache.get("a") == 1 and len(trips) == 3    # after the block: from Redis again


def test_a_write_inside_the_block_is_read_back(cache):
    cache.set("a", 1)
    with cache.prefetched(["a", "b"]):
        cache.set("a", 2)
        cache.add("b", 3)
        assert cache.get("a") == 2 and cache.get("b") == 3
        cache.delete("a")
        assert cache.get("a") is None
