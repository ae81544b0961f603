"""Builders shared by the tests of the personal-data officer's, the e-diary coordinator's and
the secretary's pages: another school, the families' paperwork and the personal-data log.
Time is frozen on NOW (a Monday of the second quarter)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from accounts.models import (
    CredentialIssue,
    DiaryApplication,
    Parent,
    PersonalDataConsent,
    PersonalDataEvent,
    User,
)
from journal.models import AcademicYear, School, SchoolClass
from tests.conftest import YEAR_END, YEAR_START, make_parent, make_student

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=MOSCOW)
TODAY = NOW.date()


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=MOSCOW)


@dataclass
class OtherSchool:
    school: School
    school_class: SchoolClass
    student: User
    parent: User


def make_other_school() -> OtherSchool:
    """School № 9 with a 5А, a student and her mother: what no one of school № 7 may see."""
    school = School.objects.create(name="Школа № 9", short_name="Школа № 9")
    year = AcademicYear.objects.create(school=school, name="2026/2027", starts_on=YEAR_START,
                                       ends_on=YEAR_END, is_current=True)
    school_class = SchoolClass.objects.create(year=year, grade=5, letter="А")
    student = make_student(school, "chuzhaya", "Чужая", "Алиса", school_class, sex="f")
    parent = make_parent("chuzhaya_mama", "Чужая", "Ирина", "Олеговна", [student])
    return OtherSchool(school, school_class, student.user, parent)


def log_event(subject: User, actor: User | None, kind: str = PersonalDataEvent.Kind.CHANGE,
              when: dt.datetime = NOW, what: str = "", changes: dict | None = None,
              address: str = "10.0.0.7") -> PersonalDataEvent:
    return PersonalDataEvent.objects.create(subject=subject, actor=actor, kind=kind, at=when,
                                            what=what, changes=changes or {}, address=address)


def issue_login(user: User, by: User, when: dt.datetime = NOW) -> CredentialIssue:
    return CredentialIssue.objects.create(user=user, kind=CredentialIssue.Kind.ISSUED,
                                          issued_by=by, issued_at=when)


def record_application(parent: User, by: User, day: dt.date = TODAY) -> DiaryApplication:
    return DiaryApplication.objects.create(parent=Parent.objects.get(user=parent),
                                           received_on=day, passport_checked_by=by,
                                           recorded_by=by)


def record_consent(parent: User, by: User, given: bool, day: dt.date,
                   document: str) -> PersonalDataConsent:
    return PersonalDataConsent.objects.create(parent=Parent.objects.get(user=parent), given=given,
                                              signed_on=day, document=document, recorded_by=by)


def signed_in(user: User, when: dt.datetime) -> User:
    User.objects.filter(pk=user.pk).update(last_login=when)
    user.refresh_from_db()
    return user
