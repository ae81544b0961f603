from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def new_since(record, seen_until: dt.datetime | None) -> bool:
    """Whether a mark, homework or final mark appeared or changed after the family's last
    visit (nothing is new on the very first visit: everything would be)."""
    changed = getattr(record, "updated_at", None)
    return bool(record and seen_until and changed and changed > seen_until)


@register.simple_tag
def new_mark_dot(mark, seen_until: dt.datetime | None) -> SafeString | str:
    """The dot that marks a new mark, drawn on the mark itself (inside its element), so that
    it cannot be read as belonging to the next one."""
    if not new_since(mark, seen_until):
        return ""
    return format_html('<span class="new-dot" data-testid="new" title="{}">'
                       '<span class="visually-hidden">{}</span></span>',
                       "новая отметка", ", новая отметка")


@register.filter
def plural_ru(number: int, forms: str) -> str:
    """The Russian form of a noun for a number: `5|plural_ru:"отметка,отметки,отметок"`."""
    one, few, many = forms.split(",")
    number = abs(int(number))
    if number % 10 == 1 and number % 100 != 11:
        return one
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return few
    return many
