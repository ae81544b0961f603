"""Object rights (django-guardian) on the coarse objects that carry them.

Direct foreign keys instead of guardian's generic table: one indexed join per check. Rows are
written only by `journal.services.rights`. Guardian's own `has_perm` knows nothing of
`expires_on`; `journal.permissions` reads the rows through `GrantQuerySet.live` and does.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import models
from django.utils import timezone
from guardian.managers import UserObjectPermissionManager
from guardian.models import UserObjectPermissionBase

from journal.models.classes import SchoolClass, Subject, TeachingAssignment

# Codenames (declared in the Meta of the object's model). The first two follow a foreign key
# (`TeachingAssignment.teacher`, `SchoolClass.class_teacher`); the others say what no key can.
KEEP_JOURNAL = "keep_journal"                      # TeachingAssignment: its teacher
CO_KEEP_JOURNAL = "co_keep_journal"                # TeachingAssignment: a second teacher
INSPECT_JOURNAL = "inspect_journal"                # TeachingAssignment: reads until a date
VIEW_CLASS_JOURNALS = "view_class_journals"        # SchoolClass: its class teacher
CHECK_CLASS_JOURNALS = "check_class_journals"      # SchoolClass: a checker of the class
CHECK_SUBJECT_JOURNALS = "check_subject_journals"  # Subject: a checker of the subject


class GrantQuerySet(models.QuerySet):
    def live(self, day: dt.date | None = None) -> GrantQuerySet:
        """Rights in force on `day` (today by default): an end date is the last day."""
        day = day or timezone.localdate()
        return self.filter(models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=day))


class Grant(UserObjectPermissionBase):
    """A guardian row with who granted it, when, and until when."""

    # guardian's own fields, named in Russian for the setup screens
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             verbose_name="сотрудник")
    permission = models.ForeignKey(Permission, on_delete=models.CASCADE, verbose_name="право")
    expires_on = models.DateField("действует по", null=True, blank=True,
                                  help_text="Включительно. Пусто — бессрочно.")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="кто выдал")
    granted_at = models.DateTimeField("когда выдано", default=timezone.now)

    objects = UserObjectPermissionManager.from_queryset(GrantQuerySet)()

    class Meta(UserObjectPermissionBase.Meta):
        abstract = True

    def __str__(self) -> str:
        return f"{self.user}: {self.permission.name.lower()}"


class TeachingAssignmentUserObjectPermission(Grant):
    content_object = models.ForeignKey(TeachingAssignment, on_delete=models.CASCADE,
                                       verbose_name="журнал")

    class Meta(Grant.Meta):
        verbose_name = "право на журнал"
        verbose_name_plural = "права на журналы"


class SchoolClassUserObjectPermission(Grant):
    content_object = models.ForeignKey(SchoolClass, on_delete=models.CASCADE,
                                       verbose_name="класс")

    class Meta(Grant.Meta):
        verbose_name = "право на класс"
        verbose_name_plural = "права на классы"


class SubjectUserObjectPermission(Grant):
    content_object = models.ForeignKey(Subject, on_delete=models.CASCADE,
                                       verbose_name="предмет")

    class Meta(Grant.Meta):
        verbose_name = "право на предмет"
        verbose_name_plural = "права на предметы"
