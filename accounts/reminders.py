"""Data-update reminders to class teachers, and the notices of change they follow.

The regulations: students' and parents' data are updated every year by 5 September and within
3 days of a notice of change [003 §1.7]; the class teacher checks them at least once a month
[002 app.5]. The rule the daily task follows, per class with a class teacher:

- yearly: on the first run from 25 August to 5 September, a reminder listing the class's
  families (a student and their parents) with no change of personal data recorded since 1 June;
  none when every family has one. The classes are those of the year that contains 5 September
  (the new year once the rollover has made it), else the current year's;
- monthly: on the first run in the first week of October to May, a reminder to check the
  class's data, naming the notices of change still waiting (September has the yearly one,
  summer has none);
- notice: when the secretary records a notice of change, at once (and on the next run if that
  failed), a reminder to enter the change by the day the notice came plus 3 days; on that
  day, if no change of the person's data has been recorded since the notice came, a reminder
  that the time is up (a notice entered late gets only this one). Notices more than 60 days
  old stay on the secretary's list without further reminders.

Each reminder is one `DataUpdateReminder` row per class, kind and period (or notice), claimed
before the message goes out: a second run on the same day sends nothing again. One that could
not go (no address, no class teacher, a mail error) is tried by the next days' runs, up to
`DataUpdateReminder.MAX_ATTEMPTS` times in all, and the secretary sees its state.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import DataChangeNotice, DataUpdateReminder, User
from accounts.queries.reminders import (
    classes_of_people,
    families_not_updated,
    open_notices,
    students_in,
)
from journal.models import AcademicYear, School, SchoolClass

log = logging.getLogger(__name__)

YEARLY_FROM = (8, 25)
YEARLY_DEADLINE = (9, 5)
CHANGED_SINCE = (6, 1)
MONTHLY_MONTHS = frozenset({10, 11, 12, 1, 2, 3, 4, 5})
MONTHLY_DAYS = 7
Kind = DataUpdateReminder.Kind
Status = DataUpdateReminder.Status


# Notices of change --------------------------------------------------------------------------

def record_notice(actor: User, school: School, subject: User, received_on: dt.date,
                  description: str) -> DataChangeNotice:
    """The secretary records a family's notice that their data changed; the class teachers
    concerned are reminded as soon as it is saved."""
    from accounts.tasks import send_notice_reminders_task

    notice = DataChangeNotice.objects.create(school=school, subject=subject,
                                             received_on=received_on,
                                             description=description.strip(),
                                             recorded_by=actor)
    transaction.on_commit(lambda: send_notice_reminders_task.delay(notice.pk))
    return notice


# The day's reminders ------------------------------------------------------------------------

def send_data_update_reminders(today: dt.date | None = None) -> int:
    """Every reminder due today in every school; returns how many messages went out."""
    today = today or timezone.localdate()
    sent = 0
    for school in School.objects.order_by("pk"):
        sent += _yearly(school, today) + _monthly(school, today) + _notices(school, today)
    return sent


def send_notice_reminders(notice_id: int, today: dt.date | None = None) -> int:
    """The reminders about one notice, right after it was recorded."""
    notice = DataChangeNotice.objects.filter(pk=notice_id).select_related("school").first()
    if notice is None:
        return 0
    return _notices(notice.school, today or timezone.localdate(), only=notice_id)


def _yearly(school: School, today: dt.date) -> int:
    start, deadline = dt.date(today.year, *YEARLY_FROM), dt.date(today.year, *YEARLY_DEADLINE)
    if not start <= today <= deadline:
        return 0
    year = (AcademicYear.objects.filter(school=school, starts_on__lte=deadline,
                                        ends_on__gte=deadline).first()
            or AcademicYear.objects.filter(school=school, is_current=True).first())
    if year is None:
        return 0
    since = dt.date(today.year, *CHANGED_SINCE)
    # Before the year begins its classes are filled as of its first day.
    day = max(today, year.starts_on)
    sent = 0
    for school_class in _classes(year):
        families = families_not_updated(school_class, since, day)
        if not families:
            continue
        sent += _remind(school_class, Kind.YEARLY, str(today.year), today, families=len(families),
                        subject=f"Обновите данные обучающихся и родителей {school_class} класса "
                                f"до {deadline:%d.%m.%Y}",
                        template="yearly", context={"families": families, "since": since,
                                                    "deadline": deadline})
    return sent


def _monthly(school: School, today: dt.date) -> int:
    if today.month not in MONTHLY_MONTHS or today.day > MONTHLY_DAYS:
        return 0
    year = AcademicYear.objects.filter(school=school, is_current=True).first()
    if year is None:
        return 0
    waiting = list(open_notices(school))
    by_class = classes_of_people(year, today, {n.subject_id for n in waiting})
    sent = 0
    for school_class in _classes(year):
        notices = [n for n in waiting if school_class in by_class.get(n.subject_id, [])]
        sent += _remind(school_class, Kind.MONTHLY, f"{today:%Y-%m}", today,
                        families=students_in(school_class, today),
                        subject=f"Ежемесячная проверка данных обучающихся и родителей "
                                f"{school_class} класса",
                        template="monthly", context={"notices": notices})
    return sent


def _notices(school: School, today: dt.date, only: int | None = None) -> int:
    year = AcademicYear.objects.filter(school=school, is_current=True).first()
    waiting = open_notices(school).filter(received_on__lte=today)
    if only is not None:
        waiting = waiting.filter(pk=only)
    else:
        # The first reminder goes when the notice is recorded; a late run only retries it.
        waiting = waiting.filter(received_on__gte=today - dt.timedelta(days=60))
    waiting = list(waiting)
    by_class = classes_of_people(year, today, {n.subject_id for n in waiting})
    sent = 0
    for notice in waiting:
        due = notice.due_on <= today
        kind = Kind.NOTICE_DUE if due else Kind.NOTICE
        for school_class in by_class.get(notice.subject_id, []):
            subject = (f"Истекает срок внесения изменения: {notice.subject.full_name}"
                       if due else f"Изменились данные: {notice.subject.full_name} "
                                   f"({school_class} класс)")
            sent += _remind(school_class, kind, str(notice.pk), today, notice=notice,
                            families=1, subject=subject, template="notice",
                            context={"notice": notice, "due": due, "overdue": notice.due_on < today})
    return sent


def _classes(year: AcademicYear):
    return (SchoolClass.objects.filter(year=year).select_related("class_teacher", "year__school")
            .order_by("grade", "letter"))


# Claiming and sending -----------------------------------------------------------------------

def _claim(school_class: SchoolClass, kind: str, key: str, today: dt.date,
           notice: DataChangeNotice | None) -> DataUpdateReminder | None:
    """The reminder's row, if this run is the one to send it: a new one, or one that could not
    go on an earlier day and has attempts left. None when it went already (or is being sent,
    or was tried today)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return DataUpdateReminder.objects.create(
                school_id=school_class.year.school_id, school_class=school_class, kind=kind,
                key=key, notice=notice, created_at=now, tried_at=now)
    except IntegrityError:
        pass
    retry = DataUpdateReminder.objects.filter(
        school_class=school_class, kind=kind, key=key, status__in=DataUpdateReminder.RETRIED,
        attempts__lt=DataUpdateReminder.MAX_ATTEMPTS,
        tried_at__lt=timezone.make_aware(dt.datetime.combine(today, dt.time.min)))
    row = retry.first()
    if row is None or retry.filter(pk=row.pk, attempts=row.attempts).update(
            status=Status.PENDING, attempts=F("attempts") + 1, tried_at=now) != 1:
        return None
    row.refresh_from_db()
    return row


def _remind(school_class: SchoolClass, kind: str, key: str, today: dt.date, *, families: int,
            subject: str, template: str, context: dict,
            notice: DataChangeNotice | None = None) -> int:
    reminder = _claim(school_class, kind, key, today, notice)
    if reminder is None:
        return 0
    teacher = school_class.class_teacher
    reminder.recipient = teacher
    reminder.address = teacher.email if teacher else ""
    reminder.families = families
    reminder.error = ""
    if teacher is None:
        reminder.status = Status.NO_RECIPIENT
    elif not teacher.email:
        reminder.status = Status.NO_ADDRESS
    else:
        body = render_to_string(f"accounts/secretary/emails/{template}.txt", {
            **context, "teacher": teacher, "school_class": school_class,
            "school": school_class.year.school, "today": today})
        try:
            send_mail(subject, body, None, [teacher.email])
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("Data-update reminder %s not sent: %s", reminder.pk, exc)
            reminder.status, reminder.error = Status.FAILED, str(exc)[:300]
        else:
            reminder.status, reminder.sent_at = Status.SENT, timezone.now()
    reminder.save(update_fields=["recipient", "address", "families", "status", "error",
                                 "sent_at"])
    return int(reminder.status == Status.SENT)
