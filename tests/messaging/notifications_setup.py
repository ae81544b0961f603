"""Shared by the notification tests: time on a Monday of the second quarter, a 5А maths lesson
of today and last week, Петров Василий's parent who chose e-mail (with a recorded consent),
and helpers that run the journal's writes with their after-commit work (tasks in-process).

Fixtures are imported by their function names and used by their fixture names."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.models import ContactChannel, User
from journal.models import Lesson
from messaging.models import NotificationPreference, NotificationSettings
from messaging.models.notifications import Channel, Event
from tests.conftest import make_parent, make_student
from tests.journal.journal_setup import TODAY, at, make_lesson

FAMILY_EVENTS = [Event.ABSENCE, Event.LOW_MARK, Event.FAILING_FORECAST, Event.TERM_MARK,
                 Event.MARK_OVER_ABSENCE]


@pytest.fixture(name="school_day")
def school_day_fixture():
    with time_machine.travel(at(TODAY, 10), tick=False):
        yield


@pytest.fixture(name="lesson")
def lesson_fixture(small_school, school_day) -> Lesson:
    """Today's 2nd lesson of maths in 5А (Матвеева's journal)."""
    return make_lesson(small_school.maths_5a, TODAY, number=2)


@pytest.fixture(name="vasya")
def vasya_fixture(children):
    return children[0]


@pytest.fixture(name="kolya")
def kolya_fixture(small_school):
    """Василий's classmate, and his own parent (no e-mail consent)."""
    return make_student(small_school.school, "kolya", "Козлов", "Николай",
                        small_school.class_5a)


@pytest.fixture(name="kolya_parent")
def kolya_parent_fixture(kolya) -> User:
    return make_parent("kozlova", "Козлова", "Ирина", "Петровна", [kolya],
                       email="kozlova@example.ru", phone="+7 900 222-33-44")


def consent(user: User, kind: str, address: str) -> ContactChannel:
    """A consent to be notified through this channel, as the class teacher records it."""
    return ContactChannel.objects.create(user=user, kind=kind, address=address, consented=True,
                                         consented_on=TODAY - dt.timedelta(days=60))


def choose(user: User, channel: str, events=FAMILY_EVENTS, enabled: bool = True) -> None:
    for event in events:
        NotificationPreference.objects.update_or_create(
            user=user, event=event, channel=channel, defaults={"enabled": enabled})


def digest(user: User) -> None:
    NotificationSettings.objects.update_or_create(user=user, defaults={"daily_digest": True})


@pytest.fixture(name="emailed_parent")
def emailed_parent_fixture(parent) -> User:
    """Петрова (Василий's and Мария's mother): e-mail consent, and e-mail chosen for the
    family events."""
    consent(parent, ContactChannel.Kind.EMAIL, parent.email)
    choose(parent, Channel.EMAIL)
    return parent


@pytest.fixture(name="committed")
def committed_fixture(django_capture_on_commit_callbacks):
    """Runs a write as if its transaction committed: the after-commit work (the notification
    task, the deliveries) runs in-process when the block ends."""
    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)
    return run
