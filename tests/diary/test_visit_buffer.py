"""Diary views wait in Redis and a beat task writes them to the table each minute; the «новое»
marks and the class teacher's list see a view at once, before and after that write. Without
Redis every view is written as it happens."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_celery_beat.schedulers import ModelEntry

from diary import activity
from diary.activity import flush_activity, last_visit_before, last_visits, record_view
from diary.models import ActivityRecord
from diary.tasks import flush_activity_task
from ejournal.celery import app as celery_app
from journal.services.cells import set_cell
from tests.journal.journal_setup import TODAY, at, make_lesson
from tests.redis_cache import redis_cache  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("redis_cache")


def redis_client():
    return activity._redis()


def waiting() -> int:
    return redis_client().llen(activity._key(activity._WAITING))


def forget_latest() -> None:
    """As after a week without a visit (or a Redis that lost its keys): nothing left in Redis
    about the user's latest view but what the table has."""
    redis_client().delete(activity._key(activity._LATEST))


@pytest.fixture
def flush(django_capture_on_commit_callbacks):
    """The beat task's flush, its transaction committed (the tests run in one of their own)."""
    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return flush_activity()
    return run


def views() -> list[tuple]:
    return list(ActivityRecord.objects.filter(kind="view").order_by("at", "pk")
                .values_list("user_id", "at", "page", "student_id"))


def test_a_diary_page_writes_its_view_to_redis_not_to_the_table(client, parent, children):
    client.force_login(parent)
    week = reverse("diary:week", args=[children[0].pk])

    def activity_queries(hour: int) -> list[str]:
        with time_machine.travel(at(TODAY, hour), tick=False), \
                CaptureQueriesContext(connection) as queries:
            assert client.get(week).status_code == 200
        return [q["sql"] for q in queries.captured_queries if "diary_activityrecord" in q["sql"]]

    # The first visit looks up the one before it in the table; it writes nothing there.
    assert [sql.split()[0] for sql in activity_queries(18)] == ["SELECT"]
    # From then on the previous visit is known in Redis.
    assert activity_queries(19) == []
    assert waiting() == 2
    assert not views()


def test_the_flush_writes_every_view_once(parent, outsider_parent, children, outsider_child,
                                          flush):
    with time_machine.travel(at(TODAY, 18), tick=False):
        record_view(parent, "week", children[0])
        record_view(outsider_parent, "marks", outsider_child)
    with time_machine.travel(at(TODAY, 18) + dt.timedelta(microseconds=7), tick=False):
        record_view(parent, "homework", children[1])
    assert not views()

    assert flush() == 3
    assert views() == [(parent.pk, at(TODAY, 18), "week", children[0].pk),
                       (outsider_parent.pk, at(TODAY, 18), "marks", outsider_child.pk),
                       (parent.pk, at(TODAY, 18) + dt.timedelta(microseconds=7), "homework",
                        children[1].pk)]
    assert waiting() == 0
    assert flush() == 0
    assert len(views()) == 3


def test_a_flush_that_died_before_letting_go_writes_nothing_twice(parent, children, flush):
    record_view(parent, "week", children[0])
    record_view(parent, "marks", children[0])
    flush_activity()  # its rows are in, but it never let the views go (its commit never came)
    record_view(parent, "chart", children[0])

    assert flush() == 1
    assert sorted(page for _, _, page, _ in views()) == ["chart", "marks", "week"]
    assert flush() == 0


def test_a_flush_runs_alone(parent, children):
    record_view(parent, "week", children[0])
    other = redis_client().lock(activity._key(activity._FLUSH_LOCK), timeout=60)
    assert other.acquire(blocking=False)
    assert flush_activity() == 0
    other.release()
    assert flush_activity() == 1


def test_views_of_a_student_gone_meanwhile_are_dropped(parent, children, flush):
    record_view(parent, "week", children[0])
    record_view(parent, "week", children[1])
    children[1].delete()
    assert flush() == 1
    assert [student for _, _, _, student in views()] == [children[0].pk]


def test_the_previous_visit_is_seen_before_and_after_the_flush(parent, children, flush):
    assert last_visit_before(parent, at(TODAY, 20)) is None
    with time_machine.travel(at(TODAY, 9), tick=False):
        record_view(parent, "week", children[0])
    with time_machine.travel(at(TODAY, 19), tick=False):
        record_view(parent, "marks", children[0])

    def seen() -> tuple:
        return (last_visit_before(parent, at(TODAY, 20)), last_visit_before(parent, at(TODAY, 19)),
                last_visit_before(parent, at(TODAY, 9)))

    expected = (at(TODAY, 19), at(TODAY, 9), None)
    assert seen() == expected  # from Redis alone
    flush()
    assert seen() == expected
    forget_latest()
    assert seen() == expected  # from the table alone


def test_the_previous_visit_costs_no_query_once_known(parent, children,
                                                      django_assert_num_queries):
    with time_machine.travel(at(TODAY, 9), tick=False):
        record_view(parent, "week", children[0])
    with django_assert_num_queries(0):
        assert last_visit_before(parent, at(TODAY, 19)) == at(TODAY, 9)


def test_new_marks_are_marked_new_whether_or_not_the_views_were_flushed(
        client, parent, children, teacher, small_school, flush):
    vasya = children[0]
    week = reverse("diary:week", args=[vasya.pk])
    client.force_login(parent)
    with time_machine.travel(at(TODAY, 9), tick=False):
        set_cell(teacher, make_lesson(small_school.maths_5a, TODAY, 1), vasya, "4")
        assert 'data-testid="new"' not in client.get(week).content.decode()
    for hour, number in ((15, 2), (17, 3)):
        with time_machine.travel(at(TODAY, hour), tick=False):
            set_cell(teacher, make_lesson(small_school.maths_5a, TODAY, number), vasya, "5")
    with time_machine.travel(at(TODAY, 19), tick=False):
        assert client.get(week).content.decode().count('data-testid="new"') == 2  # not flushed
    flush()
    with time_machine.travel(at(TODAY, 19) + dt.timedelta(minutes=30), tick=False):
        set_cell(teacher, make_lesson(small_school.maths_5a, TODAY, 4), vasya, "3")
    forget_latest()
    with time_machine.travel(at(TODAY, 20), tick=False):
        assert client.get(week).content.decode().count('data-testid="new"') == 1  # the table's


def test_the_class_teacher_sees_a_visit_at_once_and_after_the_flush(client, class_teacher,
                                                                    parent, children, flush):
    vasya = children[0]
    page = reverse("diary:class_activity", args=[vasya.enrolments.get().school_class_id])
    client.force_login(parent)
    with time_machine.travel(at(TODAY, 19), tick=False):
        client.get(reverse("diary:week", args=[vasya.pk]))
    client.force_login(class_teacher)
    line = f"Петрова Наталья Андреевна (мать): {at(TODAY, 19):%d.%m.%Y} 19:00"
    assert line in client.get(page).content.decode()  # not flushed yet
    flush()
    forget_latest()
    assert line in client.get(page).content.decode()  # from the table
    assert last_visits([parent]) == {parent.pk: at(TODAY, 19)}


def test_the_latest_of_a_sign_in_and_a_waiting_view_is_the_last_visit(parent, children):
    ActivityRecord.objects.create(user=parent, kind="sign_in", at=at(TODAY, 18))
    with time_machine.travel(at(TODAY, 9), tick=False):
        record_view(parent, "week", children[0])
    assert last_visits([parent]) == {parent.pk: at(TODAY, 18)}
    with time_machine.travel(at(TODAY, 19), tick=False):
        record_view(parent, "week", children[0])
    assert last_visits([parent]) == {parent.pk: at(TODAY, 19)}


def test_the_flush_is_a_beat_task_every_minute(parent, children):
    entry = settings.CELERY_BEAT_SCHEDULE["flush-diary-views"]
    assert (entry["task"], entry["schedule"]) == ("diary.flush_activity", 60)
    # As beat stores it (django-celery-beat): a run not started within the minute is dropped.
    stored = ModelEntry.from_entry("flush-diary-views", app=celery_app, **entry).model
    assert (stored.interval.every, stored.interval.period, stored.expire_seconds) == (
        60, "seconds", 50)
    record_view(parent, "week", children[0])
    assert flush_activity_task.delay().get() == 1
    assert len(views()) == 1


def test_without_redis_every_view_is_written_at_once(settings, parent, children):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    record_view(parent, "week", children[0])
    assert len(views()) == 1
    assert last_visit_before(parent, at(TODAY + dt.timedelta(days=400))) is not None
    assert flush_activity() == 0


def test_with_redis_down_a_view_is_written_at_once(settings, parent, children):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings.CACHES = {"default": {"BACKEND": "ejournal.cache.ReusingRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{closed}/0"}}
    record_view(parent, "week", children[0])
    assert len(views()) == 1
    assert last_visit_before(parent, at(TODAY + dt.timedelta(days=1))) == at(TODAY)
    assert last_visits([parent]) == {parent.pk: at(TODAY)}


def test_with_redis_down_a_page_view_is_written_at_once_and_answers_the_last_visit(
        settings, parent, children):
    ActivityRecord.objects.create(user=parent, kind="view", page="marks",
                                  student=children[0], at=at(TODAY) - dt.timedelta(days=2))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings.CACHES = {"default": {"BACKEND": "ejournal.cache.ReusingRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{closed}/0"}}
    assert activity.visit(parent, "week", children[0]) == at(TODAY) - dt.timedelta(days=2)
    assert [(page, student) for _, _, page, student in views()] == [
        ("marks", children[0].pk), ("week", children[0].pk)]
