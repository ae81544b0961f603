"""Each role's home page shows its own things only; navigation shows only what a role may use."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Parent, ParentStudent, StaffRole
from journal.models import Lesson, SchoolClass, TeachingAssignment
from journal.services.lessons import generate_lessons
from tests.conftest import PASSWORD

MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def lessons(small_school, weekly_slot):
    generate_lessons(small_school.year)


def home_of(client, user):
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_sign_in_by_login_lands_on_home(client, teacher):
    response = client.post(reverse("login"), {"username": "matveeva", "password": PASSWORD},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Ольга Игоревна" in response.content.decode()


def test_wrong_password_gets_a_russian_message(client, teacher):
    response = client.post(reverse("login"), {"username": "matveeva", "password": "не тот"})
    assert "правильные имя пользователя и пароль" in response.content.decode()


def test_teacher_sees_todays_lessons_and_own_journals(client, teacher, lessons):
    page = home_of(client, teacher)
    assert 'data-section="teacher"' in page
    assert page.count('data-testid="today-lesson"') == 1
    assert page.count('data-testid="my-journal"') == 2  # maths 5А and English 5А group 1
    assert "Русский язык" not in page  # another teacher's journal
    for foreign in ('data-section="checks"', 'data-section="setup"', 'data-section="parent"',
                    "Настройка школы"):
        assert foreign not in page


def test_a_substitute_sees_the_lesson_they_cover(client, substitute, lessons, small_school):
    lesson = Lesson.objects.get(assignment=small_school.maths_5a, date=MONDAY.date())
    lesson.substitute = substitute
    lesson.save()
    page = home_of(client, substitute)
    assert page.count('data-testid="today-lesson"') == 1
    assert "замена за Матвеева О. И." in page
    assert 'data-testid="today-lesson"' not in home_of(client, lesson.assignment.teacher)


def test_class_teacher_sees_their_class(client, class_teacher, children):
    page = home_of(client, class_teacher)
    assert page.count('data-testid="led-class"') == 1
    assert "5А класс — 1 обучающихся" in page


def test_parent_sees_only_their_children(client, parent, outsider_child):
    page = home_of(client, parent)
    assert 'data-section="parent"' in page
    assert page.count('data-testid="child"') == 2
    assert "Петров Василий" in page and "Петрова Мария" in page
    assert "Сидоров" not in page
    for foreign in ('data-section="teacher"', 'data-section="checks"', "Настройка школы",
                    "Загрузка из XLSX"):
        assert foreign not in page


def test_student_sees_their_own_lessons_today(client, children, lessons):
    page = home_of(client, children[0].user)
    assert 'data-section="student"' in page
    assert page.count('data-testid="my-lesson"') == 1
    assert 'data-section="parent"' not in page


def test_deputy_sees_journals_without_topics(client, deputy, lessons):
    page = home_of(client, deputy)
    assert 'data-section="checks"' in page
    assert page.count('data-testid="attention-row"') == 1  # maths 5А: past lessons, no topic
    assert 'data-section="teacher"' not in page


def test_the_deputy_sees_ten_journals_needing_attention_and_may_open_all(
        client, deputy, small_school, django_assert_max_num_queries):
    for letter in "ВГ":
        school_class = SchoolClass.objects.create(year=small_school.year, grade=6, letter=letter)
        for subject in (small_school.maths, small_school.russian, small_school.english):
            TeachingAssignment.objects.create(year=small_school.year, teacher=deputy,
                                              subject=subject, school_class=school_class)
    for assignment in TeachingAssignment.objects.all():
        Lesson.objects.create(assignment=assignment, date=dt.date(2026, 11, 20), number=1)
    page = home_of(client, deputy)
    assert page.count('data-testid="attention-row"') == 10
    assert "Показаны 10 из 12" in page
    assert 'href="?attention=all#checks"' in page
    with django_assert_max_num_queries(16):
        page = client.get(reverse("home"), {"attention": "all"}).content.decode()
    assert page.count('data-testid="attention-row"') == 12
    assert "Показаны все 12" in page and 'data-testid="attention-more"' not in page


def test_administrator_sees_the_setup(client, administrator, small_school):
    page = home_of(client, administrator)
    assert 'data-section="setup"' in page
    assert reverse("admin:journal_timetableslot_changelist") in page
    assert 'data-section="checks"' not in page


def test_a_person_with_several_roles_sees_each_section(client, deputy, small_school, children):
    small_school.maths_5b.teacher = deputy
    small_school.maths_5b.save()
    parent = Parent.objects.create(user=deputy)
    ParentStudent.objects.create(parent=parent, student=children[1], relation="mother")
    page = home_of(client, deputy)
    for section in ("teacher", "checks", "parent"):
        assert f'data-section="{section}"' in page


def test_home_page_runs_a_fixed_number_of_queries(client, teacher, lessons,
                                                  django_assert_max_num_queries):
    client.force_login(teacher)
    with django_assert_max_num_queries(14):
        client.get(reverse("home"))


@pytest.mark.parametrize(("who", "status"), [("teacher", 302), ("parent", 302),
                                             ("administrator", 200), ("deputy", 200)])
def test_only_setup_roles_open_the_setup_screens(client, request, small_school, children, who,
                                                 status):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == status


def test_dispatcher_edits_the_timetable_but_not_people(client, school, small_school):
    from tests.conftest import make_user

    dispatcher = make_user("dispetcher", "Расписанова", "Вера")
    StaffRole.objects.create(user=dispatcher, school=school, role="dispatcher")
    client.force_login(dispatcher)
    assert client.get(reverse("admin:journal_timetableslot_add")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403


def test_a_secretary_enters_people_but_grants_no_roles(client, school, small_school):
    from tests.conftest import make_user

    secretary = make_user("sekretar", "Секретарёва", "Ольга")
    StaffRole.objects.create(user=secretary, school=school, role="secretary")
    client.force_login(secretary)
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    assert client.get(reverse("admin:accounts_staffrole_add")).status_code == 403
    response = client.post(reverse("admin:accounts_staffrole_add"),
                           {"user": secretary.pk, "school": school.pk, "role": "deputy"})
    assert response.status_code == 403
    assert not StaffRole.objects.filter(user=secretary, role="deputy").exists()


def test_no_one_but_a_superuser_reaches_a_superusers_account(client, administrator):
    from accounts.models import User

    root = User.objects.create_superuser("root", "root@example.ru", "корень-2026")
    client.force_login(administrator)
    url = reverse("admin:accounts_user_change", args=[root.pk])
    assert client.get(url).status_code in (302, 404)
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.get(password_url).status_code == 404
