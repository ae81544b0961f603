"""Which parents and students opened the diary in a span, for the check's participation figure.

The diary keeps its own activity records (`diary.models.ActivityRecord`), and the journal may
not import the diary (ARCHITECTURE.md: nothing imports `diary`). The figure cannot be composed
outside the journal either: the beat task that keeps a month's check is the journal's, and so
is the check page. So the journal reads the diary's table through the app registry — a read of
one table by name, no import of the diary's code — and without the diary installed the figure
is simply empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.apps import apps

from accounts.queries.reminders import start_of


def diary_users_seen(user_ids: Iterable[int], first: dt.date, last: dt.date) -> set[int]:
    """Those of the users who signed in to or opened the diary between the two days: one
    query."""
    user_ids = set(user_ids)
    if not user_ids or not apps.is_installed("diary"):
        return set()
    activity = apps.get_model("diary", "ActivityRecord")
    return set(activity.objects.filter(
        user_id__in=user_ids, at__gte=start_of(first),
        at__lt=start_of(last + dt.timedelta(days=1)),
    ).order_by().values_list("user_id", flat=True).distinct())
