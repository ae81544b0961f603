from __future__ import annotations

import datetime as dt

from journal.models import ChangeRecord, Holiday, Lesson, Mark, TimetableSlot
from journal.services.lessons import add_extra_lesson, generate_lessons
from tests.conftest import YEAR_END, YEAR_START


def test_lessons_are_generated_for_every_school_day_of_the_slot(small_school, weekly_slot,
                                                                teacher):
    result = generate_lessons(small_school.year, user=teacher)
    dates = list(Lesson.objects.filter(assignment=small_school.maths_5a)
                 .values_list("date", flat=True))
    assert result.created == len(dates) > 25
    assert all(d.isoweekday() == 1 for d in dates)
    assert dt.date(2026, 9, 7) in dates
    # Autumn holidays between the first and second quarter have no lessons.
    assert dt.date(2026, 11, 2) not in dates
    assert all(lesson.number == 2 and lesson.room == "21"
               for lesson in Lesson.objects.filter(assignment=small_school.maths_5a))


def test_holidays_have_no_lessons(small_school, weekly_slot):
    Holiday.objects.create(year=small_school.year, name="Карантин",
                           starts_on=dt.date(2026, 12, 7), ends_on=dt.date(2026, 12, 7))
    generate_lessons(small_school.year)
    assert not Lesson.objects.filter(date=dt.date(2026, 12, 7)).exists()
    assert Lesson.objects.filter(date=dt.date(2026, 12, 14)).exists()


def test_generation_records_history_for_each_lesson(small_school, weekly_slot, deputy):
    result = generate_lessons(small_school.year, user=deputy)
    records = ChangeRecord.objects.filter(entity="lesson", action="create", user=deputy)
    assert records.count() == result.created


def test_regenerating_twice_changes_nothing(small_school, weekly_slot):
    generate_lessons(small_school.year)
    again = generate_lessons(small_school.year)
    assert (again.created, again.deleted) == (0, 0)


def test_a_timetable_change_keeps_lessons_that_have_data(small_school, weekly_slot, teacher,
                                                         children):
    generate_lessons(small_school.year)
    with_mark = Lesson.objects.get(assignment=small_school.maths_5a, date=dt.date(2026, 9, 7))
    Mark.objects.create(lesson=with_mark, student=children[0], value="5")
    with_topic = Lesson.objects.get(assignment=small_school.maths_5a, date=dt.date(2026, 9, 14))
    with_topic.topic = "Натуральные числа"
    with_topic.save()

    # The lesson moves from Monday to Tuesday for the whole year.
    weekly_slot.weekday = 2
    weekly_slot.save()
    result = generate_lessons(small_school.year, user=teacher)

    assert Lesson.objects.filter(pk__in=[with_mark.pk, with_topic.pk]).count() == 2
    assert result.kept_with_data == 2
    mondays = Lesson.objects.filter(assignment=small_school.maths_5a, date__week_day=2)
    assert set(mondays.values_list("pk", flat=True)) == {with_mark.pk, with_topic.pk}
    assert Lesson.objects.filter(assignment=small_school.maths_5a, date=dt.date(2026, 9, 8)).exists()
    assert ChangeRecord.objects.filter(entity="lesson", action="delete").count() == result.deleted > 0


def test_a_slot_valid_for_part_of_the_year_makes_lessons_only_then(small_school):
    TimetableSlot.objects.create(assignment=small_school.russian_5a, weekday=3, lesson_number=1,
                                 valid_from=dt.date(2027, 1, 12), valid_to=YEAR_END)
    generate_lessons(small_school.year)
    first = Lesson.objects.filter(assignment=small_school.russian_5a).order_by("date").first()
    assert first.date == dt.date(2027, 1, 13)


def test_ten_grade_follows_its_halves_not_the_quarters(small_school, teacher):
    from journal.models import TeachingAssignment

    maths_10a = TeachingAssignment.objects.create(year=small_school.year, teacher=teacher,
                                                  subject=small_school.maths,
                                                  school_class=small_school.class_10a)
    TimetableSlot.objects.create(assignment=maths_10a, weekday=1, lesson_number=1,
                                 valid_from=YEAR_START, valid_to=YEAR_END)
    generate_lessons(small_school.year)
    dates = set(Lesson.objects.filter(assignment=maths_10a).values_list("date", flat=True))
    # 2 November falls in the quarters' autumn break but inside the first half.
    assert dt.date(2026, 11, 2) in dates


def test_an_extra_lesson_survives_regeneration(small_school, weekly_slot, teacher):
    generate_lessons(small_school.year)
    extra = add_extra_lesson(teacher, small_school.maths_5a, dt.date(2026, 9, 9), 7,
                             topic="Консультация")
    generate_lessons(small_school.year)
    assert Lesson.objects.filter(pk=extra.pk).exists()
    assert ChangeRecord.objects.filter(entity="lesson", entity_id=extra.pk, action="create").exists()
