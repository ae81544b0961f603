"""Who the signed-in user is: their roles, classes, journals and children. Computed once per
request (one query) and shared by the home page and the access checks; the navigation reads the
same flags from the cache (`navigation_of`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef

from accounts.roles import (
    ARCHIVE_KEEPERS,
    BACKUP_KEEPERS,
    DATA_OFFICERS,
    DIARY_COORDINATORS,
    JOURNAL_CHECKERS,
    MOVEMENT_KEEPERS,
    RECORD_KEEPERS,
    SCHOOL_MANAGERS,
    SETUP_ROLES,
    SIGN_IN_KEEPERS,
    TIMETABLE_KEEPERS,
    Role,
)


def is_signed_in(user) -> bool:
    """Signed in with an account that is not switched off: the first test of every right."""
    return bool(user.is_authenticated and user.is_active)


def holds_role(user, school_id: int, roles) -> bool:
    """Whether the user holds one of `roles` (a named set of `accounts.roles`) in the school;
    superusers hold every role."""
    from accounts.models import StaffRole

    if not is_signed_in(user):
        return False
    return user.is_superuser or StaffRole.objects.filter(
        user=user, school_id=school_id, role__in=roles).exists()


@dataclass
class Person:
    user: object
    staff_roles: set[str] = field(default_factory=set)
    is_parent: bool = False
    is_student: bool = False
    has_journals: bool = False
    leads_classes: bool = False
    reads_chosen_journals: bool = False  # an inspector, or a checker of chosen classes/subjects

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
        return (self.user.is_superuser or self.teaches or self.leads_classes
                or self.checks_journals or self.reads_chosen_journals)

    @property
    def is_staff_member(self) -> bool:
        return bool(self.staff_roles)

    @property
    def may_setup(self) -> bool:
        return self.user.is_superuser or bool(self.staff_roles & SETUP_ROLES)

    @property
    def checks_journals(self) -> bool:
        return bool(self.staff_roles & JOURNAL_CHECKERS)

    @property
    def administers(self) -> bool:
        return self.user.is_superuser or Role.ADMINISTRATOR in self.staff_roles

    @property
    def manages_school(self) -> bool:
        """Loads people from XLSX."""
        return self.user.is_superuser or bool(self.staff_roles & SCHOOL_MANAGERS)

    @property
    def keeps_timetable(self) -> bool:
        """Edits the timetable and records substitutions."""
        return self.user.is_superuser or bool(self.staff_roles & TIMETABLE_KEEPERS)

    @property
    def guards_personal_data(self) -> bool:
        """The personal-data officer's pages: the log, consents, terminations."""
        return self.user.is_superuser or bool(self.staff_roles & DATA_OFFICERS)

    @property
    def coordinates_diary(self) -> bool:
        """The e-diary coordinator's pages: families' access per class."""
        return self.user.is_superuser or bool(self.staff_roles & DIARY_COORDINATORS)

    @property
    def keeps_records(self) -> bool:
        """The secretary's pages: people's data, movement, data-update reminders."""
        return self.user.is_superuser or bool(self.staff_roles & RECORD_KEEPERS)

    @property
    def records_movement(self) -> bool:
        """Students' arrivals, transfers and departures by orders (journal/views/movement.py)."""
        return self.user.is_superuser or bool(self.staff_roles & MOVEMENT_KEEPERS)

    @property
    def keeps_backups(self) -> bool:
        """The backups page (archive/backups)."""
        return self.user.is_superuser or bool(self.staff_roles & BACKUP_KEEPERS)

    @property
    def keeps_archive(self) -> bool:
        """The closed years' archive (archive/years)."""
        return self.user.is_superuser or bool(self.staff_roles & ARCHIVE_KEEPERS)

    @property
    def keeps_sign_in(self) -> bool:
        """Sees and lifts sign-in lock-outs, resets staff members' second factor."""
        return self.user.is_superuser or bool(self.staff_roles & SIGN_IN_KEEPERS)

    @property
    def works_at_school(self) -> bool:
        """Staff of any kind, also a teacher with no role yet: may switch the second factor on."""
        return (self.user.is_superuser or self.is_staff_member or self.teaches
                or self.leads_classes)

    def flags(self) -> dict:
        """What `person_of` read from the database, as the cache keeps it."""
        return {"staff_roles": sorted(self.staff_roles), **{name: getattr(self, name)
                                                           for name in _FLAGS}}

    def role_names(self) -> list[str]:
        names = [Role(r).label for r in Role if r in self.staff_roles]
        if self.leads_classes:
            names.append("Классный руководитель")
        if self.is_parent:
            names.append("Родитель")
        if self.is_student:
            names.append("Обучающийся")
        return names


_FLAGS = ("is_parent", "is_student", "has_journals", "leads_classes", "reads_chosen_journals")


def person_of(request) -> Person:
    if not hasattr(request, "_person"):
        from django.apps import apps

        from accounts.models import Parent, StaffRole, Student, User

        user = request.user
        # Journal models by name, so accounts imports nothing of journal.
        assignment = apps.get_model("journal", "TeachingAssignment")
        school_class = apps.get_model("journal", "SchoolClass")
        grants = [apps.get_model("journal", name).objects.live().filter(user=OuterRef("pk"))
                  for name in ("TeachingAssignmentUserObjectPermission",
                               "SchoolClassUserObjectPermission",
                               "SubjectUserObjectPermission")]
        on_journal, on_class, on_subject = grants
        # One query: a flag per role and per kind of person, instead of a query each.
        roles = {f"_role_{role}": Exists(StaffRole.objects.filter(user=OuterRef("pk"), role=role))
                 for role in Role}
        flags = User.objects.filter(pk=user.pk).annotate(
            _parent=Exists(Parent.objects.filter(user=OuterRef("pk"))),
            _student=Exists(Student.objects.filter(user=OuterRef("pk"))),
            _journals=Exists(assignment.objects.filter(teacher=OuterRef("pk")))
            | Exists(on_journal.filter(permission__codename="co_keep_journal")),
            _reads=Exists(on_journal.filter(permission__codename="inspect_journal"))
            | Exists(on_class.filter(permission__codename="check_class_journals"))
            | Exists(on_subject),
            _leads=Exists(school_class.objects.filter(class_teacher=OuterRef("pk"),
                                                      year__is_current=True)),
            **roles,
        ).values("_parent", "_student", "_journals", "_leads", "_reads", *roles).get()
        request._person = Person(
            user=user, staff_roles={str(r) for r in Role if flags[f"_role_{r}"]},
            is_parent=flags["_parent"], is_student=flags["_student"],
            has_journals=flags["_journals"], leads_classes=flags["_leads"],
            reads_chosen_journals=flags["_reads"])
    return request._person


def navigation_key(user_id: int) -> str:
    """The cache key of the user's menu flags (`navigation_of`)."""
    return f"accounts:navigation:v1:{user_id}"


def navigation_of(request) -> Person:
    """Who the user is, for the menu only: `person_of`'s flags kept in the cache for
    ROLE_FLAGS_SECONDS, so that a page that decides nothing by role (a diary page) costs no query
    for them. A role given or taken shows in the menu within that time, and at once after the
    user's next sign-in (`forget_roles`). Every decision about access calls `person_of`, which
    reads the database: a link left in the menu for a moment leads to a refusal, never to data.
    Within one request the two agree: once a view has read `person_of`, the menu uses it."""
    person = getattr(request, "_person", None) or getattr(request, "_navigation", None)
    if person is not None:
        return person
    flags = cache.get(navigation_key(request.user.pk)) if settings.ROLE_FLAGS_SECONDS else None
    if flags is None:
        person = person_of(request)
        if settings.ROLE_FLAGS_SECONDS:
            cache.set(navigation_key(request.user.pk), person.flags(), settings.ROLE_FLAGS_SECONDS)
        return person
    request._navigation = Person(user=request.user, staff_roles=set(flags["staff_roles"]),
                                 **{name: flags[name] for name in _FLAGS})
    return request._navigation


def forget_roles(user_ids) -> None:
    """The menu of these users is read from the database again on their next page."""
    cache.delete_many([navigation_key(pk) for pk in user_ids])
