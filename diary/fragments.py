"""The diary's pages as families read them, rendered once and kept in Django's cache.

A page's body (everything below the tabs but the notices) is the same for everybody who opens
the student's diary on the same day: the parents, the student, the staff looking in. It is
cached under a key made of the page, its choices (week, period, year), today, what the
student's enrolments are (read for every page anyway: a move changes the key) and the data
versions of the student's classes, their school and the setup (`journal.versions`), which every
write bumps. So a family reloading after the teacher's save always gets a page built after it.

What differs per reader stays out of the cached body: the notices, the notifications and the
family switcher are rendered for each request, and the «new since your last visit» marks are
left in the body as markers (`marker`) that `with_new` turns into marks or removes for the
reader's last visit. Markers are HTML comments, which escaped text cannot contain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zlib
from collections.abc import Callable

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from journal import versions
from journal.models import Enrolment

# How long a rendered body is kept; nothing read from it can be older than the last write
# (the versions), so this bounds only what no version covers (a teacher's changed name,
# several setup rows deleted at once) and the cache's size.
LIFETIME = 30 * 60
# A week's body is ~40 KB of HTML and ~6 KB compressed: more pages fit in the cache.
LEVEL = 1

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MARKER = re.compile(r"<!--new:(dot|badge):(\d+)-->")
DOT = ('<span class="new-dot" data-testid="new" title="новая отметка">'
       '<span class="visually-hidden">, новая отметка</span></span>')
BADGE = '<span class="badge text-bg-success me-1" data-testid="new">новое</span>'


def _microseconds(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // dt.timedelta(microseconds=1)


def marker(changed: dt.datetime | None, kind: str = "dot") -> str:
    """Where a mark («dot») or homework («badge») changed at `changed` is new for a reader who
    last came before then."""
    return f"<!--new:{kind}:{_microseconds(changed)}-->" if changed else ""


def with_new(body: str, seen_until: dt.datetime | None) -> SafeString:
    """The body with its markers made marks for what changed after `seen_until` (None: the
    first visit, or staff looking in — nothing is new), the others removed."""
    since = _microseconds(seen_until) if seen_until else None

    def shown(match: re.Match) -> str:
        if since is None or int(match[2]) <= since:
            return ""
        return DOT if match[1] == "dot" else BADGE

    return mark_safe(_MARKER.sub(shown, body))  # noqa: S308 - rendered by our templates


def _enrolled(rows: list[Enrolment]) -> str:
    """What the student's enrolments say, down to the school's settings the pages use."""
    return "|".join(
        f"{e.school_class_id},{e.enrolled_on},{e.left_on},{e.school_class.grade},"
        f"{e.school_class.letter},{e.school_class.year_id},{e.school_class.year.is_current},"
        f"{e.school_class.year.closed_at},{e.school_class.year.school.days_per_week},"
        f"{e.school_class.year.school.rounding_threshold}" for e in rows)


def scope(student, enrolments: list[Enrolment]) -> tuple[set[int], int]:
    """The classes and the school whose data versions a page of the student's is built from."""
    return {e.school_class_id for e in enrolments}, student.school_id


def body(page: str, student, enrolments: list[Enrolment], choices: tuple, today: dt.date,
         render: Callable[[], str]) -> str:
    """The page's body from the cache, else `render()`ed and kept."""
    class_ids, school_id = scope(student, enrolments)
    stamp = versions.stamp(class_ids, school_id)
    parts = f"{page}|{student.pk}|{choices}|{today}|{_enrolled(enrolments)}|{stamp}"
    key = f"diary:{page}:{student.pk}:{hashlib.sha256(parts.encode()).hexdigest()[:32]}"
    stored = cache.get(key)
    if stored is not None:
        return zlib.decompress(stored).decode()
    html = render()
    cache.set(key, zlib.compress(html.encode(), LEVEL), LIFETIME)
    return html
