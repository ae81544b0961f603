"""The personal-data officer's pages: the log with its filters and XLSX, consents and refusals,
terminations, logins never used, parents without an application; for the officer only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import PersonalDataEvent, StaffRole, Termination, User
from accounts.roles import Role
from tests.accounts.role_pages_setup import (
    NOW,
    at,
    issue_login,
    log_event,
    make_other_school,
    record_application,
    record_consent,
    signed_in,
)
from tests.conftest import make_parent, make_student, make_user

Kind = PersonalDataEvent.Kind
DPO_PAGES = ["dpo:log", "dpo:log_xlsx", "dpo:consents", "dpo:terminations", "dpo:never_used",
             "dpo:no_application"]


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def other():
    return make_other_school()


@pytest.fixture
def logged(parent, children, class_teacher, teacher, secretary, outsider_parent, other):
    """Three events of school № 7 over three days, one of school № 9."""
    log_event(parent, class_teacher, when=at(dt.date(2026, 11, 20)), what="Карточка родителя",
              changes={"Адрес": ["ул. Ленина, 1", "ул. Мира, 5"], "Телефон": ["", "+7 900 1"]})
    log_event(children[0].user, teacher, Kind.VIEW_DIARY, when=at(dt.date(2026, 11, 21)),
              what="Дневник: неделя")
    log_event(outsider_parent, secretary, Kind.VIEW_DATA, when=at(dt.date(2026, 11, 22)),
              what="Картотека: карточка")
    log_event(other.parent, None, when=at(dt.date(2026, 11, 22)), changes={"Фамилия": ["А", "Б"]})


def page_of(client, user, name: str, **params):
    client.force_login(user)
    return client.get(reverse(name), params)


def subjects_on(response) -> list[str]:
    return [e.subject.full_name for e in response.context["events"]]


def test_the_officer_reads_the_schools_log_newest_first_with_old_and_new_values(
        client, data_officer, logged):
    response = page_of(client, data_officer, "dpo:log")
    assert response.status_code == 200
    page = response.content.decode()
    assert subjects_on(response) == ["Сидоров Олег Иванович", "Петров Василий",
                                     "Петрова Наталья Андреевна"]
    assert "Чужая" not in page  # school № 9's parent
    assert "ул. Ленина, 1" in page and "ул. Мира, 5" in page
    assert "Всего записей: 3" in page
    assert "10.0.0.7" in page
    # The subject's class: Василий in 5А; his mother has children in 1А and 5А.
    rows = {e.subject.full_name: e.subject_classes for e in response.context["events"]}
    assert rows == {"Сидоров Олег Иванович": "5Б", "Петров Василий": "5А",
                    "Петрова Наталья Андреевна": "1А, 5А"}


@pytest.mark.parametrize(("params", "expected"), [
    ({"date_from": "21.11.2026", "date_to": "21.11.2026"}, ["Петров Василий"]),
    ({"date_to": "20.11.2026"}, ["Петрова Наталья Андреевна"]),
    ({"kind": "view_data"}, ["Сидоров Олег Иванович"]),
    ({"actor": "матвеева"}, ["Петров Василий"]),
    ({"subject": "петрова натал"}, ["Петрова Наталья Андреевна"]),
    ({"subject": "petrova"}, ["Петрова Наталья Андреевна"]),
])
def test_the_log_is_narrowed_by_dates_kind_who_and_whose_data(client, data_officer, logged,
                                                               params, expected):
    response = page_of(client, data_officer, "dpo:log", **params)
    assert subjects_on(response) == expected
    assert f"Найдено записей: {len(expected)}" in response.content.decode()


def test_the_log_is_narrowed_to_a_class_with_its_parents(client, data_officer, logged,
                                                         small_school):
    response = page_of(client, data_officer, "dpo:log", school_class=small_school.class_1a.pk)
    assert subjects_on(response) == ["Петрова Наталья Андреевна"]  # Мария's mother
    response = client.get(reverse("dpo:log"), {"school_class": small_school.class_5a.pk})
    assert subjects_on(response) == ["Петров Василий", "Петрова Наталья Андреевна"]


def test_bad_dates_are_named_in_russian_and_no_list_is_shown(client, data_officer, logged):
    response = page_of(client, data_officer, "dpo:log", date_from="31.02.2026",
                       date_to="01.11.2026")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Введите дату в виде ДД.ММ.ГГГГ" in page
    assert 'aria-invalid="true"' in page
    assert 'data-testid="log-row"' not in page
    response = client.get(reverse("dpo:log"), {"date_from": "20.11.2026",
                                                "date_to": "19.11.2026"})
    assert "Дата «по» раньше даты «с»." in response.content.decode()
    download = client.get(reverse("dpo:log_xlsx"), {"date_from": "вчера"})
    assert download["Content-Type"].startswith("text/html")
    assert "Введите дату в виде ДД.ММ.ГГГГ" in download.content.decode()


def test_a_class_of_another_school_in_a_filter_answers_404(client, data_officer, logged, other):
    for name in ("dpo:log", "dpo:log_xlsx", "dpo:consents", "dpo:never_used"):
        response = page_of(client, data_officer, name, school_class=other.school_class.pk)
        assert response.status_code == 404, name


def test_the_log_downloads_as_xlsx_with_typed_dates_and_a_frozen_bold_header(
        client, data_officer, logged, parent, class_teacher):
    log_event(parent, class_teacher, when=at(dt.date(2026, 11, 23), 9),
              changes={"Адрес": ["", "=HYPERLINK(\"http://x\")"]})
    response = page_of(client, data_officer, "dpo:log_xlsx", subject="Петрова")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert 'attachment; filename="personal-data-log-2026-11-23.xlsx"' in \
        response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Дата и время", "Что", "Кто", "Адрес", "Чьи данные"]
    assert header[-3:] == ["Поле", "Было", "Стало"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 16
    assert sheet.column_dimensions["E"].width >= 30
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    # Newest first; the change of 20 November gives one row per field.
    # Local time as written, with no zone (spreadsheets know none).
    assert [r[0] for r in rows] == [at(dt.date(2026, 11, d), h).replace(tzinfo=None)
                                    for d, h in ((23, 9), (20, 12), (20, 12))]
    assert sheet["A2"].is_date and sheet["A2"].number_format == "DD.MM.YYYY HH:MM"
    assert rows[0][-1] == '=HYPERLINK("http://x")' and sheet.cell(2, 10).data_type == "s"
    assert {(r[7], r[8], r[9]) for r in rows[1:]} == {("Адрес", "ул. Ленина, 1", "ул. Мира, 5"),
                                                       ("Телефон", None, "+7 900 1")}
    assert rows[1][2] == "Руднева Анна Павловна" and rows[1][5] == "1А, 5А"


def test_the_log_page_runs_a_fixed_number_of_queries(client, data_officer, parent, teacher,
                                                     children, django_assert_num_queries):
    def count_for(events: int) -> int:
        for n in range(events):
            log_event(children[n % 2].user, teacher, Kind.VIEW_DIARY,
                      when=NOW - dt.timedelta(minutes=n))
        client.force_login(data_officer)
        # The navigation's unread counts cached, as after any first page.
        client.get(reverse("dpo:log"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dpo:log")).status_code == 200
        return len(queries)

    few = count_for(3)
    PersonalDataEvent.objects.all().delete()
    many = count_for(120)  # three pages
    assert few == many
    with django_assert_num_queries(many):
        client.get(reverse("dpo:log"), {"page": 3, "kind": "view_diary", "subject": "Петров"})


def test_consents_show_the_document_in_force_and_parents_with_none(
        client, data_officer, parent, outsider_parent, class_teacher, other):
    record_consent(parent, class_teacher, True, dt.date(2026, 9, 1), "согласие № 12")
    record_consent(parent, class_teacher, False, dt.date(2026, 10, 5), "отказ № 3")
    record_consent(other.parent, class_teacher, True, dt.date(2026, 9, 1), "чужое согласие")
    response = page_of(client, data_officer, "dpo:consents")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('data-testid="consent-row"') == 2
    assert "отказ № 3" in page and "05.10.2026" in page
    assert "согласие № 12" not in page  # replaced by the later refusal
    assert "чужое согласие" not in page
    assert response.context["counts"] == {"given": 0, "refused": 1, "none": 1, "all": 2}
    assert "Петров Василий, 5А" in page  # the parent's children with their classes

    response = client.get(reverse("dpo:consents"), {"status": "none"})
    assert [u.full_name for u, _, _ in response.context["rows"]] == ["Сидоров Олег Иванович"]
    response = client.get(reverse("dpo:consents"), {"status": "refused", "q": "петрова"})
    assert [u.full_name for u, _, _ in response.context["rows"]] == ["Петрова Наталья Андреевна"]


def test_the_consents_page_runs_a_fixed_number_of_queries(client, data_officer, small_school,
                                                          class_teacher, django_assert_num_queries):
    def add_families(count: int, start: int):
        for n in range(start, start + count):
            child = make_student(small_school.school, f"child{n}", "Ученик", f"Номер{n}",
                                 small_school.class_5b)
            mother = make_parent(f"mother{n}", "Мать", f"Номер{n}", "", [child])
            record_consent(mother, class_teacher, n % 2 == 0, dt.date(2026, 9, 1), f"№ {n}")

    add_families(3, 0)
    client.force_login(data_officer)
    # The navigation's unread counts cached, as after any first page.
    client.get(reverse("dpo:consents"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dpo:consents"))
    add_families(60, 3)
    with django_assert_num_queries(len(few)):
        response = client.get(reverse("dpo:consents"))
    assert response.context["page"].paginator.count == 63


def test_terminations_are_listed_with_their_notice_status(client, data_officer, parent,
                                                         outsider_parent, class_teacher):
    Termination.objects.create(user=parent, applicant_name="Петрова Наталья Андреевна",
                               applicant_address="г. Тверь, ул. Мира, 5", reason="Заявление родителя",
                               recorded_by=class_teacher, terminated_on=dt.date(2026, 11, 2),
                               notice_sent_to="petrova@example.ru",
                               notice_sent_at=at(dt.date(2026, 11, 2)))
    Termination.objects.create(user=outsider_parent, applicant_name="Сидоров Олег Иванович",
                               applicant_address="", reason="Выбытие обучающегося",
                               recorded_by=class_teacher, terminated_on=dt.date(2026, 11, 10))
    page = page_of(client, data_officer, "dpo:terminations").content.decode()
    assert page.count('data-testid="termination-row"') == 2
    assert page.index("Сидоров Олег Иванович") < page.index("Петрова Наталья Андреевна")
    assert "г. Тверь, ул. Мира, 5" in page
    assert "отправлено 02.11.2026" in page and "на petrova@example.ru" in page
    assert "не отправлено" in page
    assert page.count('data-testid="notice-pdf"') == 2


def test_logins_never_used_are_listed_by_class(client, data_officer, parent, children,
                                               outsider_parent, outsider_child, class_teacher):
    issue_login(parent, class_teacher, NOW - dt.timedelta(days=10))
    issue_login(children[1].user, class_teacher, NOW - dt.timedelta(days=10))
    issue_login(outsider_parent, class_teacher, NOW - dt.timedelta(days=10))
    signed_in(outsider_parent, NOW - dt.timedelta(days=2))  # used: not listed
    response = page_of(client, data_officer, "dpo:never_used")
    page = response.content.decode()
    headings = [line for line in page.splitlines() if 'data-testid="class-heading"' in line]
    assert [h.split(">")[2].split(" класс")[0] for h in headings] == ["1А", "5А"]
    assert page.count('data-testid="member-row"') == 3  # Мария; her mother under 1А and 5А
    assert "Сидоров" not in page
    assert "Петрова Мария" in page and "мать: Петров Василий" in page
    response = client.get(reverse("dpo:never_used"), {"school_class": children[0].enrolments
                                                      .get().school_class_id})
    assert response.content.decode().count('data-testid="member-row"') == 1


def test_parents_without_an_application_are_listed(client, data_officer, parent, outsider_parent,
                                                   class_teacher):
    record_application(parent, class_teacher, dt.date(2026, 9, 3))
    response = page_of(client, data_officer, "dpo:no_application")
    page = response.content.decode()
    assert page.count('data-testid="member-row"') == 1
    assert "Сидоров Олег Иванович" in page and "Петрова Наталья" not in page
    assert response.context["total"] == 1


@pytest.mark.parametrize("who", ["teacher", "class_teacher", "deputy", "director",
                                 "administrator", "secretary", "diary_coordinator", "parent"])
def test_no_one_but_the_officer_opens_these_pages(client, request, small_school, children, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for name in DPO_PAGES:
        assert client.get(reverse(name)).status_code == 404, name


def test_a_superuser_opens_them_too(client, small_school):
    root = User.objects.create_superuser("root", "root@example.ru", "корень-2026")
    client.force_login(root)
    for name in DPO_PAGES:
        assert client.get(reverse(name)).status_code == 200, name


def test_the_officer_of_another_school_sees_nothing_of_this_one(client, logged, other):
    officer = make_user("dpo9", "Девятый", "Офицер")
    StaffRole.objects.create(user=officer, school=other.school, role=Role.DATA_OFFICER)
    response = page_of(client, officer, "dpo:log")
    assert subjects_on(response) == ["Чужая Ирина Олеговна"]


def test_the_officers_home_page_and_menu_lead_to_the_tools(client, data_officer, teacher,
                                                           small_school):
    client.force_login(data_officer)
    page = client.get(reverse("home")).content.decode()
    assert 'data-section="dpo"' in page and 'data-testid="nav-dpo"' in page
    for name in DPO_PAGES:
        if name != "dpo:log_xlsx":
            assert f'href="{reverse(name)}"' in page, name
    client.force_login(teacher)
    page = client.get(reverse("home")).content.decode()
    assert 'data-section="dpo"' not in page and 'data-testid="nav-dpo"' not in page


@pytest.mark.parametrize("name", ["dpo:never_used", "dpo:no_application", "dpo:terminations"])
def test_the_family_lists_run_a_fixed_number_of_queries(client, data_officer, small_school,
                                                        class_teacher, name,
                                                        django_assert_num_queries):
    def add_families(count: int, start: int):
        for n in range(start, start + count):
            child = make_student(small_school.school, f"child{n}", "Ученик", f"Номер{n}",
                                 [small_school.class_1a, small_school.class_5b][n % 2])
            mother = make_parent(f"mother{n}", "Мать", f"Номер{n}", "", [child])
            issue_login(mother, class_teacher)
            issue_login(child.user, class_teacher)
            if n % 3 == 0:
                Termination.objects.create(user=mother, applicant_name=f"Мать Номер{n}",
                                           applicant_address="", reason="Заявление",
                                           recorded_by=class_teacher)

    add_families(2, 0)
    client.force_login(data_officer)
    # The navigation's unread counts cached, as after any first page.
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name))
    add_families(70, 2)
    with django_assert_num_queries(len(few)):
        response = client.get(reverse(name))
    assert response.context["page"].paginator.count >= 24
