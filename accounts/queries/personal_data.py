"""The personal-data log as the personal-data officer reads it: every change of a person's data
and every time staff opened a family's diary or data, narrowed by dates, kind, who, whose data
and class; and its rows for the XLSX file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import ParentStudent, PersonalDataEvent, StaffRole, Student
from accounts.queries.classes import class_names_by_user, current_year
from accounts.queries.search import person_matches
from journal.models import Enrolment, School, SchoolClass


@dataclass(frozen=True)
class LogFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kind: str = ""
    actor: str = ""
    subject: str = ""
    school_class: SchoolClass | None = None

    @property
    def is_set(self) -> bool:
        return bool(self.date_from or self.date_to or self.kind or self.actor or self.subject
                    or self.school_class)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def belongs_to_school(school: School, user: str = "subject_id") -> Q:
    """The user at `user` is a student of the school, a parent of one, or its staff."""
    ref = OuterRef(user)
    return (Q(Exists(Student.objects.filter(user_id=ref, school=school)))
            | Q(Exists(ParentStudent.objects.filter(parent__user_id=ref, student__school=school)))
            | Q(Exists(StaffRole.objects.filter(user_id=ref, school=school))))


def in_class(school_class: SchoolClass, user: str = "subject_id") -> Q:
    """The user at `user` is a student of the class (at any time of its year) or a parent of
    one."""
    ref = OuterRef(user)
    enrolled = Enrolment.objects.filter(school_class=school_class)
    return (Q(Exists(enrolled.filter(student__user_id=ref)))
            | Q(Exists(enrolled.filter(student__parent_links__parent__user_id=ref))))


def personal_data_log(school: School, wanted: LogFilter) -> QuerySet[PersonalDataEvent]:
    """The school's log, newest first, narrowed as `wanted` says."""
    events = PersonalDataEvent.objects.filter(belongs_to_school(school))
    if wanted.date_from:
        events = events.filter(at__gte=_start_of(wanted.date_from))
    if wanted.date_to:
        events = events.filter(at__lt=_start_of(wanted.date_to + dt.timedelta(days=1)))
    if wanted.kind:
        events = events.filter(kind=wanted.kind)
    if wanted.actor:
        events = events.filter(person_matches(wanted.actor, "actor__"))
    if wanted.subject:
        events = events.filter(person_matches(wanted.subject, "subject__"))
    if wanted.school_class:
        events = events.filter(in_class(wanted.school_class))
    return events.select_related("actor", "subject").order_by("-at", "-pk")


def with_classes(school: School, events: list[PersonalDataEvent]) -> list[PersonalDataEvent]:
    """The events of one page, each with `subject_classes` («5А»): two queries."""
    names = class_names_by_user(current_year(school), timezone.localdate(),
                                {e.subject_id for e in events})
    for event in events:
        event.subject_classes = names.get(event.subject_id, "")
    return events


def change_lines(event: PersonalDataEvent) -> list[tuple[str, str, str]]:
    """(field, old, new) of a change; none for a view."""
    lines = []
    for field, values in (event.changes or {}).items():
        old, new = (list(values) + ["", ""])[:2] if isinstance(values, list | tuple) else ("", values)
        lines.append((str(field), "" if old is None else str(old), "" if new is None else str(new)))
    return lines


LOG_COLUMNS = [("Дата и время", 18), ("Что", 26), ("Кто", 32), ("Адрес", 16),
               ("Чьи данные", 32), ("Класс", 10), ("Страница или действие", 36),
               ("Поле", 24), ("Было", 30), ("Стало", 30)]


def log_rows(school: School, events: QuerySet[PersonalDataEvent]) -> Iterator[list]:
    """The rows of the XLSX file: one per changed field of a change, one per view. The date is
    a local date and time (spreadsheets know no time zones)."""
    names = class_names_by_user(current_year(school), timezone.localdate())
    for event in events.iterator(chunk_size=2000):
        head = [timezone.localtime(event.at).replace(tzinfo=None), event.get_kind_display(),
                event.actor.full_name if event.actor else "система", event.address or "",
                event.subject.full_name, names.get(event.subject_id, ""), event.what]
        for field, old, new in change_lines(event) or [("", "", "")]:
            yield [*head, field, old, new]
