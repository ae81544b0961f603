"""The demo's mail, written through the services by the demo's people (`journal.demo.cast`):
the parent asks the class teacher and is answered, a teacher writes to the parent, the
director mails all staff. Each sender is checked against who they may write to."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from journal.demo import cast
from messaging.mail.audience import STAFF_GROUP, audience_of
from messaging.mail.services import deliver_mailing, reply, start_mailing, start_thread
from messaging.models import Message, Participant, Thread


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _conversation(subject: str, turns: list[tuple[User, User, str, dt.datetime]]) -> None:
    """A thread of (sender, recipient, text, when) turns, dated as given: each participant has
    read up to their own last message, so the last one is new for its recipient."""
    first_sender, recipient, body, _ = turns[0]
    audience = audience_of(first_sender)
    try:
        people = audience.recipients([recipient.pk])
    except Http404:
        return  # this size of the demo has no such relation
    thread = start_thread(first_sender, audience.school, people, subject, body)
    for sender, _, text, _ in turns[1:]:
        reply(sender, Participant.objects.select_related("thread").get(thread=thread, user=sender),
              text)
    messages = list(thread.messages.order_by("pk"))
    for message, (*_, when) in zip(messages, turns, strict=True):
        message.sent_at = when
    Message.objects.bulk_update(messages, ["sent_at"])
    Thread.objects.filter(pk=thread.pk).update(created_at=turns[0][3], last_message_at=turns[-1][3])
    for membership in thread.participants.all():
        own = thread.messages.filter(sender_id=membership.user_id).aggregate(last=Max("sent_at"))
        Participant.objects.filter(pk=membership.pk).update(last_read_at=own["last"])


def seed(today: dt.date) -> None:
    people = {u.username: u for u in User.objects.filter(
        username__in=[cast.PARENT.login, cast.STUDENT.login, "klass", "teacher", "director"])}
    parent, class_teacher, teacher = people["parent"], people["klass"], people["teacher"]
    child = people[cast.STUDENT.login].first_name
    _conversation("Справка после болезни", [
        (parent, class_teacher,
         f"Анна Павловна, добрый день!\n{child} болел со вторника по четверг, справку от врача "
         "принесёт в понедельник. Подскажите, что нужно сделать по пропущенным темам?",
         _at(today - dt.timedelta(days=3), 19, 40)),
        (class_teacher, parent,
         "Наталья Андреевна, здравствуйте! Справку передайте мне. Задания по пропущенным "
         "темам есть в дневнике, учителя помогут на консультациях.",
         _at(today - dt.timedelta(days=2), 8, 15)),
    ])
    _conversation("Контрольная работа по математике", [
        (teacher, parent,
         f"Здравствуйте! В пятницу контрольная работа по теме «Дроби». {child} пропустил "
         "две темы: приглашаю его на консультацию в среду после 6-го урока.",
         _at(today - dt.timedelta(days=1), 16, 5)),
    ])
    director = people["director"]
    audience = audience_of(director)
    group = audience.group(STAFF_GROUP)
    mailing = start_mailing(director, audience.school, group.key, group.label,
                            "Педагогический совет",
                            "Уважаемые коллеги!\nПедагогический совет по итогам четверти — в "
                            "четверг в 15:00 в актовом зале. Явка обязательна.")
    # Expanded here, inside the demo's transaction; the task queued for after its commit
    # finds the mailing sent and does nothing.
    deliver_mailing(mailing.pk)
