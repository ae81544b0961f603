"""Who may post what to whom: one declaration that gives both the choices of the posting forms
and the check of every posted notice and event.

- the news editor publishes the school's news (to the whole school);
- the secretary and the administration (director, deputy director, administrator) post notices
  to the whole school, one grade, one class, the staff only or the parents only;
- a class teacher posts notices to the classes they lead this year, and their events;
- the administration posts school events and events of any class.
A crafted target outside the poster's reach gets 404 and nothing is saved. Superusers reach
everything of the school of the current year.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from accounts.access import is_signed_in
from accounts.models import StaffRole
from accounts.roles import Role
from journal.models import SchoolClass
from journal.permissions import school_of_role
from messaging.models import Announcement, SchoolEvent

Kind = Announcement.Kind
Audience = Announcement.Audience

# The school's administration: posts notices and events anywhere in the school.
ADMINISTRATION = frozenset({Role.DIRECTOR, Role.DEPUTY, Role.ADMINISTRATOR})
_NOTICE_ANYWHERE = frozenset((Kind.NOTICE, audience) for audience in Audience)
# What each school-wide role may post: (kind, audience) pairs; "class" is any class of the school.
POSTS: dict[str, frozenset[tuple[str, str]]] = {
    Role.NEWS_EDITOR: frozenset({(Kind.NEWS, Audience.SCHOOL)}),
    Role.SECRETARY: _NOTICE_ANYWHERE,
    **{role: _NOTICE_ANYWHERE for role in ADMINISTRATION},
}
# A class teacher: notices to the classes they lead.
CLASS_TEACHER_POSTS = frozenset({(Kind.NOTICE, Audience.CLASS)})
POSTING_ROLES = frozenset(POSTS)
# Post school events, and events of any class (a class teacher: of the classes they lead).
EVENT_KEEPERS = ADMINISTRATION
# See every notice of their school, whoever it is for: they answer for what the school posts.
READ_ALL = ADMINISTRATION | {Role.SECRETARY}

NOT_ALLOWED = "Такого адресата у вас нет."


@dataclass(frozen=True)
class Reach:
    """What one user may post in their school."""

    school_id: int | None = None
    pairs: frozenset[tuple[str, str]] = frozenset()   # (kind, audience) of notices
    classes: tuple[SchoolClass, ...] = ()            # classes a notice may be for
    grades: tuple[int, ...] = ()                     # grades a notice may be for
    event_classes: tuple[SchoolClass, ...] = ()      # classes an event may be of
    school_events: bool = False                      # events of the whole school

    @property
    def posts_notices(self) -> bool:
        return bool(self.pairs)

    @property
    def posts_events(self) -> bool:
        return self.school_events or bool(self.event_classes)

    def kinds(self) -> list[tuple[str, str]]:
        return [(k, label) for k, label in Kind.choices if any(p[0] == k for p in self.pairs)]

    def audiences(self) -> list[tuple[str, str]]:
        return [(a, label) for a, label in Audience.choices if any(p[1] == a for p in self.pairs)]

    def allows(self, kind: str, audience: str, grade: int | None = None,
               class_id: int | None = None) -> bool:
        if (kind, audience) not in self.pairs:
            return False
        if audience == Audience.GRADE:
            return grade in self.grades
        if audience == Audience.CLASS:
            return any(c.pk == class_id for c in self.classes)
        return True

    def allows_event(self, class_id: int | None) -> bool:
        if class_id is None:
            return self.school_events
        return any(c.pk == class_id for c in self.event_classes)

    def require(self, kind: str, audience: str, grade: int | None = None,
                class_id: int | None = None) -> None:
        if not self.allows(kind, audience, grade, class_id):
            raise Http404(NOT_ALLOWED)

    def require_event(self, class_id: int | None) -> None:
        if not self.allows_event(class_id):
            raise Http404(NOT_ALLOWED)


NOBODY = Reach()


def _current_classes(school_id: int):
    return (SchoolClass.objects.filter(year__school_id=school_id, year__is_current=True)
            .order_by("grade", "letter"))


def reach_of(user) -> Reach:
    """What `user` may post (see the module's docstring): four queries at most."""
    if not is_signed_in(user):
        return NOBODY
    school = school_of_role(user, POSTING_ROLES)
    led = SchoolClass.objects.filter(class_teacher=user, year__is_current=True)
    if school is not None:
        led = led.filter(year__school_id=school.pk)
    led = tuple(led.select_related("year").order_by("grade", "letter"))
    if school is None and not led:
        return NOBODY
    school_id = school.pk if school is not None else led[0].year.school_id
    if user.is_superuser:
        roles = set(POSTS)
    elif school is not None:
        roles = set(StaffRole.objects.filter(user=user, school_id=school_id)
                    .values_list("role", flat=True))
    else:
        roles = set()
    pairs = frozenset().union(*(POSTS.get(role, ()) for role in roles))
    if led:
        pairs |= CLASS_TEACHER_POSTS
    school_wide = any((Kind.NOTICE, Audience.CLASS) in POSTS.get(role, ()) for role in roles)
    every_class = tuple(_current_classes(school_id)) if school_wide else ()
    keeps_events = bool(roles & EVENT_KEEPERS)
    return Reach(
        school_id=school_id, pairs=pairs,
        classes=every_class or led,
        grades=tuple(sorted({c.grade for c in every_class})),
        event_classes=every_class if keeps_events else led,
        school_events=keeps_events,
    )


def posts_anything(person) -> bool:
    """For the navigation (`accounts.access.Person`, no query): whether the user may post
    notices, news or events."""
    return bool(person.user.is_superuser or person.leads_classes
                or person.staff_roles & POSTING_ROLES)


# The poster's own notices and events ---------------------------------------------------------

def _own(objects, user, pk, missing: str):
    found = objects.filter(pk=pk, author=user).first() if is_signed_in(user) else None
    if found is None:
        raise Http404(missing)
    return found


def own_notice(user, notice_id) -> Announcement:
    """A notice the user posted, for editing or withdrawing; 404 for anyone else's."""
    return _own(Announcement.objects.select_related("school_class"), user, notice_id,
                "Объявление не найдено.")


def own_event(user, event_id) -> SchoolEvent:
    """An event the user posted, for editing or deleting; 404 for anyone else's."""
    return _own(SchoolEvent.objects.select_related("school_class"), user, event_id,
                "Событие не найдено.")
