"""The setup screens (Django admin in Russian): open to the staff roles that set up the school,
whatever their `is_staff` flag says."""

from __future__ import annotations

from django.contrib.admin import AdminSite

from accounts.access import is_signed_in
from accounts.roles import SETUP_ROLES


class EjournalAdminSite(AdminSite):
    site_header = "Электронный журнал: настройка школы"
    site_title = "Электронный журнал"
    index_title = "Настройка школы"

    def has_permission(self, request) -> bool:
        user = request.user
        if not is_signed_in(user):
            return False
        return user.is_superuser or user.staff_roles.filter(role__in=SETUP_ROLES).exists()
