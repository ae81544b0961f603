from __future__ import annotations

from decimal import Decimal

import pytest

from journal.grading import (
    min_marks_required,
    recommend_term_mark,
    recommended_mark,
    weighted_average,
)


def test_the_weighted_average_weighs_each_mark():
    # A control work (weight 3) and two oral answers: (5·3 + 4 + 3) / 5.
    assert weighted_average([("5", Decimal(3)), ("4", 1), ("3", 1)]) == Decimal("4.40")


def test_two_marks_in_one_cell_count_twice():
    assert weighted_average([("5", 1), ("5", 1), ("2", 1)]) == Decimal("4.00")


def test_pass_fail_and_not_certified_do_not_count():
    assert weighted_average([("зач", 1), ("н/а", 1), ("4", 1)]) == Decimal("4.00")
    assert weighted_average([("зач", 1)]) is None
    assert weighted_average([]) is None


def test_the_average_is_shown_to_two_places():
    assert weighted_average([("5", 1), ("4", 1), ("4", 1)]) == Decimal("4.33")


@pytest.mark.parametrize(("average", "mark"), [
    ("4.50", 5), ("4.49", 4), ("3.50", 4), ("2.00", 2), ("4.99", 5), ("5.00", 5), ("1.20", 1),
])
def test_the_recommendation_rounds_half_up_by_default(average, mark):
    assert recommended_mark(Decimal(average)) == mark


def test_the_school_can_raise_the_rounding_threshold():
    assert recommended_mark(Decimal("4.64"), Decimal("0.65")) == 4
    assert recommended_mark(Decimal("4.65"), Decimal("0.65")) == 5


def test_the_shown_average_and_the_recommendation_agree():
    # 4.495 shows as 4.50, so it recommends 5.
    average = weighted_average([("5", Decimal("0.99")), ("4", Decimal("1.01"))])
    assert average == Decimal("4.50")
    assert recommended_mark(average) == 5


def test_no_marks_no_recommendation():
    assert recommended_mark(None) is None


@pytest.mark.parametrize(("hours", "required"), [
    (None, 3), (1, 3), (2, 3), (Decimal("2.5"), 5), (3, 5), (4, 5), (5, 7), (6, 7),
])
def test_heavier_loads_need_more_marks(hours, required):
    assert min_marks_required(hours) == required


def too_few_marks(values: list[str], weekly_hours: Decimal | int | None) -> bool:
    return recommend_term_mark([(value, 1) for value in values], weekly_hours).too_few_marks


def test_too_few_marks_is_flagged():
    assert too_few_marks(["5", "4"], 2)
    assert not too_few_marks(["5", "4", "4"], 2)
    assert too_few_marks(["5", "4", "4", "3"], 3)


def test_pass_fail_marks_count_towards_the_minimum():
    assert not too_few_marks(["зач", "зач", "незач"], 2)
    assert too_few_marks(["зач", "зач"], 2)
