"""Remarks from the journal check: the checker makes one from a finding or as free text, the
addressee marks it fixed, another checker verifies or returns it; every step is kept; nobody
outside the school (or outside the remark) reaches one."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from journal.models import Remark, RemarkStep
from journal.rules import NoAccess
from journal.services.remarks import make_remark
from tests.journal.remarks_setup import (  # noqa: F401  (fixtures)
    NEXT_WEEK,
    TODAY,
    RemarkSchool,
    Status,
    built_fixture,
    frozen_time_fixture,
    remark,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(built) -> RemarkSchool:
    return built


def signed_in(client, user):
    client.force_login(user)
    return client


def new_remark_url(**query) -> str:
    return reverse("journal:remark_new") + ("?" + urlencode(query) if query else "")


def finding_query(s: RemarkSchool) -> dict:
    return {"assignment": s.maths_5a.pk, "finding": "no_topic",
            "text": "Урок 09.11.2026 (2-й) без темы.",
            "link": reverse("journal:lesson", args=[s.lesson.pk]), "check": s.check.pk}


def posted(s: RemarkSchool, **changes) -> dict:
    data = {**finding_query(s), "addressee": s.teacher.pk, "due_on": "23.11.2026"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def step(client, made: Remark, to: str, comment: str = ""):
    return client.post(reverse("journal:remark_step", args=[made.pk]),
                       {"step": to, "comment": comment})


# Making a remark ----------------------------------------------------------------------------

def test_the_form_from_a_finding_offers_the_journals_teacher_or_the_class_teacher(client, s):
    page = signed_in(client, s.deputy).get(new_remark_url(**finding_query(s))).content.decode()
    assert "Урок 09.11.2026 (2-й) без темы." in page
    assert "Уроки без темы" in page  # the finding's name
    assert "Матвеева Ольга Игоревна — учитель журнала" in page
    assert "Руднева Анна Павловна — классный руководитель 5А" in page
    assert "Иванов" not in page  # teaches in the school, not this journal
    assert f'value="{reverse("journal:lesson", args=[s.lesson.pk])}"' in page
    assert 'value="23.11.2026"' in page  # due in a week


def test_a_remark_from_a_finding_is_made_open_with_its_first_step(client, s):
    response = signed_in(client, s.deputy).post(reverse("journal:remark_new"), posted(s))
    made = Remark.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("journal:remark", args=[made.pk])
    assert (made.addressee, made.author, made.status) == (s.teacher, s.deputy, Status.OPEN)
    assert (made.assignment, made.school_class, made.check_run) == (
        s.maths_5a, s.small.class_5a, s.check)
    assert (made.finding, made.due_on) == ("no_topic", NEXT_WEEK)
    assert made.link == reverse("journal:lesson", args=[s.lesson.pk])
    assert [(x.status, x.by) for x in made.steps.all()] == [(Status.OPEN, s.deputy)]
    page = client.get(response.url).content.decode()
    assert "Замечание отправлено: Матвеева Ольга Игоревна, исправить до 23.11.2026." in page


def test_the_director_makes_a_free_remark_to_a_class_teacher_about_her_class(client, s):
    response = signed_in(client, s.director).post(reverse("journal:remark_new"), {
        "addressee": s.class_teacher.pk, "school_class": s.small.class_5a.pk,
        "text": "Не заполнены причины пропусков за октябрь.", "due_on": "30.11.2026"})
    assert response.status_code == 302
    made = Remark.objects.get()
    assert (made.author, made.addressee, made.assignment, made.school_class) == (
        s.director, s.class_teacher, None, s.small.class_5a)


def test_the_free_form_offers_every_teacher_and_class_teacher_of_the_school(client, s):
    page = signed_in(client, s.deputy).get(new_remark_url()).content.decode()
    for name in ("Матвеева Ольга Игоревна", "Руднева Анна Павловна", "Иванов Сергей Петрович",
                 "Крылова Вера Андреевна"):
        assert name in page
    assert "Чужов" not in page and "Завьялова Елена" not in page


@pytest.mark.parametrize(("changes", "error"), [
    ({"due_on": "15.11.2026"}, "Срок исправления не может быть раньше сегодняшнего дня"),
    ({"due_on": "01.09.2027"}, "не позже конца учебного года (31.08.2027)"),
    ({"due_on": "31.02.2026"}, "Введите дату в виде ДД.ММ.ГГГГ"),
    ({"due_on": None}, "Обязательное поле"),
    ({"text": "   "}, "Обязательное поле"),
    ({"addressee": None}, "Обязательное поле"),
    ({"text": "я" * 2001}, "не длиннее 2000 знаков"),
    ({"link": "https://example.com/"}, "Ссылка замечания ведёт только на страницу журнала"),
    ({"link": "javascript:alert(1)"}, "Ссылка замечания ведёт только на страницу журнала"),
    ({"finding": "lost_key"}, "Такого показателя проверки нет."),
])
def test_bad_input_is_refused_in_russian_and_nothing_is_saved(client, s, changes, error):
    response = signed_in(client, s.deputy).post(reverse("journal:remark_new"),
                                                posted(s, **changes))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Remark.objects.exists()


def test_a_remark_about_a_journal_goes_to_its_people_only(client, s):
    response = signed_in(client, s.deputy).post(reverse("journal:remark_new"),
                                                posted(s, addressee=s.ivanov.pk))
    assert response.status_code == 400
    assert ("Замечание по журналу «5А Математика» получает его учитель или классный "
            "руководитель класса.") in response.content.decode()
    assert not Remark.objects.exists()


def test_a_remark_about_a_class_goes_to_someone_who_works_in_it(client, s):
    response = signed_in(client, s.deputy).post(reverse("journal:remark_new"), {
        "addressee": s.ivanov.pk, "school_class": s.small.class_1a.pk, "text": "Проверьте",
        "due_on": "23.11.2026"})
    assert response.status_code == 400
    assert "Иванов С. П. не руководит 1А классом и не ведёт в нём журналов." \
        in response.content.decode()
    assert not Remark.objects.exists()


@pytest.mark.parametrize("field", ["addressee", "assignment", "check", "school_class"])
def test_a_crafted_id_of_another_school_gets_404_and_nothing_is_saved(client, s, field):
    foreign = {"addressee": s.other_teacher.pk, "assignment": s.other_journal.pk,
               "check": s.other_check.pk, "school_class": s.other_journal.school_class_id}
    data = posted(s, **{field: foreign[field]})
    if field == "school_class":
        data.pop("assignment")
    response = signed_in(client, s.deputy).post(reverse("journal:remark_new"), data)
    assert response.status_code == 404
    assert not Remark.objects.exists()


@pytest.mark.parametrize(("name", "value"), [("assignment", "other_journal"),
                                           ("check", "other_check"), ("assignment", "abc")])
def test_a_finding_link_to_another_schools_journal_gets_404(client, s, name, value):
    value = getattr(s, value).pk if hasattr(s, value) else value
    response = signed_in(client, s.deputy).get(new_remark_url(**{name: value}))
    assert response.status_code == 404


def test_a_link_to_another_site_is_not_carried_into_the_form(client, s):
    page = signed_in(client, s.deputy).get(new_remark_url(
        assignment=s.maths_5a.pk, link="https://example.com/")).content.decode()
    assert "example.com" not in page


@pytest.mark.parametrize("who", ["teacher", "class_teacher", "parent"])
def test_only_the_schools_checkers_make_remarks(client, s, who):
    client = signed_in(client, getattr(s, who))
    assert client.get(new_remark_url()).status_code == 404
    assert client.post(reverse("journal:remark_new"), posted(s)).status_code == 404
    assert not Remark.objects.exists()


def test_another_schools_deputy_cannot_address_this_schools_teacher(client, s):
    client = signed_in(client, s.other_deputy)
    assert client.get(new_remark_url(**finding_query(s))).status_code == 404
    assert client.post(reverse("journal:remark_new"), posted(s)).status_code == 404
    assert not Remark.objects.exists()


def test_the_service_itself_refuses_another_schools_journal_person_or_check(s):
    """The form's choices stop a crafted id first; the service holds the rule on its own."""
    base = {"addressee": s.teacher, "text": "Нет темы", "due_on": NEXT_WEEK}
    for extra in ({"assignment": s.other_journal}, {"check": s.other_check},
                  {"school_class": s.other_journal.school_class},
                  {"addressee": s.other_teacher}):
        with pytest.raises(NoAccess):
            make_remark(s.deputy, s.school, **{**base, **extra})
    with pytest.raises(NoAccess):
        make_remark(s.teacher, s.school, **base)  # not a checker
    assert not Remark.objects.exists()


# The steps: who may take which, from which state -------------------------------------------

ALLOWED = {
    # who: {(from, to)} they may take; every other pair is refused with a message
    "teacher": {(Status.OPEN, Status.DONE), (Status.RETURNED, Status.DONE)},
    "deputy": {(Status.DONE, Status.VERIFIED), (Status.DONE, Status.RETURNED)},
    "director": {(Status.DONE, Status.VERIFIED), (Status.DONE, Status.RETURNED)},
}


@pytest.mark.parametrize("who", ["teacher", "deputy", "director"])
@pytest.mark.parametrize("start", list(Status))
@pytest.mark.parametrize("to", [Status.DONE, Status.VERIFIED, Status.RETURNED])
def test_the_transition_matrix(client, s, who, start, to):
    made = remark(s, start)
    response = step(signed_in(client, getattr(s, who)), made, to, comment="Проверено")
    made.refresh_from_db()
    steps = list(made.steps.values_list("status", "by", "comment"))
    if (start, to) in ALLOWED[who]:
        assert response.status_code == 302
        assert made.status == to
        assert steps[-1] == (to, getattr(s, who).pk, "Проверено")
    else:
        assert response.status_code == 400
        assert 'data-testid="remark"' in response.content.decode()
        assert made.status == start
        assert len(steps) == 1


@pytest.mark.parametrize(("who", "start", "to", "message"), [
    ("teacher", Status.OPEN, Status.VERIFIED, "принимает или возвращает другой проверяющий"),
    ("deputy", Status.OPEN, Status.DONE,
     "Отметить замечание исправленным может только тот, кому оно адресовано."),
    ("teacher", Status.DONE, Status.DONE, "Замечание уже отмечено исправленным и ждёт проверки."),
    ("deputy", Status.VERIFIED, Status.RETURNED, "Замечание уже принято"),
    ("deputy", Status.OPEN, Status.VERIFIED, "Замечание ещё не отмечено исправленным"),
])
def test_a_refused_step_says_why(client, s, who, start, to, message):
    response = step(signed_in(client, getattr(s, who)), remark(s, start), to)
    assert message in response.content.decode()


def test_a_return_needs_a_comment(client, s):
    made = remark(s, Status.DONE)
    response = step(signed_in(client, s.deputy), made, Status.RETURNED)
    assert response.status_code == 400
    assert "Напишите, что ещё нужно исправить" in response.content.decode()
    made.refresh_from_db()
    assert made.status == Status.DONE


def test_an_unknown_step_changes_nothing(client, s):
    made = remark(s, Status.DONE)
    response = step(signed_in(client, s.deputy), made, "deleted")
    assert response.status_code == 400
    assert "Такого действия с замечанием нет." in response.content.decode()
    assert made.steps.count() == 1


def test_nobody_verifies_a_remark_made_to_themselves(client, s):
    """A deputy director who teaches gets a remark from the other deputy director; she marks it
    fixed, may not accept it herself, and the director does."""
    made = remark(s, to=s.teaching_deputy, by=s.deputy, assignment=None)
    deputy = signed_in(client, s.teaching_deputy)
    assert step(deputy, made, Status.DONE, "Темы записаны").status_code == 302
    page = deputy.get(reverse("journal:remark", args=[made.pk])).content.decode()
    assert 'data-testid="step-verified"' not in page
    assert 'data-testid="remark-waits"' in page
    response = step(deputy, made, Status.VERIFIED)
    assert response.status_code == 400
    assert "Замечание, адресованное вам, принимает или возвращает другой проверяющий" \
        in response.content.decode()
    assert step(signed_in(client, s.director), made, Status.VERIFIED).status_code == 302
    made.refresh_from_db()
    assert made.status == Status.VERIFIED


def test_the_whole_history_is_kept_and_shown(client, s):
    made = remark(s)
    teacher = signed_in(client, s.teacher)
    step(teacher, made, Status.DONE, "Тема записана")
    step(signed_in(client, s.deputy), made, Status.RETURNED, "Нет домашнего задания")
    step(signed_in(client, s.teacher), made, Status.DONE)
    step(signed_in(client, s.director), made, Status.VERIFIED, "Принято")
    assert list(RemarkStep.objects.filter(remark=made).values_list("status", "by", "comment")) \
        == [(Status.OPEN, s.deputy.pk, ""), (Status.DONE, s.teacher.pk, "Тема записана"),
            (Status.RETURNED, s.deputy.pk, "Нет домашнего задания"),
            (Status.DONE, s.teacher.pk, ""), (Status.VERIFIED, s.director.pk, "Принято")]
    page = signed_in(client, s.teacher).get(reverse("journal:remark", args=[made.pk]))
    text = page.content.decode()
    assert text.count('data-testid="remark-step"') == 5
    for line in ("Замечание сделано", "Отмечено исправленным", "Возвращено на доработку",
                 "Принято", "Нет домашнего задания", "Завьялова Елена Викторовна",
                 "Директорова Марина Львовна", "16.11.2026 10:00"):
        assert line in text
    assert 'data-testid="remark-actions"' not in text  # closed


# Who sees what -----------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "status"), [
    ("teacher", 200), ("deputy", 200), ("director", 200), ("teaching_deputy", 200),
    ("class_teacher", 404), ("ivanov", 404), ("parent", 404), ("other_deputy", 404),
    ("other_teacher", 404),
])
def test_a_remark_is_seen_by_its_addressee_and_the_schools_checkers_only(client, s, who,
                                                                         status):
    made = remark(s)
    client = signed_in(client, getattr(s, who))
    assert client.get(reverse("journal:remark", args=[made.pk])).status_code == status
    if status == 404:
        assert step(client, made, Status.DONE).status_code == 404
        assert step(client, remark(s, Status.DONE), Status.VERIFIED).status_code == 404


def test_another_schools_remark_is_404_to_this_schools_deputy(client, s):
    foreign = remark(s, school=s.other_journal.year.school, to=s.other_teacher,
                     by=s.other_deputy, assignment=s.other_journal)
    client = signed_in(client, s.deputy)
    assert client.get(reverse("journal:remark", args=[foreign.pk])).status_code == 404
    assert step(client, foreign, Status.DONE).status_code == 404
    assert signed_in(client, s.other_deputy).get(
        reverse("journal:remark", args=[foreign.pk])).status_code == 200


def test_the_remark_page_links_to_the_journal_behind_it(client, s):
    link = reverse("journal:lesson", args=[s.lesson.pk])
    made = remark(s, link=link, finding="no_topic")
    page = signed_in(client, s.teacher).get(reverse("journal:remark", args=[made.pk]))
    assert f'href="{link}" data-testid="remark-target"' in page.content.decode()
    assert "Уроки без темы" in page.content.decode()
    plain = remark(s)
    page = client.get(reverse("journal:remark", args=[plain.pk])).content.decode()
    assert f'href="{reverse("journal:journal", args=[s.maths_5a.pk])}"' in page


def test_the_teachers_list_has_their_own_remarks_only(client, s, django_assert_max_num_queries):
    mine = [remark(s), remark(s, Status.VERIFIED)]
    remark(s, to=s.class_teacher, assignment=None)
    client = signed_in(client, s.teacher)
    with django_assert_max_num_queries(7):  # the same for any number of remarks
        page = client.get(reverse("journal:my_remarks")).content.decode()
    assert page.count('data-testid="remark-row"') == 2
    for made in mine:
        assert f'data-remark="{made.pk}"' in page


def test_a_parent_has_no_list_of_remarks(client, s):
    assert signed_in(client, s.parent).get(reverse("journal:my_remarks")).status_code == 404


@pytest.mark.parametrize("who", ["teacher", "class_teacher", "parent", "other_teacher"])
def test_only_checkers_open_the_schools_list(client, s, who):
    assert signed_in(client, getattr(s, who)).get(reverse("journal:remarks")).status_code == 404


def test_the_checkers_list_and_its_filters(client, s, django_assert_max_num_queries):
    late = remark(s, due_on=dt.date(2026, 11, 13))          # overdue
    waiting = remark(s, Status.DONE, due_on=dt.date(2026, 11, 13))  # done: not overdue
    to_class_teacher = remark(s, to=s.class_teacher, assignment=None,
                              school_class=s.small.class_1a, check_run=s.check)
    remark(s, school=s.other_journal.year.school, to=s.other_teacher, by=s.other_deputy,
           assignment=s.other_journal)
    client = signed_in(client, s.deputy)
    url = reverse("journal:remarks")

    def listed(**query) -> list[int]:
        page = client.get(url, query).content.decode()
        return [m.pk for m in (late, waiting, to_class_teacher) if f'data-remark="{m.pk}"' in page]

    with django_assert_max_num_queries(11):  # the same for any number of remarks
        page = client.get(url).content.decode()
    assert page.count('data-testid="remark-row"') == 3  # not the other school's
    assert page.index(f'data-remark="{waiting.pk}"') < page.index(f'data-remark="{late.pk}"')
    assert listed(status=Status.DONE) == [waiting.pk]
    assert listed(overdue="1") == [late.pk]
    assert listed(addressee=s.class_teacher.pk) == [to_class_teacher.pk]
    assert listed(school_class=s.small.class_5a.pk) == [late.pk, waiting.pk]
    assert listed(check=s.check.pk) == [to_class_teacher.pk]
    assert client.get(url, {"addressee": s.other_teacher.pk}).status_code == 404
    assert client.get(url, {"check": s.other_check.pk}).status_code == 404
    page = client.get(url, {"status": "lost"}).content.decode()
    assert 'data-testid="filter-errors"' in page
    assert page.count('data-testid="remark-row"') == 3
    assert "просрочено" in client.get(url, {"overdue": "1"}).content.decode()


# The home page is the notice -----------------------------------------------------------------

def test_the_addressee_sees_remarks_to_fix_on_the_home_page(client, s,
                                                            django_assert_max_num_queries):
    late = remark(s, due_on=dt.date(2026, 11, 13))
    returned = remark(s, Status.RETURNED)
    done = remark(s, Status.DONE)
    closed = remark(s, Status.VERIFIED)
    client = signed_in(client, s.teacher)
    with django_assert_max_num_queries(13):  # one query for the remarks, however many
        page = client.get(reverse("home")).content.decode()
    assert 'data-section="remarks"' in page
    assert page.count('data-testid="home-remark"') == 2
    for made in (late, returned):
        assert f'data-remark="{made.pk}"' in page
    for made in (done, closed):
        assert f'data-remark="{made.pk}"' not in page
    assert page.count('data-testid="remark-overdue"') == 1
    assert "13.11.2026" in page and "возвращено" in page
    assert "Отмечены исправленными и ждут проверки: 1." in page


def test_a_teacher_with_nothing_to_fix_sees_no_remarks_section(client, s):
    remark(s, Status.VERIFIED)
    page = signed_in(client, s.teacher).get(reverse("home")).content.decode()
    assert 'data-section="remarks"' not in page
    page = signed_in(client, s.class_teacher).get(reverse("home")).content.decode()
    assert 'data-section="remarks"' not in page


def test_the_checkers_see_the_remarks_waiting_for_verification(client, s,
                                                               django_assert_max_num_queries):
    waiting = remark(s, Status.DONE)
    remark(s)
    own = remark(s, Status.DONE, to=s.teaching_deputy, assignment=None)
    client = signed_in(client, s.director)
    with django_assert_max_num_queries(14):  # one query for the remarks, however many
        page = client.get(reverse("home")).content.decode()
    assert 'data-section="remarks-to-verify"' in page
    assert page.count('data-testid="home-remark-to-verify"') == 2
    page = signed_in(client, s.teaching_deputy).get(reverse("home")).content.decode()
    assert page.count('data-testid="home-remark-to-verify"') == 1  # not her own
    assert f'data-remark="{waiting.pk}"' in page
    assert f'data-remark="{own.pk}"' not in page
    assert "Отмечены исправленными и ждут проверки: 1." in page  # hers, as the addressee
