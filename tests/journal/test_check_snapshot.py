"""A check kept as it was found: by the beat task on the 1st for last month, and by the deputy
director for a month or a period that is over; the page sets it beside the live figures."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from journal.models import JournalCheck, School
from journal.queries.checks import CheckSpan
from journal.queries.late_entries import Month
from journal.services.checks import keep_check, keep_last_months_checks
from journal.services.lesson_record import save_lesson_record
from journal.tasks import keep_monthly_checks_task
from tests.journal.check_setup import (
    NOVEMBER,
    TODAY,
    at,
    built_fixture,  # noqa: F401
    frozen_time_fixture,  # noqa: F401
    journal_of,
)

pytestmark = pytest.mark.django_db
NOVEMBER_SPAN = CheckSpan.of_month(Month(NOVEMBER))
KEEP_URL = reverse("journal:check_keep")


def kept_november(school) -> JournalCheck:
    return JournalCheck.objects.get(school=school, kind="month", starts_on=NOVEMBER)


def test_the_beat_runs_on_the_first_of_each_month_early_in_the_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["keep-monthly-journal-checks"]

    assert entry["task"] == keep_monthly_checks_task.name
    schedule = entry["schedule"]
    assert (schedule.day_of_month, schedule.hour, schedule.minute) == ({1}, {3}, {0})


def test_the_task_keeps_last_months_check_once(built):
    school = built.small.school
    with time_machine.travel(at(dt.date(2026, 12, 1), 3), tick=False):
        assert keep_monthly_checks_task.delay().get() == 1
    kept = kept_november(school)
    found = json.dumps(kept.figures, sort_keys=True)
    assert kept.ends_on == dt.date(2026, 11, 30) and kept.computed_by is None
    assert journal_of(kept.figures, built.small.maths_5a)["counts"]["no_topic"] == 1

    save_lesson_record(built.teacher, built.lessons["no_topic"], topic="Сравнение дробей")
    with time_machine.travel(at(dt.date(2026, 12, 1), 4), tick=False):
        assert keep_monthly_checks_task.delay().get() == 0

    again = kept_november(school)
    assert JournalCheck.objects.filter(school=school).count() == 1
    assert json.dumps(again.figures, sort_keys=True) == found
    assert again.computed_at == kept.computed_at


def test_a_month_outside_every_school_year_is_not_checked(built):
    assert keep_last_months_checks(today=dt.date(2026, 9, 1)) == 0   # August: no year
    assert not JournalCheck.objects.exists()


def test_every_school_gets_its_own_check(built):
    other = School.objects.create(name="Школа № 9", short_name="Школа № 9")
    other.years.create(name="2026/2027", starts_on=dt.date(2026, 9, 1),
                       ends_on=dt.date(2027, 8, 31), is_current=True)

    assert keep_last_months_checks(today=dt.date(2026, 12, 1)) == 2
    assert kept_november(other).figures["journals"] == []


def test_the_kept_check_stays_as_found_while_the_live_one_shows_the_fix(client, built):
    check, made = keep_check(built.small.school, NOVEMBER_SPAN, today=TODAY)
    assert made
    save_lesson_record(built.teacher, built.lessons["no_topic"], topic="Сравнение дробей")

    check.refresh_from_db()
    assert journal_of(check.figures, built.small.maths_5a)["counts"]["no_topic"] == 1
    client.force_login(built.deputy)
    page = client.get(reverse("journal:check", args=[check.pk])).content.decode()
    total = page[page.index('data-testid="total-row" data-finding="no_topic"'):]
    total = total[:total.index("</tr>")]
    assert 'data-testid="kept">1<' in total
    assert 'data-testid="live">0<' in total
    assert 'data-testid="difference">−1<' in total
    card = page[page.index(f'data-journal="{built.small.maths_5a.pk}"'):]
    row = card[card.index('data-finding="no_topic"'):]
    row = row[:row.index("</tr>")]
    assert 'data-live="0" data-kept="1"' in row and 'data-testid="fixed"' in row
    assert 'data-testid="remark-from-finding"' not in row


def test_the_deputy_keeps_a_period_check_at_its_end(client, built):
    client.force_login(built.deputy)

    response = client.post(KEEP_URL, {"period": built.q1.pk})

    check = JournalCheck.objects.get(kind="period", period=built.q1)
    assert response.status_code == 302
    assert response["Location"] == reverse("journal:check", args=[check.pk])
    assert (check.starts_on, check.ends_on) == (built.q1.starts_on, built.q1.ends_on)
    assert check.computed_by == built.deputy
    assert journal_of(check.figures, built.small.maths_5a)["counts"]["term_missing"] == 1


def test_a_second_save_leaves_the_kept_check_as_it_was(client, built):
    client.force_login(built.director)
    client.post(KEEP_URL, {"month": "2026-11"})
    first = kept_november(built.small.school)
    save_lesson_record(built.teacher, built.lessons["no_topic"], topic="Сравнение дробей")

    response = client.post(KEEP_URL, {"month": "2026-11"}, follow=True)

    assert "уже была сохранена" in response.content.decode()
    again = kept_november(built.small.school)
    assert again.figures == first.figures and again.computed_by == built.director


@pytest.mark.parametrize("params", [{"period": "q2"}, {"month": "2026-12"}])
def test_a_span_still_running_is_not_kept(client, built, params):
    client.force_login(built.deputy)
    data = {name: built.q2.pk if value == "q2" else value for name, value in params.items()}

    response = client.post(KEEP_URL, data, follow=True)

    assert "можно сохранить в последний день этого срока или позже" in \
        response.content.decode()
    assert not JournalCheck.objects.exists()


def test_a_month_outside_the_school_year_is_not_kept(client, built):
    client.force_login(built.deputy)

    response = client.post(KEEP_URL, {"month": "2026-08"}, follow=True)

    assert "За август 2026 в школе нет учебного года" in response.content.decode()
    assert not JournalCheck.objects.exists()


def test_a_month_that_cannot_be_read_keeps_nothing(client, built):
    client.force_login(built.deputy)

    response = client.post(KEEP_URL, {"month": "13-2026"}, follow=True)

    assert "Не удалось прочитать месяц" in response.content.decode()
    assert not JournalCheck.objects.exists()


def test_a_teacher_cannot_keep_a_check(client, built):
    client.force_login(built.teacher)

    assert client.post(KEEP_URL, {"month": "2026-11"}).status_code == 404
    assert not JournalCheck.objects.exists()
