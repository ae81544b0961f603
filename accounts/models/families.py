"""Families' access to the diary as the regulations set it out: the parent's application, the
consent (or refusal) to personal-data processing, contacts with their channel consents, the
logins and one-time passwords issued, and the termination of the service."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models.people import Parent, Student

USER = settings.AUTH_USER_MODEL


class DiaryApplication(models.Model):
    """A parent's application to use the diary, signed in person with a passport check. The
    parent's account is activated only once it is recorded."""

    parent = models.ForeignKey(Parent, on_delete=models.CASCADE, related_name="applications",
                               verbose_name="родитель")
    children = models.ManyToManyField(Student, related_name="diary_applications",
                                      verbose_name="дети", blank=True)
    received_on = models.DateField("дата заявления")
    passport_checked_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name="паспорт проверил")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="внёс в систему")
    recorded_at = models.DateTimeField("внесено", default=timezone.now)
    note = models.CharField("примечание", max_length=300, blank=True)

    class Meta:
        verbose_name = "заявление на электронный дневник"
        verbose_name_plural = "заявления на электронный дневник"
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.parent}: заявление от {self.received_on:%d.%m.%Y}"


class PersonalDataConsent(models.Model):
    """A parent's consent, or refusal, to the processing of personal data, with its document.
    The latest record by date is in force."""

    parent = models.ForeignKey(Parent, on_delete=models.CASCADE, related_name="consents",
                               verbose_name="родитель")
    given = models.BooleanField("согласие дано", help_text="Снимите флажок, если это отказ.")
    signed_on = models.DateField("дата документа")
    document = models.CharField("документ", max_length=200,
                                help_text="Например: согласие № 12 от 01.09.2026.")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="внёс")
    recorded_at = models.DateTimeField("внесено", default=timezone.now)

    class Meta:
        verbose_name = "согласие на обработку персональных данных"
        verbose_name_plural = "согласия на обработку персональных данных"
        ordering = ["-signed_on", "-pk"]

    def __str__(self) -> str:
        what = "согласие" if self.given else "отказ"
        return f"{self.parent}: {what} от {self.signed_on:%d.%m.%Y}"


class ContactChannel(models.Model):
    """A way to reach a user (e-mail, SMS) and whether they agreed to be notified through it."""

    class Kind(models.TextChoices):
        EMAIL = "email", "электронная почта"
        SMS = "sms", "SMS"

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="contact_channels",
                             verbose_name="пользователь")
    kind = models.CharField("канал", max_length=8, choices=Kind.choices)
    address = models.CharField("адрес или номер", max_length=254)
    consented = models.BooleanField("согласие на уведомления", default=False)
    consented_on = models.DateField("дата согласия", null=True, blank=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "канал связи"
        verbose_name_plural = "каналы связи"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_channel_of_a_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} {self.address}"


class CredentialIssue(models.Model):
    """A login and one-time password handed out (on a printed slip) or a password reset. The
    password itself is never stored: it is shown once, on the slip."""

    class Kind(models.TextChoices):
        ISSUED = "issued", "выдан логин"
        RESET = "reset", "пароль сброшен"
        EMAIL_RESET = "email", "сброс по электронной почте"

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="credential_issues",
                             verbose_name="пользователь")
    kind = models.CharField("что", max_length=8, choices=Kind.choices)
    issued_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="кто выдал")
    issued_at = models.DateTimeField("когда", default=timezone.now)

    class Meta:
        verbose_name = "выдача логина"
        verbose_name_plural = "выдачи логинов"
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["user", "-issued_at"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} {self.issued_at:%d.%m.%Y}"


class Termination(models.Model):
    """The end of the diary service for a user: the account is annulled and blocked, and a
    notice with the applicant's name, address, the service and the reason is produced."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="terminations",
                             verbose_name="учётная запись")
    applicant_name = models.CharField("заявитель", max_length=300)
    applicant_address = models.CharField("адрес заявителя", max_length=300)
    service = models.CharField("услуга", max_length=300,
                               default="Предоставление информации о текущей успеваемости "
                                       "обучающегося в форме электронного дневника")
    reason = models.TextField("основание")
    terminated_on = models.DateField("дата прекращения", default=timezone.localdate)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="оформил")
    recorded_at = models.DateTimeField("оформлено", default=timezone.now)
    notice_sent_to = models.CharField("уведомление отправлено на", max_length=254, blank=True)
    notice_sent_at = models.DateTimeField("уведомление отправлено", null=True, blank=True)

    class Meta:
        verbose_name = "прекращение предоставления услуги"
        verbose_name_plural = "прекращения предоставления услуги"
        ordering = ["-terminated_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.applicant_name}: {self.terminated_on:%d.%m.%Y}"
