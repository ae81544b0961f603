"""Notifications to users about what happened (an absence, a «2», a term mark, a new message),
the channels each user chose for each kind, and every delivery with its status.

A `Notification` is the in-system notice and the unit of "told once": its `key` names what it is
about (say the absence of one student at one lesson), so three edits of one cell still make one
notification. Each outside channel it goes to is a `Delivery`.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


class Event(models.TextChoices):
    ABSENCE = "absence", "пропуск без уважительной причины"
    LOW_MARK = "low_mark", "отметка «2»"
    FAILING_FORECAST = "failing_forecast", "прогноз «2» за период"
    TERM_MARK = "term_mark", "итоговая отметка"
    MARK_OVER_ABSENCE = "mark_over_absence", "отметка поверх пропуска"
    MESSAGE = "message", "новое сообщение"
    ANNOUNCEMENT = "announcement", "новое объявление"


class Channel(models.TextChoices):
    INTERNAL = "internal", "в системе"
    EMAIL = "email", "электронная почта"
    SMS = "sms", "SMS"


class Notification(models.Model):
    Event = Event

    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name="получатель")
    event = models.CharField("событие", max_length=20, choices=Event.choices)
    key = models.CharField("о чём (ключ)", max_length=100)
    student = models.ForeignKey("accounts.Student", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="notifications",
                                verbose_name="обучающийся")
    title = models.CharField("заголовок", max_length=200)
    text = models.TextField("текст")
    link = models.CharField("ссылка", max_length=300, blank=True)
    created_at = models.DateTimeField("создано", default=timezone.now, db_index=True)
    read_at = models.DateTimeField("прочитано", null=True, blank=True)

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "уведомления"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_notice_per_thing"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """A user's choice for one kind of event on one channel. With no row, the defaults of
    `messaging.notifications` apply (in the system: on; e-mail and SMS: off)."""

    Event = Event
    Channel = Channel

    user = models.ForeignKey(USER, on_delete=models.CASCADE,
                             related_name="notification_preferences", verbose_name="пользователь")
    event = models.CharField("событие", max_length=20, choices=Event.choices)
    channel = models.CharField("канал", max_length=8, choices=Channel.choices)
    enabled = models.BooleanField("присылать", default=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "настройка уведомлений"
        verbose_name_plural = "настройки уведомлений"
        constraints = [
            models.UniqueConstraint(fields=["user", "event", "channel"],
                                    name="one_choice_per_event_and_channel"),
        ]

    def __str__(self) -> str:
        state = "да" if self.enabled else "нет"
        return f"{self.user}: {self.get_event_display()} / {self.get_channel_display()}: {state}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class NotificationSettings(models.Model):
    """How a user's outside notifications are sent: at once or as a daily digest, the quiet
    hours (no SMS at night), and the token of the one-click "stop" link in every e-mail."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE,
                                related_name="notification_settings", verbose_name="пользователь")
    daily_digest = models.BooleanField("по электронной почте — одним письмом в день",
                                       default=False)
    quiet_from = models.TimeField("тихие часы с", default="21:00")
    quiet_to = models.TimeField("тихие часы до", default="08:00")
    unsubscribe_token = models.CharField("ключ ссылки «отписаться»", max_length=64, unique=True,
                                         default=new_token, editable=False)

    class Meta:
        verbose_name = "способ доставки уведомлений"
        verbose_name_plural = "способы доставки уведомлений"

    def __str__(self) -> str:
        return str(self.user)


class Delivery(models.Model):
    """One notification sent (or to be sent) over one outside channel."""

    class Status(models.TextChoices):
        PENDING = "pending", "ожидает отправки"
        DIGEST = "digest", "ждёт ежедневного письма"
        SENT = "sent", "отправлено"
        FAILED = "failed", "не доставлено"
        SKIPPED = "skipped", "не отправлялось"

    Channel = Channel

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE,
                                     related_name="deliveries", verbose_name="уведомление")
    channel = models.CharField("канал", max_length=8, choices=Channel.choices)
    address = models.CharField("адрес или номер", max_length=254)
    status = models.CharField("состояние", max_length=8, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField("попыток", default=0)
    last_error = models.TextField("последняя ошибка", blank=True)
    not_before = models.DateTimeField("не раньше", null=True, blank=True)
    created_at = models.DateTimeField("создано", default=timezone.now)
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)

    class Meta:
        verbose_name = "доставка уведомления"
        verbose_name_plural = "доставки уведомлений"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"],
                                    name="one_delivery_per_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address}: {self.get_status_display()}"


class InformationRefusal(models.Model):
    """A parent's recorded refusal to receive information about their child from the school;
    the administration lists these for the guardianship authority."""

    parent = models.ForeignKey("accounts.Parent", on_delete=models.CASCADE,
                               related_name="information_refusals", verbose_name="родитель")
    refused_on = models.DateField("дата отказа")
    document = models.CharField("документ (заявление)", max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name="кто записал")
    recorded_at = models.DateTimeField("записано", default=timezone.now)
    withdrawn_on = models.DateField("отозван", null=True, blank=True)

    class Meta:
        verbose_name = "отказ от получения информации"
        verbose_name_plural = "отказы от получения информации"
        ordering = ["-refused_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.parent}: отказ от {self.refused_on:%d.%m.%Y}"
