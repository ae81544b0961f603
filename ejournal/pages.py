"""The site's own pages outside the apps: the error pages (400, 403, 404; 500 is Django's
handler with templates/500.html, which needs neither the database nor the request) and
/favicon.ico, which browsers ask for on every page whatever the page links."""

from __future__ import annotations

import re

from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _message(exception: Exception | None) -> str:
    """What the view said about the refusal, when it said it to the user: the site's own
    messages are in Russian, Django's (e.g. "No Lesson matches the given query") are not."""
    args = getattr(exception, "args", ())
    message = args[0] if args else ""
    return message if isinstance(message, str) and _CYRILLIC.search(message) else ""


def bad_request(request, exception=None):
    # Without the request, as Django's handler: a bad request may be refused before the
    # middleware has read the session and the user (a foreign Host header is).
    html = loader.get_template("400.html").render({"message": _message(exception)})
    return HttpResponseBadRequest(html)


def permission_denied(request, exception=None):
    return render(request, "403.html", {"message": _message(exception)}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", {"message": _message(exception)}, status=404)


@cache_control(max_age=24 * 3600)
def favicon(request):
    # Not permanent: the static file's name carries its hash in production.
    return redirect(static("favicon.ico"))
