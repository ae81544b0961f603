"""Sign-in through an external OpenID Connect provider (ЕСИА / Госуслуги): the user is found by
the provider's stored subject identifier, never by name or e-mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ExternalIdentity(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="external_identities", verbose_name="пользователь")
    provider = models.CharField("поставщик", max_length=40)
    subject = models.CharField("идентификатор у поставщика", max_length=255)
    linked_at = models.DateTimeField("привязан", default=timezone.now)
    last_used_at = models.DateTimeField("последний вход", null=True, blank=True)

    class Meta:
        verbose_name = "внешний вход"
        verbose_name_plural = "внешние входы"
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="one_user_per_subject"),
            models.UniqueConstraint(fields=["provider", "user"], name="one_subject_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.provider})"
