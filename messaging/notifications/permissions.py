"""Who may record parents' refusals to receive information and read the log of deliveries.
Every view of these pages goes through here; outsiders get 404, as for a missing id.

- Refusals: the class teacher for the parents of the class they lead now and the e-diary
  coordinator for their school's (the people who record families' consents,
  `accounts.permissions.family_members(user, "issue")`), and the school's administration
  (director, deputy directors, administrator) for every parent of the school. The
  administration lists them for the guardianship authority.
- The log of deliveries (and sending a failed one again): the school's administration, for
  the notifications of their school's people.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.access import is_signed_in
from accounts.models import Parent, ParentStudent, StaffRole
from accounts.permissions import family_members
from accounts.roles import Role
from journal.models import School, SchoolClass
from journal.permissions import school_of_role
from messaging.models import Delivery, InformationRefusal

# The school's administration: sees refusals and deliveries. (Of marks over absences the
# director and the deputy directors are told: `events.TOLD_OF_MARKS_OVER_ABSENCES`.)
ADMINISTRATION = frozenset({Role.DIRECTOR, Role.DEPUTY, Role.ADMINISTRATOR})
# Record refusals for every parent of their school (class teachers: their class's parents).
REFUSAL_KEEPERS = ADMINISTRATION | {Role.DIARY_COORDINATOR}
NOT_FOUND = "Страница не найдена."


def is_administration(person) -> bool:
    """From the roles `accounts.access.Person` has loaded: no query."""
    return person.user.is_superuser or bool(person.staff_roles & ADMINISTRATION)


def keeps_refusals(person) -> bool:
    """Whether the menu offers the refusals page (the page itself checks per parent)."""
    return (is_administration(person) or person.leads_classes
            or bool(person.staff_roles & REFUSAL_KEEPERS))


def parents_for_refusals(user) -> QuerySet[Parent]:
    """The parents whose refusals `user` records, lists and withdraws."""
    if not is_signed_in(user):
        return Parent.objects.none()
    if user.is_superuser:
        return Parent.objects.all()
    schools = StaffRole.objects.filter(user=user, role__in=ADMINISTRATION).values("school_id")
    of_school = Exists(ParentStudent.objects.filter(parent=OuterRef("pk"),
                                                    student__school_id__in=schools))
    return Parent.objects.filter(Q(user__in=family_members(user, "issue").values("pk"))
                                 | of_school)


def classes_for_refusals(user) -> QuerySet[SchoolClass]:
    """The current classes whose parents the refusals page offers: those the user leads, or
    all of their school's."""
    classes = SchoolClass.objects.filter(year__is_current=True)
    if not is_signed_in(user):
        return classes.none()
    if user.is_superuser:
        return classes
    schools = StaffRole.objects.filter(user=user, role__in=REFUSAL_KEEPERS).values("school_id")
    return classes.filter(Q(class_teacher=user) | Q(year__school_id__in=schools))


def access_parent_for_refusal(user, parent_id) -> Parent:
    parent = (parents_for_refusals(user).select_related("user")
              .filter(pk=parent_id).first())
    if parent is None:
        raise Http404("Родитель не найден.")
    return parent


def refusals_for(user) -> QuerySet[InformationRefusal]:
    return InformationRefusal.objects.filter(parent__in=parents_for_refusals(user))


def access_refusal(user, refusal_id) -> InformationRefusal:
    refusal = refusals_for(user).select_related("parent__user").filter(pk=refusal_id).first()
    if refusal is None:
        raise Http404("Отказ не найден.")
    return refusal


def school_of_administration(user) -> School:
    """The school whose deliveries `user` reads; 404 for anyone else."""
    school = school_of_role(user, ADMINISTRATION)
    if school is None:
        raise Http404(NOT_FOUND)
    return school


def deliveries_of(school: School) -> QuerySet[Delivery]:
    """Deliveries of notifications about the school's students or to its people (its staff,
    its students' parents)."""
    recipient = OuterRef("notification__recipient_id")
    return Delivery.objects.filter(
        Q(notification__student__school=school)
        | Exists(StaffRole.objects.filter(user_id=recipient, school=school))
        | Exists(ParentStudent.objects.filter(parent__user_id=recipient,
                                              student__school=school)))


def access_delivery(user, delivery_id) -> Delivery:
    delivery = deliveries_of(school_of_administration(user)).filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404("Доставка не найдена.")
    return delivery
