"""Who the signed-in user is: their roles, classes, journals and children. Computed once per
request and shared by the navigation, the home page and the access checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from accounts.roles import SETUP_ROLES, Role


@dataclass
class Person:
    user: object
    staff_roles: set[str] = field(default_factory=set)

    @cached_property
    def student(self):
        from accounts.models import Student

        return Student.objects.filter(user=self.user).first()

    @cached_property
    def parent(self):
        from accounts.models import Parent

        return Parent.objects.filter(user=self.user).first()

    @cached_property
    def teaches(self) -> bool:
        return Role.TEACHER in self.staff_roles or self.user.assignments.exists()

    @cached_property
    def leads_classes(self) -> bool:
        return self.user.led_classes.filter(year__is_current=True).exists()

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
        if self.parent:
            names.append("Родитель")
        if self.student:
            names.append("Обучающийся")
        return names


def person_of(request) -> Person:
    if not hasattr(request, "_person"):
        user = request.user
        roles = set(user.staff_roles.values_list("role", flat=True))
        request._person = Person(user=user, staff_roles=roles)
    return request._person
