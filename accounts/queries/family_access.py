"""Families' access to the diary as the pages and services read it: a person's login status,
their application and consent in force, and what stops a login from being issued. The rules
are written once here, as annotations that one query adds to any list of accounts, and read by
`AccessStatus`; `status_of` does the same for one account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from accounts.models import (
    CredentialIssue,
    DiaryApplication,
    Parent,
    ParentStudent,
    PersonalDataConsent,
    StaffRole,
    Student,
    Termination,
    User,
)
from accounts.roles import Role
from journal.models import Enrolment, School, SchoolClass

# The consent (or refusal) in force is the latest by the document's date, then by entry.
CONSENT_ORDER = ("-signed_on", "-pk")


def _latest_consent(parent_ref: str):
    return PersonalDataConsent.objects.filter(parent_id=OuterRef(parent_ref)).order_by(
        *CONSENT_ORDER)


def access_annotations() -> dict:
    """Annotations on User that `AccessStatus` reads."""
    issues = CredentialIssue.objects.filter(user=OuterRef("pk")).order_by("-issued_at", "-pk")
    ends = Termination.objects.filter(user=OuterRef("pk")).order_by("-recorded_at", "-pk")
    own = DiaryApplication.objects.filter(parent__user=OuterRef("pk")).order_by("-recorded_at",
                                                                                "-pk")
    # A student's access is renewed after a termination by a parent's application naming them.
    naming = DiaryApplication.objects.filter(children__user=OuterRef("pk")).order_by(
        "-recorded_at", "-pk")
    consent = PersonalDataConsent.objects.filter(parent__user=OuterRef("pk")).order_by(
        *CONSENT_ORDER)
    refusing = (ParentStudent.objects.filter(student__user=OuterRef("pk"),
                                             is_legal_representative=True)
                .annotate(_given=Subquery(_latest_consent("parent_id").values("given")[:1]))
                .filter(_given=False))
    return {
        "_issued_at": Subquery(issues.values("issued_at")[:1]),
        "_terminated_at": Subquery(ends.values("recorded_at")[:1]),
        "_terminated_on": Subquery(ends.values("terminated_on")[:1]),
        "_applied_at": Subquery(own.values("recorded_at")[:1]),
        "_applied_on": Subquery(own.values("received_on")[:1]),
        "_named_at": Subquery(naming.values("recorded_at")[:1]),
        "_consent_given": Subquery(consent.values("given")[:1]),
        "_consent_on": Subquery(consent.values("signed_on")[:1]),
        "_consent_document": Subquery(consent.values("document")[:1]),
        "_representative_refused": Exists(refusing),
        "_is_parent": Exists(Parent.objects.filter(user=OuterRef("pk"))),
        "_is_staff_member": Exists(StaffRole.objects.filter(user=OuterRef("pk"))),
    }


def with_access(users: QuerySet[User]) -> QuerySet[User]:
    return users.annotate(**access_annotations())


class State:
    NONE = "none"
    ISSUED = "issued"
    SIGNED_IN = "signed_in"
    TERMINATED = "terminated"


@dataclass(frozen=True)
class AccessStatus:
    """Where a person's access to the diary stands (from `access_annotations`)."""

    state: str
    issued_at: dt.datetime | None
    last_login: dt.datetime | None
    terminated_on: dt.date | None
    is_parent: bool
    applied_on: dt.date | None       # the parent's application in force
    consent: bool | None             # the parent's consent in force: True, False (refusal), None
    consent_on: dt.date | None
    consent_document: str
    representative_refused: bool     # a student whose legal representative refused
    is_active: bool
    is_staff_member: bool = False    # a staff account: the family rules do not apply to it

    @property
    def label(self) -> str:
        if self.state == State.TERMINATED:
            return f"услуга прекращена {self.terminated_on:%d.%m.%Y}"
        if self.state == State.SIGNED_IN:
            return f"последний вход {timezone.localtime(self.last_login):%d.%m.%Y}"
        if self.state == State.ISSUED:
            return f"логин выдан {timezone.localtime(self.issued_at):%d.%m.%Y}, входа ещё не было"
        return "нет логина"

    @property
    def waits_for_application(self) -> bool:
        """A parent without an application in force: their account stays switched off."""
        return self.is_parent and not self.is_staff_member and self.applied_on is None

    @property
    def blocked(self) -> str:
        """Why no login may be issued now ("" when one may)."""
        if self.state == State.TERMINATED:
            return (f"Предоставление услуги прекращено {self.terminated_on:%d.%m.%Y}: логин "
                    f"можно выдать только после нового заявления родителя.")
        if self.is_staff_member:
            return ""
        if self.is_parent and self.consent is False:
            return (f"Записан отказ от обработки персональных данных ({self.consent_document}, "
                    f"{self.consent_on:%d.%m.%Y}): логин не выдаётся.")
        if self.representative_refused:
            return ("Записан отказ законного представителя от обработки персональных данных: "
                    "логин не выдаётся.")
        return ""

    @property
    def never_signed_in(self) -> bool:
        return self.state in (State.NONE, State.ISSUED)

    @property
    def consent_label(self) -> str:
        if self.consent is None:
            return "не записано"
        what = "согласие" if self.consent else "отказ"
        return f"{what} от {self.consent_on:%d.%m.%Y}"


def status_from(user: User) -> AccessStatus:
    """The status of an account annotated with `access_annotations`."""
    terminated_at = user._terminated_at
    renewed_at = user._applied_at if user._is_parent else user._named_at
    # Only an application recorded after the termination renews the service.
    terminated = terminated_at is not None and (renewed_at is None or renewed_at <= terminated_at)
    issued_at, last_login = user._issued_at, user.last_login
    if terminated:
        state = State.TERMINATED
    elif not user.has_usable_password():
        state = State.NONE
    elif last_login is not None and (issued_at is None or last_login >= issued_at):
        state = State.SIGNED_IN
    elif issued_at is not None:
        state = State.ISSUED
    else:
        state = State.NONE
    applied = (user._applied_at is not None
               and (terminated_at is None or user._applied_at > terminated_at))
    return AccessStatus(
        state=state, issued_at=issued_at, last_login=last_login,
        terminated_on=user._terminated_on if terminated else None, is_parent=user._is_parent,
        applied_on=user._applied_on if applied else None, consent=user._consent_given,
        consent_on=user._consent_on, consent_document=user._consent_document or "",
        representative_refused=user._representative_refused, is_active=user.is_active,
        is_staff_member=user._is_staff_member)


def status_of(user: User) -> AccessStatus:
    """One account's status: one query."""
    return status_from(with_access(User.objects.filter(pk=user.pk)).get())


# A class's families ------------------------------------------------------------------------

@dataclass
class FamilyRow:
    user: User
    status: AccessStatus
    what: str                     # «обучающийся», «мать: Петров Василий»
    is_staff_member: bool = False
    parent: Parent | None = None
    student: Student | None = None
    children: list[tuple[Student, str]] = field(default_factory=list)  # (child, relation)


@dataclass
class ClassFamilies:
    students: list[FamilyRow]
    parents: list[FamilyRow]

    @property
    def rows(self) -> list[FamilyRow]:
        return self.students + self.parents

    def without_login(self) -> list[FamilyRow]:
        """Whom «выдать всем без логина» reaches: never issued, never signed in, not blocked."""
        return [r for r in self.rows if r.status.state == State.NONE and r.user.last_login is None
                and not r.status.blocked and not r.is_staff_member]

    def not_signed_in(self) -> list[FamilyRow]:
        """Whom the class's slips reach: no first sign-in yet, not blocked."""
        return [r for r in self.rows if r.status.never_signed_in and r.user.last_login is None
                and not r.status.blocked and not r.is_staff_member]


def class_families(school_class: SchoolClass, day: dt.date | None = None) -> ClassFamilies:
    """The students in the class on `day` (today) and their parents, each once, with their
    access status: three queries whatever the size of the class."""
    day = day or timezone.localdate()
    links = ParentStudent.objects.select_related("parent").order_by("parent__user__last_name",
                                                                    "parent__user__first_name")
    enrolments = (Enrolment.objects.active_on(day).filter(school_class=school_class)
                  .select_related("student")
                  .prefetch_related(Prefetch("student__parent_links", queryset=links))
                  .order_by("student__user__last_name", "student__user__first_name",
                            "student__pk"))
    students = [e.student for e in enrolments]
    user_ids = {s.user_id for s in students}
    user_ids |= {link.parent.user_id for s in students for link in s.parent_links.all()}
    users = {u.pk: u for u in with_access(User.objects.filter(pk__in=user_ids))}
    student_rows, parent_rows = [], {}
    for student in students:
        student.user = users[student.user_id]
        student_rows.append(FamilyRow(
            user=student.user, status=status_from(student.user), what="обучающийся",
            is_staff_member=student.user._is_staff_member, student=student))
        for link in student.parent_links.all():
            parent_user = users[link.parent.user_id]
            link.parent.user = parent_user
            row = parent_rows.get(parent_user.pk)
            if row is None:
                row = parent_rows[parent_user.pk] = FamilyRow(
                    user=parent_user, status=status_from(parent_user), what="",
                    is_staff_member=parent_user._is_staff_member, parent=link.parent)
            row.children.append((student, link.get_relation_display()))
    for row in parent_rows.values():
        row.what = "; ".join(f"{relation}: {child.user.full_name}"
                             for child, relation in row.children)
    ordered = sorted(parent_rows.values(),
                     key=lambda r: (r.user.last_name, r.user.first_name, r.user.pk))
    return ClassFamilies(students=student_rows, parents=ordered)


def staff_rows(staff: QuerySet[User], school) -> list[FamilyRow]:
    """The school's staff with their roles and access status: two queries."""
    roles = StaffRole.objects.filter(school=school).order_by("role")
    people = with_access(staff.prefetch_related(Prefetch("staff_roles", queryset=roles))
                         .order_by("last_name", "first_name", "pk"))
    return [FamilyRow(user=u, status=status_from(u),
                      what=", ".join(r.get_role_display() for r in u.staff_roles.all()))
            for u in people]


# One person ------------------------------------------------------------------------------

def current_class_of(student: Student) -> SchoolClass | None:
    enrolment = (Enrolment.objects.current().filter(student=student)
                 .select_related("school_class").first())
    return enrolment.school_class if enrolment else None


def children_of(parent: Parent) -> list[tuple[ParentStudent, SchoolClass | None]]:
    """The parent's children (links with the child and their account) and each one's class
    now: two queries."""
    links = list(parent.links.select_related("student__user", "student__school")
                 .order_by("student__user__last_name", "student__user__first_name"))
    enrolments = (Enrolment.objects.current()
                  .filter(student_id__in=[link.student_id for link in links])
                  .select_related("school_class"))
    classes = {e.student_id: e.school_class for e in enrolments}
    return [(link, classes.get(link.student_id)) for link in links]


def parents_of(student: Student) -> list[ParentStudent]:
    return list(student.parent_links.select_related("parent__user")
                .order_by("-is_legal_representative", "parent__user__last_name"))


def family_line(person: User) -> tuple[School | None, str]:
    """The person's school, and who they are in it as a slip says: «обучающийся · 5А класс»,
    «мать: Петров Василий (5А)»."""
    student = person.student if hasattr(person, "student") else None
    if student is not None:
        school_class = current_class_of(student)
        return student.school, "обучающийся" + (f" · {school_class} класс" if school_class else "")
    parent = person.parent if hasattr(person, "parent") else None
    if parent is None:
        return None, ""
    children = children_of(parent)
    line = "; ".join(f"{link.get_relation_display()}: {link.student.user.full_name}"
                     + (f" ({school_class})" if school_class else "")
                     for link, school_class in children)
    return (children[0][0].student.school if children else None), line


def school_staff(school: School | None) -> QuerySet[User]:
    """The school's staff with an account in use: who may have checked a passport."""
    return (User.objects.filter(Exists(StaffRole.objects.filter(user=OuterRef("pk"),
                                                                school=school)),
                                is_active=True)
            .order_by("last_name", "first_name"))


def director_of(school: School | None) -> User | None:
    """Who signs the school's letters: its director (the first, if several)."""
    if school is None:
        return None
    role = (StaffRole.objects.filter(school=school, role=Role.DIRECTOR).select_related("user")
            .order_by("pk").first())
    return role.user if role else None


def school_of(person: User):
    """The school a student studies at, or a parent's children's (the first)."""
    student = getattr(person, "student", None) if hasattr(person, "student") else None
    if student is not None:
        return student.school
    link = (ParentStudent.objects.filter(parent__user=person).select_related("student__school")
            .order_by("pk").first())
    return link.student.school if link else None
