"""Sign-in by login and password."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from accounts.signin.two_factor import second_factor_needed


class PasswordBackend(ModelBackend):
    """Django's password sign-in. The session's user comes with `needs_second_factor` from the
    same query, so the check on every request costs nothing more."""

    def get_user(self, user_id):
        try:
            user = (User._default_manager.annotate(needs_second_factor=second_factor_needed())
                    .get(pk=user_id))
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
