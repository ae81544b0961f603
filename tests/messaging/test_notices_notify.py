"""A new notice is told to its audience in the system: in one background task after the commit,
not in the request; a later one when its time comes (the beat's task); each person once."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from messaging.models import Announcement, Notification
from messaging.models.notifications import Event
from messaging.notices import services, tasks
from messaging.notices.services import NoticeData, notice_key
from tests.messaging.notices_setup import (  # noqa: F401 (fixtures)
    NOW,
    frozen_now_fixture,
    notice,
    world_fixture,
)

CREATE = reverse("messaging:notices:create")


def told_about(notice_) -> set[str]:
    return set(Notification.objects.filter(key=notice_key(notice_.pk))
               .values_list("recipient__username", flat=True))


def post(world, role: str, **data):
    client = Client()
    client.force_login(world.users[role])
    return client.post(CREATE, {"kind": "notice", "title": "Экскурсия", "body": "В пятницу.",
                                "grade": "", "school_class": "", **data})


def test_a_class_notice_is_told_to_the_class_families_in_one_task_after_the_commit(
        db, world, django_capture_on_commit_callbacks, monkeypatch):
    runs = []
    delay = tasks.tell_notice_audience.delay
    monkeypatch.setattr(tasks.tell_notice_audience, "delay",
                        lambda *args: runs.append(args) or delay(*args))
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(world, "class_teacher", audience="class",
                        school_class=world.classes["5А"].pk)
        assert response.status_code == 302
        assert not Notification.objects.exists()   # nothing is told in the request
    for callback in callbacks:
        callback()
    [(notice_id,)] = runs
    notice_ = Announcement.objects.get(pk=notice_id)
    # Василий and his mother; not the class teacher who posted it, nor another class.
    assert told_about(notice_) == {"vasya", "petrova"}
    told = Notification.objects.get(recipient=world.users["parent"])
    assert told.event == Event.ANNOUNCEMENT and told.title == "Объявление: Экскурсия"
    assert told.text == "В пятницу."
    assert told.link == reverse("messaging:notices:notice", args=[notice_.pk])


def test_a_grade_notice_reaches_every_family_and_class_teacher_of_the_grade(
        db, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(world, "secretary", audience="grade", grade="5")
    notice_ = Announcement.objects.latest("pk")
    assert told_about(notice_) == {"vasya", "petrova", "chuzhoy", "sidorov", "klassnaya"}


def test_news_and_notices_to_come_are_not_told_on_posting(db, world,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(world, "secretary", audience="school", publish_date="17.11.2026",
             publish_time="08:00")
        client = Client()
        client.force_login(world.users["editor"])
        client.post(CREATE, {"kind": "news", "audience": "school", "title": "Новость",
                             "body": "Текст"})
    assert not Notification.objects.exists()


def test_a_notice_to_come_is_told_when_its_time_comes_once(db, world):
    tasks.tell_due_notice_audiences()   # the notices posted before, in the world itself
    later = services.save_notice(world.users["secretary"], NoticeData(
        kind="notice", audience="parents", title="Собрание", body="В четверг.",
        publish_at=NOW + dt.timedelta(hours=2)))
    assert tasks.tell_due_notice_audiences() == 0
    assert not told_about(later)
    with time_machine.travel(NOW + dt.timedelta(hours=2, minutes=5), tick=False):
        tasks.tell_due_notice_audiences()
        assert told_about(later) == {"petrova", "sidorov"}   # the parents of school № 7
        assert tasks.tell_due_notice_audiences() == 0   # nobody is told twice


def test_a_withdrawn_notice_is_not_told(db, world):
    tasks.tell_due_notice_audiences()
    later = services.save_notice(world.users["secretary"], NoticeData(
        kind="notice", audience="parents", title="Собрание", body="В четверг.",
        publish_at=NOW + dt.timedelta(hours=2)))
    services.withdraw_notice(world.users["secretary"], later.pk)
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        tasks.tell_due_notice_audiences()
    assert not told_about(later)


def test_an_edited_notice_is_not_told_again_but_a_widened_audience_is(
        db, world, django_capture_on_commit_callbacks):
    secretary = world.users["secretary"]
    data = NoticeData(kind="notice", audience="class", class_id=world.classes["5Б"].pk,
                      title="Экскурсия", body="В пятницу.", publish_at=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        posted = services.save_notice(secretary, data)
    assert told_about(posted) == {"chuzhoy", "sidorov"}
    with django_capture_on_commit_callbacks(execute=True):
        services.save_notice(secretary, NoticeData(**{**data.__dict__, "title": "Экскурсия!"}),
                             notice_id=posted.pk)
    assert Notification.objects.filter(key=notice_key(posted.pk)).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.save_notice(secretary, NoticeData(**{**data.__dict__, "audience": "grade",
                                                      "grade": 5}), notice_id=posted.pk)
    assert told_about(posted) == {"chuzhoy", "sidorov", "vasya", "petrova", "klassnaya"}
    assert Notification.objects.filter(key=notice_key(posted.pk)).count() == 5


def test_telling_a_big_audience_costs_as_many_queries_as_a_small_one(db, world):
    small = notice(world, "secretary", "Пятому Б", audience="class", school_class="5Б",
                   publish_at=NOW)
    big = notice(world, "secretary", "Всем", publish_at=NOW)
    costs = []
    for notice_ in (small, big):
        with CaptureQueriesContext(connection) as queries:
            told = services.tell_audience(notice_.pk)
        assert told == len(told_about(notice_))
        costs.append(len(queries))
    assert told > 10 and costs[0] == costs[1]
