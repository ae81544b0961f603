"""Telling users about things (the one entry point every part of the system calls: `notify`),
and every other write of notifications: read marks, preferences, refusals, deliveries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from messaging.models import (
    Delivery,
    InformationRefusal,
    Notification,
    NotificationPreference,
    NotificationSettings,
)
from messaging.models.notifications import Channel
from messaging.notifications.preferences import Reach, reaches
from messaging.unread import forget

WAITING = (Delivery.Status.PENDING, Delivery.Status.DIGEST)


@dataclass(frozen=True)
class Notice:
    """One thing to tell some users, once each: `key` names what it is about."""

    recipient_ids: tuple[int, ...]
    event: str
    key: str
    title: str
    text: str
    link: str = ""
    student_id: int | None = None


def notify(recipient_ids: Iterable[int], *, event: str, key: str, title: str, text: str,
           link: str = "", student_id: int | None = None) -> list[Notification]:
    """Tell these users about one thing, once: a user already told under `key` is not told
    again. Call inside the transaction of the change; whatever goes out of the system goes
    after its commit."""
    return notify_many([Notice(tuple(recipient_ids), event, key, title, text, link,
                               student_id)])


def notify_many(notices: Iterable[Notice]) -> list[Notification]:
    """`notify` for many things at once, in a fixed number of queries: the notifications in
    the system (already read where the user switched the system channel off for the event)
    and their deliveries to the outside channels each user chose and may receive."""
    wanted: dict[tuple[int, str], Notice] = {}
    for notice in notices:
        for pk in notice.recipient_ids:
            wanted.setdefault((pk, notice.key), notice)
    if not wanted:
        return []
    user_ids = {pk for pk, _ in wanted}
    keys = {key for _, key in wanted}
    already = set(Notification.objects.filter(recipient_id__in=user_ids, key__in=keys)
                  .values_list("recipient_id", "key"))
    reach = reaches(user_ids - {pk for pk, _ in already})
    now = timezone.now()
    made = []
    for (pk, key), notice in wanted.items():
        if (pk, key) in already or pk not in reach:  # told before, or no such user
            continue
        inside = reach[pk].wants(notice.event, Channel.INTERNAL)
        if not inside and not reach[pk].outside(notice.event):
            continue
        made.append(Notification(recipient_id=pk, event=notice.event, key=key,
                                 title=notice.title[:200], text=notice.text, link=notice.link,
                                 student_id=notice.student_id, created_at=now,
                                 read_at=None if inside else now))
    if not made:
        return []
    Notification.objects.bulk_create(made, ignore_conflicts=True, batch_size=1000)
    # Read back for their ids (ignore_conflicts returns none): ours are those nobody had.
    created = [n for n in Notification.objects.filter(
        recipient_id__in={n.recipient_id for n in made}, key__in={n.key for n in made},
        created_at=now) if (n.recipient_id, n.key) not in already]
    _plan_deliveries(created, reach, now)
    told = [n.recipient_id for n in created if n.read_at is None]
    transaction.on_commit(lambda: forget(told))
    return created


def _plan_deliveries(notifications: list[Notification], reach: dict[int, Reach],
                     now: dt.datetime) -> None:
    deliveries = []
    for notification in notifications:
        user = reach[notification.recipient_id]
        for channel, address in user.outside(notification.event).items():
            status, not_before = Delivery.Status.PENDING, None
            if channel == Channel.EMAIL and user.digest:
                status = Delivery.Status.DIGEST
            if channel == Channel.SMS:
                not_before = user.quiet_until(now)
            deliveries.append(Delivery(notification=notification, channel=channel,
                                       address=address, status=status, not_before=not_before,
                                       created_at=now))
    if not deliveries:
        return
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=1000)
    due = list(Delivery.objects.filter(notification__in=notifications,
                                       status=Delivery.Status.PENDING, not_before__isnull=True)
               .values_list("pk", flat=True))
    if due:
        transaction.on_commit(lambda: send_later(due), robust=True)


def send_later(delivery_ids: Iterable[int]) -> None:
    """One task per delivery (call after the commit that made them)."""
    from messaging.notifications.tasks import deliver_notification_task

    for pk in delivery_ids:
        deliver_notification_task.delay(pk)


def withdraw(keys: Iterable[str], why: str) -> int:
    """What turned out not to be so (an absence corrected to «б» before anyone was told): the
    unread notifications of which nothing has gone out are removed, and nothing still waiting
    is sent. What went out stays: nothing more is said. Returns how many were removed."""
    keys = set(keys)
    if not keys:
        return 0
    went_out = Delivery.objects.filter(notification=OuterRef("pk")).filter(
        ~Q(status__in=WAITING) | Q(attempts__gt=0))
    unsaid = Notification.objects.filter(key__in=keys, read_at__isnull=True).exclude(
        Exists(went_out))
    told = list(unsaid.values_list("recipient_id", flat=True))
    removed, _ = unsaid.delete()
    Delivery.objects.filter(notification__key__in=keys, status__in=WAITING).update(
        status=Delivery.Status.SKIPPED, last_error=why)
    if told:
        transaction.on_commit(lambda: forget(told))
    return removed


# The user's own notifications -----------------------------------------------------------------

def mark_read(user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them without ids); only their own."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    changed = unread.update(read_at=timezone.now())
    if changed:
        transaction.on_commit(lambda: forget([user.pk]))
    return changed


@transaction.atomic
def save_preferences(user, choices: dict[tuple[str, str], bool], *, daily_digest: bool,
                     quiet_from: dt.time, quiet_to: dt.time) -> None:
    """The user's choices per event and channel, and how outside notifications are sent."""
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=user, event=event, channel=channel, enabled=enabled)
         for (event, channel), enabled in choices.items()],
        update_conflicts=True, unique_fields=["user", "event", "channel"],
        update_fields=["enabled", "updated_at"])
    NotificationSettings.objects.update_or_create(user=user, defaults={
        "daily_digest": daily_digest, "quiet_from": quiet_from, "quiet_to": quiet_to})
    # Whatever waits for a channel now switched off is not sent.
    off = [(event, channel) for (event, channel), enabled in choices.items()
           if not enabled and channel != Channel.INTERNAL]
    if off:
        Delivery.objects.filter(
            Q(*(Q(notification__event=e, channel=c) for e, c in off), _connector=Q.OR),
            notification__recipient=user, status__in=WAITING, attempts=0,
        ).update(status=Delivery.Status.SKIPPED, last_error="Канал отключён получателем.")
    if not daily_digest:
        waiting = Delivery.objects.filter(notification__recipient=user,
                                          status=Delivery.Status.DIGEST)
        ids = list(waiting.values_list("pk", flat=True))
        if waiting.filter(pk__in=ids).update(status=Delivery.Status.PENDING):
            transaction.on_commit(lambda: send_later(ids), robust=True)


@transaction.atomic
def stop_emails(token: str, events: Iterable[str]) -> NotificationSettings | None:
    """The one-click "stop" link of an e-mail: switch these events' e-mail off for the owner
    of the token. None for a token nobody has."""
    events = list(events)
    row = NotificationSettings.objects.select_related("user").filter(
        unsubscribe_token=token).first()
    if row is None:
        return None
    choices = {(event, Channel.EMAIL): False for event in events}
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=row.user, event=e, channel=c, enabled=False)
         for e, c in choices],
        update_conflicts=True, unique_fields=["user", "event", "channel"],
        update_fields=["enabled", "updated_at"])
    Delivery.objects.filter(notification__recipient=row.user, notification__event__in=events,
                            channel=Channel.EMAIL, status__in=WAITING, attempts=0).update(
        status=Delivery.Status.SKIPPED, last_error="Получатель отписался по ссылке из письма.")
    return row


def resume_emails(token: str, events: Iterable[str]) -> NotificationSettings | None:
    """Undo of `stop_emails`, from its page."""
    row = NotificationSettings.objects.select_related("user").filter(
        unsubscribe_token=token).first()
    if row is not None:
        NotificationPreference.objects.filter(user=row.user, event__in=list(events),
                                              channel=Channel.EMAIL).update(enabled=True)
    return row


# Refusals to receive information --------------------------------------------------------------

class RefusalError(ValueError):
    pass


@transaction.atomic
def record_refusal(actor, parent, *, refused_on: dt.date, document: str) -> InformationRefusal:
    """Record a parent's refusal to receive information: from now on nothing goes to them
    outside the system, also what already waits."""
    standing = InformationRefusal.objects.select_for_update().filter(
        parent=parent, withdrawn_on__isnull=True).first()
    if standing is not None:
        raise RefusalError(f"Отказ этого родителя уже записан: от "
                           f"{standing.refused_on:%d.%m.%Y}.")
    refusal = InformationRefusal.objects.create(parent=parent, refused_on=refused_on,
                                                document=document.strip(), recorded_by=actor)
    Delivery.objects.filter(notification__recipient_id=parent.user_id, status__in=WAITING) \
        .update(status=Delivery.Status.SKIPPED, last_error="Записан отказ от получения "
                                                           "информации.")
    return refusal


@transaction.atomic
def withdraw_refusal(refusal: InformationRefusal, on: dt.date) -> bool:
    """The parent takes the refusal back; False when it was already withdrawn."""
    return bool(InformationRefusal.objects.filter(pk=refusal.pk, withdrawn_on__isnull=True)
                .update(withdrawn_on=on))


# Deliveries ------------------------------------------------------------------------------------

def retry_delivery(delivery: Delivery) -> bool:
    """Send a failed delivery again with a fresh budget of attempts (the administrator's
    button); False when it is not failed (any more)."""
    with transaction.atomic():
        again = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.PENDING, attempts=0, not_before=None)
        if again:
            transaction.on_commit(lambda: send_later([delivery.pk]), robust=True)
    return bool(again)
