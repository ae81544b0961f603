"""A user whose password was issued on a slip or reset sets their own before anything else."""

from __future__ import annotations

from django.shortcuts import redirect

from accounts.signin.middleware import SECOND_FACTOR_PAGES, PageCheckMiddleware

# What a user who must change their password may open: the change itself, sign-out, and the
# second factor's pages (which come first: settings.MIDDLEWARE puts the second factor's
# middleware before this one, and each lets the other's pages through).
PASSWORD_CHANGE_PAGES = frozenset({"password_change", "password_change_done", "logout",
                                   "favicon", "healthz"}) | SECOND_FACTOR_PAGES


class PasswordChangeRequiredMiddleware(PageCheckMiddleware):
    """Sends a user with `must_change_password` to the password change page from any other."""

    def check(self, request):
        user = request.user
        if not user.is_authenticated or not user.must_change_password:
            return None
        if request.resolver_match.view_name in PASSWORD_CHANGE_PAGES:
            return None
        return redirect("password_change")
