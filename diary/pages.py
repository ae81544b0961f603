"""Whole diary pages as a family member last read them, kept in the cache per reader and
address, so that reading a page again costs a lookup instead of a build.

A page is kept with what it was built from, and served again only while all of it still holds:
- today, and the data versions of the student's classes, their school and the setup
  (`journal.versions`: every journal write, notice, event and setup change bumps them);
- the reader's family as cached (`diary.family_cache`: a token new at every build, which a
  changed link, enrolment or name brings about);
- the reader's unread counts (`messaging.unread`: a token new at every count, which every new
  message or notification and every one read brings about), and the menu's role flags;
- the moment the next of the school's notices is published or expires (the week shows them).
What differs at every request stays out: the CSRF token is rendered as `CSRF_SLOT` and put in
when the page is served, and the «new since your last visit» markers of the body
(`diary.fragments`) are made marks for the reader's last visit then. A page with a message to
show (after a form), and every page staff open, is built for the request alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from accounts.access import navigation_of
from diary import fragments
from diary.activity import visit
from journal import versions
from messaging.unread import unread_of

# A visit lasts about 3 minutes: long enough for its reloads, short enough that a region's
# evening keeps about a gigabyte of pages (docs/capacity.md).
LIFETIME = 5 * 60
CSRF_SLOT = "csrf-slot-of-a-kept-page"
FOREVER = dt.datetime.max.replace(tzinfo=dt.UTC)


def key_of(user_id: int, request) -> str:
    """The cache key of the page kept for this reader and address."""
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"diary:page:{user_id}:{address}"


def _keepable(request, opened) -> bool:
    return (not opened.as_staff and opened.family_token is not None
            and not len(messages.get_messages(request)))


def _conditions(request, opened, stamp: str) -> tuple:
    unread = unread_of(request.user.pk)
    flags = navigation_of(request).flags()
    return (timezone.localdate(), stamp, opened.family_token, unread.mail,
            unread.notifications, unread.token, repr(sorted(flags.items())))


@dataclass
class Lookup:
    """What the cache held for the request: the page to serve, or what a page built now is
    built from (read before it is built, so a write committed meanwhile leaves it behind).
    `page` is the page's URL name («diary:week»)."""

    page: str
    response: HttpResponse | None = None
    conditions: tuple | None = None

    @property
    def name(self) -> str:
        """«week»: the page's templates are `diary/<name>.html` and `diary/_<name>.html`."""
        return self.page.removeprefix("diary:")


def look_up(request, opened, page: str) -> Lookup:
    """The page as kept for this reader, while what it was built from holds."""
    if not _keepable(request, opened):
        return Lookup(page)
    class_ids, school_id = fragments.scope(opened.student, opened.enrolments.rows)
    stamp, entry = versions.stamp_with(key_of(request.user.pk, request), class_ids,
                                        school_id)
    conditions = _conditions(request, opened, stamp)
    if entry is not None:
        kept_conditions, until, html = entry
        if kept_conditions == conditions and timezone.now() < until:
            return Lookup(page, response=serve(request, opened, page,
                                               zlib.decompress(html).decode()))
    return Lookup(page, conditions=conditions)


def keep(request, lookup: Lookup, html: str, until: dt.datetime | None) -> None:
    """Keeps the page just built (with `CSRF_SLOT` in it) for the next time."""
    if lookup.conditions is not None:
        html = zlib.compress(html.encode(), fragments.LEVEL)
        cache.set(key_of(request.user.pk, request), (lookup.conditions, until or FOREVER, html),
                  LIFETIME)


def serve(request, opened, page: str, html: str) -> HttpResponse:
    """The page for this request: a family member's visit recorded and their new marks shown,
    the request's CSRF token put in."""
    seen_until = visit(request.user, page.removeprefix("diary:"), opened.student)
    html = fragments.with_new(html, seen_until).replace(CSRF_SLOT, get_token(request))
    return HttpResponse(html)
