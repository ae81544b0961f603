"""A signed-in request's first cache keys read in one round trip, as soon as the session is
(`ejournal.cache.prefetched`): the session's user and what the page reads first, each named by a
function of settings.CACHE_READ_AHEAD, (request, user id) -> keys.

The block opens before the view's checks (the first `process_view`: nothing before it reads the
user) and closes with the response. Pages that read no session (the health check, the
benchmark's bare page...) are left alone: they cost no session read here either."""

from __future__ import annotations

from contextlib import ExitStack

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.utils.module_loading import import_string

from accounts.signin.middleware import ANONYMOUS_VIEWS
from ejournal.cache import prefetched


class ReadAheadMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.sources = [import_string(path) for path in settings.CACHE_READ_AHEAD]

    def __call__(self, request):
        with ExitStack() as request_blocks:
            request._read_ahead_blocks = request_blocks
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (not hasattr(cache, "prefetched")
                or request.resolver_match.view_name in ANONYMOUS_VIEWS):
            return None
        try:
            user_id = int(request.session.get(SESSION_KEY))
        except (TypeError, ValueError):
            return None
        keys = [key for source in self.sources for key in source(request, user_id)]
        request._read_ahead_blocks.enter_context(prefetched(keys))
        return None
