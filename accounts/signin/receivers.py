"""What every sign-in does, whichever way it came (the password form, the setup screens' own
form, state sign-in): Django's `user_logged_in` is the one hook they all pass."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.access import forget_roles
from accounts.signin.sessions import start_session


@receiver(user_logged_in, dispatch_uid="accounts.signin.start_session")
def _start_session(sender, request, user, **kwargs) -> None:
    # Whoever signs in sees the menu of their roles as they are now.
    forget_roles([user.pk])
    if request is not None and hasattr(request, "session"):
        start_session(request, user)
