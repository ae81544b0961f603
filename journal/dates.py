"""Dates as people type them into the site's date fields: ДД.ММ.ГГГГ, whatever language the
browser speaks. The site's own links and the browser's calendar send ГГГГ-ММ-ДД; both are read
here, and nowhere else."""

from __future__ import annotations

import datetime as dt
import re

# What a date field shows and asks for.
DISPLAY_FORMAT = "%d.%m.%Y"
PLACEHOLDER = "дд.мм.гггг"
# For the browser (it shows the field as invalid); the server reads a little more, see below.
HTML_PATTERN = r"\d{1,2}[.,/ \-]\d{1,2}[.,/ \-]\d{4}|\d{4}-\d{2}-\d{2}|\d{8}"
HINT = "Введите дату в виде ДД.ММ.ГГГГ, например 01.09.2026."

# A phone's numeric keyboard may offer a comma, a slash or a dash instead of the dot.
_DAY_FIRST = re.compile(r"(\d{1,2})[.,/ \-](\d{1,2})[.,/ \-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DIGITS = re.compile(r"(\d{2})(\d{2})(\d{4})")


def parse_date(value: str | None) -> dt.date | None:
    """The date in `value` (ДД.ММ.ГГГГ, ГГГГ-ММ-ДД or ДДММГГГГ), None when it is empty.
    Raises ValueError with `HINT` when it is not a date."""
    text = (value or "").strip()
    if not text:
        return None
    if match := _ISO.fullmatch(text):
        year, month, day = match.groups()
    elif match := _DAY_FIRST.fullmatch(text) or _DIGITS.fullmatch(text):
        day, month, year = match.groups()
    else:
        raise ValueError(HINT)
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(HINT) from None


def format_date(day: dt.date | None) -> str:
    return f"{day:{DISPLAY_FORMAT}}" if day else ""
