"""Whole diary pages kept per reader (`diary.pages`, on Redis as production keeps them): read
again for a lookup, yet with the request's own CSRF token, the messages of the moment, and
what became due since (a notice published later)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from messaging.notifications.services import notify
from tests.diary.conftest import url
from tests.journal.journal_setup import TODAY, at, make_lesson
from tests.redis_cache import redis_cache  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("redis_cache")


@pytest.fixture
def maths(small_school):
    return make_lesson(small_school.maths_5a, TODAY, number=2, topic="Дроби")


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def test_a_kept_page_costs_at_most_two_queries_and_carries_a_working_token(
        parent, vasya, maths, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    client.force_login(parent)
    address = url("diary:week", vasya)
    with django_capture_on_commit_callbacks(execute=True):
        notify([parent.pk], event="absence", key="kept:1", title="Пропуск урока",
               text="Василий отсутствовал.", student_id=vasya.pk)
    client.get(address)
    # The session's user, and (the tests' clock stands still) the last visit from the table.
    with django_assert_max_num_queries(2):
        kept = client.get(address).content.decode()
    assert "csrf-slot" not in kept and 'data-testid="diary-notification"' in kept

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("messaging:notifications:read_all"),
                             {"csrfmiddlewaretoken": _token(kept), "back": address})
    assert answer.status_code == 302 and answer["Location"] == address
    after = client.get(address).content.decode()
    assert "Отмечено прочитанными: 1." in after                  # the message of the moment
    assert 'data-testid="diary-notification"' not in after
    assert "Отмечено прочитанными" not in client.get(address).content.decode()   # shown once


def test_a_notice_published_later_shows_on_the_kept_week_once_its_time_comes(
        client, parent, vasya, maths, class_teacher, small_school,
        django_capture_on_commit_callbacks):
    from messaging.notices.services import NoticeData, save_notice

    client.force_login(parent)
    with time_machine.travel(at(TODAY, 10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            save_notice(class_teacher, NoticeData(
                kind="notice", audience="class", title="Экскурсия в музей", body="В субботу.",
                publish_at=at(TODAY, 12), expires_at=at(TODAY, 14),
                class_id=small_school.class_5a.pk))
        assert "Экскурсия в музей" not in client.get(url("diary:week", vasya)).content.decode()
    for hour, shown in [(11, False), (12, True), (13, True), (14, False)]:
        with time_machine.travel(at(TODAY, hour) + dt.timedelta(minutes=1), tick=False):
            page = client.get(url("diary:week", vasya)).content.decode()
        assert ("Экскурсия в музей" in page) is shown, hour


def test_a_kept_page_costs_four_trips_to_redis_and_no_query(
        parent, vasya, maths, monkeypatch, django_assert_num_queries):
    """The session; the user and the reader's keys; the data versions; the visit."""
    import redis

    trips: list[str] = []
    command, pipeline = redis.Redis.execute_command, redis.client.Pipeline.execute
    monkeypatch.setattr(redis.Redis, "execute_command",
                        lambda self, *args, **options: trips.append(args[0])
                        or command(self, *args, **options))
    monkeypatch.setattr(redis.client.Pipeline, "execute",
                        lambda self, *args: trips.append("pipeline") or pipeline(self, *args))
    client = Client()
    client.force_login(parent)
    for hour, page in [(10, "diary:week"), (11, "diary:homework")]:
        with time_machine.travel(at(TODAY, hour), tick=False):
            client.get(url(page, vasya))
        # A minute on (the last visit is then read from Redis, not the table).
        with time_machine.travel(at(TODAY, hour) + dt.timedelta(minutes=1), tick=False):
            trips.clear()
            with django_assert_num_queries(0):
                assert client.get(url(page, vasya)).status_code == 200
        assert trips == ["GET", "MGET", "MGET", "pipeline"], page


def test_each_address_is_kept_apart(client, parent, vasya, maths, small_school):
    client.force_login(parent)
    this_week = client.get(url("diary:week", vasya)).content.decode()
    last_week = client.get(url("diary:week", vasya, week=TODAY - dt.timedelta(days=7))
                           ).content.decode()
    assert "Дроби" in this_week and "Дроби" not in last_week
    assert "Дроби" in client.get(url("diary:week", vasya)).content.decode()
