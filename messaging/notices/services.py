"""Posting notices, news and events: every write of this part goes through here, and each one
checks the poster's reach (`audience.reach_of`) again, whatever the form offered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from journal import versions
from journal.rules import JournalError
from journal.services.homework import MAX_FILES, check_uploads, display_name
from messaging.models import Announcement, AnnouncementFile, SchoolEvent
from messaging.models.notifications import Event
from messaging.notices.audience import own_event, own_notice, reach_of
from messaging.notices.queries import audience_of
from messaging.notifications.services import notify

Audience = Announcement.Audience
# Notices published this long ago and still untold are told by `tell_due_audiences`.
CATCH_UP = dt.timedelta(days=2)
PREVIEW_CHARS = 300


@dataclass(frozen=True)
class NoticeData:
    kind: str
    audience: str
    title: str
    body: str
    publish_at: dt.datetime
    expires_at: dt.datetime | None = None
    grade: int | None = None
    class_id: int | None = None


def _target(data: NoticeData) -> tuple[int | None, int | None]:
    """The grade and class the notice names: only the one its audience needs."""
    return (data.grade if data.audience == Audience.GRADE else None,
            data.class_id if data.audience == Audience.CLASS else None)


def _attach(notice: Announcement, uploads: Sequence[UploadedFile], stored: list[str]) -> None:
    if notice.files.count() + len(uploads) > MAX_FILES:
        raise JournalError(f"К объявлению можно прикрепить не больше {MAX_FILES} файлов.")
    for upload in uploads:
        name = display_name(upload.name or "")
        attached = AnnouncementFile(announcement=notice, original_name=name, size=upload.size)
        upload.seek(0)
        attached.file.save(name, upload, save=False)
        stored.append(attached.file.name)
        attached.save()


def save_notice(user, data: NoticeData, uploads: Sequence[UploadedFile] = (), *,
                notice_id: int | None = None) -> Announcement:
    """Post a notice (or change the poster's own one) with its new files; its audience is told
    once it is published. 404 for a target outside the poster's reach; nothing is saved on a
    refused file (JournalError)."""
    uploads = list(uploads)
    check_uploads(uploads)
    grade, class_id = _target(data)
    reach = reach_of(user)
    reach.require(data.kind, data.audience, grade, class_id)
    stored: list[str] = []
    try:
        with transaction.atomic():
            if notice_id is None:
                notice = Announcement(school_id=reach.school_id, author=user)
            else:
                notice = own_notice(user, notice_id)
                notice = Announcement.objects.select_for_update().get(pk=notice.pk)
            notice.school_id = reach.school_id
            notice.kind, notice.audience = data.kind, data.audience
            notice.grade, notice.school_class_id = grade, class_id
            notice.title, notice.body = data.title.strip(), data.body.strip()
            notice.publish_at, notice.expires_at = data.publish_at, data.expires_at
            notice.save()
            _attach(notice, uploads, stored)
            _tell_when_published(notice)
            versions.bump_school(notice.school_id)   # the diary's week shows it
    except Exception:
        storage = AnnouncementFile._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise
    return notice


def withdraw_notice(user, notice_id: int) -> Announcement:
    """Stop showing the poster's notice now (it stays on their page)."""
    with transaction.atomic():
        notice = own_notice(user, notice_id)
        now = timezone.now()
        if notice.expires_at is None or notice.expires_at > now:
            notice.expires_at = now
            notice.save(update_fields=["expires_at", "updated_at"])
            versions.bump_school(notice.school_id)   # the diary's week showed it
    return notice


def delete_notice_file(user, notice_id: int, file_id: int) -> None:
    with transaction.atomic():
        notice = own_notice(user, notice_id)
        attached = AnnouncementFile.objects.filter(pk=file_id, announcement=notice).first()
        if attached is None:
            raise JournalError("Этот файл уже удалён.")
        storage, name = attached.file.storage, attached.file.name
        attached.delete()
        transaction.on_commit(lambda: storage.delete(name))


# Telling the audience ------------------------------------------------------------------------

def _is_shown(notice: Announcement, now: dt.datetime) -> bool:
    return notice.publish_at <= now and (notice.expires_at is None or notice.expires_at > now)


def _tell_when_published(notice: Announcement) -> None:
    """A notice published now is told to its audience after the commit, in one task; a later
    one by the beat's `tell_due_audiences` once its time comes. News is not told."""
    if notice.kind == Announcement.Kind.NOTICE and _is_shown(notice, timezone.now()):
        from messaging.notices.tasks import tell_notice_audience

        pk = notice.pk
        transaction.on_commit(lambda: tell_notice_audience.delay(pk))


def notice_key(notice_id: int) -> str:
    return f"notice:{notice_id}"


def tell_audience(notice_id: int) -> int:
    """Tell a published notice's audience (in the system; each user once, also when it is
    edited later). Returns how many users were told now."""
    with transaction.atomic():
        notice = Announcement.objects.filter(pk=notice_id).first()
        if (notice is None or notice.kind != Announcement.Kind.NOTICE
                or not _is_shown(notice, timezone.now())):
            return 0
        recipients = audience_of(notice).exclude(pk=notice.author_id).values_list("pk", flat=True)
        body = notice.body if len(notice.body) <= PREVIEW_CHARS else (
            notice.body[:PREVIEW_CHARS - 1].rstrip() + "…")
        told = notify(recipients, event=Event.ANNOUNCEMENT, key=notice_key(notice.pk),
                      title=f"Объявление: {notice.title}", text=body,
                      link=reverse("messaging:notices:notice", args=[notice.pk]))
    return len(told)


def due_notice_ids(now: dt.datetime | None = None) -> list[int]:
    """Notices whose time came in the last `CATCH_UP` and which are shown now."""
    now = now or timezone.now()
    return list(Announcement.objects.filter(
        kind=Announcement.Kind.NOTICE, publish_at__range=(now - CATCH_UP, now))
        .exclude(expires_at__lte=now).values_list("pk", flat=True))


def tell_due_audiences() -> int:
    """For the beat: tell the audiences of the notices published since its last run (the ones
    told already are not told again). Returns how many users were told."""
    return sum(tell_audience(pk) for pk in due_notice_ids())


# Events ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventData:
    kind: str
    title: str
    date: dt.date
    class_id: int | None = None
    description: str = ""
    starts_at: dt.time | None = None
    ends_at: dt.time | None = None
    place: str = ""


def save_event(user, data: EventData, *, event_id: int | None = None) -> SchoolEvent:
    """Post an event of the school or of a class (or change the poster's own one); 404 for a
    class outside the poster's reach."""
    reach = reach_of(user)
    reach.require_event(data.class_id)
    with transaction.atomic():
        event = (SchoolEvent(author=user) if event_id is None
                 else own_event(user, event_id))
        event.school_id = reach.school_id
        event.school_class_id = data.class_id
        event.kind, event.title, event.date = data.kind, data.title.strip(), data.date
        event.description, event.place = data.description.strip(), data.place.strip()
        event.starts_at, event.ends_at = data.starts_at, data.ends_at
        event.save()
        versions.bump_school(event.school_id)   # the diary's week shows it
    return event


def delete_event(user, event_id: int) -> None:
    with transaction.atomic():
        event = own_event(user, event_id)
        event.delete()
        versions.bump_school(event.school_id)   # the diary's week showed it
