"""Model permissions from staff roles (see `accounts.roles`)."""

from __future__ import annotations

from accounts.access import is_signed_in
from accounts.roles import permissions_for_roles


class RoleBackend:
    """Grants the model permissions of the roles a user holds; never authenticates."""

    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if obj is not None or not is_signed_in(user_obj):
            return set()
        if not hasattr(user_obj, "_role_perm_cache"):
            roles = set(user_obj.staff_roles.values_list("role", flat=True))
            user_obj._role_perm_cache = permissions_for_roles(roles)
        return user_obj._role_perm_cache

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return any(p.startswith(f"{app_label}.") for p in self.get_all_permissions(user_obj))
