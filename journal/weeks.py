"""Weeks as the journal, the attendance page and the diary show them: Monday to Sunday, with
Russian day names, and the week a page was asked for."""

from __future__ import annotations

import datetime as dt

from journal.dates import parse_date

WEEKDAY_SHORT = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
WEEKDAY_NAMES = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота",
                 "воскресенье")


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week `day` falls in."""
    return day - dt.timedelta(days=day.weekday())


def parse_week(value: str | None, today: dt.date) -> tuple[dt.date, str | None]:
    """The Monday of the asked week (any date of it, as `journal.dates.parse_date` reads it)
    and an error for the user when the value cannot be read, in which case the current week
    is shown."""
    try:
        day = parse_date(value)
    except ValueError:
        return week_start(today), (f"Не удалось прочитать дату «{value[:20]}»: укажите её как "
                                   f"ДД.ММ.ГГГГ. Показана текущая неделя.")
    if day is None:
        return week_start(today), None
    if day.year < 2000 or day.year > 2100:
        return week_start(today), "Дата вне допустимого диапазона. Показана текущая неделя."
    return week_start(day), None


class WeekNavigation:
    """The week a page shows and the weeks around it; for dataclasses with `monday` and
    `days` (each with a `date`)."""

    monday: dt.date
    days: list

    @property
    def last_day(self) -> dt.date:
        return self.days[-1].date

    @property
    def previous(self) -> dt.date:
        return self.monday - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)
