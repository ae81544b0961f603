"""A month of the events calendar: its weeks (Monday first) and the events on each day."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from journal.dates import parse_date
from journal.weeks import WEEKDAY_NAMES, week_start

MONTH_HINT = "Не удалось прочитать месяц: показан текущий."
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def parse_month(value: str | None, today: dt.date) -> tuple[dt.date, str]:
    """The first day of the month in `?month=ГГГГ-ММ` (today's month when empty or wrong) and
    an error for a wrong one."""
    match = _MONTH.fullmatch((value or "").strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return dt.date(year, month, 1), ""
    return today.replace(day=1), MONTH_HINT if value else ""


def day_or_none(value: str | None) -> dt.date | None:
    """A date from a link (`?date=`), None when there is none or it cannot be read."""
    try:
        return parse_date(value)
    except ValueError:
        return None


def _next_month(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1)


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    events: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return WEEKDAY_NAMES[self.date.weekday()]


@dataclass
class Month:
    first: dt.date
    today: dt.date
    weeks: list[list[Day]] = field(init=False)

    def __post_init__(self) -> None:
        start = week_start(self.first)
        end = week_start(self.last) + dt.timedelta(days=6)
        days = [Day(start + dt.timedelta(days=n), (start + dt.timedelta(days=n)).month
                    == self.first.month, start + dt.timedelta(days=n) == self.today)
                for n in range((end - start).days + 1)]
        self.weeks = [days[i:i + 7] for i in range(0, len(days), 7)]

    @property
    def last(self) -> dt.date:
        return _next_month(self.first) - dt.timedelta(days=1)

    @property
    def previous(self) -> dt.date:
        return (self.first - dt.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> dt.date:
        return _next_month(self.first)

    @property
    def has_today(self) -> bool:
        return self.first <= self.today <= self.last

    @property
    def days_with_events(self) -> list[Day]:
        return [day for week in self.weeks for day in week if day.in_month and day.events]

    def place(self, events: Iterable) -> None:
        by_date = {day.date: day for week in self.weeks for day in week}
        for event in events:
            by_date[event.date].events.append(event)
