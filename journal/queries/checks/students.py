"""The check's findings about students: too few marks in the span and in the period so far,
term marks missing after their deadline or far from the recommended mark."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict

from django.db.models import Count, Q

from journal import grading
from journal.models import FinalMark, Mark, School, StudyPeriod
from journal.queries.checks.book import JournalBook, person_name
from journal.queries.checks.roster import Roster
from journal.queries.checks.span import CheckSpan
from journal.queries.grid import weekly_hours_of
from journal.rules import SCALE, term_mark_deadline


def mark_findings(books: dict[int, JournalBook], roster: Roster, span: CheckSpan,
                  as_of: dt.date) -> None:
    """Students with no mark or one mark in the span, and those with fewer marks than a term
    mark needs (`grading.min_marks_required` at the journal's weekly hours) in their period so
    far. Students counted are those in the journal on the last day looked at."""
    marked = {pk: book for pk, book in books.items() if book.gets_marks}
    if not marked:
        return
    periods: dict[StudyPeriod, list[int]] = defaultdict(list)
    for pk, book in marked.items():
        if book.period is not None:
            periods[book.period].append(pk)
    in_period = Q(pk__in=[])
    for period, journal_ids in periods.items():
        in_period |= Q(lesson__assignment_id__in=journal_ids,
                       lesson__date__gte=period.starts_on, lesson__date__lte=period.ends_on)
    start = min([span.first, *(period.starts_on for period in periods)])
    counts = {(row["lesson__assignment_id"], row["student_id"]): row for row in (
        Mark.objects.filter(lesson__assignment_id__in=marked, lesson__date__gte=start,
                            lesson__date__lte=as_of)
        .order_by().values("lesson__assignment_id", "student_id")
        .annotate(in_span=Count("pk", filter=Q(lesson__date__gte=span.first)),
                  in_period=Count("pk", filter=in_period)))}
    hours = weekly_hours_of(book.journal for book in marked.values())
    for pk, book in marked.items():
        required = grading.min_marks_required(hours[pk])
        students = roster.students(book.journal, as_of)
        book.students = len(students)
        for student in students:
            row = counts.get((pk, student.pk), {})
            name = person_name(student.user)
            link = functools.partial(book.student_link, student.pk)
            in_span = row.get("in_span", 0)
            if in_span == 0:
                book.add("no_marks", name, link)
            elif in_span == 1:
                book.add("one_mark", name, link)
            if book.period is not None and row.get("in_period", 0) < required:
                book.add("few_marks", f"{name}: {row.get('in_period', 0)} из {required}", link)


def term_mark_findings(books: dict[int, JournalBook], roster: Roster, school: School,
                       span: CheckSpan, periods: list[StudyPeriod], today: dt.date) -> None:
    """Term marks of the periods that ended in the span and whose deadline
    (`rules.term_mark_deadline`) has passed: missing ones, and ones that differ from the mark
    the weighted average recommended when it was set by a whole point or more."""
    ended = [p for p in periods if span.first <= p.ends_on <= span.last
             and term_mark_deadline(school, p.ends_on) < today]
    marked = {pk: book for pk, book in books.items() if book.gets_marks}
    if not ended or not marked:
        return
    given = {(f.assignment_id, f.student_id, f.period_id): f for f in FinalMark.objects.filter(
        assignment_id__in=marked, kind=FinalMark.Kind.PERIOD, period__in=ended,
    ).only("assignment_id", "student_id", "period_id", "value", "recommended")}
    threshold = school.rounding_threshold
    for pk, book in marked.items():
        for period in ended:
            if not period.applies_to_grade(book.journal.school_class.grade):
                continue
            for student in roster.students(book.journal, period.ends_on):
                name = person_name(student.user)
                link = functools.partial(book.student_link, student.pk, period)
                final = given.get((pk, student.pk, period.pk))
                if final is None:
                    book.add("term_missing", f"{name}: {period.title}", link)
                    continue
                recommended = grading.recommended_mark(final.recommended, threshold)
                if final.value in SCALE and recommended is not None \
                        and abs(int(final.value) - recommended) >= 1:
                    average = f"{final.recommended:.2f}".replace(".", ",")
                    book.add("term_objectivity", f"{name}: {final.value} при рекомендуемой "
                             f"{recommended} (средневзвешенная {average})", link)
