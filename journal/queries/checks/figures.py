"""The figures of the deputy director's check of a month or a study period.

`check_figures` reads the school's journals (narrowed by class, teacher and subject) and
returns plain JSON values — ids, counts, labels and links — so that the same dict is shown on
the page, kept in `JournalCheck.figures` as it was found, and printed in the справка. Each
journal has a count of every finding (`findings.FINDINGS`) and the rows behind it, each with a
link to the lesson, the journal's grid or its plan where it can be fixed.

A fixed number of queries whatever the number of journals (about twenty, plus one per grade for
the study weeks): every read is grouped over the whole school.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from journal.models import School, StudyPeriod, TeachingAssignment
from journal.queries.checks.book import JournalBook
from journal.queries.checks.lessons import completion_findings, late_findings, lesson_findings
from journal.queries.checks.people import family_participation, teachers_taking_part
from journal.queries.checks.roster import Roster
from journal.queries.checks.span import CheckSpan, year_of
from journal.queries.checks.students import mark_findings, term_mark_findings
from journal.queries.checks.summary import totals
from journal.queries.grid import period_for
from journal.queries.journals import JournalFilter, filtered, listed

VERSION = 1


def _journals(year, span: CheckSpan, wanted: JournalFilter) -> list[TeachingAssignment]:
    grade_from, grade_to = span.grades()
    journals = TeachingAssignment.objects.filter(
        year=year, school_class__grade__gte=grade_from, school_class__grade__lte=grade_to)
    return list(listed(filtered(journals, wanted)))


def _grade_periods(periods: list[StudyPeriod], span: CheckSpan, as_of: dt.date
                   ) -> dict[int, StudyPeriod | None]:
    """The period each grade is in on the day looked at (the span's own for a period check);
    None before the grade's first period has begun."""
    found: dict[int, StudyPeriod | None] = {}
    for grade in range(1, 12):
        if span.period is not None:
            found[grade] = span.period if span.period.applies_to_grade(grade) else None
            continue
        period = period_for([p for p in periods if p.applies_to_grade(grade)], as_of)
        found[grade] = period if period is not None and period.starts_on <= as_of else None
    return found


def check_figures(school: School, span: CheckSpan, *, school_class: int | None = None,
                  teacher: int | None = None, subject: int | None = None,
                  today: dt.date | None = None) -> dict:
    """The check's figures for the span, of the journals narrowed by class, teacher and
    subject (ids), as found on `today`."""
    today = today or timezone.localdate()
    as_of = span.as_of(today)
    year = year_of(school, span)
    wanted = JournalFilter(school_class=school_class, teacher=teacher, subject=subject)
    journals = _journals(year, span, wanted) if year is not None else []
    periods = list(StudyPeriod.objects.filter(year=year).order_by("starts_on")) if journals else []
    by_grade = _grade_periods(periods, span, as_of)
    books = {j.pk: JournalBook(j, by_grade[j.school_class.grade]) for j in journals}
    started = bool(journals) and as_of >= span.first
    roster = Roster(journals, span.first, as_of) if started else None
    if started:
        lesson_findings(books, school, span, as_of)
        mark_findings(books, roster, span, as_of)
        term_mark_findings(books, roster, school, span, periods, today)
        late_findings(books, school, span)
        completion_findings(books, as_of)
    teachers = teachers_taking_part(journals, span, as_of, started)
    classes = family_participation(journals, roster, span, as_of) if started else []
    found = [book.as_json() for book in books.values()]
    return {
        "version": VERSION, "span": span.as_json(), "as_of": as_of.isoformat(),
        "journals": found, "teachers": teachers, "classes": classes,
        "totals": totals(found, teachers, classes),
    }
