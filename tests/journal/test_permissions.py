from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from journal.models import Absence, FinalMark, Mark
from journal.permissions import (
    access_absence,
    access_assignment,
    access_final_mark,
    access_lesson,
    access_mark,
    assignments_readable_by,
    lessons_writable_by,
)
from tests.conftest import make_user
from tests.journal.journal_setup import make_lesson


@pytest.fixture
def lesson(small_school):
    return make_lesson(small_school.maths_5a)


def test_the_teacher_keeps_their_own_journal(small_school, teacher):
    assignment, rights = access_assignment(teacher, small_school.maths_5a.pk, write=True)
    assert assignment == small_school.maths_5a
    assert (rights.view, rights.keep, rights.correct, rights.absence_reasons) == (
        True, True, False, False)


def test_a_teacher_gets_404_for_another_teachers_journal(small_school, teacher):
    with pytest.raises(Http404):
        access_assignment(teacher, small_school.maths_5b.pk)


def test_a_missing_id_and_a_foreign_id_look_the_same(small_school, teacher):
    with pytest.raises(Http404):
        access_assignment(teacher, 999_999)


def test_the_class_teacher_reads_every_journal_of_the_class_but_writes_none(small_school,
                                                                           class_teacher):
    _, rights = access_assignment(class_teacher, small_school.maths_5a.pk)
    assert rights.view and rights.absence_reasons and not rights.may_write
    with pytest.raises(PermissionDenied):
        access_assignment(class_teacher, small_school.maths_5a.pk, write=True)
    with pytest.raises(Http404):
        access_assignment(class_teacher, small_school.maths_5b.pk)


def test_the_deputy_director_corrects_and_the_director_reads(small_school, deputy, director):
    _, rights = access_assignment(deputy, small_school.maths_5b.pk, write=True)
    assert rights.correct and rights.is_correction
    _, rights = access_assignment(director, small_school.maths_5b.pk)
    assert rights.view and not rights.may_write
    with pytest.raises(PermissionDenied):
        access_assignment(director, small_school.maths_5b.pk, write=True)


def test_parents_students_and_the_administrator_never_reach_a_journal(small_school, parent,
                                                                      children, administrator):
    for user in (parent, children[0].user, administrator):
        with pytest.raises(Http404):
            access_assignment(user, small_school.maths_5a.pk)
        assert not assignments_readable_by(user).exists()


def test_a_deputy_of_another_school_gets_404(small_school):
    from accounts.models import StaffRole
    from journal.models import School

    other = School.objects.create(name="Школа № 8", short_name="Школа № 8")
    stranger = make_user("chuzhaya", "Чужая", "Зоя")
    StaffRole.objects.create(user=stranger, school=other, role="deputy")
    with pytest.raises(Http404):
        access_assignment(stranger, small_school.maths_5a.pk)


def test_readable_journals_come_from_one_queryset(small_school, teacher, class_teacher, deputy,
                                                  django_assert_num_queries):
    with django_assert_num_queries(1):
        mine = set(assignments_readable_by(teacher))
    assert mine == {small_school.maths_5a, small_school.english_5a_group1}
    led = set(assignments_readable_by(class_teacher))
    assert led == {small_school.maths_5a, small_school.russian_5a, small_school.english_5a_group1,
                   small_school.english_5a_group2, small_school.reading_1a}
    assert assignments_readable_by(deputy).count() == 6


def test_access_costs_one_query(small_school, teacher, django_assert_num_queries):
    with django_assert_num_queries(1):
        access_assignment(teacher, small_school.maths_5a.pk)


def test_a_substitute_gets_the_lesson_not_the_journal(small_school, substitute):
    lesson = make_lesson(small_school.maths_5a, substitute=substitute, substitute_reason="курсы")
    other = make_lesson(small_school.maths_5a, number=3)
    found, rights = access_lesson(substitute, lesson.pk, write=True)
    assert found == lesson and rights.keep and rights.substitute
    with pytest.raises(Http404):
        access_lesson(substitute, other.pk)
    with pytest.raises(Http404):
        access_assignment(substitute, small_school.maths_5a.pk)
    assert list(lessons_writable_by(substitute)) == [lesson]


def test_marks_absences_and_final_marks_follow_their_journal(small_school, teacher, children,
                                                             outsider_parent, lesson):
    mark = Mark.objects.create(lesson=lesson, student=children[0], value="5")
    absence = Absence.objects.create(lesson=lesson, student=children[0], kind="late")
    final = FinalMark.objects.create(assignment=small_school.maths_5a, student=children[0],
                                     kind="year", value="5")
    assert access_mark(teacher, mark.pk, write=True)[0] == mark
    assert access_absence(teacher, absence.pk, write=True)[0] == absence
    assert access_final_mark(teacher, final.pk, write=True)[0] == final
    for access, pk in ((access_mark, mark.pk), (access_absence, absence.pk),
                       (access_final_mark, final.pk)):
        with pytest.raises(Http404):
            access(outsider_parent, pk)
        with pytest.raises(Http404):
            access(teacher, pk + 10_000)


def test_the_class_teacher_may_open_an_absence_for_its_reason(small_school, class_teacher,
                                                               children, lesson):
    absence = Absence.objects.create(lesson=lesson, student=children[0], kind="absent")
    _, rights = access_absence(class_teacher, absence.pk, write=True)
    assert rights.may_set_absence_reasons
    mark = Mark.objects.create(lesson=lesson, student=children[0], value="5")
    with pytest.raises(PermissionDenied):
        access_mark(class_teacher, mark.pk, write=True)


def test_an_inactive_teacher_loses_access(small_school, teacher):
    teacher.is_active = False
    teacher.save()
    with pytest.raises(Http404):
        access_assignment(teacher, small_school.maths_5a.pk)
