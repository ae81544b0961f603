from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import StaffRole
from accounts.roles import Role
from journal.models import Mark
from journal.models.rights import (
    CHECK_CLASS_JOURNALS,
    CHECK_SUBJECT_JOURNALS,
    CO_KEEP_JOURNAL,
    INSPECT_JOURNAL,
)
from journal.permissions import (
    NO_RIGHTS,
    access_assignment,
    access_class,
    access_lesson,
    access_mark,
    assignment_for_write,
    assignments_readable_by,
    lesson_for_write,
    other_classes,
)
from journal.services.rights import grant
from tests.conftest import make_user
from tests.journal.journal_setup import TODAY, at, make_lesson


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


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


def test_services_lock_and_read_the_writers_rights_in_one_query(small_school, teacher,
                                                                substitute, class_teacher,
                                                                django_assert_num_queries):
    lesson = make_lesson(small_school.maths_5a, substitute=substitute, substitute_reason="курсы")
    with django_assert_num_queries(1):
        found, rights = lesson_for_write(substitute, lesson.pk)
    assert found == lesson and rights.keep and rights.substitute
    _, rights = lesson_for_write(class_teacher, lesson.pk)
    assert rights.view and not rights.may_write
    with django_assert_num_queries(1):
        found, rights = assignment_for_write(teacher, small_school.maths_5a.pk)
    assert found == small_school.maths_5a and rights.keep
    assert assignment_for_write(teacher, small_school.maths_5b.pk)[1].view is False
    assert lesson_for_write(teacher, 999_999) == (None, NO_RIGHTS)


def test_marks_follow_their_journal(small_school, teacher, children, outsider_parent, lesson):
    mark = Mark.objects.create(lesson=lesson, student=children[0], value="5")
    assert access_mark(teacher, mark.pk, write=True)[0] == mark
    with pytest.raises(Http404):
        access_mark(outsider_parent, mark.pk)
    with pytest.raises(Http404):
        access_mark(teacher, mark.pk + 10_000)


def test_the_class_teacher_sets_absence_reasons_but_writes_no_marks(small_school, class_teacher,
                                                                   children, lesson):
    _, rights = access_lesson(class_teacher, lesson.pk)
    assert rights.may_set_absence_reasons and not rights.may_write
    mark = Mark.objects.create(lesson=lesson, student=children[0], value="5")
    with pytest.raises(PermissionDenied):
        access_mark(class_teacher, mark.pk, write=True)


def test_an_inactive_teacher_loses_access(small_school, teacher):
    teacher.is_active = False
    teacher.save()
    with pytest.raises(Http404):
        access_assignment(teacher, small_school.maths_5a.pk)


# Rights no key carries ---------------------------------------------------------------------

@pytest.fixture
def colleague(school):
    user = make_user("kollega", "Коллегова", "Вера", "Петровна")
    StaffRole.objects.create(user=user, school=school, role=Role.TEACHER)
    return user


def test_a_second_teacher_keeps_the_journal_without_being_its_teacher(small_school, deputy,
                                                                      colleague):
    grant(deputy, CO_KEEP_JOURNAL, small_school.maths_5a, colleague)
    assignment, rights = access_assignment(colleague, small_school.maths_5a.pk, write=True)
    assert rights.keep and not rights.is_correction and assignment.teacher != colleague
    assert set(assignments_readable_by(colleague)) == {small_school.maths_5a}
    with pytest.raises(Http404):
        access_class(colleague, small_school.class_5a.pk)


def test_an_inspector_reads_up_to_the_end_date_then_gets_404(small_school, deputy, colleague,
                                                              time_machine):
    end = TODAY + dt.timedelta(days=7)
    grant(deputy, INSPECT_JOURNAL, small_school.maths_5a, colleague, expires_on=end)
    _, rights = access_assignment(colleague, small_school.maths_5a.pk)
    assert rights.view and not rights.may_write and not rights.absence_reasons
    with pytest.raises(PermissionDenied):
        access_assignment(colleague, small_school.maths_5a.pk, write=True)
    time_machine.move_to(at(end), tick=False)
    assert list(assignments_readable_by(colleague)) == [small_school.maths_5a]
    time_machine.move_to(at(end + dt.timedelta(days=1)), tick=False)
    with pytest.raises(Http404):
        access_assignment(colleague, small_school.maths_5a.pk)
    assert not assignments_readable_by(colleague).exists()


def test_a_class_checker_reads_the_class_journals_and_attendance_and_changes_nothing(
        small_school, deputy, colleague):
    grant(deputy, CHECK_CLASS_JOURNALS, small_school.class_5a, colleague)
    assert set(assignments_readable_by(colleague)) == {
        small_school.maths_5a, small_school.russian_5a, small_school.english_5a_group1,
        small_school.english_5a_group2}
    _, rights = access_assignment(colleague, small_school.maths_5a.pk)
    assert rights.view and not rights.may_set_absence_reasons
    with pytest.raises(PermissionDenied):
        access_assignment(colleague, small_school.maths_5a.pk, write=True)
    with pytest.raises(Http404):
        access_assignment(colleague, small_school.maths_5b.pk)
    school_class, class_rights = access_class(colleague, small_school.class_5a.pk)
    assert class_rights.view and not class_rights.may_set_reasons
    assert not class_rights.sees_families
    assert other_classes(colleague, school_class) == [small_school.class_5a]
    with pytest.raises(Http404):
        access_class(colleague, small_school.class_5b.pk)


def test_a_subject_checker_reads_the_subjects_journals_in_every_class(small_school, deputy,
                                                                      colleague):
    grant(deputy, CHECK_SUBJECT_JOURNALS, small_school.maths, colleague)
    assert set(assignments_readable_by(colleague)) == {small_school.maths_5a,
                                                       small_school.maths_5b}
    _, rights = access_assignment(colleague, small_school.maths_5b.pk)
    assert rights.view and not rights.may_write
    with pytest.raises(Http404):
        access_class(colleague, small_school.class_5a.pk)


def test_every_kind_of_right_is_checked_in_one_query(small_school, deputy, colleague,
                                                     django_assert_num_queries):
    grant(deputy, CO_KEEP_JOURNAL, small_school.maths_5b, colleague)
    grant(deputy, INSPECT_JOURNAL, small_school.russian_5a, colleague, expires_on=TODAY)
    grant(deputy, CHECK_CLASS_JOURNALS, small_school.class_1a, colleague)
    grant(deputy, CHECK_SUBJECT_JOURNALS, small_school.english, colleague)
    with django_assert_num_queries(1):
        readable = set(assignments_readable_by(colleague))
    assert readable == {small_school.maths_5b, small_school.russian_5a, small_school.reading_1a,
                        small_school.english_5a_group1, small_school.english_5a_group2}
    with django_assert_num_queries(1):
        access_assignment(colleague, small_school.english_5a_group2.pk)
    with django_assert_num_queries(1):
        access_class(colleague, small_school.class_1a.pk)


def test_the_director_reads_every_class_and_the_class_teacher_sets_reasons(small_school,
                                                                           director,
                                                                           class_teacher):
    _, rights = access_class(director, small_school.class_5b.pk)
    assert rights.view and not rights.may_set_reasons and rights.sees_families
    _, rights = access_class(class_teacher, small_school.class_5a.pk)
    assert rights.may_set_reasons and rights.sees_families
    with pytest.raises(Http404):
        access_class(class_teacher, small_school.class_5b.pk)
