"""Pass rate, quality rate and СОУ (`journal.queries.results`) of the hand-made 5А of
results_setup.py, against numbers computed by hand here, and the rules around them: N, «н/а»,
exempt students, students who left, which marks count for which dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from journal.queries import results
from journal.queries.results import Counts, Standing, count_journal, count_students, standing
from tests.exports.results_setup import frozen_time_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
Q2 = (dt.date(2026, 11, 5), dt.date(2026, 12, 28))


def only(found, school_class):
    [result] = [r for r in found if r.school_class == school_class]
    return result


def journal_counts(result, assignment) -> Counts:
    [journal] = [j for j in result.journals if j.assignment == assignment]
    return journal.counts


def test_the_formulas_by_hand():
    # n5 = 2, n4 = 3, n3 = 4, n2 = 1, nн/а = 1: N = 11.
    counts = Counts(students=14, exempt=1, no_mark=2, five=2, four=3, three=4, two=1,
                    not_certified=1)
    assert counts.n == 11
    assert counts.pass_rate == Decimal("81.8")      # (2 + 3 + 4)·100 / 11 = 81.81…
    assert counts.quality_rate == Decimal("45.5")   # (2 + 3)·100 / 11 = 45.45…
    # (100·2 + 64·3 + 36·4 + 16·1 + 7·1) / 11 = 559 / 11 = 50.81…
    assert counts.sou == Decimal("50.8")


def test_nobody_to_count_gives_no_figure_rather_than_an_error():
    nobody = count_journal([None, results.EXEMPT])
    assert (nobody.students, nobody.exempt, nobody.no_mark, nobody.n) == (2, 1, 1, 0)
    assert (nobody.pass_rate, nobody.quality_rate, nobody.sou) == (None, None, None)


def test_a_student_stands_by_their_lowest_mark():
    assert standing(["5", "5"]) is Standing.EXCELLENT
    assert standing(["5", "4"]) is Standing.GOOD
    assert standing(["5", "3", "4"]) is Standing.ONE_THREE
    assert standing(["3", "3"]) is Standing.THREE
    assert standing(["5", "1"]) is Standing.FAILING
    assert standing(["2", "н/а"]) is Standing.NOT_CERTIFIED
    assert standing(["зач", results.EXEMPT]) is None
    assert count_students([["5", "3"], ["3", "3"], [results.EXEMPT], []]) == Counts(
        students=4, exempt=1, no_mark=1, three=2, one_three=1)


def test_hand_made_class_by_subject(world):
    found = results.class_results([world.class_5a], *Q2)
    result = only(found, world.class_5a)
    maths = journal_counts(result, world.small.maths_5a)
    # On 28.12 the class has students 1–8 and 10 (Ильин left on 01.12 with a 5: not counted;
    # Козлова arrived on 01.12 with a 4: counted). Maths: 5, 4, 3, 3, 2, н/а, осв, —, 4.
    assert (maths.students, maths.exempt, maths.no_mark) == (9, 1, 1)
    assert (maths.five, maths.four, maths.three, maths.two, maths.not_certified) == (1, 2, 2, 1, 1)
    assert maths.n == 7                                # 9 less the exempt and the unmarked
    assert maths.pass_rate == Decimal("71.4")          # (1 + 2 + 2)·100 / 7 = 71.43
    assert maths.quality_rate == Decimal("42.9")       # (1 + 2)·100 / 7 = 42.86
    assert maths.sou == Decimal("46.1")                # (100 + 128 + 72 + 16 + 7) / 7 = 46.14

    russian = journal_counts(result, world.small.russian_5a)
    # 5, 5, 4, 3, 4, 3, 5, —, 4: N = 8.
    assert (russian.n, russian.five, russian.four, russian.three) == (8, 3, 3, 2)
    assert russian.pass_rate == Decimal("100.0")
    assert russian.quality_rate == Decimal("75.0")     # 6·100 / 8
    assert russian.sou == Decimal("70.5")              # (300 + 192 + 72) / 8 = 70.5

    group1 = journal_counts(result, world.small.english_5a_group1)
    assert (group1.students, group1.n, group1.sou) == (2, 2, Decimal("82.0"))  # (100 + 64) / 2
    group2 = journal_counts(result, world.small.english_5a_group2)
    assert (group2.students, group2.no_mark, group2.n) == (1, 1, 0)
    assert group2.pass_rate is None and group2.sou is None


def test_hand_made_class_by_student(world):
    result = only(results.class_results([world.class_5a], *Q2), world.class_5a)
    counts = result.counts
    # Андреев and Жуков (exempt from maths, 5 in russian) на «5»; Борисова and Козлова на «4» и
    # «5»; Волков (one 3) and Галкина (two) с «3»; Дмитриев с «2»; Егорова н/а; Зайцева has
    # no mark of the 2nd quarter (her 5 is the 1st quarter's).
    assert (counts.students, counts.exempt, counts.no_mark) == (9, 0, 1)
    assert (counts.five, counts.four, counts.three, counts.one_three) == (2, 2, 2, 1)
    assert (counts.two, counts.not_certified, counts.n) == (1, 1, 8)
    assert counts.pass_rate == Decimal("75.0")      # (2 + 2 + 2)·100 / 8
    assert counts.quality_rate == Decimal("50.0")   # (2 + 2)·100 / 8
    assert counts.sou == Decimal("52.9")            # (200 + 128 + 72 + 16 + 7) / 8 = 52.875
    names = {s.user.last_name: result.standings[s.pk] for s in result.students}
    assert names["Жуков"] is Standing.EXCELLENT
    assert names["Волков"] is Standing.ONE_THREE
    assert names["Зайцева"] is None
    assert "Ильин" not in names


def test_a_school_adds_its_classes_up(world):
    classes = [world.small.class_1a, world.class_5a, world.small.class_5b, world.small.class_10a]
    found = results.class_results(classes, *Q2)
    assert [r.school_class for r in found] == classes[1:]    # 1А gets no marks
    total = sum((r.counts for r in found), Counts())
    # 5А (above) + 5Б (4 and 3: one «3») + 10А (5 for the 1st half, whose end is in the dates).
    assert (total.students, total.n, total.five, total.four, total.three) == (12, 11, 3, 3, 3)
    assert total.pass_rate == Decimal("81.8")       # 9·100 / 11
    assert total.quality_rate == Decimal("54.5")    # 6·100 / 11 = 54.545…
    assert total.sou == Decimal("56.6")             # (300 + 192 + 108 + 16 + 7) / 11 = 56.64
    assert only(found, world.small.class_10a).basis.period == world.half1


def test_without_a_period_ending_in_the_dates_the_current_marks_recommend(world):
    november = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    found = results.class_results([world.small.class_5b, world.class_5a], *november)
    class_5b = only(found, world.small.class_5b)
    assert class_5b.basis.kind == results.CURRENT
    # Сидоров: 3 for a control work (weight 3) and 5: (9 + 5) / 4 = 3.50 → 4; his October 2
    # is outside November. Тихонов: 5.
    assert (class_5b.counts.five, class_5b.counts.four, class_5b.counts.n) == (1, 1, 2)
    assert class_5b.counts.sou == Decimal("82.0")
    # 5А has no current marks at all: nobody to count, no figure.
    class_5a = only(found, world.class_5a)
    assert (class_5a.counts.n, class_5a.counts.no_mark, class_5a.counts.pass_rate) == (0, 9, None)


def test_dates_taking_in_the_whole_year_count_the_year_marks(world):
    result = only(results.class_results([world.class_5a], world.small.year.starts_on,
                                        world.small.year.ends_on), world.class_5a)
    assert result.basis.label == "годовые отметки"
    # On 26.05 Ильин is gone; year marks: Андреев 5 5 5, Борисова 4 5, Волков 3 4, Дмитриев
    # 2 4, Егорова н/а 3, Жуков осв 5; the others have none.
    counts = result.counts
    assert (counts.five, counts.four, counts.three, counts.two, counts.not_certified) == (
        2, 1, 1, 1, 1)
    assert (counts.no_mark, counts.n) == (3, 6)


def test_queries_do_not_grow_with_classes_or_students(world, django_assert_num_queries):
    classes = [world.small.class_1a, world.class_5a, world.small.class_5b, world.small.class_10a]
    # Periods, journals, the class lists (enrolments, subgroups), the term marks.
    with django_assert_num_queries(5):
        results.class_results(classes, *Q2)
    with django_assert_num_queries(5):
        results.class_results([world.class_5a], *Q2)


def test_scope_classes_say_why_there_are_none(world):
    school = world.school
    other_year = results.classes_in(school, dt.date(2025, 9, 1), dt.date(2025, 12, 28))
    assert other_year.classes == [] and "не лежат в одном учебном году" in other_year.reason
    other_school = results.classes_in(school, *Q2, school_class=world.other.school_class)
    assert other_school.classes == [] and "не из этой школы" in other_school.reason
    reversed_dates = results.classes_in(school, Q2[1], Q2[0])
    assert reversed_dates.classes == [] and "окончание раньше начала" in reversed_dates.reason
    no_grade = results.classes_in(school, *Q2, grade=7)
    assert no_grade.classes == [] and "нет 7-х классов" in no_grade.reason
