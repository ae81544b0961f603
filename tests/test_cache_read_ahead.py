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


def test_an_inner_block_adds_its_keys_for_its_own_time(cache, trips):
    cache.set_many({"a": 1, "b": 2})
    with cache.prefetched(["a"]):
        with cache.prefetched(["a", "b"]):
            assert cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
            cache.set("a", 3)                         # forgotten in the outer block too
        assert len(trips) == 2                        # "a", then "b" only
        assert cache.get("b") == 2 and len(trips) == 3
        assert cache.get("a") == 3 and len(trips) == 4


def test_a_signed_in_request_reads_its_user_and_first_keys_in_one_trip(cache, trips, teacher,
                                                                       settings):
    from django.test import Client
    from django.urls import reverse

    from accounts.signin import session_user

    settings.CACHE_READ_AHEAD = [*settings.CACHE_READ_AHEAD, "tests.test_cache_read_ahead.keys"]
    client = Client()
    client.force_login(teacher)
    client.get(reverse("password_change"))           # the user is kept from here
    trips.clear()
    client.get(reverse("password_change"))
    session, read_ahead = trips[:2]
    assert len(session) == 1
    assert set(read_ahead) >= {cache.make_and_validate_key(key) for key in
                               [*session_user.read_ahead(None, teacher.pk), f"first:{teacher.pk}"]}


def keys(request, user_id: int) -> list[str]:
    """A page's first key, as settings.CACHE_READ_AHEAD names them."""
    return [f"first:{user_id}"]
