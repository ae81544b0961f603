"""A report's value as people read it (the screen, the PDF, the CSV): «—» for a figure that
cannot be computed, decimals with a comma, dates as dd.mm.yyyy, times in the school's zone."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from exports.table import Kind

DASH = "—"
_PLACES = {Kind.DECIMAL: Decimal("0.01"), Kind.PERCENT: Decimal("0.1")}


def as_decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def local(moment: dt.datetime) -> dt.datetime:
    """A moment in the school's time zone, without the zone (as spreadsheets keep it)."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None)


def as_text(value, kind: Kind) -> str:
    if value is None:
        return DASH
    if isinstance(value, str):
        return value
    if kind in _PLACES:
        rounded = as_decimal(value).quantize(_PLACES[kind], rounding=ROUND_HALF_UP)
        return str(rounded).replace(".", ",")
    if kind is Kind.DATETIME and isinstance(value, dt.datetime):
        return f"{local(value):%d.%m.%Y %H:%M}"
    if kind in (Kind.DATE, Kind.DATETIME) and isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    return str(value)


def is_number(kind: Kind) -> bool:
    """Figures are set right, as columns of numbers are."""
    return kind in (Kind.INT, Kind.DECIMAL, Kind.PERCENT)
