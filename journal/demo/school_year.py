"""The demo school's year: terms, holidays and bells, following the usual Russian calendar
(four quarters for grades 1–9, two halves for 10–11, a week off in autumn and spring, two
weeks in winter, an extra February week for first-graders)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Term:
    kind: str
    number: int
    starts_on: dt.date
    ends_on: dt.date
    grade_from: int
    grade_to: int


@dataclass(frozen=True)
class Break:
    name: str
    starts_on: dt.date
    ends_on: dt.date
    grade_from: int = 1
    grade_to: int = 11


def year_start_for(today: dt.date) -> int:
    """The calendar year in which the academic year containing `today` began."""
    return today.year if today.month >= 9 else today.year - 1


def _saturday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.isoweekday() - 6) % 7)


def _sunday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.isoweekday()) % 7)


def _monday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.isoweekday() - 1)


@dataclass(frozen=True)
class YearCalendar:
    start_year: int

    @property
    def name(self) -> str:
        return f"{self.start_year}/{self.start_year + 1}"

    @property
    def starts_on(self) -> dt.date:
        return dt.date(self.start_year, 9, 1)

    @property
    def ends_on(self) -> dt.date:
        return dt.date(self.start_year + 1, 8, 31)

    @property
    def last_school_day(self) -> dt.date:
        return dt.date(self.start_year + 1, 5, 26)

    def _breaks(self) -> tuple[Break, Break, Break]:
        y = self.start_year
        autumn_start = _saturday_on_or_before(dt.date(y, 10, 26))
        autumn = Break("Осенние каникулы", autumn_start, autumn_start + dt.timedelta(days=8))
        winter = Break("Зимние каникулы", dt.date(y, 12, 29), _sunday_on_or_after(dt.date(y + 1, 1, 8)))
        spring_start = _saturday_on_or_before(dt.date(y + 1, 3, 23))
        spring = Break("Весенние каникулы", spring_start, spring_start + dt.timedelta(days=8))
        return autumn, winter, spring

    def terms(self) -> list[Term]:
        autumn, winter, spring = self._breaks()
        quarters = [(self.starts_on, autumn.starts_on - ONE_DAY),
                    (autumn.ends_on + ONE_DAY, winter.starts_on - ONE_DAY),
                    (winter.ends_on + ONE_DAY, spring.starts_on - ONE_DAY),
                    (spring.ends_on + ONE_DAY, self.last_school_day)]
        halves = [(self.starts_on, winter.starts_on - ONE_DAY),
                  (winter.ends_on + ONE_DAY, self.last_school_day)]
        return ([Term("quarter", n, s, e, 1, 9) for n, (s, e) in enumerate(quarters, start=1)]
                + [Term("half", n, s, e, 10, 11) for n, (s, e) in enumerate(halves, start=1)])

    def holidays(self) -> list[Break]:
        y = self.start_year
        first_grade_week = _monday_on_or_before(dt.date(y + 1, 2, 16))
        days = [
            Break("Дополнительные каникулы для 1 классов", first_grade_week,
                  first_grade_week + dt.timedelta(days=6), 1, 1),
            *self._breaks(),
        ]
        public = [(dt.date(y, 11, 4), "День народного единства"),
                  (dt.date(y + 1, 2, 23), "День защитника Отечества"),
                  (dt.date(y + 1, 3, 8), "Международный женский день"),
                  (dt.date(y + 1, 5, 1), "Праздник Весны и Труда"),
                  (dt.date(y + 1, 5, 9), "День Победы")]
        for day, name in public:
            days.append(Break(name, day, day))
            # A public holiday on a weekend moves the day off to the next Monday.
            if day.isoweekday() >= 6:
                monday = day + dt.timedelta(days=8 - day.isoweekday())
                days.append(Break(f"{name} (перенос выходного)", monday, monday))
        return sorted(days, key=lambda b: (b.starts_on, b.grade_from))


# Lesson number → (start, end): 40-minute lessons, the long breaks after the 2nd and 3rd.
BELLS = [
    (1, dt.time(8, 30), dt.time(9, 10)),
    (2, dt.time(9, 20), dt.time(10, 0)),
    (3, dt.time(10, 20), dt.time(11, 0)),
    (4, dt.time(11, 20), dt.time(12, 0)),
    (5, dt.time(12, 10), dt.time(12, 50)),
    (6, dt.time(13, 0), dt.time(13, 40)),
    (7, dt.time(13, 50), dt.time(14, 30)),
    (8, dt.time(14, 40), dt.time(15, 20)),
]
