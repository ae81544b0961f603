"""Who may write to whom in the internal mail: the one declaration that gives both the check
(`Audience.recipients`, `Audience.group`: 404 for anyone else) and the picker's list
(`messaging.mail.queries.picker`, built from the same conditions).

For the sender's school, in its current academic year:
- the administration (`MAIL_ADMINISTRATION`) → any person of the school: staff, students and
  their parents, and any group: all staff, all parents of the school, of a grade, of a class;
- a member of staff (a role in the school, a journal or a class of the year) → colleagues, the
  administration among them;
- a teacher → also the students they teach now (their journals' classes; for a subgroup's
  journal, the subgroup's members) and those students' parents;
- a class teacher → also every student and parent of their class, and the class's parents as
  one group;
- a parent → the teachers of their children (the same relation read the other way), the
  children's class teacher and the administration;
- a student → their teachers and their class teacher.
Nobody writes to themself; accounts that are switched off receive nothing.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.access import is_signed_in
from accounts.models import ParentStudent, StaffRole, Student, User
from accounts.roles import Role
from journal.models import AcademicYear, Enrolment, School, SchoolClass, TeachingAssignment
from journal.permissions import school_of_role

# Writes to anyone of the school and to any group of it.
MAIL_ADMINISTRATION = frozenset({Role.DIRECTOR, Role.DEPUTY, Role.ADMINISTRATOR, Role.SECRETARY})

NOT_ALLOWED = "Такого адресата нет среди тех, кому вы можете написать."

# The kinds of people a sender reaches, in the picker's order.
ADMINISTRATION, TEACHERS, STUDENTS, PARENTS, STAFF = (
    "administration", "teachers", "students", "parents", "staff")
KINDS = (ADMINISTRATION, TEACHERS, STUDENTS, PARENTS, STAFF)

STAFF_GROUP = "staff"
SCHOOL_PARENTS = "school-parents"
GRADE_PARENTS = "grade-parents"
CLASS_PARENTS = "class-parents"


@dataclass(frozen=True)
class Group:
    """Many people addressed at once (a mailing): `key` is what `Mailing.audience` keeps."""

    key: str
    label: str
    members: QuerySet[User] = field(compare=False, repr=False)


@dataclass
class Audience:
    sender: User
    school: School | None = None
    year: AcademicYear | None = None
    # Kind → condition on User: who of that kind the sender may write to.
    reach: dict[str, Q] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)
    # The current enrolments whose students (and their parents) the sender reaches, and those
    # of the sender's own family (themself as a student, their children as a parent).
    enrolments: QuerySet[Enrolment] | None = None
    family_enrolments: QuerySet[Enrolment] | None = None

    def people(self, kind: str | None = None) -> QuerySet[User]:
        """Everyone the sender may write to (or everyone of one kind)."""
        conditions = [self.reach[kind]] if kind else list(self.reach.values())
        if not conditions or (kind and kind not in self.reach):
            return User.objects.none()
        return (User.objects.filter(reduce(operator.or_, conditions), is_active=True)
                .exclude(pk=self.sender.pk))

    def recipients(self, user_ids) -> list[User]:
        """The people with these ids, all of whom the sender may write to; else 404."""
        wanted = set(user_ids)
        found = list(self.people().filter(pk__in=wanted)) if wanted else []
        if not wanted or len(found) != len(wanted):
            raise Http404(NOT_ALLOWED)
        return found

    def group(self, key: str) -> Group:
        for group in self.groups:
            if group.key == key:
                return group
        raise Http404(NOT_ALLOWED)

    @property
    def is_empty(self) -> bool:
        return not self.reach and not self.groups


def _school_of(user) -> School | None:
    """The school the user belongs to: where they work, study, or their children study."""
    school = school_of_role(user, MAIL_ADMINISTRATION) if user.is_superuser else None
    if school is not None:
        return school
    current = {"year__is_current": True}
    return School.objects.filter(
        Exists(StaffRole.objects.filter(user=user, school=OuterRef("pk")))
        | Exists(TeachingAssignment.objects.filter(teacher=user, year__school=OuterRef("pk"),
                                                   **current))
        | Exists(SchoolClass.objects.filter(class_teacher=user, year__school=OuterRef("pk"),
                                            **current))
        | Exists(Student.objects.filter(user=user, school=OuterRef("pk")))
        | Exists(ParentStudent.objects.filter(parent__user=user, student__school=OuterRef("pk")))
    ).order_by("pk").first()


# The user a condition on User looks at.
THIS_USER = OuterRef("pk")


def _staff(school: School, year: AcademicYear, user=THIS_USER) -> Q:
    """Staff of the school: a role in it, a journal or a class of its current year."""
    return Q(Exists(StaffRole.objects.filter(user=user, school=school))
             | Exists(TeachingAssignment.objects.filter(teacher=user, year=year))
             | Exists(SchoolClass.objects.filter(class_teacher=user, year=year)))


def _administration(school: School, user=THIS_USER) -> Q:
    return Q(Exists(StaffRole.objects.filter(user=user, school=school,
                                             role__in=MAIL_ADMINISTRATION)))


def taught_in(journals: QuerySet[TeachingAssignment]) -> Exists:
    """On an enrolment: its student is taught in one of `journals` — a journal of the
    enrolment's class, of the whole class or of a subgroup the student is in. The one spelling
    of "teaches" here, read from the teacher's side and from the family's."""
    return Exists(journals.filter(school_class_id=OuterRef("school_class_id"))
                  .filter(Q(subgroup__isnull=True) | Q(subgroup__students=OuterRef("student_id"))))


def _current(year: AcademicYear) -> QuerySet[Enrolment]:
    return Enrolment.objects.current().filter(school_class__year=year)


def _students_of(enrolments: QuerySet[Enrolment]) -> Q:
    return Q(Exists(enrolments.filter(student__user=OuterRef("pk"))))


def _parents_of(enrolments: QuerySet[Enrolment]) -> Q:
    return Q(Exists(ParentStudent.objects.filter(
        parent__user=OuterRef("pk"), student__in=enrolments.values("student_id"))))


def _teachers_of(enrolled: QuerySet[Enrolment]) -> Q:
    """The teachers and class teachers of these enrolments' students."""
    # Two levels out: the journal's teacher is the user the outer query looks at.
    journals = TeachingAssignment.objects.filter(teacher=OuterRef(OuterRef("pk")))
    return Q(Exists(enrolled.filter(taught_in(journals)))
             | Exists(enrolled.filter(school_class__class_teacher=OuterRef("pk"))))


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def _parents_group(key: str, label: str, enrolments: QuerySet[Enrolment]) -> Group:
    return Group(key, label, User.objects.filter(_parents_of(enrolments), is_active=True))


def _groups(school: School, year: AcademicYear, administers: bool,
            led: list[SchoolClass]) -> list[Group]:
    current = _current(year)
    groups: list[Group] = []
    if administers:
        classes = list(SchoolClass.objects.filter(year=year).order_by("grade", "letter"))
        groups.append(Group(STAFF_GROUP, "Все сотрудники школы",
                            User.objects.filter(_staff(school, year), is_active=True)))
        groups.append(_parents_group(SCHOOL_PARENTS, "Все родители школы", current))
        for grade in sorted({c.grade for c in classes}):
            groups.append(_parents_group(f"{GRADE_PARENTS}:{grade}",
                                        f"Все родители {grade}-х классов",
                                        current.filter(school_class__grade=grade)))
    else:
        classes = led
    for school_class in classes:
        groups.append(_parents_group(f"{CLASS_PARENTS}:{school_class.pk}",
                                    f"Все родители {school_class} класса",
                                    current.filter(school_class=school_class)))
    return groups


def audience_of(user) -> Audience:
    """Whom `user` may write to (see the module's docstring)."""
    if not is_signed_in(user):
        return Audience(sender=user)
    school = _school_of(user)
    year = AcademicYear.objects.filter(school=school, is_current=True).first() if school else None
    if year is None:
        return Audience(sender=user, school=school)
    me = user.pk
    facts = User.objects.filter(pk=me).annotate(
        administers=_flag(Q(is_superuser=True) | _administration(school, me)),
        works=_flag(Q(is_superuser=True) | _staff(school, year, me)),
        teaches=Exists(TeachingAssignment.objects.filter(teacher=me, year=year)),
        has_children=Exists(ParentStudent.objects.filter(parent__user=me,
                                                         student__school=school)),
        studies=Exists(Student.objects.filter(user=me, school=school)),
    ).values("administers", "works", "teaches", "has_children", "studies").get()
    led = list(SchoolClass.objects.filter(year=year, class_teacher=user)
               .order_by("grade", "letter"))

    reach: dict[str, Q] = {}
    if facts["works"] or facts["has_children"]:
        reach[ADMINISTRATION] = _administration(school)
    if facts["works"]:
        reach[STAFF] = _staff(school, year)
    scopes = []
    if led:
        scopes.append(Q(school_class__in=led))
    if facts["teaches"]:
        scopes.append(Q(taught_in(TeachingAssignment.objects.filter(teacher=me, year=year))))
    enrolments = None
    if facts["administers"]:
        enrolments = _current(year)
    elif scopes:
        enrolments = _current(year).filter(reduce(operator.or_, scopes))
    if enrolments is not None:
        reach[STUDENTS] = _students_of(enrolments)
        reach[PARENTS] = _parents_of(enrolments)
    family = None
    if facts["has_children"] or facts["studies"]:
        family = _current(year).filter(
            student__in=Student.objects.filter(Q(user=me) | Q(parent_links__parent__user=me)))
        reach[TEACHERS] = _teachers_of(family)
    return Audience(sender=user, school=school, year=year, reach=reach,
                    groups=_groups(school, year, facts["administers"], led),
                    enrolments=enrolments, family_enrolments=family)
