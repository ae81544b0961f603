"""Who may open whose diary: every diary URL for each role, with own and foreign ids."""

from __future__ import annotations

import pytest
from django.urls import reverse

from diary.access import students_visible_to
from journal.models.rights import (
    CHECK_CLASS_JOURNALS,
    CHECK_SUBJECT_JOURNALS,
    CO_KEEP_JOURNAL,
    INSPECT_JOURNAL,
)
from journal.services.rights import grant
from tests.conftest import make_staff
from tests.diary.conftest import PAGES, url
from tests.journal.journal_setup import TODAY

OK, NOT_FOUND = 200, 404


def sign_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("page", PAGES)
def test_a_parent_opens_each_of_their_children_and_nobody_else(client, page, parent, vasya,
                                                               masha, outsider_child, classmate):
    sign_in(client, parent)
    assert client.get(url(page, vasya)).status_code == OK
    assert client.get(url(page, masha)).status_code == OK
    assert client.get(url(page, outsider_child)).status_code == NOT_FOUND
    assert client.get(url(page, classmate)).status_code == NOT_FOUND


@pytest.mark.parametrize("page", PAGES)
def test_a_student_opens_only_their_own_diary(client, page, vasya, masha, classmate):
    sign_in(client, vasya.user)
    assert client.get(url(page, vasya)).status_code == OK
    assert client.get(url(page, classmate)).status_code == NOT_FOUND
    assert client.get(url(page, masha)).status_code == NOT_FOUND  # a sister is not themself


@pytest.mark.parametrize("page", PAGES)
def test_an_outsider_parent_cannot_open_another_childs_diary(client, page, outsider_parent,
                                                              outsider_child, vasya):
    sign_in(client, outsider_parent)
    assert client.get(url(page, outsider_child)).status_code == OK
    assert client.get(url(page, vasya)).status_code == NOT_FOUND


@pytest.mark.parametrize("page", PAGES)
def test_a_teacher_opens_the_diaries_of_the_students_they_teach(client, page, teacher, vasya,
                                                                 outsider_child):
    sign_in(client, teacher)          # maths in 5А
    assert client.get(url(page, vasya)).status_code == OK
    assert client.get(url(page, outsider_child)).status_code == NOT_FOUND  # 5Б


@pytest.mark.parametrize("page", PAGES)
def test_a_subgroup_teacher_sees_only_the_subgroups_members(client, page, small_school, ivanov,
                                                             vasya, classmate, outsider_child):
    small_school.english_5a_group2.subgroup.students.add(classmate)
    sign_in(client, ivanov)           # maths in 5Б, English in the 2nd group of 5А
    assert client.get(url(page, outsider_child)).status_code == OK
    assert client.get(url(page, classmate)).status_code == OK
    assert client.get(url(page, vasya)).status_code == NOT_FOUND


@pytest.mark.parametrize("page", PAGES)
def test_the_class_teacher_opens_their_classs_diaries_only(client, page, class_teacher,
                                                           class_teacher_5b, vasya,
                                                           outsider_child):
    sign_in(client, class_teacher)
    assert client.get(url(page, vasya)).status_code == OK
    assert client.get(url(page, outsider_child)).status_code == NOT_FOUND
    sign_in(client, class_teacher_5b)
    assert client.get(url(page, outsider_child)).status_code == OK
    assert client.get(url(page, vasya)).status_code == NOT_FOUND


@pytest.mark.parametrize("page", PAGES)
def test_the_deputy_and_the_director_open_every_diary_of_their_school(
        client, page, deputy, director, vasya, masha, outsider_child):
    for user in (deputy, director):
        sign_in(client, user)
        for student in (vasya, masha, outsider_child):
            assert client.get(url(page, student)).status_code == OK


@pytest.mark.parametrize("page", PAGES)
def test_a_second_teacher_opens_the_journals_diaries_and_checkers_do_not(
        client, page, small_school, school, deputy, vasya, outsider_child):
    co_teacher, inspector, checker = (
        make_staff(school, login, last, "Вера") for login, last in (
            ("soavtor", "Соавторова"), ("inspektor", "Инспекторова"), ("metodist", "Методистова")))
    grant(deputy, CO_KEEP_JOURNAL, small_school.maths_5a, co_teacher)
    grant(deputy, INSPECT_JOURNAL, small_school.maths_5a, inspector, expires_on=TODAY)
    grant(deputy, CHECK_CLASS_JOURNALS, small_school.class_5a, checker)
    grant(deputy, CHECK_SUBJECT_JOURNALS, small_school.maths, checker)
    sign_in(client, co_teacher)
    assert client.get(url(page, vasya)).status_code == OK
    assert client.get(url(page, outsider_child)).status_code == NOT_FOUND
    for user in (inspector, checker):
        sign_in(client, user)
        assert client.get(url(page, vasya)).status_code == NOT_FOUND


@pytest.mark.parametrize("page", PAGES)
def test_the_administrator_is_not_a_reader_of_diaries(client, page, administrator, vasya):
    sign_in(client, administrator)
    assert client.get(url(page, vasya)).status_code == NOT_FOUND


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, page, vasya):
    response = client.get(url(page, vasya))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", PAGES)
def test_a_missing_id_answers_like_a_foreign_one(client, page, parent, vasya):
    sign_in(client, parent)
    missing = type(vasya)(pk=vasya.pk + 1000)
    assert client.get(url(page, missing)).status_code == NOT_FOUND


def test_a_departed_student_leaves_their_teachers_view(client, teacher, vasya):
    vasya.enrolments.update(left_on="2026-11-01")
    sign_in(client, teacher)
    assert client.get(url("diary:week", vasya)).status_code == NOT_FOUND


def test_an_inactive_parent_sees_nothing(parent, vasya):
    parent.is_active = False
    parent.save()
    assert not students_visible_to(parent).exists()


def test_staff_see_the_family_banner_and_families_do_not(client, parent, deputy, vasya):
    banner = "Так дневник видят родители и обучающийся"
    assert banner not in sign_in(client, parent).get(url("diary:week", vasya)).content.decode()
    assert banner in sign_in(client, deputy).get(url("diary:week", vasya)).content.decode()


def test_the_diary_index_takes_a_parent_to_their_first_child(client, parent, vasya):
    response = sign_in(client, parent).get(reverse("diary:index"))
    assert response.status_code == 302
    assert response["Location"] == url("diary:week", vasya)


def test_the_diary_index_takes_a_student_to_themself(client, masha):
    response = sign_in(client, masha.user).get(reverse("diary:index"))
    assert response["Location"] == url("diary:week", masha)


def test_the_diary_index_lists_the_class_teachers_students(client, class_teacher, vasya,
                                                           classmate, outsider_child):
    page = sign_in(client, class_teacher).get(reverse("diary:index")).content.decode()
    assert url("diary:week", vasya) in page
    assert url("diary:week", classmate) in page
    assert url("diary:week", outsider_child) not in page


def test_the_diary_index_is_not_found_for_the_administrator(client, administrator, vasya):
    assert sign_in(client, administrator).get(reverse("diary:index")).status_code == NOT_FOUND


def test_a_parent_switches_between_children_and_a_student_has_no_switcher(client, parent,
                                                                          vasya, masha):
    page = sign_in(client, parent).get(url("diary:marks", vasya)).content.decode()
    assert 'data-testid="child-switcher"' in page
    assert url("diary:marks", masha) in page
    page = sign_in(client, vasya.user).get(url("diary:marks", vasya)).content.decode()
    assert 'data-testid="child-switcher"' not in page

