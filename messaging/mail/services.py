"""Every write of the internal mail: a new thread, a reply, a mailing to a group and its
expansion by the worker, reading and archiving. Who may be addressed is decided by
`messaging.mail.audience` before these are called; the mailing's worker checks it again.

Each new message tells its recipients (`messaging.notifications.services.notify`) and, once
committed, drops their cached unread counts (`messaging.unread.forget`)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from journal.models import School
from journal.rules import JournalError
from journal.services.homework import check_uploads, display_name
from messaging.mail.audience import audience_of
from messaging.models import Attachment, Mailing, Message, Participant, Thread
from messaging.models.notifications import Event
from messaging.notifications.services import notify
from messaging.unread import forget

MAX_FILES = 5
SENDS_PER_WINDOW = 20
RATE_WINDOW = dt.timedelta(minutes=10)
# Threads a mailing's worker writes per transaction (and between two progress updates).
MAILING_BATCH = 200
PREVIEW = 200


class MailError(Exception):
    """A refused send; nothing was saved. `message` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TooManySends(MailError):
    """The sender has sent too much lately (`take_send`)."""


# Sending too much ---------------------------------------------------------------------------

def _window(now: dt.datetime) -> tuple[str, int]:
    """The current rate window's number and the seconds left in it."""
    seconds = int(RATE_WINDOW.total_seconds())
    number, into = divmod(int(now.timestamp()), seconds)
    return str(number), seconds - into


def _rate_key(user_id: int, window: str) -> str:
    return f"messaging:mail:sent:{user_id}:{window}"


def take_send(user) -> None:
    """Count a send of the user's, refused past `SENDS_PER_WINDOW` in the current window (a
    mailing is one send). Counted before it is made, so two sends at once cannot both slip
    through the last place; a refused one counts too."""
    window, left = _window(timezone.now())
    key = _rate_key(user.pk, window)
    cache.add(key, 0, left + 1)
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between the two calls
        sent = 1
        cache.set(key, sent, left + 1)
    if sent > SENDS_PER_WINDOW:
        minutes = max(1, math.ceil(left / 60))
        raise TooManySends(f"Слишком много сообщений подряд: не больше {SENDS_PER_WINDOW} за "
                           f"{int(RATE_WINDOW.total_seconds() // 60)} минут. Попробуйте снова "
                           f"через {minutes} мин.")


# Writing --------------------------------------------------------------------------------------

def checked_files(uploads: Sequence[UploadedFile]) -> list[UploadedFile]:
    uploads = list(uploads)
    if len(uploads) > MAX_FILES:
        raise MailError(f"К сообщению можно прикрепить не больше {MAX_FILES} файлов.")
    try:
        check_uploads(uploads)
    except JournalError as exc:
        raise MailError(exc.message) from None
    return uploads


def _clean(subject: str, body: str) -> tuple[str, str]:
    subject, body = " ".join(subject.split()), body.strip()
    if not subject:
        raise MailError("Укажите тему сообщения.")
    if not body:
        raise MailError("Напишите текст сообщения.")
    return subject, body


def _attach(uploads: Sequence[UploadedFile], stored: list[str], **owner) -> None:
    """Store the files for a message or a mailing; `stored` collects their names, so that the
    caller can delete them if the transaction is rolled back."""
    for upload in uploads:
        name = display_name(upload.name or "")
        attached = Attachment(original_name=name, size=upload.size, **owner)
        upload.seek(0)
        attached.file.save(name, upload, save=False)
        stored.append(attached.file.name)
        attached.save()


def _forget_stored(stored: list[str]) -> None:
    storage = Attachment._meta.get_field("file").storage
    for name in stored:
        storage.delete(name)


def _link(thread: Thread) -> str:
    return reverse("messaging:mail:thread", args=[thread.pk])


def _tell(sender, recipient_ids: list[int], subject: str, body: str, *, key: str,
          link: str) -> None:
    text = body if len(body) <= PREVIEW else body[:PREVIEW - 1] + "…"
    notify(recipient_ids, event=Event.MESSAGE, key=key,
           title=f"Новое сообщение от {sender.short_name}: {subject}", text=text, link=link)


def _post(sender, thread: Thread, body: str, uploads: Sequence[UploadedFile],
          stored: list[str]) -> Message:
    """A message in the thread: read by its sender, new for everybody else (an archived
    thread comes back to their inbox)."""
    now = timezone.now()
    message = Message.objects.create(thread=thread, sender=sender, body=body, sent_at=now)
    _attach(uploads, stored, message=message)
    Thread.objects.filter(pk=thread.pk).update(last_message_at=now)
    thread.last_message_at = now
    Participant.objects.filter(thread=thread, user=sender).update(last_read_at=now)
    others = list(thread.participants.exclude(user=sender).values_list("user_id", flat=True))
    Participant.objects.filter(thread=thread, user_id__in=others).update(archived=False)
    _tell(sender, others, thread.subject, body, key=f"message:{message.pk}", link=_link(thread))
    transaction.on_commit(lambda: forget([sender.pk, *others]))
    return message


def _sending(sender, work):
    """Run a send, refused past the rate limit; the files it stored are deleted again if it
    fails."""
    take_send(sender)
    stored: list[str] = []
    try:
        with transaction.atomic():
            result = work(stored)
    except Exception:
        _forget_stored(stored)
        raise
    return result


def start_thread(sender, school: School, recipients: Sequence, subject: str, body: str,
                 uploads: Sequence[UploadedFile] = ()) -> Thread:
    """A new thread of the sender and `recipients` (people `Audience.recipients` allowed),
    with its first message."""
    subject, body = _clean(subject, body)
    uploads = checked_files(uploads)
    if not recipients:
        raise MailError("Выберите, кому написать.")

    def work(stored: list[str]) -> Thread:
        thread = Thread.objects.create(school=school, subject=subject, started_by=sender)
        Participant.objects.bulk_create(
            [Participant(thread=thread, user=sender)]
            + [Participant(thread=thread, user=r) for r in recipients if r.pk != sender.pk])
        _post(sender, thread, body, uploads, stored)
        return thread

    return _sending(sender, work)


def reply(sender, membership: Participant, body: str,
          uploads: Sequence[UploadedFile] = ()) -> Message:
    """A reply in a thread the sender takes part in (`access.access_thread`)."""
    body = body.strip()
    if not body:
        raise MailError("Напишите текст сообщения.")
    uploads = checked_files(uploads)
    return _sending(sender, lambda stored: _post(sender, membership.thread, body, uploads,
                                                 stored))


def start_mailing(sender, school: School, group_key: str, group_label: str, subject: str,
                  body: str, uploads: Sequence[UploadedFile] = ()) -> Mailing:
    """A send to a group (one `Audience.group` allowed): queued here, expanded by the worker
    (`send_mailing`) into one private thread per recipient."""
    from messaging.mail.tasks import send_mailing

    subject, body = _clean(subject, body)
    uploads = checked_files(uploads)

    def work(stored: list[str]) -> Mailing:
        mailing = Mailing.objects.create(school=school, sender=sender, audience=group_key,
                                         audience_label=group_label, subject=subject, body=body)
        _attach(uploads, stored, mailing=mailing)
        transaction.on_commit(lambda: send_mailing.delay(mailing.pk))
        return mailing

    return _sending(sender, work)


def deliver_mailing(mailing_id: int) -> None:
    """Expand a queued mailing: one thread per recipient (the sender and them), its message,
    in bulk, a batch per transaction with the progress saved after each. The sender's copies
    start in their archive (the mailing's page shows them); a reply brings one back.
    Claimed once: a second run of the same mailing does nothing."""
    if Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.QUEUED).update(
            status=Mailing.Status.SENDING) != 1:
        return
    mailing = Mailing.objects.select_related("sender").get(pk=mailing_id)
    sender = mailing.sender
    try:
        if sender is None or not sender.is_active:
            raise Http404
        group = audience_of(sender).group(mailing.audience)
    except Http404:
        _finish(mailing, Mailing.Status.FAILED,
                "Отправитель больше не может писать этой группе: рассылка не отправлена.")
        return
    recipients = list(group.members.exclude(pk=sender.pk).order_by("pk")
                      .values_list("pk", flat=True))
    Mailing.objects.filter(pk=mailing.pk).update(recipients_total=len(recipients))
    try:
        for start in range(0, len(recipients), MAILING_BATCH):
            _deliver_batch(mailing, recipients[start:start + MAILING_BATCH])
    except Exception as exc:
        _finish(mailing, Mailing.Status.FAILED, f"Ошибка при отправке: {exc}")
        raise
    _finish(mailing, Mailing.Status.DONE)
    transaction.on_commit(lambda: forget([sender.pk]))


def _deliver_batch(mailing: Mailing, recipient_ids: list[int]) -> None:
    with transaction.atomic():
        now = timezone.now()
        threads = Thread.objects.bulk_create([
            Thread(school_id=mailing.school_id, subject=mailing.subject, started_by=mailing.sender,
                   mailing=mailing, created_at=now, last_message_at=now)
            for _ in recipient_ids])
        Participant.objects.bulk_create(
            [Participant(thread=t, user_id=mailing.sender_id, last_read_at=now, archived=True)
             for t in threads]
            + [Participant(thread=t, user_id=pk) for t, pk in zip(threads, recipient_ids,
                                                                  strict=True)])
        Message.objects.bulk_create([
            Message(thread=t, sender_id=mailing.sender_id, body=mailing.body, sent_at=now)
            for t in threads])
        _tell(mailing.sender, recipient_ids, mailing.subject, mailing.body,
              key=f"mailing:{mailing.pk}",
              link=reverse("messaging:mail:mailing_thread", args=[mailing.pk]))
        Mailing.objects.filter(pk=mailing.pk).update(
            recipients_done=mailing.recipients_done + len(recipient_ids))
        mailing.recipients_done += len(recipient_ids)
        transaction.on_commit(lambda: forget(recipient_ids))


def _finish(mailing: Mailing, status: str, error: str = "") -> None:
    Mailing.objects.filter(pk=mailing.pk).update(status=status, error=error,
                                                 finished_at=timezone.now())


# Reading and archiving ----------------------------------------------------------------------

def mark_read(membership: Participant) -> None:
    """The user has seen every message of the thread so far."""
    thread = membership.thread
    if membership.last_read_at is not None and membership.last_read_at >= thread.last_message_at:
        return
    Participant.objects.filter(pk=membership.pk).update(last_read_at=thread.last_message_at)
    membership.last_read_at = thread.last_message_at
    user_id = membership.user_id
    transaction.on_commit(lambda: forget([user_id]))


def set_archived(membership: Participant, archived: bool) -> None:
    """Move the thread to the user's archive or back; the others' copies stay where they are."""
    Participant.objects.filter(pk=membership.pk).update(archived=archived)
    membership.archived = archived
    user_id = membership.user_id
    transaction.on_commit(lambda: forget([user_id]))
