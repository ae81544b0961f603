"""Checks on every request of a signed-in user: the staff session's idle limit, and the second
factor before any page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.signin import sessions
from accounts.signin.two_factor import needs_second_factor

# Answers that read neither the user nor the session (the health check, the favicon, the load
# benchmark's bare page): checked for nothing, so that they cost no session or user query. The
# one-click "stop" link of notification e-mails acts by its token alone, signed in or not.
ANONYMOUS_VIEWS = frozenset({"healthz", "favicon", "bench_bare", "messaging:notifications:stop",
                             "messaging:notifications:resume"})
# What a user who still owes the second factor may open: the pages that take it or set it up,
# and sign-out.
SECOND_FACTOR_PAGES = frozenset({"two_factor_verify", "two_factor", "two_factor_codes", "logout"})


def _more_than(seconds: int) -> str:
    """«больше 4 часов», «больше 1 часа», «больше 30 минут», «больше 21 минуты»."""
    if seconds % 3600 == 0:
        number, one, many = seconds // 3600, "часа", "часов"
    else:
        number, one, many = max(1, seconds // 60), "минуты", "минут"
    return f"больше {number} {one if number % 10 == 1 and number % 100 != 11 else many}"


class PageCheckMiddleware:
    """A check before the view of every page that reads the session (not `ANONYMOUS_VIEWS`):
    `check` answers the request itself (a redirect) or lets the page through with None."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.view_name in ANONYMOUS_VIEWS:
            return None
        return self.check(request)

    def check(self, request):
        raise NotImplementedError


class StaffSessionMiddleware(PageCheckMiddleware):
    """Signs a staff member out after STAFF_SESSION_AGE without a request."""

    def check(self, request):
        idle = sessions.idle_seconds(request)
        if idle is not None:
            if idle >= settings.STAFF_SESSION_AGE:
                logout(request)
                messages.info(request, "Сеанс завершён: на сайте не было действий "
                                       f"{_more_than(settings.STAFF_SESSION_AGE)}. Войдите снова.")
                return redirect_to_login(request.get_full_path())
            if idle >= sessions.refresh_interval():
                sessions.mark_seen(request)
        return None


class SecondFactorMiddleware(PageCheckMiddleware):
    """Until a user who needs the second factor has given it, every page but the ones that take
    it sends them there."""

    def check(self, request):
        user = request.user
        # needs_second_factor() costs no query; is_verified() loads the device it names.
        if not user.is_authenticated or not needs_second_factor(user) or user.is_verified():
            return None
        if request.resolver_match.view_name in SECOND_FACTOR_PAGES:
            return None
        target = reverse("two_factor_verify")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
