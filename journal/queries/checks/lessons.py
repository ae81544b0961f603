"""The check's findings in the lessons themselves: topics, the held flag, homework, written
works, substitutions; records entered late; programme completion."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict

from accounts.models import StaffRole
from accounts.roles import JOURNAL_CORRECTORS
from journal.models import Lesson, School, TeachingAssignmentUserObjectPermission
from journal.permissions import KEEPERS
from journal.queries.checks.book import JournalBook, lesson_label, page_link, person_name
from journal.queries.checks.completion import programme_completions
from journal.queries.checks.span import CheckSpan
from journal.queries.late_entries import late_entries


def lesson_findings(books: dict[int, JournalBook], school: School, span: CheckSpan,
                    as_of: dt.date) -> None:
    """Topics, the held flag, homework, written works and substitutions of the span's past
    lessons. A lesson recorded by someone who neither keeps the journal, nor substitutes, nor
    corrects journals (the deputy director) was given by another teacher with no
    substitution on record."""
    keepers: dict[int, set[int]] = defaultdict(set)
    for journal_id, user_id in TeachingAssignmentUserObjectPermission.objects.filter(
            content_object_id__in=books, permission__codename__in=KEEPERS
    ).values_list("content_object_id", "user_id"):
        keepers[journal_id].add(user_id)
    correctors = set(StaffRole.objects.filter(school=school, role__in=JOURNAL_CORRECTORS)
                     .values_list("user_id", flat=True))
    rows = (Lesson.objects.filter(assignment_id__in=books, date__gte=span.first, date__lte=as_of)
            .order_by("date", "number", "pk")
            .values_list("pk", "assignment_id", "date", "number", "topic", "is_held",
                         "homework__pk", "homework__is_none", "assessment_type__is_written",
                         "substitute_id", "substitute_reason", "entered_by_id",
                         "entered_by__last_name", "entered_by__first_name",
                         "entered_by__patronymic"))
    for (pk, journal_id, day, number, topic, is_held, homework, homework_none, written,
         substitute, reason, writer, *writer_name) in rows:
        book = books[journal_id]
        label, link = lesson_label(day, number), functools.partial(page_link, "journal:lesson", pk)
        book.lessons += 1
        if not topic.strip():
            book.add("no_topic", label, link)
        if not is_held:
            book.add("not_held", label, link)
        if book.gets_marks:
            book.homework_lessons += 1
            if homework is None:
                book.add("no_homework", label, link)
            elif homework_none:
                book.add("homework_none", label, link)
        if written:
            book.written += 1
        if substitute is not None:
            book.substitutions += 1
            if not reason.strip():
                book.add("substitution_no_reason", label, link)
        elif writer is not None and writer != book.journal.teacher_id \
                and writer not in keepers[journal_id] and writer not in correctors:
            who = " ".join(part for part in writer_name if part)
            book.add("unrecorded_substitution", f"{label}: записал {who}", link)
    if span.period is not None:
        for book in books.values():
            if book.gets_marks and book.lessons and not book.written:
                book.add("no_written", "Нет ни одной контрольной или письменной работы",
                         book.grid_link)


def late_findings(books: dict[int, JournalBook], school: School, span: CheckSpan) -> None:
    """Records entered after the school's deadline (`journal.queries.late_entries`): what,
    whose, how many days late and who entered it."""
    for entry in late_entries(school, span):
        book = books.get(entry.assignment.pk)
        if book is None:
            continue
        when = f"{entry.date:%d.%m.%Y}" if entry.date else entry.date_note
        parts = [when, entry.what]
        if entry.student is not None:
            parts.append(person_name(entry.student.user))
        if entry.detail:
            parts.append(entry.detail[:60])
        who = entry.entered_by.short_name if entry.entered_by else "—"
        label = f"{' · '.join(parts)} — на {entry.days_late} дн., внёс {who}"
        link = page_link("journal:lesson", entry.lesson.pk) if entry.lesson else book.grid_link
        book.add("late", label, link)


def completion_findings(books: dict[int, JournalBook], as_of: dt.date) -> None:
    """Programme completion on the last day looked at: held lessons against the plan's hours
    (КТП) and the curriculum's; a journal behind its plan's dates, or with no plan."""
    completions = programme_completions([book.journal for book in books.values()], as_of)
    for pk, book in books.items():
        done = completions[pk]
        book.completion = {
            "held": done.held, "planned_hours": done.planned_hours,
            "planned_to_date": done.planned_to_date, "of_planned": done.of_planned,
            "of_curriculum": done.of_curriculum,
            "curriculum_hours": None if done.curriculum_hours is None
            else float(done.curriculum_hours),
        }
        plan_link = page_link("journal:plan", pk)
        if not done.planned_hours:
            book.add("no_plan", "В журнале нет тематического планирования", plan_link)
        elif done.behind_plan > 0:
            book.add("behind_plan",
                     f"проведено {done.held} ч, по КТП к {as_of:%d.%m.%Y} — "
                     f"{done.planned_to_date} ч", plan_link, count=done.behind_plan)
