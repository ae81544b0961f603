"""The load benchmark's bare page (ejournal/bench_views.py): off in production, and when on it
renders the size asked for without the database or the session."""

from __future__ import annotations

import pytest

from tests.conftest import make_user

pytestmark = pytest.mark.django_db
URL = "/bench/bare/"


def test_not_found_unless_benchmark_views_is_on(client, settings):
    settings.BENCHMARK_VIEWS = False

    assert client.get(URL, {"bytes": 5000}).status_code == 404


@pytest.mark.parametrize("size", [3000, 30_000, 123_457])
def test_renders_the_size_asked_for_without_queries(client, settings, django_assert_num_queries,
                                                     size):
    settings.BENCHMARK_VIEWS = True
    # A signed-in client: reading its session or user would query the session table.
    client.force_login(make_user("bench", "Проверкин", "Пётр"))

    with django_assert_num_queries(0):
        response = client.get(URL, {"bytes": size})

    assert response.status_code == 200
    assert len(response.content) == size
    assert "Математика" in response.content.decode()
    assert "Cookie" not in response.get("Vary", "")


def test_bad_size_is_a_bad_request(client, settings):
    settings.BENCHMARK_VIEWS = True

    assert client.get(URL, {"bytes": "много"}).status_code == 400
