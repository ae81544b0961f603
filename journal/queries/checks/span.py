"""What a check covers: a calendar month or one study period of a school's year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from journal.models import AcademicYear, JournalCheck, School, StudyPeriod
from journal.queries.late_entries import Month, parse_month


@dataclass(frozen=True)
class CheckSpan:
    """A month or a study period. `first` and `last` are named as `Month`'s, so the late
    entries' query (`journal.queries.late_entries.late_entries`) reads either."""

    kind: str              # JournalCheck.Kind
    first: dt.date
    last: dt.date
    period: StudyPeriod | None = None

    @classmethod
    def of_month(cls, month: Month) -> CheckSpan:
        return cls(JournalCheck.Kind.MONTH, month.first, month.last)

    @classmethod
    def of_period(cls, period: StudyPeriod) -> CheckSpan:
        return cls(JournalCheck.Kind.PERIOD, period.starts_on, period.ends_on, period)

    @classmethod
    def of_check(cls, check: JournalCheck) -> CheckSpan:
        return cls(check.kind, check.starts_on, check.ends_on, check.period)

    @property
    def is_month(self) -> bool:
        return self.kind == JournalCheck.Kind.MONTH

    @property
    def month(self) -> Month:
        return Month(self.first.replace(day=1))

    @property
    def title(self) -> str:
        """«ноябрь 2026», «2-я четверть (01.11.2026–28.12.2026)»; a kept check whose period
        was deleted since, «учебный период (…)»."""
        if self.is_month:
            return self.month.title
        name = self.period.title if self.period else "учебный период"
        return f"{name} ({self.first:%d.%m.%Y}–{self.last:%d.%m.%Y})"

    @property
    def params(self) -> dict[str, str]:
        """The query that opens this span on the check page (its month, for a kept check whose
        period is gone)."""
        if self.period is not None:
            return {"period": str(self.period.pk)}
        return {"month": self.month.param}

    def as_of(self, today: dt.date) -> dt.date:
        """The last day the check looks at: the span's end, or today while it runs."""
        return min(self.last, today)

    def grades(self) -> tuple[int, int]:
        """The grades a period applies to; a month, every grade."""
        return (self.period.grade_from, self.period.grade_to) if self.period else (1, 11)

    def as_json(self) -> dict:
        return {"kind": self.kind, "first": self.first.isoformat(), "last": self.last.isoformat(),
                "period": self.period.pk if self.period else None, "title": self.title}


def year_of(school: School, span: CheckSpan) -> AcademicYear | None:
    """The school's academic year the span falls in (None in a summer month outside it)."""
    if span.period is not None:
        return span.period.year
    return (AcademicYear.objects.filter(school=school, starts_on__lte=span.last,
                                        ends_on__gte=span.first)
            .order_by("-starts_on").first())


def periods_of(school: School, year: AcademicYear | None) -> list[StudyPeriod]:
    """The year's study periods (for the choice on the check page), by start and grades."""
    if year is None:
        return []
    return list(StudyPeriod.objects.filter(year=year, year__school=school)
                .order_by("starts_on", "grade_from"))


def chosen_span(school: School, params: Mapping[str, str], today: dt.date
                ) -> tuple[CheckSpan, str | None]:
    """The span asked for (?period=<id> or ?month=YYYY-MM) and an error for the user when it
    cannot be read. Without either, last month: the monthly check looks at the month before.
    A period of another school is not found, as if it did not exist."""
    period_id = (params.get("period") or "").strip()
    if period_id:
        period = (StudyPeriod.objects.select_related("year").filter(
            pk=int(period_id), year__school=school).first() if period_id.isdigit()
            and len(period_id) < 10 else None)
        if period is not None:
            return CheckSpan.of_period(period), None
        return (CheckSpan.of_month(Month(today.replace(day=1)).previous),
                "Такого учебного периода в школе нет. Показан прошлый месяц.")
    if not (params.get("month") or "").strip():
        return CheckSpan.of_month(Month(today.replace(day=1)).previous), None
    month, error = parse_month(params.get("month"), today)
    return CheckSpan.of_month(month), error
