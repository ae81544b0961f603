"""What one portal export covers: a school's year, and either a stretch of the change history
(daily) or a stretch of lesson days (control: the month; full: the year)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from exports.models import PortalExport
from journal.models import AcademicYear, School

Kind = PortalExport.Kind


@dataclass(frozen=True)
class Scope:
    school: School
    year: AcademicYear
    kind: str
    until: dt.datetime                # data as of this moment (daily: changes up to it)
    since: dt.datetime | None = None  # daily: changes after it
    date_from: dt.date | None = None  # control and full: lessons from this day...
    date_to: dt.date | None = None    # ...to this one, inclusive

    @property
    def is_daily(self) -> bool:
        return self.kind == Kind.DAILY

    @classmethod
    def of(cls, run: PortalExport) -> Scope:
        year = AcademicYear.objects.filter(school=run.school_id).current()
        if year is None:
            raise LookupError("В школе не задан текущий учебный год.")
        return cls(school=run.school, year=year, kind=run.kind, until=run.until,
                   since=run.since, date_from=run.date_from, date_to=run.date_to)
