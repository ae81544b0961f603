"""Grading arithmetic: the weighted average, the recommended term mark, the "too few marks" flag.

Pure functions over plain values, so reports, exports and the journal page agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from journal.rules import PASS_FAIL, SCALE

TWO_PLACES = Decimal("0.01")
DEFAULT_THRESHOLD = Decimal("0.50")

# Fewest current marks a term mark needs, by weekly hours of the subject: (up to hours, marks).
# [002 §5] sets three marks at up to two hours a week and "more at heavier loads"; the steps
# above two hours follow the common regional practice.
MIN_MARKS_BY_WEEKLY_HOURS: tuple[tuple[Decimal, int], ...] = (
    (Decimal(2), 3),
    (Decimal(4), 5),
)
MIN_MARKS_AT_HEAVIEST_LOAD = 7


def weighted_average(marks: Iterable[tuple[str, Decimal | int]]) -> Decimal | None:
    """Σ(value·weight)/Σweight over the numeric marks of (value, weight) pairs, to two places
    (half up), as the journal shows it; None when there is no numeric mark.

    Pass/fail and «н/а» do not count; two marks in one cell are two pairs and count twice.
    """
    total = Decimal(0)
    weights = Decimal(0)
    for value, weight in marks:
        if value in SCALE:
            total += int(value) * Decimal(weight)
            weights += Decimal(weight)
    if not weights:
        return None
    return (total / weights).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def recommended_mark(average: Decimal | None,
                     threshold: Decimal = DEFAULT_THRESHOLD) -> int | None:
    """The whole mark an average rounds to: up when its fractional part reaches the school's
    threshold (0.50: 4.50 → 5, 4.49 → 4; 0.65: 4.65 → 5, 4.64 → 4).

    Works on the two-place average the page shows, so the shown number and the recommendation
    never disagree.
    """
    if average is None:
        return None
    whole = average.to_integral_value(rounding=ROUND_FLOOR)
    mark = int(whole) + (1 if average - whole >= threshold else 0)
    return min(max(mark, 1), 5)


def min_marks_required(weekly_hours: Decimal | int | None) -> int:
    """Fewest current marks in a period for a term mark (unknown hours: the minimum)."""
    if weekly_hours is None:
        return MIN_MARKS_BY_WEEKLY_HOURS[0][1]
    for up_to, marks in MIN_MARKS_BY_WEEKLY_HOURS:
        if Decimal(weekly_hours) <= up_to:
            return marks
    return MIN_MARKS_AT_HEAVIEST_LOAD


def mark_weight(own: Decimal | None, lessons: Decimal | None) -> Decimal:
    """A mark weighs as its own assessment type, else its lesson's, else 1."""
    return own if own is not None else lessons if lessons is not None else Decimal(1)


@dataclass(frozen=True)
class Recommendation:
    average: Decimal | None   # two places, as shown
    mark: int | None          # the recommended mark
    mark_count: int           # current marks it is based on
    required: int             # marks needed for a term mark (0: no such rule)

    @property
    def too_few_marks(self) -> bool:
        return self.mark_count < self.required


def recommend_term_mark(marks: Iterable[tuple[str, Decimal | int]],
                        weekly_hours: Decimal | int | None,
                        threshold: Decimal = DEFAULT_THRESHOLD) -> Recommendation:
    """The term mark a period's current marks, as (value, weight) pairs, recommend; the
    journal grid, the term-mark service and the diary's forecast all call this.

    Every current mark counts towards the minimum, «зач»/«незач» of an elective too: three
    «зач» are three marks. Only the numeric ones make the average.
    """
    marks = list(marks)
    average = weighted_average(marks)
    count = sum(1 for value, _ in marks if value in SCALE or value in PASS_FAIL)
    return Recommendation(average, recommended_mark(average, threshold), count,
                          min_marks_required(weekly_hours))


def recommend_year_mark(term_marks: Iterable[str],
                        threshold: Decimal = DEFAULT_THRESHOLD) -> Recommendation:
    """The year mark the term marks recommend: each term counts once."""
    values = list(term_marks)
    average = weighted_average((value, 1) for value in values)
    return Recommendation(average, recommended_mark(average, threshold), len(values), 0)
