"""The demo's news, notices and events (`messaging.notices.demo.seed`, run by the demo's seeding),
posted on the small demo school by its people: each demo login sees what is meant for them."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from accounts.models import User
from messaging.models import Announcement, Notification, SchoolEvent
from messaging.notices import queries

MOMENT = dt.datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))  # a Wednesday


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), \
            time_machine.travel(MOMENT, tick=False):
        # The demo's seeding posts them (through `journal.signals.demo_seeded`); the audiences
        # are told after the demo's commit (here, its savepoint's end).
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", size="small", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(MOMENT, tick=False):
        yield


def titles(notices) -> set[str]:
    return {n.title for n in notices}


def test_the_demo_posts_news_notices_and_events_of_this_week_and_the_next(db, seeded):
    assert Announcement.objects.filter(kind="news").count() == 3
    assert set(Announcement.objects.filter(kind="notice").values_list("audience", flat=True)) \
        == {"staff", "grade", "class"}
    dates = set(SchoolEvent.objects.values_list("date", flat=True))
    assert min(dates) >= dt.date(2026, 11, 16) and max(dates) <= dt.date(2026, 11, 29)
    assert SchoolEvent.objects.filter(school_class__isnull=True).count() == 2


def test_each_demo_login_sees_what_is_meant_for_them(db, seeded):
    news = {"Итоги школьного этапа олимпиады", "Библиотека ждёт читателей",
            "Неделя безопасности дорожного движения"}
    family = news | {"Родительские собрания 5-х классов", "Экскурсия в краеведческий музей"}
    seen = {login: titles(queries.visible_to(User.objects.get(username=login)))
            for login in ("parent", "student", "teacher", "klass", "director")}
    assert seen["parent"] == seen["student"] == family
    assert seen["teacher"] == news | {"Педагогический совет"}
    assert seen["klass"] == seen["director"] == family | {"Педагогический совет"}
    parent = User.objects.get(username="parent")
    assert len(queries.events_visible_to(parent)) == 4


def test_the_demo_families_were_told_of_their_notices(db, seeded):
    parent = User.objects.get(username="parent")
    told = set(Notification.objects.filter(recipient=parent, event="announcement")
               .values_list("title", flat=True))
    assert told == {"Объявление: Родительские собрания 5-х классов",
                    "Объявление: Экскурсия в краеведческий музей"}
