"""Who missed which school day: illnesses lasting several days, excused days, lateness.

An illness that ended in the last few days is still «н»: the class teacher has not yet had the
doctor's note to turn it into «б».
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from journal.models import Absence

_DAILY_ILLNESS = (0.003, 0.007, 0.012, 0.02, 0.03)
_ILL_REASONS = ("Справка из поликлиники", "Справка от врача", "Медицинская справка")
_EXCUSED_REASONS = ("Заявление родителей", "Участие в олимпиаде", "Участие в соревнованиях",
                    "По семейным обстоятельствам")
_LATE_MINUTES = (2, 3, 5, 5, 7, 10, 12, 15)
_UNDOCUMENTED_DAYS = 3


@dataclass(frozen=True)
class DayAway:
    kind: str
    reason: str = ""
    minutes_late: int | None = None

    @property
    def whole_day(self) -> bool:
        return self.kind != Absence.Kind.LATE


def plan_attendance(student_ids: list[int], days: list[dt.date], today: dt.date,
                    rng: random.Random) -> dict[int, dict[dt.date, DayAway]]:
    """Student id → the school days they were away or late."""
    fresh_after = today - dt.timedelta(days=_UNDOCUMENTED_DAYS)
    plan: dict[int, dict[dt.date, DayAway]] = {}
    for student_id in student_ids:
        illness = rng.choice(_DAILY_ILLNESS)
        away: dict[dt.date, DayAway] = {}
        i = 0
        while i < len(days):
            day = days[i]
            if rng.random() < illness:
                episode = days[i:i + rng.randint(3, 8)]
                documented = episode[-1] < fresh_after
                mark = (DayAway(Absence.Kind.ILL, rng.choice(_ILL_REASONS)) if documented
                        else DayAway(Absence.Kind.ABSENT))
                for ill_day in episode:
                    away[ill_day] = mark
                i += len(episode)
                continue
            if rng.random() < 0.004:
                away[day] = DayAway(Absence.Kind.EXCUSED, rng.choice(_EXCUSED_REASONS))
            elif rng.random() < 0.01:
                away[day] = DayAway(Absence.Kind.LATE, minutes_late=rng.choice(_LATE_MINUTES))
            i += 1
        plan[student_id] = away
    return plan


def skips_lesson(grade: int, rng: random.Random) -> bool:
    """A single missed lesson without a reason; older students do it more."""
    return rng.random() < (0.006 if grade >= 7 else 0.0015)
