"""The families' paperwork of the demo school, as the class teachers gathered it in September:
applications, consents, contacts with channel consents, issued logins, first sign-ins, and a
few parents still to chase (no application yet, one refusal), so that the coordinator's and the
data officer's pages show a school at work. Bulk-created: the demo seeds in seconds."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.apps import apps
from django.utils import timezone

from accounts.models import (
    ContactChannel,
    CredentialIssue,
    DiaryApplication,
    Parent,
    ParentStudent,
    PersonalDataConsent,
    Student,
    User,
)
from accounts.services.personal_data import record_change
from accounts.signin import session_user
from journal.demo import cast
from journal.demo.names import phone_number
from journal.demo.school import DemoSchool
from journal.models import Enrolment

# Shares of the parents with an application whose contacts allow notifications.
EMAIL_CONSENT_SHARE = 0.7
SMS_CONSENT_SHARE = 0.3
# Shares of the parents (not the demo's own families) still without an application, and of
# the others (students too) who have not signed in yet.
PENDING_SHARE = 0.05
NEVER_SIGNED_IN_SHARE = 0.12


def record_family_paperwork(demo: DemoSchool, rng: random.Random) -> None:
    start = demo.year.starts_on
    class_teacher_of = {
        e.student_id: e.school_class.class_teacher_id
        for e in Enrolment.objects.active_on(demo.today).filter(school_class__year=demo.year)
        .select_related("school_class")}
    children_of: dict[int, list[int]] = defaultdict(list)
    for parent_id, student_id in ParentStudent.objects.values_list("parent_id", "student_id"):
        children_of[parent_id].append(student_id)
    parents = list(Parent.objects.select_related("user").order_by("pk"))
    coordinator = User.objects.get(username="coordinator")
    secretary = User.objects.get(username="secretary")
    protected = {s for p in parents if p.user.username in cast.LOGINS for s in children_of[p.pk]}

    applications, consents, channels, issues = [], [], [], []
    pending: list[Parent] = []
    for parent in parents:
        kids = children_of[parent.pk]
        if not protected.intersection(kids) and rng.random() < PENDING_SHARE:
            pending.append(parent)
            continue
        teacher_id = next((class_teacher_of[s] for s in kids if class_teacher_of.get(s)),
                          coordinator.pk)
        day = start + dt.timedelta(days=rng.randrange(12))
        applications.append((DiaryApplication(
            parent=parent, received_on=day, passport_checked_by_id=teacher_id,
            recorded_by_id=teacher_id), kids))
        consents.append(PersonalDataConsent(
            parent=parent, given=True, signed_on=day, recorded_by_id=teacher_id,
            document=f"согласие от {day:%d.%m.%Y}"))
        if parent.user.email and rng.random() < EMAIL_CONSENT_SHARE:
            channels.append(ContactChannel(user=parent.user, kind=ContactChannel.Kind.EMAIL,
                                           address=parent.user.email, consented=True,
                                           consented_on=day))
        if parent.phone and rng.random() < SMS_CONSENT_SHARE:
            channels.append(ContactChannel(user=parent.user, kind=ContactChannel.Kind.SMS,
                                           address=parent.phone, consented=True,
                                           consented_on=day))
        issues.append(CredentialIssue(
            user=parent.user, kind=CredentialIssue.Kind.ISSUED, issued_by_id=teacher_id,
            issued_at=_at(day)))

    made = DiaryApplication.objects.bulk_create([a for a, _ in applications], batch_size=1000)
    DiaryApplication.children.through.objects.bulk_create(
        [DiaryApplication.children.through(diaryapplication_id=a.pk, student_id=s)
         for a, (_, kids) in zip(made, applications, strict=True) for s in kids],
        batch_size=2000)
    PersonalDataConsent.objects.bulk_create(consents, batch_size=1000)
    ContactChannel.objects.bulk_create(channels, batch_size=1000)
    user_of_student = dict(Student.objects.values_list("pk", "user_id"))
    for student_id, teacher_id in class_teacher_of.items():
        issues.append(CredentialIssue(user_id=user_of_student[student_id],
                                      kind=CredentialIssue.Kind.ISSUED,
                                      issued_by_id=teacher_id or coordinator.pk, issued_at=_at(start)))
    CredentialIssue.objects.bulk_create(issues, batch_size=2000)

    # Still to chase: accounts not switched on until the application arrives; one refusal.
    User.objects.filter(pk__in=[p.user_id for p in pending]).update(is_active=False)
    session_user.forget(p.user_id for p in pending)
    if pending:
        PersonalDataConsent.objects.create(
            parent=pending[0], given=False, signed_on=start + dt.timedelta(days=3),
            recorded_by=coordinator, document=f"отказ от {start + dt.timedelta(days=3):%d.%m.%Y}")
    _first_sign_ins(demo, rng, {p.pk for p in pending})
    _data_corrections(secretary, parents[:3], rng)


def _at(day: dt.date, time: dt.time = dt.time(15, 0)) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _first_sign_ins(demo: DemoSchool, rng: random.Random, pending: set[int]) -> None:
    """Most parents and students signed in on one of the last fourteen days, between 7 and 22
    o'clock, and looked at the week of a child's diary (their own, for a student); some never
    have. The diary's activity records say so too, so that the class teacher's list of visits and
    the deputy's participation figure show a school at work. Read by name: nothing imports the
    diary (ARCHITECTURE.md)."""
    activity = apps.get_model("diary", "ActivityRecord") if apps.is_installed("diary") else None
    diary_of = dict(Student.objects.values_list("user_id", "pk"))
    for user_id, student_id in (ParentStudent.objects.order_by("student_id")
                                .values_list("parent__user_id", "student_id")):
        diary_of.setdefault(user_id, student_id)
    signed: list[User] = []
    records = []
    users = [*User.objects.filter(parent__isnull=False).exclude(parent__pk__in=pending),
             *User.objects.filter(student__isnull=False)]
    for user in users:
        if user.username in cast.LOGINS or rng.random() >= NEVER_SIGNED_IN_SHARE:
            day = demo.today - dt.timedelta(days=rng.randrange(1, 15))
            user.last_login = _at(day, dt.time(7, 0)) + dt.timedelta(minutes=rng.randrange(900))
            signed.append(user)
            if activity is not None:
                records += [activity(user=user, kind=activity.Kind.SIGN_IN, at=user.last_login),
                            activity(user=user, kind=activity.Kind.VIEW, page="week",
                                     student_id=diary_of.get(user.pk),
                                     at=user.last_login + dt.timedelta(minutes=1))]
    User.objects.bulk_update(signed, ["last_login"], batch_size=1000)
    if records:
        activity.objects.bulk_create(records, batch_size=2000)


def _data_corrections(secretary: User, parents: list[Parent], rng: random.Random) -> None:
    """A few changes of parents' data by the secretary, as the personal-data log records them."""
    for parent in parents:
        old = parent.phone
        new = phone_number(rng)
        Parent.objects.filter(pk=parent.pk).update(phone=new)
        record_change(secretary, "10.0.0.15", parent.user, {"Телефон": (old, new)},
                      what="карточка родителя")
