"""The movement service: arrival, transfer between classes and subgroups, departure — each by
an order, each recorded; the refusals change nothing; after a move the journals show the
student only for the days enrolled, marks stay where they were given, and the diary's weeks
follow the classes day by day.

Time is frozen on Monday 16 November 2026 (second quarter 05.11–28.12). Василий Петров is in
5А (the 1st English group) from 01.09; Мария Петрова in 1А."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Student
from diary.queries import enrolments_of, student_week
from journal.models import Enrolment, Mark, StudentMove, Subgroup
from journal.queries.grid import build_grid, periods_for
from journal.services import movement
from journal.services.cells import set_cell
from journal.services.movement import MovementRefused
from tests.accounts.role_pages_setup import make_other_school
from tests.conftest import make_user
from tests.journal.journal_setup import TODAY, at, make_lesson

pytestmark = pytest.mark.django_db
ORDER = {"order_number": "45-у", "order_date": dt.date(2026, 11, 13)}
MID_NOVEMBER = dt.date(2026, 11, 16)   # a Monday: the first day in the new class


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(at(TODAY), tick=False):
        yield


@pytest.fixture
def vasya(children, small_school):
    vasya = children[0]
    small_school.english_5a_group1.subgroup.students.add(vasya)
    return vasya


@pytest.fixture
def newcomer(small_school) -> Student:
    """A student of the school entered in the card index, in no class yet."""
    return Student.objects.create(user=make_user("novikova", "Новикова", "Ева"),
                                  school=small_school.school, birth_date=dt.date(2015, 7, 1),
                                  sex="f")


def enrolments(student) -> list[tuple[str, dt.date, dt.date | None, str]]:
    return [(str(e.school_class), e.enrolled_on, e.left_on, e.order_number)
            for e in Enrolment.objects.filter(student=student).order_by("enrolled_on")]


def mark(user, lesson, student, value: str) -> None:
    with time_machine.travel(at(lesson.date), tick=False):
        set_cell(user, lesson, student, value)


def row_of(assignment, student, today=TODAY):
    periods = periods_for(assignment)
    period = next(p for p in periods if p.starts_on <= MID_NOVEMBER <= p.ends_on)
    grid = build_grid(assignment, period, periods, today)
    rows = [row for row in grid.rows if row.student.pk == student.pk]
    return (rows[0] if rows else None), grid.lessons


def enrolled_by_date(assignment, student) -> dict[dt.date, bool]:
    row, lessons = row_of(assignment, student)
    return {lesson.date: cell.enrolled for lesson, cell in zip(lessons, row.cells, strict=True)}


# Each operation ---------------------------------------------------------------------------

def test_an_arrival_enrols_the_student_from_its_day_and_records_the_order(
        small_school, newcomer, secretary):
    move = movement.arrive(secretary, newcomer, small_school.class_5b, dt.date(2026, 11, 10),
                           reason="из школы № 3", **ORDER)

    assert enrolments(newcomer) == [("5Б", dt.date(2026, 11, 10), None, "45-у")]
    assert Enrolment.objects.get(student=newcomer).order_date == dt.date(2026, 11, 13)
    move.refresh_from_db()
    assert (move.kind, move.to_class, move.from_class, move.on) == (
        "arrival", small_school.class_5b, None, dt.date(2026, 11, 10))
    assert (move.order_number, move.order_date, move.reason) == ("45-у", dt.date(2026, 11, 13),
                                                                 "из школы № 3")
    assert move.by == secretary and move.at == timezone.now()
    assert move.school == small_school.school


def test_a_transfer_ends_the_old_class_the_day_before_and_starts_the_new_one(
        small_school, vasya, deputy):
    move = movement.transfer(deputy, vasya, small_school.class_5b, MID_NOVEMBER, **ORDER)

    assert enrolments(vasya) == [("5А", dt.date(2026, 9, 1), dt.date(2026, 11, 15), ""),
                                 ("5Б", MID_NOVEMBER, None, "45-у")]
    assert (move.kind, move.from_class, move.to_class, move.by) == (
        "transfer", small_school.class_5a, small_school.class_5b, deputy)


def test_a_change_of_subgroup_moves_the_student_between_the_groups_of_the_subject(
        small_school, vasya, deputy):
    group1 = small_school.english_5a_group1.subgroup
    group2 = small_school.english_5a_group2.subgroup

    move = movement.change_subgroup(deputy, vasya, small_school.english, group2, MID_NOVEMBER,
                                    **ORDER)

    assert list(vasya.subgroups.all()) == [group2]
    assert (move.kind, move.from_subgroup, move.to_subgroup, move.from_class) == (
        "subgroup", group1, group2, small_school.class_5a)
    # Membership has no dates: the 2nd group's journal lists him, the 1st no longer does.
    assert row_of(small_school.english_5a_group2, vasya)[0] is not None
    assert row_of(small_school.english_5a_group1, vasya)[0] is None


def test_a_student_in_no_group_of_the_subject_joins_one(small_school, children, deputy):
    vasya = children[0]
    group2 = small_school.english_5a_group2.subgroup

    move = movement.change_subgroup(deputy, vasya, small_school.english, group2, MID_NOVEMBER,
                                    **ORDER)

    assert move.from_subgroup is None and list(vasya.subgroups.all()) == [group2]


def test_a_departure_ends_the_enrolment_on_its_day_and_keeps_the_marks(
        small_school, vasya, teacher, secretary):
    lesson = make_lesson(small_school.maths_5a, dt.date(2026, 11, 9))
    later = make_lesson(small_school.maths_5a, dt.date(2026, 11, 23))
    mark(teacher, lesson, vasya, "4")

    move = movement.depart(secretary, vasya, dt.date(2026, 11, 20), reason="в гимназию № 2",
                           **ORDER)

    assert enrolments(vasya) == [("5А", dt.date(2026, 9, 1), dt.date(2026, 11, 20), "")]
    assert (move.kind, move.from_class, move.to_class, move.reason) == (
        "departure", small_school.class_5a, None, "в гимназию № 2")
    assert Mark.objects.get(student=vasya, lesson=lesson).value == "4"
    row, lessons = row_of(small_school.maths_5a, vasya)
    assert [c.text for c in row.cells] == ["4", ""]
    assert {lesson.date: cell.enrolled for lesson, cell in zip(lessons, row.cells, strict=True)
            } == {lesson.date: True, later.date: False}


def test_a_student_who_left_may_arrive_again(small_school, vasya, secretary):
    movement.depart(secretary, vasya, dt.date(2026, 11, 10), **ORDER)
    movement.arrive(secretary, vasya, small_school.class_5b, dt.date(2026, 11, 20), **ORDER)

    assert enrolments(vasya) == [("5А", dt.date(2026, 9, 1), dt.date(2026, 11, 10), ""),
                                 ("5Б", dt.date(2026, 11, 20), None, "45-у")]


# Refusals: nothing written ----------------------------------------------------------------

def refused(call, *args, **kwargs) -> str:
    before = (list(Enrolment.objects.values_list("pk", "school_class_id", "enrolled_on",
                                                 "left_on").order_by("pk")),
              list(Subgroup.students.through.objects.values_list("pk", flat=True).order_by("pk")))
    with pytest.raises(MovementRefused) as refusal:
        call(*args, **kwargs)
    after = (list(Enrolment.objects.values_list("pk", "school_class_id", "enrolled_on",
                                                "left_on").order_by("pk")),
             list(Subgroup.students.through.objects.values_list("pk", flat=True).order_by("pk")))
    assert after == before
    assert not StudentMove.objects.exists()
    return refusal.value.message


def operations(small_school, vasya, newcomer):
    return {
        "arrive": lambda **o: movement.arrive(None, newcomer, small_school.class_5b,
                                              MID_NOVEMBER, **o),
        "transfer": lambda **o: movement.transfer(None, vasya, small_school.class_5b,
                                                  MID_NOVEMBER, **o),
        "change_subgroup": lambda **o: movement.change_subgroup(
            None, vasya, small_school.english, small_school.english_5a_group2.subgroup,
            MID_NOVEMBER, **o),
        "depart": lambda **o: movement.depart(None, vasya, MID_NOVEMBER, **o),
    }


@pytest.mark.parametrize("operation", ["arrive", "transfer", "change_subgroup", "depart"])
def test_every_move_asks_for_the_order_number_and_date(small_school, vasya, newcomer,
                                                       operation):
    call = operations(small_school, vasya, newcomer)[operation]

    assert refused(call, order_number="  ", order_date=ORDER["order_date"]) == \
        "Укажите номер приказа."
    assert refused(call, order_number="45-у", order_date=None) == "Укажите дату приказа."


@pytest.mark.parametrize("operation", ["arrive", "transfer", "change_subgroup", "depart"])
def test_a_date_outside_the_classs_year_is_refused(small_school, vasya, newcomer, operation):
    call = {
        "arrive": lambda: movement.arrive(None, newcomer, small_school.class_5b,
                                          dt.date(2027, 9, 1), **ORDER),
        "transfer": lambda: movement.transfer(None, vasya, small_school.class_5b,
                                              dt.date(2026, 8, 31), **ORDER),
        "change_subgroup": lambda: movement.change_subgroup(
            None, vasya, small_school.english, small_school.english_5a_group2.subgroup,
            dt.date(2027, 9, 1), **ORDER),
        # His enrolment has no end: it reaches past the year, the year refuses the date.
        "depart": lambda: movement.depart(None, vasya, dt.date(2027, 9, 1), **ORDER),
    }[operation]

    assert "вне 2026/2027 учебного года (01.09.2026–31.08.2027)" in refused(call)


@pytest.mark.parametrize("operation", ["arrive", "transfer", "change_subgroup", "depart"])
def test_nothing_moves_in_a_closed_year(small_school, vasya, newcomer, operation):
    small_school.year.closed_at = timezone.now()
    small_school.year.save(update_fields=["closed_at"])
    call = operations(small_school, vasya, newcomer)[operation]

    assert refused(call, **ORDER) == \
        "2026/2027 учебный год закрыт: движение в нём не оформляется."


def test_a_student_in_no_class_cannot_be_transferred_moved_between_groups_or_depart(
        small_school, newcomer):
    expected = "Новикова Ева не числится ни в одном классе на 16.11.2026."
    assert refused(movement.transfer, None, newcomer, small_school.class_5b, MID_NOVEMBER,
                   **ORDER) == expected
    assert refused(movement.change_subgroup, None, newcomer, small_school.english,
                   small_school.english_5a_group2.subgroup, MID_NOVEMBER, **ORDER) == expected
    assert refused(movement.depart, None, newcomer, MID_NOVEMBER, **ORDER) == expected


def test_a_transfer_into_the_same_class_is_refused(small_school, vasya):
    assert refused(movement.transfer, None, vasya, small_school.class_5a, MID_NOVEMBER,
                   **ORDER) == "Петров Василий уже учится в 5А классе."


def test_an_arrival_of_a_student_already_in_a_class_is_refused(small_school, vasya):
    message = refused(movement.arrive, None, vasya, small_school.class_5b, MID_NOVEMBER, **ORDER)

    assert message == ("Петров Василий уже числится в 5А классе с 01.09.2026. "
                       "Оформите перевод или выбытие.")


def test_an_arrival_before_an_enrolment_that_starts_later_is_refused(small_school, newcomer):
    movement.arrive(None, newcomer, small_school.class_5b, dt.date(2026, 12, 1), **ORDER)
    StudentMove.objects.all().delete()

    assert "уже числится в 5Б классе с 01.12.2026" in refused(
        movement.arrive, None, newcomer, small_school.class_5a, MID_NOVEMBER, **ORDER)


def test_a_transfer_on_the_day_of_enrolment_is_refused(small_school, vasya):
    message = refused(movement.transfer, None, vasya, small_school.class_5b,
                      dt.date(2026, 9, 1), **ORDER)

    assert message.startswith("Петров Василий зачислен(а) в 5А класс 01.09.2026: перевести "
                              "можно не раньше следующего дня.")


def test_a_second_departure_is_refused(small_school, vasya):
    movement.depart(None, vasya, dt.date(2026, 11, 20), **ORDER)
    StudentMove.objects.all().delete()

    assert refused(movement.depart, None, vasya, MID_NOVEMBER, **ORDER).startswith(
        "Петров Василий уже выбывает из 5А класса 20.11.2026")
    assert refused(movement.transfer, None, vasya, small_school.class_5b, MID_NOVEMBER,
                   **ORDER).startswith("Петров Василий уже выбывает из 5А класса 20.11.2026")


def test_a_subgroup_of_another_subject_or_class_or_the_same_one_is_refused(small_school, vasya):
    group1 = small_school.english_5a_group1.subgroup
    group2 = small_school.english_5a_group2.subgroup
    other_class = Subgroup.objects.create(school_class=small_school.class_5b,
                                          subject=small_school.english, name="1 группа")

    assert refused(movement.change_subgroup, None, vasya, small_school.maths, group2,
                   MID_NOVEMBER, **ORDER) == ("Подгруппа «2 группа» создана для предмета "
                                              "«Английский язык», а не «Математика».")
    assert refused(movement.change_subgroup, None, vasya, small_school.english, other_class,
                   MID_NOVEMBER, **ORDER) == ("Петров Василий учится в 5А классе, а подгруппа "
                                              "— 5Б класса.")
    assert refused(movement.change_subgroup, None, vasya, small_school.english, group1,
                   MID_NOVEMBER, **ORDER) == "Петров Василий уже в подгруппе «1 группа»."


def test_a_student_of_another_school_is_refused(small_school, newcomer):
    foreign = make_other_school().school_class

    assert refused(movement.arrive, None, newcomer, foreign, MID_NOVEMBER, **ORDER) == \
        "Новикова Ева — обучающийся другой школы."


# The journals and the diary after a transfer ----------------------------------------------

@pytest.fixture
def transferred(small_school, vasya, teacher, deputy):
    """Vasya's maths lessons around the transfer to 5Б on 16.11, a mark in each class."""
    lessons = {
        "5А before": make_lesson(small_school.maths_5a, dt.date(2026, 11, 10)),
        "5А after": make_lesson(small_school.maths_5a, dt.date(2026, 11, 17)),
        "5Б before": make_lesson(small_school.maths_5b, dt.date(2026, 11, 10)),
        "5Б after": make_lesson(small_school.maths_5b, dt.date(2026, 11, 17)),
        "group before": make_lesson(small_school.english_5a_group1, dt.date(2026, 11, 12)),
        "group after": make_lesson(small_school.english_5a_group1, dt.date(2026, 11, 19)),
    }
    mark(teacher, lessons["5А before"], vasya, "5")
    mark(teacher, lessons["group before"], vasya, "4")
    movement.transfer(deputy, vasya, small_school.class_5b, MID_NOVEMBER, **ORDER)
    return lessons


def test_the_old_class_journal_shows_him_until_the_day_before_then_greyed_with_his_marks(
        small_school, vasya, transferred):
    assert enrolled_by_date(small_school.maths_5a, vasya) == {
        dt.date(2026, 11, 10): True, dt.date(2026, 11, 17): False}
    row, _ = row_of(small_school.maths_5a, vasya)
    assert [cell.text for cell in row.cells] == ["5", ""]
    assert Mark.objects.get(student=vasya, lesson__assignment=small_school.maths_5a).lesson == \
        transferred["5А before"]


def test_the_new_class_journal_shows_him_from_the_day_of_the_transfer(
        small_school, vasya, transferred):
    assert enrolled_by_date(small_school.maths_5b, vasya) == {
        dt.date(2026, 11, 10): False, dt.date(2026, 11, 17): True}


def test_the_old_class_subgroup_journal_keeps_him_greyed_after_with_his_mark(
        small_school, vasya, transferred):
    assert enrolled_by_date(small_school.english_5a_group1, vasya) == {
        dt.date(2026, 11, 12): True, dt.date(2026, 11, 19): False}
    row, _ = row_of(small_school.english_5a_group1, vasya)
    assert [cell.text for cell in row.cells] == ["4", ""]


def week_lessons(student, monday: dt.date) -> list[tuple[dt.date, str]]:
    week = student_week(student, enrolments_of(student), monday, TODAY)
    return [(row.lesson.date, str(row.lesson.assignment.school_class))
            for day in week.days for row in day.lessons]


def test_the_diary_shows_the_old_class_before_the_move_the_new_one_after_and_splits_its_week(
        small_school, vasya, deputy):
    wednesday = dt.date(2026, 11, 18)
    for day in (dt.date(2026, 11, 9), dt.date(2026, 11, 16), dt.date(2026, 11, 19),
                dt.date(2026, 11, 23)):
        make_lesson(small_school.maths_5a, day)
        make_lesson(small_school.maths_5b, day, number=3)

    movement.transfer(deputy, vasya, small_school.class_5b, wednesday, **ORDER)

    assert week_lessons(vasya, dt.date(2026, 11, 9)) == [(dt.date(2026, 11, 9), "5А")]
    assert week_lessons(vasya, dt.date(2026, 11, 16)) == [(dt.date(2026, 11, 16), "5А"),
                                                          (dt.date(2026, 11, 19), "5Б")]
    assert week_lessons(vasya, dt.date(2026, 11, 23)) == [(dt.date(2026, 11, 23), "5Б")]
