"""What a user sees of the school's notices, news and events now, and whom a notice reaches.

One rule, read both ways (`visible_to` for a reader, `audience_of` for a notice; a test checks
that they agree): a notice is shown from `publish_at` until `expires_at`, to
- the staff of its school (a role in it, or a journal or a class of its current year): notices
  to the whole school and to the staff; a class teacher also those to their class and grade;
- its `READ_ALL` roles (the administration, the secretary): every notice of the school;
- students enrolled now in one of its classes: notices to the school, their grade, their class;
- their parents: the same, and notices to the parents only.
Events: the staff see every event of their school; families the school's events and their
children's classes' events.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.access import is_signed_in
from accounts.models import StaffRole, Student, User
from journal import versions
from journal.models import Enrolment, SchoolClass, TeachingAssignment
from messaging.models import Announcement, AnnouncementFile, SchoolEvent
from messaging.notices.audience import READ_ALL

Audience = Announcement.Audience
# How far ahead the home page shows the coming events.
UPCOMING_DAYS = 14
# A school's list of notices in the cache: the versions make a change show at once; this bounds
# the cache's size.
NOTICES_LIFETIME = 30 * 60


def _published(now: dt.datetime) -> Q:
    return Q(publish_at__lte=now) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def _works_at(user, school_id) -> Q:
    """Staff of the school: a role in it, or a journal or a class of its current year. Either
    side may be an OuterRef."""
    return (Exists(StaffRole.objects.filter(user=user, school_id=school_id))
            | Exists(TeachingAssignment.objects.filter(teacher=user, year__school_id=school_id,
                                                       year__is_current=True))
            | Exists(SchoolClass.objects.filter(class_teacher=user, year__school_id=school_id,
                                                year__is_current=True)))


def _staff_sees(user) -> Q:
    school = OuterRef("school_id")
    led = SchoolClass.objects.filter(class_teacher=user, year__is_current=True)
    return (Exists(StaffRole.objects.filter(user=user, school_id=school, role__in=READ_ALL))
            | Q(audience__in=[Audience.SCHOOL, Audience.STAFF]) & _works_at(user, school)
            | Q(audience=Audience.CLASS, school_class__in=led)
            | Q(audience=Audience.GRADE) & Exists(led.filter(year__school_id=school,
                                                             grade=OuterRef("grade"))))


def _family_sees(students: QuerySet[Student], *, parents: bool) -> Q:
    """Notices for these students (enrolled now), and with `parents` for their parents."""
    enrolled = Enrolment.objects.current().filter(student__in=students)
    in_school = enrolled.filter(school_class__year__school_id=OuterRef("school_id"))
    rule = (Q(audience=Audience.SCHOOL) & Exists(in_school)
            | Q(audience=Audience.GRADE) & Exists(in_school.filter(
                school_class__grade=OuterRef("grade")))
            | Q(audience=Audience.CLASS) & Exists(enrolled.filter(
                school_class_id=OuterRef("school_class_id"))))
    if parents:
        rule |= Q(audience=Audience.PARENTS) & Exists(in_school)
    return rule


def _sees(user) -> Q | None:
    """What `user` is in the audience of; None: everything (a superuser)."""
    if user.is_superuser:
        return None
    own = Student.objects.filter(user=user)
    children = Student.objects.filter(parent_links__parent__user=user)
    return (_staff_sees(user) | _family_sees(own, parents=False)
            | _family_sees(children, parents=True))


def visible_to(user, now: dt.datetime | None = None) -> QuerySet[Announcement]:
    """The notices and news `user` sees now, newest first: one query."""
    if not is_signed_in(user):
        return Announcement.objects.none()
    shown = Announcement.objects.filter(_published(now or timezone.now()))
    rule = _sees(user)
    return shown if rule is None else shown.filter(rule)


def readable_by(user) -> QuerySet[Announcement]:
    """Notices a user may open: those they see now and their own, also before they are
    published and after they are withdrawn."""
    if not is_signed_in(user):
        return Announcement.objects.none()
    rule = _sees(user)
    if rule is None:
        return Announcement.objects.all()
    return Announcement.objects.filter(Q(author=user) | _published(timezone.now()) & rule)


def shown_in_diary(student: Student, *, parents: bool,
                   now: dt.datetime | None = None) -> QuerySet[Announcement]:
    """The notices for the student's family now (for their school, grade and class; with
    `parents`, also those for the parents only): the diary's top."""
    return Announcement.objects.filter(_published(now or timezone.now())).filter(
        _family_sees(Student.objects.filter(pk=student.pk), parents=parents))


def school_notices(school_id: int) -> list[Announcement]:
    """The school's notices not yet expired (shown now or later), newest first, class loaded:
    from the cache under the school's data version, which posting, changing and withdrawing a
    notice bump (`journal.versions`)."""
    key = f"notices:school:{school_id}:{versions.stamp((), school_id)}"
    found = cache.get(key)
    if found is None:
        found = list(Announcement.objects.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()), school_id=school_id)
            .select_related("school_class").order_by("-publish_at", "-pk"))
        cache.set(key, found, NOTICES_LIFETIME)
    return found


def in_diary(classes: list[SchoolClass], *, parents: bool,
             now: dt.datetime | None = None) -> list[Announcement]:
    """`shown_in_diary` for a student enrolled now in `classes` (year loaded), read from
    `school_notices`: what the diary's week shows on every load, without a query."""
    now = now or timezone.now()
    found = []
    for school_id in {c.year.school_id for c in classes}:
        grades = {c.grade for c in classes if c.year.school_id == school_id}
        class_ids = {c.pk for c in classes if c.year.school_id == school_id}
        found += [notice for notice in school_notices(school_id)
                  if notice.publish_at <= now
                  and (notice.expires_at is None or notice.expires_at > now)
                  and (notice.audience == Audience.SCHOOL
                       or notice.audience == Audience.GRADE and notice.grade in grades
                       or notice.audience == Audience.CLASS and notice.school_class_id in class_ids
                       or parents and notice.audience == Audience.PARENTS)]
    return sorted(found, key=lambda notice: (notice.publish_at, notice.pk), reverse=True)


def notices_change_after(classes: list[SchoolClass], now: dt.datetime | None = None
                         ) -> dt.datetime | None:
    """When the next of the schools' notices is published or expires: until then `in_diary`
    gives the same for these classes."""
    now = now or timezone.now()
    moments = [moment for school_id in {c.year.school_id for c in classes}
               for notice in school_notices(school_id)
               for moment in (notice.publish_at, notice.expires_at)
               if moment is not None and moment > now]
    return min(moments, default=None)


def files_readable_by(user) -> QuerySet[AnnouncementFile]:
    """Attachments a user may download: those of the notices they may open."""
    return AnnouncementFile.objects.filter(announcement__in=readable_by(user))


def audience_of(notice: Announcement) -> QuerySet[User]:
    """The active users a notice is for (the other side of `visible_to`, without the readers
    of everything, who are not told of each notice)."""
    classes = SchoolClass.objects.filter(year__school_id=notice.school_id, year__is_current=True)
    if notice.audience == Audience.GRADE:
        classes = classes.filter(grade=notice.grade)
    elif notice.audience == Audience.CLASS:
        classes = classes.filter(pk=notice.school_class_id)
    enrolled = Enrolment.objects.current().filter(school_class__in=classes)
    students = Exists(enrolled.filter(student__user=OuterRef("pk")))
    parents = Exists(enrolled.filter(student__parent_links__parent__user=OuterRef("pk")))
    staff = _works_at(OuterRef("pk"), notice.school_id)
    rule = {
        Audience.SCHOOL: staff | students | parents,
        Audience.STAFF: staff,
        Audience.PARENTS: parents,
    }.get(notice.audience, students | parents
          | Exists(classes.filter(class_teacher=OuterRef("pk"))))
    return User.objects.filter(rule, is_active=True)


def posted_by(user) -> QuerySet[Announcement]:
    """The poster's own notices and news, newest first, whatever their state."""
    return (Announcement.objects.filter(author=user).select_related("school_class")
            .order_by("-publish_at", "-pk"))


# Events ----------------------------------------------------------------------------------

def _family_events(school_ids, class_ids) -> Q:
    """A family sees the events of its children's school and of their classes."""
    return Q(school_class__isnull=True, school_id__in=school_ids) | Q(school_class_id__in=class_ids)


def events_visible_to(user) -> QuerySet[SchoolEvent]:
    """The events on the user's calendar (see the module's docstring): one query."""
    if not is_signed_in(user):
        return SchoolEvent.objects.none()
    events = SchoolEvent.objects.select_related("school_class")
    if user.is_superuser:
        return events
    family = Student.objects.filter(Q(user=user) | Q(parent_links__parent__user=user))
    enrolled = Enrolment.objects.current().filter(student__in=family)
    return events.filter(
        _works_at(user, OuterRef("school_id"))
        | _family_events(enrolled.values("school_class__year__school_id"),
                         enrolled.values("school_class_id")))


def upcoming_events(user, today: dt.date) -> QuerySet[SchoolEvent]:
    return events_visible_to(user).filter(date__range=(today, today + dt.timedelta(
        days=UPCOMING_DAYS)))


def student_events(student: Student, class_ids: list[int], start: dt.date, end: dt.date
                   ) -> list[SchoolEvent]:
    """The events of the student's school and of their classes `class_ids` between the dates,
    for the diary's week: one query."""
    return list(SchoolEvent.objects.filter(date__range=(start, end))
                .filter(_family_events([student.school_id], class_ids))
                .select_related("school_class"))
