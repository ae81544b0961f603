"""The setup screens validate in Russian and write through the services."""

from __future__ import annotations

from django.urls import reverse

from journal.models import ChangeRecord, Lesson, TimetableSlot


def slot_form(assignment, weekday=1, number=2):
    return {"assignment": assignment.pk, "weekday": weekday, "lesson_number": number,
            "room": "12", "valid_from": "01.09.2026", "valid_to": "31.08.2027"}


def test_saving_a_timetable_slot_generates_its_lessons(client, deputy, small_school):
    client.force_login(deputy)
    response = client.post(reverse("admin:journal_timetableslot_add"),
                           slot_form(small_school.maths_5a), follow=True)
    assert response.status_code == 200
    assert "Уроки по расписанию обновлены" in response.content.decode()
    created = Lesson.objects.filter(assignment=small_school.maths_5a)
    assert created.count() > 25
    assert ChangeRecord.objects.filter(entity="lesson", user=deputy).count() == created.count()


def test_a_double_booked_teacher_is_refused_in_russian(client, deputy, small_school,
                                                       weekly_slot):
    client.force_login(deputy)
    response = client.post(reverse("admin:journal_timetableslot_add"),
                           slot_form(small_school.english_5a_group1))
    assert response.status_code == 200
    assert "уже ведёт урок в это время" in response.content.decode()
    assert TimetableSlot.objects.count() == 1


def test_deleting_a_slot_removes_its_empty_lessons(client, deputy, small_school, weekly_slot):
    from journal.services.lessons import generate_lessons

    generate_lessons(small_school.year)
    client.force_login(deputy)
    client.post(reverse("admin:journal_timetableslot_delete", args=[weekly_slot.pk]),
                {"post": "yes"})
    assert not Lesson.objects.filter(assignment=small_school.maths_5a).exists()


def test_an_extra_lesson_is_added_with_its_history(client, deputy, small_school):
    client.force_login(deputy)
    response = client.post(reverse("admin:journal_lesson_add"),
                           {"assignment": small_school.maths_5a.pk, "date": "10.09.2026",
                            "number": 7, "topic": "Консультация"})
    assert response.status_code == 302
    lesson = Lesson.objects.get(assignment=small_school.maths_5a, number=7)
    assert lesson.is_extra
    assert ChangeRecord.objects.get(entity="lesson", entity_id=lesson.pk).user == deputy


def test_an_extra_lesson_outside_the_year_is_refused(client, deputy, small_school):
    client.force_login(deputy)
    response = client.post(reverse("admin:journal_lesson_add"),
                           {"assignment": small_school.maths_5a.pk, "date": "10.09.2027",
                            "number": 7, "topic": ""})
    assert "Дата вне учебного года" in response.content.decode()
    assert not Lesson.objects.exists()


def test_a_new_teacher_on_an_assignment_takes_over_its_journal(client, deputy, small_school,
                                                               substitute, teacher):
    client.force_login(deputy)
    assignment = small_school.maths_5a
    client.post(reverse("admin:journal_teachingassignment_change", args=[assignment.pk]),
                {"year": small_school.year.pk, "teacher": substitute.pk,
                 "subject": assignment.subject_id, "school_class": assignment.school_class_id,
                 "subgroup": ""})
    assignment.refresh_from_db()
    assert assignment.teacher == substitute
    assert substitute.has_perm("journal.keep_journal", assignment)
    fresh_teacher = type(teacher).objects.get(pk=teacher.pk)  # no cached permissions
    assert not fresh_teacher.has_perm("journal.keep_journal", assignment)
