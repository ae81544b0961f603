"""Who may issue logins and read or change people's data. Every view and service of families'
access and staff logins goes through here; outsiders get 404, as for a missing id.

Families (students and parents):
- the class teacher of a class a student is in now (current year) issues the logins of the
  student and of the student's parents, records their applications, consents and terminations,
  and changes their data — regulations: parents and students get their logins from the class
  teacher, who keeps their data up to date;
- school-wide, for the families of their school (`accounts.roles`): `FAMILY_ACCESS_KEEPERS`
  (the e-diary coordinator) issue logins and record applications and consents,
  `FAMILY_DATA_EDITORS` (the secretary, the administrator) change data, `SERVICE_TERMINATORS`
  (the coordinator, the administrator) end the service, `FAMILY_DATA_READERS` (they and the
  personal-data officer and the director) read;
- an account that holds a staff role, or a superuser's, is out of reach of all of these, also
  when it belongs to a parent: staff accounts are the administrator's, and a class teacher who
  could reset a deputy director's password could sign in as them.

Staff: the administrator of a school (`STAFF_LOGIN_ISSUERS`) issues the logins of the school's
staff, never a superuser's and never their own. Superusers may do everything.

`family_members(user, right)` is the queryset filter and `access_family_member` the per-object
check; both read `_flags`, the one declaration of these rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.access import is_signed_in
from accounts.models import Parent, ParentStudent, StaffRole, Student, User
from accounts.roles import (
    DATA_OFFICERS,
    DIARY_COORDINATORS,
    FAMILY_ACCESS_KEEPERS,
    FAMILY_DATA_EDITORS,
    FAMILY_DATA_READERS,
    RECORD_KEEPERS,
    SERVICE_TERMINATORS,
    SIGN_IN_KEEPERS,
    STAFF_LOGIN_ISSUERS,
)
from journal.models import Enrolment, School, SchoolClass
from journal.permissions import school_of_role

NOT_FOUND = "Страница не найдена."
PERSON_NOT_FOUND = "Человек не найден."
CLASS_NOT_FOUND = "Класс не найден."

# What a right is called in the flags below, and which school-wide roles hold it.
RIGHTS = {
    "view": FAMILY_DATA_READERS,
    "issue": FAMILY_ACCESS_KEEPERS,
    "edit": FAMILY_DATA_EDITORS,
    "terminate": SERVICE_TERMINATORS,
}
REFUSED = {
    "issue": "Логины родителям и обучающимся выдают классный руководитель и ответственный за "
             "электронный дневник.",
    "edit": "Данные родителей и обучающихся изменяют классный руководитель и секретарь.",
    "terminate": "Прекращение услуги оформляют классный руководитель, ответственный за "
                 "электронный дневник и администратор.",
}


@dataclass(frozen=True)
class FamilyRights:
    view: bool = False
    issue: bool = False      # logins and passwords, applications, consents
    edit: bool = False       # names, birth date, contacts, relation
    terminate: bool = False  # end the diary service
    leads: bool = False      # the class teacher

    def require(self, right: str) -> None:
        """403 for someone who reads the family but may not do `right` with it."""
        if not getattr(self, right):
            raise PermissionDenied(REFUSED[right])


ALL_RIGHTS = FamilyRights(view=True, issue=True, edit=True, terminate=True, leads=True)
NO_RIGHTS = FamilyRights()


def _led_enrolments(user) -> QuerySet[Enrolment]:
    """Students in the classes `user` leads now."""
    return Enrolment.objects.current().filter(school_class__class_teacher=user)


def _of_school(schools, person: str = "pk") -> Exists:
    """Whether the user at `person` is a student of one of `schools`, or a parent of one."""
    return (Exists(Student.objects.filter(user=OuterRef(person), school_id__in=schools))
            | Exists(ParentStudent.objects.filter(parent__user=OuterRef(person),
                                                  student__school_id__in=schools)))


def _flags(user) -> dict[str, Exists]:
    """Subqueries on User saying what `user` may do with that person: `_leads` (class teacher)
    and one per right of `RIGHTS` held through a school-wide role."""
    led = _led_enrolments(user)
    flags = {"_leads": Exists(led.filter(student__user=OuterRef("pk")))
             | Exists(led.filter(student__parent_links__parent__user=OuterRef("pk")))}
    for right, roles in RIGHTS.items():
        schools = StaffRole.objects.filter(user=user, role__in=roles).values("school_id")
        flags[f"_{right}"] = _of_school(schools)
    return flags


def _families() -> QuerySet[User]:
    """Students and parents whose accounts are no staff member's and no superuser's."""
    return User.objects.filter(
        Exists(Student.objects.filter(user=OuterRef("pk")))
        | Exists(Parent.objects.filter(user=OuterRef("pk"))),
        is_superuser=False,
    ).exclude(Exists(StaffRole.objects.filter(user=OuterRef("pk"))))


def family_members(user, right: str = "view") -> QuerySet[User]:
    """The students and parents on whom `user` holds `right` (a key of `RIGHTS`)."""
    if not is_signed_in(user):
        return User.objects.none()
    if user.is_superuser:
        return _families()
    flags = _flags(user)
    held = flags["_leads"] | flags[f"_{right}"]
    if right == "view":
        held = flags["_leads"] | Q(*(flags[f"_{r}"] for r in RIGHTS), _connector=Q.OR)
    return _families().filter(held)


def _rights_from(row, *, leads: bool) -> FamilyRights:
    """The rights read from the `_<right>` flags annotated on `row`; all of them for the class
    teacher."""
    if leads:
        return ALL_RIGHTS
    held = {right: getattr(row, f"_{right}") for right in RIGHTS}
    return FamilyRights(view=any(held.values()), issue=held["issue"], edit=held["edit"],
                        terminate=held["terminate"])


def access_family_member(user, user_id) -> tuple[User, FamilyRights]:
    """The student's or parent's account (student and parent loaded) and what `user` may do
    with it; 404 for anyone who may not read it. One query."""
    people = _families().select_related("student__school", "parent")
    if not is_signed_in(user):
        raise Http404(PERSON_NOT_FOUND)
    if user.is_superuser:
        person = people.filter(pk=user_id).first()
        rights = ALL_RIGHTS
    else:
        person = people.annotate(**_flags(user)).filter(pk=user_id).first()
        rights = _rights_from(person, leads=person._leads) if person is not None else NO_RIGHTS
    if person is None or not rights.view:
        raise Http404(PERSON_NOT_FOUND)
    return person, rights


def access_parent(user, parent_id) -> tuple[Parent, FamilyRights]:
    """A parent (with their account) by the parent's id, as `access_family_member`."""
    user_id = Parent.objects.filter(pk=parent_id).values_list("user_id", flat=True).first()
    if user_id is None:
        raise Http404(PERSON_NOT_FOUND)
    person, rights = access_family_member(user, user_id)
    if not hasattr(person, "parent"):
        raise Http404(PERSON_NOT_FOUND)
    return person.parent, rights


# Classes ------------------------------------------------------------------------------------

def _class_flags(user) -> dict[str, Exists]:
    """Subqueries on SchoolClass: one per right of `RIGHTS` held through a school-wide role."""
    return {f"_{right}": Exists(StaffRole.objects.filter(user=user, role__in=roles,
                                                         school_id=OuterRef("year__school_id")))
            for right, roles in RIGHTS.items()}


def classes_for_families(user) -> QuerySet[SchoolClass]:
    """The current year's classes whose families `user` may see: those they lead, and every
    class of a school where they hold a role of `FAMILY_DATA_READERS`."""
    classes = SchoolClass.objects.filter(year__is_current=True)
    if not is_signed_in(user):
        return classes.none()
    if user.is_superuser:
        return classes
    readers = StaffRole.objects.filter(user=user, role__in=FAMILY_DATA_READERS)
    return classes.filter(Q(class_teacher=user)
                          | Q(year__school_id__in=readers.values("school_id")))


def access_class_families(user, class_id) -> tuple[SchoolClass, FamilyRights]:
    """A class of the current year (year, school, class teacher loaded) and what `user` may do
    with its families; 404 for anyone else. One query."""
    base = SchoolClass.objects.filter(year__is_current=True).select_related(
        "year__school", "class_teacher")
    if not is_signed_in(user):
        raise Http404(CLASS_NOT_FOUND)
    if user.is_superuser:
        school_class = base.filter(pk=class_id).first()
        rights = ALL_RIGHTS
    else:
        school_class = base.annotate(**_class_flags(user)).filter(pk=class_id).first()
        rights = NO_RIGHTS if school_class is None else _rights_from(
            school_class, leads=school_class.class_teacher_id == user.pk)
    if school_class is None or not rights.view:
        raise Http404(CLASS_NOT_FOUND)
    return school_class, rights


# Staff -------------------------------------------------------------------------------------

def school_of_staff_issuer(user) -> School | None:
    """The school whose staff logins `user` issues (`STAFF_LOGIN_ISSUERS`); for a superuser,
    the school of the current year. None for anyone else."""
    return school_of_role(user, STAFF_LOGIN_ISSUERS)


def staff_of(user, school: School) -> QuerySet[User]:
    """The school's staff whose logins `user` issues: everyone with a role there, except
    superusers and `user`."""
    return (User.objects.filter(Exists(StaffRole.objects.filter(user=OuterRef("pk"),
                                                                school=school)),
                                is_superuser=False)
            .exclude(pk=user.pk))


def access_staff_member(user, user_id) -> tuple[User, School]:
    """A member of staff whose login `user` issues, and the school; 404 for anyone else."""
    school = school_of_staff_issuer(user)
    if school is None:
        raise Http404(NOT_FOUND)
    member = staff_of(user, school).filter(pk=user_id).first()
    if member is None:
        raise Http404(PERSON_NOT_FOUND)
    return member, school


# Sign-in security ---------------------------------------------------------------------------

def keeps_sign_in(user) -> bool:
    """Sees and lifts lock-outs and resets staff members' second factor (`SIGN_IN_KEEPERS`, in
    any school: a lock-out belongs to a login or an address, not to a school). The menu asks
    `Person.keeps_sign_in`, the same rule from the roles it has loaded."""
    if not is_signed_in(user):
        return False
    return user.is_superuser or StaffRole.objects.filter(user=user,
                                                         role__in=SIGN_IN_KEEPERS).exists()


def access_lockout(user, kind: str, value: str):
    """A lock-out in force that `user` may lift; 404 for anyone else, for one that is over or
    never was, and for a lock-out of the user's own login (another administrator lifts it, or
    it ends by itself)."""
    from accounts.signin.lockout import LOGIN, current_lockouts

    if not keeps_sign_in(user) or (kind == LOGIN and value == user.get_username()):
        raise Http404(NOT_FOUND)
    found = [lock for lock in current_lockouts() if (lock.kind, lock.value) == (kind, value)]
    if not found:
        raise Http404(NOT_FOUND)
    return found[0]


def access_second_factor_of(user, user_id) -> User:
    """A staff member whose second factor `user` may reset: one whose login they issue
    (`access_staff_member`: never their own, never a superuser's); 404 for anyone else."""
    if not keeps_sign_in(user):
        raise Http404(NOT_FOUND)
    member, _school = access_staff_member(user, user_id)
    return member


# The roles' own pages ------------------------------------------------------------------------
# The personal-data officer's, the e-diary coordinator's and the secretary's pages: each for its
# role (and superusers), 404 for anyone else; their lists cover the families of one school, and
# a class of another school named in a filter answers 404 too.

def _school_of_role(user, roles) -> School:
    """The school where `user` holds one of `roles` (see `school_of_role`); 404 for anyone
    else."""
    school = school_of_role(user, roles)
    if school is None:
        raise Http404(NOT_FOUND)
    return school


def school_of_data_officer(user) -> School:
    """The school whose personal-data log, consents and terminations `user` reads."""
    return _school_of_role(user, DATA_OFFICERS)


def school_of_diary_coordinator(user) -> School:
    """The school whose families' access to the diary `user` follows."""
    return _school_of_role(user, DIARY_COORDINATORS)


def school_of_secretary(user) -> School:
    """The school whose people, movement and data-update reminders `user` keeps."""
    return _school_of_role(user, RECORD_KEEPERS)


def school_students(school: School) -> QuerySet[Student]:
    return Student.objects.filter(school=school)


def school_parents(school: School) -> QuerySet[Parent]:
    """Parents with at least one child at the school."""
    return Parent.objects.filter(Exists(ParentStudent.objects.filter(
        parent=OuterRef("pk"), student__school=school)))


def school_classes(school: School) -> QuerySet[SchoolClass]:
    """The classes of the school's current year, in order: the only ones a filter may name."""
    return (SchoolClass.objects.filter(year__school=school, year__is_current=True)
            .select_related("class_teacher").order_by("grade", "letter"))
