"""What each user chose to be told and where it may go: the one rule that the preferences page,
the planning of deliveries and every delivery's last check read.

Nothing leaves the system (e-mail, SMS) without the user's recorded consent to that channel
and its address (`accounts.ContactChannel`, which the class teacher records), while a refusal
to receive information stands (`InformationRefusal`), or for an account that is switched off.
With no `NotificationPreference` row the defaults apply: in the system on, outside channels off.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import ContactChannel, User
from messaging.models import (
    InformationRefusal,
    NotificationPreference,
    NotificationSettings,
)
from messaging.models.notifications import Channel, Event

DEFAULTS = {Channel.INTERNAL: True, Channel.EMAIL: False, Channel.SMS: False}
OUTSIDE = (Channel.EMAIL, Channel.SMS)
QUIET_FROM = dt.time(21, 0)
QUIET_TO = dt.time(8, 0)

# What each kind of person is told about (the preferences page offers these).
JOURNAL_EVENTS = (Event.ABSENCE, Event.LOW_MARK, Event.FAILING_FORECAST, Event.TERM_MARK,
                  Event.MARK_OVER_ABSENCE)
EVERYONE_EVENTS = (Event.MESSAGE, Event.ANNOUNCEMENT)
FAMILY_EVENTS = JOURNAL_EVENTS + EVERYONE_EVENTS
ADMINISTRATION_EVENTS = (Event.MARK_OVER_ABSENCE, *EVERYONE_EVENTS)

WHO_RECORDS_CONSENT = ("Согласие и адрес записывает классный руководитель ребёнка (или "
                       "ответственный за электронный дневник) по вашему заявлению.")


def events_for(person) -> tuple[str, ...]:
    """The events a person may be told about: a parent all of them; the director and the
    deputies, who are told of them, also marks over absences; everyone new messages and
    notices."""
    from messaging.notifications.events import TOLD_OF_MARKS_OVER_ABSENCES

    if person.is_parent:
        return FAMILY_EVENTS
    if person.staff_roles & TOLD_OF_MARKS_OVER_ABSENCES:
        return ADMINISTRATION_EVENTS
    return EVERYONE_EVENTS


def sms_configured() -> bool:
    return bool(settings.SMS_GATEWAY_URL)


def refusals_in_force(today: dt.date | None = None) -> QuerySet[InformationRefusal]:
    """Refusals to receive information that stand on `today`: recorded and not withdrawn."""
    today = today or timezone.localdate()
    return InformationRefusal.objects.filter(refused_on__lte=today, withdrawn_on__isnull=True)


@dataclass
class Reach:
    """Where one user may be told what: their choices and what allows an outside channel."""

    user_id: int
    active: bool = True
    refused: bool = False
    addresses: dict[str, str] = field(default_factory=dict)  # consented channel → address
    choices: dict[tuple[str, str], bool] = field(default_factory=dict)
    digest: bool = False
    quiet_from: dt.time = QUIET_FROM
    quiet_to: dt.time = QUIET_TO

    def wants(self, event: str, channel: str) -> bool:
        return self.choices.get((event, channel), DEFAULTS[channel])

    def unavailable(self, channel: str) -> str:
        """Why nothing may go to this outside channel ("" when it may)."""
        if not self.active:
            return "Учётная запись отключена."
        if self.refused:
            return ("Записан отказ от получения информации: пока он действует, уведомления "
                    "по почте и SMS не отправляются.")
        if channel == Channel.SMS and not sms_configured():
            return "Отправка SMS в школе не подключена."
        if channel not in self.addresses:
            what = "адреса электронной почты" if channel == Channel.EMAIL else "номера телефона"
            return f"Нет записанного согласия на уведомления и {what}. {WHO_RECORDS_CONSENT}"
        return ""

    def outside(self, event: str) -> dict[str, str]:
        """The outside channels this event goes to, with their addresses."""
        return {channel: self.addresses[channel] for channel in OUTSIDE
                if self.wants(event, channel) and not self.unavailable(channel)}

    def quiet_until(self, now: dt.datetime) -> dt.datetime | None:
        """The end of the quiet hours `now` falls in, else None: no SMS before it."""
        return quiet_until(now, self.quiet_from, self.quiet_to)


def reaches(user_ids) -> dict[int, Reach]:
    """Each user's `Reach`, in five queries for any number of users."""
    ids = set(user_ids)
    if not ids:
        return {}
    found = {pk: Reach(pk, active=active) for pk, active in
             User.objects.filter(pk__in=ids).values_list("pk", "is_active")}
    contacts = ContactChannel.objects.filter(user_id__in=ids, consented=True).exclude(address="")
    for user_id, kind, address in contacts.values_list("user_id", "kind", "address"):
        found[user_id].addresses[kind] = address
    choices = NotificationPreference.objects.filter(user_id__in=ids)
    for user_id, event, channel, enabled in choices.values_list("user_id", "event", "channel",
                                                                "enabled"):
        found[user_id].choices[(event, channel)] = enabled
    for row in NotificationSettings.objects.filter(user_id__in=ids):
        reach = found[row.user_id]
        reach.digest, reach.quiet_from, reach.quiet_to = (row.daily_digest, row.quiet_from,
                                                          row.quiet_to)
    refused = refusals_in_force().filter(parent__user_id__in=ids)
    for user_id in refused.values_list("parent__user_id", flat=True):
        found[user_id].refused = True
    return found


def settings_of(user_id: int) -> NotificationSettings:
    """The user's delivery settings (made with the defaults on first use: the token of the
    "stop" link in e-mails lives there)."""
    row, _ = NotificationSettings.objects.get_or_create(
        user_id=user_id, defaults={"quiet_from": QUIET_FROM, "quiet_to": QUIET_TO})
    return row


def in_quiet_hours(moment: dt.time, start: dt.time, end: dt.time) -> bool:
    """Whether a local time of day falls in the quiet hours [start, end), which may pass
    midnight (21:00–08:00); equal ends mean no quiet hours."""
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def quiet_until(now: dt.datetime, start: dt.time, end: dt.time) -> dt.datetime | None:
    local = timezone.localtime(now)
    if not in_quiet_hours(local.time(), start, end):
        return None
    day = local.date() if local.time() < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=local.tzinfo)
