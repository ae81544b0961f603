"""Keeping a check's figures as they were found: by the beat task on the 1st of each month for
the month before, and by the deputy director for a month or a study period once it is over.

A kept check is never recomputed (the unique span of `JournalCheck` and a get-or-create), so
that last month's check reads as it was found after teachers fix things, and a second run of
the task, or a second click, leaves it as it is.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from journal.models import JournalCheck, School
from journal.permissions import school_checked_by
from journal.queries.checks import CheckSpan, check_figures, year_of
from journal.queries.late_entries import Month
from journal.rules import JournalError, NotAllowed

logger = logging.getLogger(__name__)


def kept_check(school: School, span: CheckSpan) -> JournalCheck | None:
    return (JournalCheck.objects.select_related("period", "computed_by")
            .filter(school=school, kind=span.kind, starts_on=span.first, ends_on=span.last)
            .first())


def keep_check(school: School, span: CheckSpan, *, by=None,
               today: dt.date | None = None) -> tuple[JournalCheck, bool]:
    """The span's check kept with its figures as found today, and whether it was made now;
    a check already kept is returned as it is. `by` None: the schedule."""
    today = today or timezone.localdate()
    existing = kept_check(school, span)
    if existing is not None:
        return existing, False
    figures = check_figures(school, span, today=today)
    try:
        with transaction.atomic():
            check = JournalCheck.objects.create(
                school=school, kind=span.kind, starts_on=span.first, ends_on=span.last,
                period=span.period, figures=figures, computed_by=by,
                computed_at=timezone.now())
    except IntegrityError:
        # Another run kept it between the look and the write: theirs stands.
        return kept_check(school, span), False
    return check, True


def keep_check_for(user, span: CheckSpan) -> tuple[JournalCheck, bool]:
    """The deputy director's or director's «save the check»: of their own school, for a span
    that is over (on its last day or later)."""
    school = school_checked_by(user)
    if school is None or (span.period is not None and span.period.year.school_id != school.pk):
        raise NotAllowed("Сохранять проверку журналов могут заместитель директора по УВР и "
                         "директор своей школы.")
    today = timezone.localdate()
    if year_of(school, span) is None:
        raise JournalError(f"За {span.title} в школе нет учебного года: проверять нечего.")
    if span.last > today:
        raise JournalError(f"Проверку за {span.title} можно сохранить в последний день этого "
                           f"срока или позже: с {span.last:%d.%m.%Y}.")
    return keep_check(school, span, by=user, today=today)


def keep_last_months_checks(today: dt.date | None = None) -> int:
    """On the 1st: last month's check of every school whose year the month falls in; returns
    how many were made now (0 on a second run)."""
    today = today or timezone.localdate()
    span = CheckSpan.of_month(Month(today.replace(day=1)).previous)
    schools = School.objects.filter(years__starts_on__lte=span.last,
                                    years__ends_on__gte=span.first).distinct().order_by("pk")
    made = 0
    for school in schools:
        check, created = keep_check(school, span, today=today)
        if created:
            made += 1
            logger.info("Проверка журналов за %s сохранена: %s", span.title, school)
    return made
