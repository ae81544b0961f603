"""Internal mail: threads between people of one school, their messages and attachments.

Unread is per participant: a thread is unread for a user while its last message is newer than
the user's `last_read_at` and was not sent by them. A send to a group (all parents of a grade)
is a `Mailing` the worker expands into one private thread per recipient, so replies stay private.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from messaging.models.files import message_file_path

USER = settings.AUTH_USER_MODEL


class Thread(models.Model):
    school = models.ForeignKey("journal.School", on_delete=models.CASCADE,
                               related_name="threads", verbose_name="школа")
    subject = models.CharField("тема", max_length=200)
    started_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name="кто начал")
    mailing = models.ForeignKey("Mailing", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="threads", verbose_name="рассылка")
    created_at = models.DateTimeField("создана", default=timezone.now)
    last_message_at = models.DateTimeField("последнее сообщение", default=timezone.now,
                                           db_index=True)

    class Meta:
        verbose_name = "переписка"
        verbose_name_plural = "переписки"
        ordering = ["-last_message_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


class Participant(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="participants",
                               verbose_name="переписка")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="thread_memberships",
                             verbose_name="участник")
    last_read_at = models.DateTimeField("прочитано до", null=True, blank=True)
    archived = models.BooleanField("в архиве", default=False)

    class Meta:
        verbose_name = "участник переписки"
        verbose_name_plural = "участники переписки"
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="one_membership_per_thread"),
        ]
        indexes = [models.Index(fields=["user", "archived"], name="membership_inbox")]

    def __str__(self) -> str:
        return f"{self.user} в «{self.thread}»"


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages",
                               verbose_name="переписка")
    sender = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True,
                               related_name="sent_messages", verbose_name="отправитель")
    body = models.TextField("текст")
    sent_at = models.DateTimeField("отправлено", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "сообщение"
        verbose_name_plural = "сообщения"
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class Mailing(models.Model):
    """One send to a group, expanded by the worker into a thread per recipient."""

    class Status(models.TextChoices):
        QUEUED = "queued", "в очереди"
        SENDING = "sending", "отправляется"
        DONE = "done", "отправлена"
        FAILED = "failed", "ошибка"

    school = models.ForeignKey("journal.School", on_delete=models.CASCADE,
                               related_name="mailings", verbose_name="школа")
    sender = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True,
                               related_name="mailings", verbose_name="отправитель")
    audience = models.CharField("кому (ключ группы)", max_length=100)
    audience_label = models.CharField("кому", max_length=200)
    subject = models.CharField("тема", max_length=200)
    body = models.TextField("текст")
    status = models.CharField("состояние", max_length=8, choices=Status.choices,
                              default=Status.QUEUED)
    recipients_total = models.PositiveIntegerField("получателей", default=0)
    recipients_done = models.PositiveIntegerField("отправлено", default=0)
    error = models.TextField("ошибка", blank=True)
    created_at = models.DateTimeField("создана", default=timezone.now)
    finished_at = models.DateTimeField("завершена", null=True, blank=True)

    class Meta:
        verbose_name = "рассылка"
        verbose_name_plural = "рассылки"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.audience_label}"


class Attachment(models.Model):
    """A file of a message, or of a mailing (shared by every thread the mailing makes).
    Served only through a view that checks the reader takes part in the thread."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="attachments", verbose_name="сообщение")
    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="attachments", verbose_name="рассылка")
    file = models.FileField("файл", upload_to=message_file_path, max_length=255)
    original_name = models.CharField("имя файла", max_length=255)
    size = models.PositiveIntegerField("размер, байт")
    uploaded_at = models.DateTimeField("загружен", default=timezone.now)

    class Meta:
        verbose_name = "вложение"
        verbose_name_plural = "вложения"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(message__isnull=False) | models.Q(mailing__isnull=False),
                name="attachment_belongs_somewhere"),
        ]

    def __str__(self) -> str:
        return self.original_name
