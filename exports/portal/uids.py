"""Participants without a portal UID, for the administrator's page (`uid_views.py`), and the
form that fills one in.

Who is listed is who a portal export leaves out (`content.left_out`: the year's students, their
parents, the staff who appear in its journals), and everyone with a role in the school as well,
so that the school's whole staff has codes before they are needed. The rules of codes
themselves (whose, unique within a kind) are `journal.imports.uids`, shared with the import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.db.models import Exists, OuterRef

from accounts.models import ParentStudent, StaffRole, User, portal_uid_validator
from accounts.roles import Role
from exports.models import PortalExport
from exports.portal.content import left_out
from exports.portal.scope import Scope
from journal.imports.uids import Kind, Record, user_of
from journal.models import AcademicYear, Enrolment, School

# Rows shown per kind: a school that has no codes yet loads them from a file.
SHOWN = 100
TITLES = {Kind.STUDENT: "Обучающиеся", Kind.PARENT: "Родители", Kind.STAFF: "Сотрудники"}
# `left_out`'s keys.
LEFT_OUT_KEYS = {Kind.STUDENT: "students", Kind.PARENT: "parents", Kind.STAFF: "staff"}


@dataclass
class Entry:
    """A person without a code, as a row of the page."""

    kind: str
    record: Record
    detail: str = ""

    @property
    def user(self) -> User:
        return user_of(self.record)

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.record.pk}"


@dataclass
class Section:
    kind: str
    title: str
    entries: list[Entry]
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.entries)


def _by_name(record: Record) -> tuple:
    user = user_of(record)
    return user.last_name, user.first_name, user.patronymic, record.pk


def without_uid(school: School, year: AcademicYear, now: dt.datetime) -> list[Section]:
    """The year's participants without a code, by kind, with what tells them apart: a student's
    class, a parent's children, a staff member's roles. At most `SHOWN` of each kind."""
    people = left_out(Scope(school=school, year=year, kind=PortalExport.Kind.FULL, until=now))
    listed = {u.pk for u in people[LEFT_OUT_KEYS[Kind.STAFF]]}
    role_holders = (User.objects.filter(Exists(StaffRole.objects.filter(user=OuterRef("pk"),
                                                                       school=school)),
                                        staff_portal_uid="")
                    .exclude(pk__in=listed))
    people[LEFT_OUT_KEYS[Kind.STAFF]] = [*people[LEFT_OUT_KEYS[Kind.STAFF]], *role_holders]

    sections = []
    for kind in Kind:
        records = sorted(people[LEFT_OUT_KEYS[kind]], key=_by_name)
        sections.append(Section(kind=kind, title=TITLES[kind], total=len(records),
                                entries=[Entry(kind, r) for r in records[:SHOWN]]))
    describe([e for s in sections for e in s.entries], school, year, now.date())
    return sections


def describe(listed: list[Entry], school: School, year: AcademicYear, day: dt.date) -> None:
    """Fill in each entry's `detail` (three queries, however many there are)."""
    entries: dict[str, list[Entry]] = {kind: [] for kind in Kind}
    for entry in listed:
        entries[entry.kind].append(entry)
    links = list(ParentStudent.objects.filter(parent__in=[e.record for e in entries[Kind.PARENT]])
                 .select_related("student__user").order_by("student__user__last_name",
                                                           "student__user__first_name"))
    students = {e.record.pk for e in entries[Kind.STUDENT]} | {link.student_id for link in links}
    class_of = _classes(year, students, day)
    for entry in entries[Kind.STUDENT]:
        entry.detail = class_of.get(entry.record.pk, "")
    children: dict[int, list[str]] = {}
    for link in links:
        if link.student_id in class_of:  # a child of this school's year
            children.setdefault(link.parent_id, []).append(
                f"{link.student.user.short_name} ({class_of[link.student_id]})")
    for entry in entries[Kind.PARENT]:
        entry.detail = ", ".join(children.get(entry.record.pk, []))
    roles: dict[int, list[str]] = {}
    for user_id, role in (StaffRole.objects.filter(school=school,
                                                   user__in=[e.record for e in entries[Kind.STAFF]])
                          .values_list("user_id", "role")):
        roles.setdefault(user_id, []).append(Role(role).label)
    for entry in entries[Kind.STAFF]:
        entry.detail = ", ".join(sorted(roles.get(entry.record.pk, []))) or "ведёт уроки, без роли"


def _classes(year: AcademicYear, students: set[int], day: dt.date) -> dict[int, str]:
    """Each student's class in the year: the latest enrolment, «выбыл» once it is over."""
    found: dict[int, str] = {}
    for enrolment in (Enrolment.objects.filter(school_class__year=year, student_id__in=students)
                      .select_related("school_class").order_by("enrolled_on", "pk")):
        name = str(enrolment.school_class)
        found[enrolment.student_id] = (name if enrolment.left_on is None or enrolment.left_on >= day
                                       else f"{name}, выбыл {enrolment.left_on:%d.%m.%Y}")
    return found


class UidForm(forms.Form):
    """One person's code, from a row of the page."""

    kind = forms.ChoiceField(choices=Kind.choices, widget=forms.HiddenInput)
    person = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    uid = forms.CharField(label="UID портала", validators=[portal_uid_validator],
                          error_messages={"required": "Введите UID портала."})
