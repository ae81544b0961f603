"""Dates are typed as ДД.ММ.ГГГГ whatever language the browser speaks; the site's links and
the browser's calendar send ГГГГ-ММ-ДД. One function reads both, for every date field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template

from journal.dates import parse_date
from journal.forms import PlanItemForm
from journal.weeks import parse_week

NOV_16 = dt.date(2026, 11, 16)


@pytest.mark.parametrize("typed", ["16.11.2026", "16,11,2026", "16/11/2026", "16-11-2026",
                                   " 16.11.2026 ", "16112026", "2026-11-16"])
def test_it_reads_a_date_as_people_type_it_and_as_links_send_it(typed):
    assert parse_date(typed) == NOV_16


def test_a_single_digit_day_and_month_are_read_too():
    assert parse_date("1.9.2026") == dt.date(2026, 9, 1)


@pytest.mark.parametrize("typed", ["11/16/2026", "31.02.2026", "16.11.26", "завтра", "2026-16-11"])
def test_it_refuses_what_is_not_a_date_with_a_hint_in_russian(typed):
    with pytest.raises(ValueError, match="ДД.ММ.ГГГГ"):
        parse_date(typed)


def test_an_empty_field_is_no_date():
    assert parse_date("") is None
    assert parse_date(None) is None


def test_the_week_pages_read_the_typed_date():
    assert parse_week("18.11.2026", NOV_16) == (NOV_16, None)
    monday, error = parse_week("11/18/2026", NOV_16)
    assert monday == NOV_16
    assert "ДД.ММ.ГГГГ" in error


def test_a_date_field_shows_and_takes_dd_mm_yyyy(db, small_school):
    form = PlanItemForm(initial={"planned_on": NOV_16}, assignment=small_school.maths_5a)
    html = str(form["planned_on"])
    assert 'type="text"' in html
    assert 'value="16.11.2026"' in html
    assert 'placeholder="дд.мм.гггг"' in html
    assert 'inputmode="numeric"' in html

    typed = PlanItemForm({"topic": "Дроби", "hours": "1", "planned_on": "16.11.2026"},
                         assignment=small_school.maths_5a)
    assert typed.is_valid(), typed.errors
    assert typed.cleaned_data["planned_on"] == NOV_16

    wrong = PlanItemForm({"topic": "Дроби", "hours": "1", "planned_on": "11/16/2026"},
                         assignment=small_school.maths_5a)
    assert not wrong.is_valid()
    assert "ДД.ММ.ГГГГ" in wrong.errors["planned_on"][0]


def test_a_hand_written_form_gets_the_same_field():
    html = Template('{% load date_inputs %}{% date_input "week" day id="week-date" required=True %}'
                    ).render(Context({"day": NOV_16}))
    assert 'name="week"' in html
    assert 'id="week-date"' in html
    assert 'value="16.11.2026"' in html
    assert 'type="text"' in html
    assert "required" in html
