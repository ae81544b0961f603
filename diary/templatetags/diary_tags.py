from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def new_since(record, seen_until: dt.datetime | None) -> bool:
    """Whether a mark, homework or final mark appeared or changed after the family's last
    visit (nothing is new on the very first visit: everything would be)."""
    changed = getattr(record, "updated_at", None)
    return bool(record and seen_until and changed and changed > seen_until)
