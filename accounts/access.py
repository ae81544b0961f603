"""Who the signed-in user is: their roles, classes, journals and children. Computed once per
request (one query) and shared by the navigation, the home page and the access checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Exists, OuterRef

from accounts.roles import SETUP_ROLES, Role


@dataclass
class Person:
    user: object
    staff_roles: set[str] = field(default_factory=set)
    is_parent: bool = False
    is_student: bool = False
    has_journals: bool = False
    leads_classes: bool = False

    @cached_property
    def student(self):
        from accounts.models import Student

        return Student.objects.filter(user=self.user).first() if self.is_student else None

    @cached_property
    def parent(self):
        from accounts.models import Parent

        return Parent.objects.filter(user=self.user).first() if self.is_parent else None

    @property
    def teaches(self) -> bool:
        return Role.TEACHER in self.staff_roles or self.has_journals

    @property
    def reads_journals(self) -> bool:
        return self.user.is_superuser or self.teaches or self.leads_classes or self.checks_journals

    @property
    def is_staff_member(self) -> bool:
        return bool(self.staff_roles)

    @property
    def may_setup(self) -> bool:
        return self.user.is_superuser or bool(self.staff_roles & SETUP_ROLES)

    @property
    def checks_journals(self) -> bool:
        return bool(self.staff_roles & {Role.DIRECTOR, Role.DEPUTY})

    @property
    def administers(self) -> bool:
        return self.user.is_superuser or Role.ADMINISTRATOR in self.staff_roles

    def role_names(self) -> list[str]:
        names = [Role(r).label for r in Role if r in self.staff_roles]
        if self.leads_classes:
            names.append("Классный руководитель")
        if self.is_parent:
            names.append("Родитель")
        if self.is_student:
            names.append("Обучающийся")
        return names


def person_of(request) -> Person:
    if not hasattr(request, "_person"):
        from accounts.models import Parent, StaffRole, Student, User

        user = request.user
        # Journal models through the reverse relations, so accounts imports nothing of journal.
        assignment = User.assignments.rel.related_model
        school_class = User.led_classes.rel.related_model
        # One query: a flag per role and per kind of person, instead of a query each.
        roles = {f"_role_{role}": Exists(StaffRole.objects.filter(user=OuterRef("pk"), role=role))
                 for role in Role}
        flags = User.objects.filter(pk=user.pk).annotate(
            _parent=Exists(Parent.objects.filter(user=OuterRef("pk"))),
            _student=Exists(Student.objects.filter(user=OuterRef("pk"))),
            _journals=Exists(assignment.objects.filter(teacher=OuterRef("pk"))),
            _leads=Exists(school_class.objects.filter(class_teacher=OuterRef("pk"),
                                                      year__is_current=True)),
            **roles,
        ).values("_parent", "_student", "_journals", "_leads", *roles).get()
        request._person = Person(
            user=user, staff_roles={str(r) for r in Role if flags[f"_role_{r}"]},
            is_parent=flags["_parent"], is_student=flags["_student"],
            has_journals=flags["_journals"], leads_classes=flags["_leads"])
    return request._person
