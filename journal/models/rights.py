"""Object rights (django-guardian) on the coarse objects that carry them.

Direct foreign keys instead of guardian's generic table: one indexed join per check.
"""

from __future__ import annotations

from django.db import models
from guardian.models import UserObjectPermissionBase

from journal.models.classes import SchoolClass, TeachingAssignment


class TeachingAssignmentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(TeachingAssignment, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "право на журнал"
        verbose_name_plural = "права на журналы"


class SchoolClassUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(SchoolClass, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "право на класс"
        verbose_name_plural = "права на классы"
