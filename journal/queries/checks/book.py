"""What the check found in one journal, and the links its rows carry."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from journal.models import StudyPeriod, TeachingAssignment
from journal.queries.checks.findings import KEYS
from journal.rules import grade_gets_marks

# Rows behind one finding of one journal kept for the page; the count is always the whole.
MAX_ITEMS = 10


def lesson_label(day: dt.date, number: int) -> str:
    return f"{day:%d.%m.%Y}, {number} ур."


def person_name(user) -> str:
    return f"{user.last_name} {user.first_name}".strip()


_SENTINEL = 987654321


@functools.cache
def _url_of(name: str) -> str:
    """The URL of a page that takes one id, with a slot for the id: a check links tens of
    thousands of rows, and `reverse` for each of them would take most of its time."""
    return reverse(name, args=[_SENTINEL]).replace(str(_SENTINEL), "{}")


def page_link(name: str, pk: int, *, query: dict | None = None, fragment: str = "") -> str:
    url = _url_of(name).format(pk)
    if query:
        url += "?" + urlencode(query)
    return url + (f"#{fragment}" if fragment else "")


@dataclass
class JournalBook:
    """What the check found in one journal."""

    journal: TeachingAssignment
    period: StudyPeriod | None    # the grid's period the links open
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KEYS, 0))
    items: dict[str, list[dict]] = field(default_factory=dict)
    lessons: int = 0              # lessons of the span up to the day looked at
    homework_lessons: int = 0     # of them, lessons that get homework (not in grade 1)
    students: int = 0
    written: int = 0              # control and written works
    substitutions: int = 0
    completion: dict = field(default_factory=dict)

    @property
    def gets_marks(self) -> bool:
        return grade_gets_marks(self.journal.school_class.grade)

    @property
    def grid_link(self) -> str:
        query = {"period": self.period.pk} if self.period else None
        return page_link("journal:journal", self.journal.pk, query=query)

    def student_link(self, student_id: int, period: StudyPeriod | None = None) -> str:
        period = period or self.period
        return page_link("journal:journal", self.journal.pk,
                         query={"period": period.pk} if period else None,
                         fragment=f"student-{student_id}")

    def add(self, key: str, label: str, link: str | Callable[[], str], count: int = 1) -> None:
        """Count a finding; its row is kept while the journal has fewer than `MAX_ITEMS` of
        it (`link` may be a function, called only then)."""
        self.counts[key] += count
        rows = self.items.setdefault(key, [])
        if len(rows) < MAX_ITEMS:
            rows.append({"label": label, "link": link if isinstance(link, str) else link()})

    def as_json(self) -> dict:
        journal = self.journal
        return {
            "id": journal.pk, "class_id": journal.school_class_id,
            "class": str(journal.school_class), "grade": journal.school_class.grade,
            "subject_id": journal.subject_id, "subject": journal.subject.name,
            "group": journal.subgroup.name if journal.subgroup_id else "",
            "teacher_id": journal.teacher_id, "teacher": journal.teacher.short_name,
            "link": self.grid_link, "plan_link": page_link("journal:plan", journal.pk),
            "lessons": self.lessons, "homework_lessons": self.homework_lessons,
            "students": self.students, "written": self.written,
            "substitutions": self.substitutions, "completion": self.completion,
            "counts": self.counts, "items": self.items,
        }
