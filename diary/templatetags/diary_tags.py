from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from diary.fragments import marker

register = template.Library()


@register.simple_tag
def new_marker(record, kind: str = "dot") -> SafeString:
    """Where a mark, homework or final mark is marked new if it appeared or changed after the
    reader's last visit: a marker in the cached page that `diary.fragments.with_new` makes the
    mark (`kind` "dot", drawn on the mark itself, so that it cannot be read as belonging to the
    next one) or the «новое» badge ("badge") for each reader, or removes."""
    return mark_safe(marker(getattr(record, "updated_at", None), kind))  # noqa: S308 - digits


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
