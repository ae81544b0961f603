"""`{% date_input "week" week.monday id="week-date" %}`: a date field in a hand-written form,
the same field as the forms' (`journal.forms.DateInput`)."""

from __future__ import annotations

from django import template

from journal.forms import DateInput

register = template.Library()


@register.simple_tag
def date_input(name: str, value=None, **attrs) -> str:
    return DateInput(attrs=attrs).render(name, value)
