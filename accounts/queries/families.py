"""Families' access to the diary and their personal-data paperwork, school-wide, for the
personal-data officer and the e-diary coordinator: consents and refusals, terminations, logins
issued but never used, parents without an application in force, access figures per class and
the lists to chase.

Where a person's access stands (login issued, first sign-in, application and consent in force,
terminated) is read from `accounts.queries.family_access`, the one place those rules are
written. A family member's class is the class they (or their child) are in today, in the
school's current year: `school_families` loads them all in three queries, whatever the size
of the school, and the lists are cut from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import ParentStudent, StaffRole, Termination, User
from accounts.permissions import school_parents
from accounts.queries.family_access import AccessStatus, State, status_from, with_access
from accounts.queries.personal_data import belongs_to_school
from accounts.queries.search import person_matches
from journal.models import AcademicYear, Enrolment, School, SchoolClass

# Not seen for this long: on the coordinator's list to chase.
NOT_SEEN_DAYS = 30


@dataclass
class Member:
    """A student, or a parent listed for one of their children, in a class today."""

    user: User
    status: AccessStatus
    school_class: SchoolClass
    child: User                 # the student themself, or the parent's child
    relation: str = ""          # «мать», «отец»... for a parent; "" for a student

    @property
    def is_parent(self) -> bool:
        return bool(self.relation)

    @property
    def who(self) -> str:
        return self.relation or "обучающийся"


def enrolled_today(year: AcademicYear | None, day: dt.date | None = None) -> QuerySet[Enrolment]:
    if year is None:
        return Enrolment.objects.none()
    return Enrolment.objects.active_on(day or timezone.localdate()).filter(school_class__year=year)


def school_families(year: AcademicYear | None, day: dt.date | None = None,
                    school_class: SchoolClass | None = None) -> list[Member]:
    """Every student in a class of the year today and each of their parents (once per child),
    with their access status, in class order: three queries."""
    enrolments = enrolled_today(year, day)
    if school_class is not None:
        enrolments = enrolments.filter(school_class=school_class)
    users = with_access(User.objects.filter(
        Exists(enrolments.filter(student__user=OuterRef("pk")))
        | Exists(enrolments.filter(student__parent_links__parent__user=OuterRef("pk")))))
    users = {u.pk: u for u in users}
    links = ParentStudent.objects.select_related("parent")
    members = []
    for enrolment in (enrolments.select_related("school_class__class_teacher", "student")
                      .prefetch_related(Prefetch("student__parent_links", queryset=links))
                      .order_by("school_class__grade", "school_class__letter")):
        child = users[enrolment.student.user_id]
        members.append(Member(child, status_from(child), enrolment.school_class, child))
        for link in enrolment.student.parent_links.all():
            parent = users[link.parent.user_id]
            members.append(Member(parent, status_from(parent), enrolment.school_class, child,
                                  link.get_relation_display()))
    return sorted(members, key=lambda m: (m.school_class.grade, m.school_class.letter,
                                          m.is_parent, m.user.last_name, m.user.first_name,
                                          m.user.pk, m.child.last_name))


# The e-diary coordinator: access per class ---------------------------------------------------

@dataclass
class ClassAccess:
    school_class: SchoolClass
    students: int = 0
    students_issued: int = 0
    students_signed_in: int = 0
    parents: int = 0
    applications: int = 0
    parents_issued: int = 0
    parents_signed_in: int = 0
    parents_never_signed_in: int = 0
    parents_seen_recently: int = 0
    last_visit: dt.datetime | None = None
    _parent_ids: set[int] = field(default_factory=set, repr=False)

    @property
    def missing_applications(self) -> int:
        return self.parents - self.applications


_HAS_LOGIN = (State.ISSUED, State.SIGNED_IN)


def access_by_class(year: AcademicYear | None, members: list[Member],
                    now: dt.datetime | None = None) -> list[ClassAccess]:
    """Per class of the year (one more query): students and parents, applications in force,
    logins issued, first sign-ins, parents seen in the last `NOT_SEEN_DAYS` days, and the
    latest sign-in of any of them. A parent counts once per class."""
    if year is None:
        return []
    recent = (now or timezone.now()) - dt.timedelta(days=NOT_SEEN_DAYS)
    rows = {c.pk: ClassAccess(c) for c in SchoolClass.objects.filter(year=year)
            .select_related("class_teacher").order_by("grade", "letter")}
    for member in members:
        row, status = rows[member.school_class.pk], member.status
        if member.is_parent:
            if member.user.pk in row._parent_ids:
                continue
            row._parent_ids.add(member.user.pk)
            row.parents += 1
            row.applications += status.applied_on is not None
            row.parents_issued += status.state in _HAS_LOGIN
            row.parents_signed_in += status.state == State.SIGNED_IN
            row.parents_never_signed_in += status.state == State.ISSUED
            row.parents_seen_recently += bool(status.state == State.SIGNED_IN
                                              and status.last_login >= recent)
        else:
            row.students += 1
            row.students_issued += status.state in _HAS_LOGIN
            row.students_signed_in += status.state == State.SIGNED_IN
        if status.state == State.SIGNED_IN and (row.last_visit is None
                                                or status.last_login > row.last_visit):
            row.last_visit = status.last_login
    return list(rows.values())


class Chase:
    NO_APPLICATION = "no_application"
    NEVER_SIGNED_IN = "never_signed_in"
    NOT_SEEN = "not_seen"
    CHOICES = [(NO_APPLICATION, "Нет заявления"),
               (NEVER_SIGNED_IN, "Логин выдан, входа ещё не было"),
               (NOT_SEEN, f"Не заходили больше {NOT_SEEN_DAYS} дней")]


def parents_to_chase(members: list[Member], which: str, now: dt.datetime | None = None
                     ) -> list[Member]:
    """The parents on the list `which` (`Chase`), one row per parent and child: those with no
    application in force (and no termination), given a login but never signed in, or not
    signed in for `NOT_SEEN_DAYS` days."""
    recent = (now or timezone.now()) - dt.timedelta(days=NOT_SEEN_DAYS)

    def wanted(status: AccessStatus) -> bool:
        if which == Chase.NO_APPLICATION:
            return status.waits_for_application and status.state != State.TERMINATED
        if which == Chase.NEVER_SIGNED_IN:
            return status.state == State.ISSUED
        if which == Chase.NOT_SEEN:
            return status.state == State.SIGNED_IN and status.last_login < recent
        return False

    return [m for m in members if m.is_parent and wanted(m.status)]


# The personal-data officer -----------------------------------------------------------------

def never_used(members: list[Member]) -> list[Member]:
    """Students and parents given a login who have never signed in with it, by class."""
    return [m for m in members if m.status.state == State.ISSUED]


def without_application(members: list[Member]) -> list[Member]:
    """Parents with no application in force (the service not terminated), once per child."""
    return [m for m in members if m.is_parent and m.status.waits_for_application
            and m.status.state != State.TERMINATED]


class ConsentStatus:
    GIVEN = "given"
    REFUSED = "refused"
    NONE = "none"
    CHOICES = [("", "все родители"), (GIVEN, "согласие"), (REFUSED, "отказ"),
               (NONE, "нет документа")]


def parents_with_consent(school: School, status: str = "", school_class: SchoolClass | None = None,
                         search: str = "") -> QuerySet[User]:
    """The accounts of the school's parents, with their access annotations (`status_from`
    reads the consent in force: `consent`, `consent_on`, `consent_document`), by name."""
    parents = school_parents(school)
    if school_class is not None:
        parents = parents.filter(Exists(ParentStudent.objects.filter(
            parent=OuterRef("pk"), student__enrolments__school_class=school_class)))
    users = with_access(User.objects.filter(parent__in=parents).filter(person_matches(search)))
    if status == ConsentStatus.GIVEN:
        users = users.filter(_consent_given=True)
    elif status == ConsentStatus.REFUSED:
        users = users.filter(_consent_given=False)
    elif status == ConsentStatus.NONE:
        users = users.filter(_consent_given__isnull=True)
    return users.select_related("parent").order_by("last_name", "first_name", "patronymic", "pk")


def consent_counts(school: School) -> dict[str, int]:
    """How many of the school's parents gave consent, refused, have no document: one query."""
    counts = {ConsentStatus.GIVEN: 0, ConsentStatus.REFUSED: 0, ConsentStatus.NONE: 0}
    for given in (with_access(User.objects.filter(parent__in=school_parents(school)))
                  .values_list("_consent_given", flat=True)):
        counts[{True: ConsentStatus.GIVEN, False: ConsentStatus.REFUSED}.get(
            given, ConsentStatus.NONE)] += 1
    counts["all"] = sum(counts.values())
    return counts


def children_of_parents(year: AcademicYear | None, user_ids) -> dict[int, list[str]]:
    """«Петров Василий, 5А» for each child of each parent account: one query."""
    day = timezone.localdate()
    current = enrolled_today(year, day)
    rows = (ParentStudent.objects.filter(parent__user_id__in=list(user_ids))
            .select_related("parent", "student__user")
            .prefetch_related(Prefetch("student__enrolments", queryset=current.select_related(
                "school_class"), to_attr="current"))
            .order_by("student__user__last_name", "student__user__first_name"))
    found: dict[int, list[str]] = {}
    for link in rows:
        classes = ", ".join(str(e.school_class) for e in link.student.current)
        label = link.student.user.full_name + (f", {classes}" if classes else "")
        found.setdefault(link.parent.user_id, []).append(label)
    return found


def terminations_of(school: School) -> QuerySet[Termination]:
    """Terminations of the service for the school's families (or recorded by its staff)."""
    recorded_here = Exists(StaffRole.objects.filter(user_id=OuterRef("recorded_by_id"),
                                                    school=school))
    return (Termination.objects.filter(belongs_to_school(school, "user_id") | Q(recorded_here))
            .select_related("user", "recorded_by").order_by("-terminated_on", "-pk"))
