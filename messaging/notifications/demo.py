"""Notifications of the demo school: the demo parent and about a fifth of the parents with an
e-mail consent chose e-mail for their children's absences and marks (the others a daily
digest, so that seeding sends nothing); the demo parent has been told of the last two weeks,
by e-mail too, one of which the mail server refused; one parent's refusal to receive
information stands. The rest of the last two weeks' notices are made when the seeding commits,
by the journal's own rule (`events.on_journal_changed`)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from accounts.models import ContactChannel, Parent, StaffRole, User
from accounts.roles import Role
from journal.demo import cast
from journal.models import ChangeRecord
from messaging.models import (
    Delivery,
    InformationRefusal,
    NotificationPreference,
    NotificationSettings,
)
from messaging.models.notifications import Channel
from messaging.notifications.events import RECENT_DAYS, may_tell, tell_about_journal_changes
from messaging.notifications.preferences import JOURNAL_EVENTS, QUIET_FROM, QUIET_TO

CHOOSING_SHARE = 0.2


def seed(today: dt.date) -> None:
    rng = random.Random("notifications")
    demo_parent = User.objects.filter(username=cast.PARENT.login).first()
    consented = list(ContactChannel.objects.filter(
        kind=ContactChannel.Kind.EMAIL, consented=True, user__parent__isnull=False,
    ).order_by("user_id").values_list("user_id", flat=True))
    chosen = {pk for pk in consented if rng.random() < CHOOSING_SHARE}
    if demo_parent is not None:
        chosen.discard(demo_parent.pk)
        _tell_the_demo_parent(demo_parent, emailed=demo_parent.pk in consented)
    _choose_email(sorted(chosen), digest=True)
    _one_refusal(rng, today, exclude={demo_parent.pk} if demo_parent else set())


def _choose_email(user_ids: list[int], *, digest: bool) -> None:
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user_id=pk, event=event, channel=Channel.EMAIL, enabled=True)
         for pk in user_ids for event in JOURNAL_EVENTS],
        batch_size=1000, ignore_conflicts=True)
    NotificationSettings.objects.bulk_create(
        [NotificationSettings(user_id=pk, daily_digest=digest, quiet_from=QUIET_FROM,
                              quiet_to=QUIET_TO) for pk in user_ids],
        batch_size=1000, ignore_conflicts=True)


def _tell_the_demo_parent(parent: User, *, emailed: bool) -> None:
    """What the last two weeks told the demo parent, e-mailed as it happened if they have an
    e-mail consent; from now on their e-mails go at once."""
    children = parent.parent.children.values_list("pk", flat=True)
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    rows = [r.pk for r in ChangeRecord.objects.filter(student_id__in=list(children), at__gte=since)
            if may_tell(r)]
    tell_about_journal_changes(rows)
    if not emailed:
        return
    _choose_email([parent.pk], digest=False)
    told = list(parent.notifications.order_by("created_at", "pk"))
    address = parent.contact_channels.get(kind=ContactChannel.Kind.EMAIL).address
    deliveries = [Delivery(notification=n, channel=Channel.EMAIL, address=address,
                           status=Delivery.Status.SENT, attempts=1, created_at=n.created_at,
                           sent_at=n.created_at + dt.timedelta(minutes=1)) for n in told]
    if deliveries:
        first = deliveries[0]
        first.status, first.attempts, first.sent_at = Delivery.Status.FAILED, 5, None
        first.last_error = "(421, b'4.7.0 mail.example.ru: try again later')"
    Delivery.objects.bulk_create(deliveries)


def _one_refusal(rng: random.Random, today: dt.date, exclude: set[int]) -> None:
    parents = list(Parent.objects.exclude(user_id__in=exclude).filter(user__is_active=True)
                   .order_by("pk").values_list("pk", flat=True)[:200])
    coordinator = StaffRole.objects.filter(role=Role.DIARY_COORDINATOR).values_list(
        "user_id", flat=True).first()
    if parents:
        day = today - dt.timedelta(days=rng.randrange(20, 60))
        InformationRefusal.objects.create(
            parent_id=rng.choice(parents), refused_on=day, recorded_by_id=coordinator,
            document=f"заявление родителя от {day:%d.%m.%Y}")
