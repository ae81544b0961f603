"""Sending notifications out of the system: one delivery (e-mail or SMS) at a time, retried
within a budget; the SMS held back by quiet hours once they are over; the daily digest.

Each attempt first asks again whether the delivery may go (consent and address, no refusal,
the user's choice, quiet hours, the thing still so), then claims the attempt with a
compare-and-set on `attempts`, so that two workers never send one delivery twice at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from journal.models import School
from messaging.models import Delivery, Notification
from messaging.models.notifications import Channel
from messaging.notifications.events import no_longer_so
from messaging.notifications.preferences import Reach, reaches, settings_of
from messaging.notifications.sms import SmsError, gateway

log = logging.getLogger(__name__)
SEND_ERRORS = (smtplib.SMTPException, OSError, SmsError)
ALL_EVENTS = "all"  # the "stop" link of a digest: every event's e-mail


def budget() -> int:
    return settings.NOTIFICATION_DELIVERY_ATTEMPTS


def backoff(attempts: int) -> int:
    """Seconds before the next attempt: 1, 2, 4… times the base."""
    return settings.NOTIFICATION_RETRY_SECONDS * 2 ** max(attempts - 1, 0)


def site_url(path: str) -> str:
    return urljoin(settings.SITE_URL + "/", path.lstrip("/"))


def stop_url(token: str, event: str) -> str:
    return site_url(reverse("messaging:notifications:stop", args=[token, event]))


def school_name(notification: Notification) -> str:
    """The school the notification is from: the child's, else the recipient's."""
    if notification.student_id:
        return notification.student.school.name
    user_id = notification.recipient_id
    school = School.objects.filter(
        Q(staff_roles__user_id=user_id) | Q(students__user_id=user_id)
        | Q(students__parent_links__parent__user_id=user_id)).order_by("pk").first()
    return school.name if school else ""


def _skip(delivery: Delivery, why: str) -> None:
    Delivery.objects.filter(pk=delivery.pk, status__in=(Delivery.Status.PENDING,
                                                        Delivery.Status.DIGEST)).update(
        status=Delivery.Status.SKIPPED, last_error=why)


def _why_not(delivery: Delivery, reach: Reach) -> str:
    """Why the delivery may not go now ("" when it may)."""
    event = delivery.notification.event
    reason = reach.unavailable(delivery.channel)
    if reason:
        return reason
    if not reach.wants(event, delivery.channel):
        return "Канал отключён получателем."
    if delivery.notification.pk in no_longer_so([delivery.notification]):
        return "Уже неактуально: запись в журнале исправлена."
    return ""


def deliver(delivery_id: int) -> int | None:
    """One attempt of a waiting delivery. Returns the attempts made so far when it failed and
    may be tried again (the task retries it after `backoff`), else None."""
    delivery = (Delivery.objects.select_related("notification__student__school")
                .filter(pk=delivery_id, status=Delivery.Status.PENDING).first())
    if delivery is None:
        return None
    now = timezone.now()
    if delivery.not_before and delivery.not_before > now:
        return None  # quiet hours: `send_due` sends it when they are over
    reach = reaches([delivery.notification.recipient_id])[delivery.notification.recipient_id]
    why = _why_not(delivery, reach)
    if why:
        _skip(delivery, why)
        return None
    if delivery.channel == Channel.SMS:
        until = reach.quiet_until(now)
        if until:
            Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
                not_before=until)
            return None
    claimed = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING,
                                      attempts=delivery.attempts)
    if claimed.update(attempts=F("attempts") + 1) != 1:
        return None
    delivery.attempts += 1
    delivery.address = reach.addresses[delivery.channel]  # the consented address of today
    try:
        if delivery.channel == Channel.EMAIL:
            _email(delivery.notification, delivery.address).send()
        else:
            gateway().send(delivery.address, sms_text(delivery.notification))
    except SEND_ERRORS as exc:
        failed = delivery.attempts >= budget()
        log.warning("Delivery %s, attempt %s failed: %s", delivery.pk, delivery.attempts, exc)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED if failed else Delivery.Status.PENDING,
            last_error=str(exc)[:500], address=delivery.address)
        return None if failed else delivery.attempts
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="",
        address=delivery.address)
    return None


def sms_text(notification: Notification) -> str:
    school = notification.student.school.short_name if notification.student_id else ""
    return f"{school}: {notification.title}" if school else notification.title


def _email(notification: Notification, address: str) -> EmailMessage:
    token = settings_of(notification.recipient_id).unsubscribe_token
    stop = stop_url(token, notification.event)
    school = school_name(notification)
    body = render_to_string("messaging/notifications/email/notification.txt", {
        "notification": notification, "school": school, "stop_url": stop,
        "link": site_url(notification.link) if notification.link else "",
        "settings_url": site_url(reverse("messaging:notifications:preferences")),
    })
    subject = f"{notification.title} — {school}" if school else notification.title
    return EmailMessage(subject=subject[:250], body=body, to=[address],
                        headers=_stop_headers(stop))


def _stop_headers(stop: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail programs show a "stop" button that POSTs there."""
    return {"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def send_due() -> int:
    """Hand the deliveries whose quiet hours are over to the workers; each is handed once."""
    from messaging.notifications.services import send_later

    now = timezone.now()
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, not_before__lte=now)
    handed = [pk for pk, not_before in due.values_list("pk", "not_before")
              if Delivery.objects.filter(pk=pk, not_before=not_before).update(not_before=None)]
    send_later(handed)
    return len(handed)


def send_digests(today: dt.date | None = None) -> int:
    """One e-mail per user with everything that waited for the daily digest. Returns how
    many e-mails went."""
    waiting = list(Delivery.objects.filter(status=Delivery.Status.DIGEST,
                                           channel=Channel.EMAIL)
                   .select_related("notification__student__school")
                   .order_by("notification__recipient_id", "notification__created_at", "pk"))
    by_user: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in waiting:
        by_user[delivery.notification.recipient_id].append(delivery)
    reach = reaches(by_user)
    stale = no_longer_so([d.notification for d in waiting])
    sent = 0
    for user_id, deliveries in by_user.items():
        going = []
        for delivery in deliveries:
            why = _why_not_digest(delivery, reach[user_id], stale)
            if why:
                _skip(delivery, why)
            else:
                going.append(delivery)
        if going:
            sent += _send_digest(user_id, going, reach[user_id], today or timezone.localdate())
    return sent


def _why_not_digest(delivery: Delivery, reach: Reach, stale: set[int]) -> str:
    if reach.unavailable(Channel.EMAIL):
        return reach.unavailable(Channel.EMAIL)
    if not reach.wants(delivery.notification.event, Channel.EMAIL):
        return "Канал отключён получателем."
    if delivery.notification.pk in stale:
        return "Уже неактуально: запись в журнале исправлена."
    return ""


def _send_digest(user_id: int, deliveries: list[Delivery], reach: Reach,
                 today: dt.date) -> int:
    ids = [d.pk for d in deliveries]
    claimed = Delivery.objects.filter(pk__in=ids, status=Delivery.Status.DIGEST)
    claimed.update(attempts=F("attempts") + 1)
    token = settings_of(user_id).unsubscribe_token
    first = deliveries[0].notification
    school = school_name(first)
    events = sorted({d.notification.event for d in deliveries})
    address = reach.addresses[Channel.EMAIL]
    body = render_to_string("messaging/notifications/email/digest.txt", {
        "deliveries": deliveries, "school": school, "today": today,
        "stops": [(d.notification.get_event_display(), stop_url(token, d.notification.event))
                  for d in {d.notification.event: d for d in deliveries}.values()],
        "stop_all": stop_url(token, ALL_EVENTS), "events": events,
        "settings_url": site_url(reverse("messaging:notifications:preferences")),
    })
    subject = f"Уведомления за {today:%d.%m.%Y} — {school}" if school else \
        f"Уведомления за {today:%d.%m.%Y}"
    message = EmailMessage(subject=subject, body=body, to=[address],
                           headers=_stop_headers(stop_url(token, ALL_EVENTS)))
    try:
        message.send()
    except SEND_ERRORS as exc:
        log.warning("Digest of user %s failed: %s", user_id, exc)
        Delivery.objects.filter(pk__in=ids, attempts__gte=budget()).update(
            status=Delivery.Status.FAILED, last_error=str(exc)[:500])
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.DIGEST).update(
            last_error=str(exc)[:500])
        return 0
    Delivery.objects.filter(pk__in=ids).update(status=Delivery.Status.SENT,
                                               sent_at=timezone.now(), last_error="",
                                               address=address)
    return 1
