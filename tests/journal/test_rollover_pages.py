"""The year rollover's pages: the wizard (only the administrator and the deputy director open
it; each step keeps what was typed going back and forth; a wrong step stays with its Russian
message and writes nothing; the whole wizard by POSTs), the rollover's record and its PDF, and
the deputy director's draft journals of the new year."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.forms import BaseFormSet
from django.test import Client
from django.urls import reverse

from accounts.models import StaffRole
from accounts.roles import Role
from journal.models import (
    AcademicDebt,
    AcademicYear,
    ClassListConfirmation,
    Enrolment,
    RolloverDecision,
    SchoolClass,
    TeachingAssignment,
    YearRollover,
)
from journal.permissions import access_assignment
from journal.services.class_lists import class_list
from tests.accounts.families_setup import assert_fonts_embedded, needs_poppler, pdf_text
from tests.conftest import built_once, make_parent, make_staff
from tests.journal.rollover_setup import NOW, ORDER_DATE, build_rollover_school

Kind = RolloverDecision.Kind
ORDER = "45-у"

built = built_once(build_rollover_school, NOW)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _late_august():
    with time_machine.travel(NOW, tick=False):
        yield


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def step_url(number: int) -> str:
    return reverse("journal:rollover_step", args=[number])


def data_of(*forms, **extra) -> dict:
    """What the browser would send for the forms (and formsets) as the page shows them."""
    data = {}
    for item in forms:
        if isinstance(item, BaseFormSet):
            management = item.management_form
            data.update({management[name].html_name: management[name].value()
                         for name in management.fields})
            parts = item.forms
        else:
            parts = [item]
        for form in parts:
            for field in form:
                value = field.value()
                if isinstance(value, dt.date):
                    value = f"{value:%d.%m.%Y}"
                if value is True:
                    value = "on"
                if value not in (None, False, ""):
                    data[field.html_name] = value
    return {**data, **extra}


def begin(client: Client):
    return client.post(reverse("journal:rollover"), {"action": "begin"})


def through_step_1(client: Client):
    begin(client)
    return client.post(step_url(1), {"accept_warnings": "on", "go": "next"})


def post_step(client: Client, number: int, change=None, **extra):
    """The step's page as shown, `change(data)` applied, sent forward."""
    page = client.get(step_url(number))
    assert page.status_code == 200, page.content.decode()[:2000]
    context = page.context
    forms = {2: ("form", "periods", "holidays"), 3: ("formset",), 4: ("form",)}[number]
    data = data_of(*(context[name] for name in forms), go="next", **extra)
    if change:
        change(data)
    return client.post(step_url(number), data)


def decide(client: Client, school_class: SchoolClass, student, **decision):
    """Step 4's page of one class: one student's decision changed and saved."""
    page = client.get(reverse("journal:rollover_class", args=[school_class.pk]))
    formset = page.context["formset"]
    data = data_of(formset)
    (form,) = [f for f in formset if f.initial["student_id"] == student.pk]
    for name, value in decision.items():
        data[form[name].html_name] = value
    if not decision.get("debts"):
        data.pop(form["debts"].html_name, None)
    return client.post(reverse("journal:rollover_class", args=[school_class.pk]), data)


def run_wizard(client: Client, built):
    """The whole wizard as the administrator would leave it: Двойкин repeats the year in the
    new 5А, Неаттестов goes up conditionally with a debt in Russian (the proposal)."""
    through_step_1(client)
    assert post_step(client, 2).status_code == 302
    assert post_step(client, 3).status_code == 302
    saved = decide(client, built.small.class_5a, built.dvoikin, kind=Kind.REPEAT,
                   to_class_key="5А")
    assert saved.status_code == 302, saved.content.decode()[:3000]
    moved = post_step(client, 4, order_number=ORDER, order_date=f"{ORDER_DATE:%d.%m.%Y}")
    assert moved.status_code == 302, moved.content.decode()[:3000]
    return client.post(step_url(5), {"go": "confirm"})


@pytest.fixture(scope="class")
def rolled(built, django_db_blocker):
    """The school after the deputy director has run the whole wizard, for the tests of one
    class (rolled back after them)."""
    with django_db_blocker.unblock(), transaction.atomic(), \
            time_machine.travel(NOW, tick=False):
        assert run_wizard(client_of(built.deputy), built).status_code == 302
        yield built
        transaction.set_rollback(True)


# Who opens it ---------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["teacher", "secretary", "parent", "director"])
def test_only_the_administrator_and_the_deputy_director_open_the_wizard(built, who):
    school = built.small.school
    user = {"teacher": lambda: built.small.maths_5a.teacher,
            "secretary": lambda: make_staff(school, "secretary", "Григорьева", "Светлана",
                                            role=Role.SECRETARY),
            "parent": lambda: make_parent("petrova", "Петрова", "Наталья", "Андреевна",
                                          [built.petrov]),
            "director": lambda: make_staff(school, "director", "Директорова", "Марина",
                                           role=Role.DIRECTOR)}[who]()
    client = client_of(user)

    assert client.get(reverse("journal:rollover")).status_code == 404
    assert begin(client).status_code == 404
    assert client.get(step_url(1)).status_code == 404
    assert client.get(reverse("journal:draft_journals")).status_code == 404
    records = client.get(reverse("journal:rollover_records")).status_code
    assert records == (200 if who == "director" else 404)


@pytest.mark.parametrize("who", ["administrator", "deputy"])
def test_the_administrator_and_the_deputy_director_begin_the_wizard(built, who):
    client = client_of(getattr(built, who))

    start = client.get(reverse("journal:rollover"))
    assert start.status_code == 200
    assert "текущий учебный год — <b>2026/2027</b>" in start.content.decode()
    assert client.get(step_url(1)).status_code == 302   # nothing planned yet: to the start
    assert begin(client)["Location"] == step_url(1)
    page = client.get(step_url(1)).content.decode()
    assert "Обучающиеся с годовой «2» или «н/а»: 2" in page
    assert "Продолжить, несмотря на предупреждения" in page
    # A step not reached yet sends back to the furthest one.
    assert client.get(step_url(4))["Location"] == step_url(1)


def test_the_setup_menu_links_the_rollover_for_those_who_run_it(built):
    page = client_of(built.deputy).get(reverse("home")).content.decode()
    assert 'data-testid="nav-rollover"' in page
    page = client_of(built.small.maths_5a.teacher).get(reverse("home")).content.decode()
    assert 'data-testid="nav-rollover"' not in page


# Going back and forth -------------------------------------------------------------------------

def test_warnings_are_passed_only_with_the_tick(built):
    client = client_of(built.deputy)
    begin(client)

    stays = client.post(step_url(1), {"go": "next"})

    assert stays.status_code == 400
    assert "отметьте «Продолжить, несмотря на предупреждения»" in stays.content.decode()
    assert client.post(step_url(1), {"accept_warnings": "on", "go": "next"})["Location"] == \
        step_url(2)


def test_the_steps_keep_what_was_entered_back_and_forth(built):
    client = client_of(built.deputy)
    through_step_1(client)

    def rename(data):
        data["year-name"] = "2027-2028"
        data["holidays-0-name"] = "День единства"

    assert post_step(client, 2, rename)["Location"] == step_url(3)
    back = client.post(step_url(3), {**data_of(client.get(step_url(3)).context["formset"]),
                                     "go": "back"})
    assert back["Location"] == step_url(2)
    page = client.get(step_url(2)).content.decode()
    assert 'value="2027-2028"' in page
    assert 'value="День единства"' in page

    def new_teacher(data):
        data["classes-0-class_teacher_id"] = str(built.deputy.pk)   # 1А → 2А

    assert post_step(client, 2)["Location"] == step_url(3)
    assert post_step(client, 3, new_teacher)["Location"] == step_url(4)
    typed = {"order_number": ORDER, "order_date": "24.08.2027", "go": "back"}
    page = client.get(step_url(4))
    assert client.post(step_url(4), {**data_of(page.context["form"]), **typed})[
        "Location"] == step_url(3)
    assert client.get(step_url(3)).context["formset"].forms[0]["class_teacher_id"].value() == \
        built.deputy.pk
    page = client.get(step_url(4)).content.decode()
    assert f'value="{ORDER}"' in page and 'value="24.08.2027"' in page


def test_a_students_exception_survives_a_change_of_classes(built):
    client = client_of(built.deputy)
    through_step_1(client)
    post_step(client, 2)
    post_step(client, 3)
    decide(client, built.small.class_5a, built.dvoikin, kind=Kind.REPEAT, to_class_key="5А")

    def letter(data):   # 5Б → 6В
        index = next(i for i, f in enumerate(client.get(step_url(3)).context["formset"])
                     if f.initial.get("source_class_id") == built.small.class_5b.pk)
        data[f"classes-{index}-letter"] = "В"

    assert post_step(client, 3, letter)["Location"] == step_url(4)
    plan = client.get(step_url(4)).context["plan"]
    decisions = {row.student_id: (row.kind, row.to_class_key) for row in plan.students}
    assert decisions[built.dvoikin.pk] == (Kind.REPEAT, "5А")
    assert decisions[built.sidorov.pk] == (Kind.PROMOTE, "6В")


# Bad input ------------------------------------------------------------------------------------

def test_a_year_overlapping_the_old_one_stays_at_its_step_and_nothing_is_written(built):
    client = client_of(built.deputy)
    through_step_1(client)
    years = AcademicYear.objects.count()

    def overlap(data):
        data["year-starts_on"] = "01.08.2027"

    stays = post_step(client, 2, overlap)

    assert stays.status_code == 400
    assert "годы не должны пересекаться" in stays.content.decode()
    assert AcademicYear.objects.count() == years
    assert client.get(step_url(3))["Location"] == step_url(2)


def test_a_date_that_is_not_a_date_is_refused_in_russian(built):
    client = client_of(built.deputy)
    through_step_1(client)

    def garbage(data):
        data["periods-0-ends_on"] = "31.02.2028"

    stays = post_step(client, 2, garbage)

    assert stays.status_code == 400
    assert "Введите дату в виде ДД.ММ.ГГГГ" in stays.content.decode()


def test_a_class_promoted_into_a_letter_taken_is_refused_at_step_3(built):
    client = client_of(built.deputy)
    through_step_1(client)
    post_step(client, 2)

    def same_letter(data):   # 5Б → 6А, where 5А goes
        formset = client.get(step_url(3)).context["formset"]
        index = next(i for i, f in enumerate(formset)
                     if f.initial.get("source_class_id") == built.small.class_5b.pk)
        data[f"classes-{index}-letter"] = "А"

    stays = post_step(client, 3, same_letter)

    assert stays.status_code == 400
    assert "Класс 6А в новом году уже есть" in stays.content.decode()
    assert SchoolClass.objects.filter(grade=6).count() == 0


def test_the_order_needs_a_number_and_a_date_within_the_year(built):
    client = client_of(built.deputy)
    through_step_1(client)
    post_step(client, 2)
    post_step(client, 3)

    stays = post_step(client, 4, order_number="", order_date="01.09.2027")

    page = stays.content.decode()
    assert stays.status_code == 400
    assert "Укажите номер приказа о переводе обучающихся." in page
    assert "Дата приказа 01.09.2027 вне закрываемого учебного года" in page
    assert client.get(step_url(5))["Location"] == step_url(4)


def test_a_student_cannot_be_promoted_past_the_target_grade(built):
    client = client_of(built.deputy)
    through_step_1(client)
    post_step(client, 2)
    post_step(client, 3)

    stays = decide(client, built.small.class_5a, built.petrov, kind=Kind.PROMOTE,
                   to_class_key="11А")

    assert stays.status_code == 400
    assert "Петров Иван: при решении «переведён в следующий класс» из 5А класса переводят в " \
           "6-й класс, а не в 11А." in stays.content.decode()


def test_a_class_decision_never_promotes_a_student_with_a_two(built):
    client = client_of(built.deputy)
    through_step_1(client)
    post_step(client, 2)
    post_step(client, 3)
    page = client.get(step_url(4))
    class_5a = built.small.class_5a.pk
    data = data_of(page.context["form"], order_number=ORDER, order_date="24.08.2027",
                   go="next", **{f"kind_{class_5a}": Kind.TRANSFER_OUT, f"to_{class_5a}": ""})

    client.post(step_url(4), data)
    data.update({f"kind_{class_5a}": Kind.PROMOTE, f"to_{class_5a}": "6А"})
    client.post(step_url(4), data)

    plan = client.get(step_url(4)).context["plan"]
    kinds = {row.student_id: row.kind for row in plan.students}
    assert kinds[built.petrov.pk] == Kind.PROMOTE
    assert kinds[built.dvoikin.pk] == Kind.CONDITIONAL
    assert kinds[built.neattestov.pk] == Kind.CONDITIONAL


def test_unconfirmed_class_lists_keep_the_rollover_at_step_4_when_the_school_asks_for_them(
        built):
    school = built.small.school
    school.class_teachers_confirm_lists = True
    school.save(update_fields=["class_teachers_confirm_lists"])
    client = client_of(built.deputy)
    through_step_1(client)
    post_step(client, 2)
    post_step(client, 3)
    for school_class in SchoolClass.objects.filter(year=built.year).exclude(
            pk=built.small.class_5b.pk):
        ClassListConfirmation.objects.create(school_class=school_class, by=built.deputy,
                                             students=class_list(school_class).decisions)

    stays = post_step(client, 4, order_number=ORDER, order_date="24.08.2027")

    page = stays.content.decode()
    assert stays.status_code == 400
    assert "Классные руководители не подтвердили списки классов: 5Б." in page
    assert page.count('data-testid="list-unconfirmed"') == 1
    assert page.count('data-testid="list-confirmed"') == 6


# The whole wizard -----------------------------------------------------------------------------

def test_the_whole_wizard_opens_the_new_year_and_shows_its_record(built):
    school = built
    client = client_of(school.administrator)

    done = run_wizard(client, school)

    rollover = YearRollover.objects.get()
    assert done["Location"] == reverse("journal:rollover_record", args=[rollover.pk])
    new_year = AcademicYear.objects.get(is_current=True)
    assert new_year.name == "2027/2028" and rollover.to_year == new_year
    class_6a = SchoolClass.objects.get(year=new_year, grade=6, letter="А")
    assert set(Enrolment.objects.filter(school_class=class_6a).values_list(
        "student", flat=True)) == {school.petrov.pk, school.neattestov.pk}
    assert Enrolment.objects.get(student=school.dvoikin,
                                 school_class__year=new_year).school_class.grade == 5
    assert AcademicDebt.objects.get(student=school.neattestov).subject == school.small.russian
    page = client.get(done["Location"]).content.decode()
    assert f"№ {ORDER} от 24.08.2027" in page
    assert "оставлен на повторное обучение</td><td class=\"text-end\" " \
           "data-testid=\"record-count\">1</td>" in page
    assert "Неаттестов Иван" in page
    # The year is closed: the wizard now plans the next one, and the record stays listed.
    start = client.get(reverse("journal:rollover")).content.decode()
    assert "текущий учебный год — <b>2027/2028</b>" in start
    assert "2026/2027 → 2027/2028" in start


def test_the_wizard_of_a_year_rolled_over_meanwhile_refuses_in_russian(built):
    school = built
    first, second = client_of(school.administrator), client_of(school.deputy)
    through_step_1(second)
    post_step(second, 2)
    post_step(second, 3)
    post_step(second, 4, order_number=ORDER, order_date="24.08.2027")
    assert run_wizard(first, school).status_code == 302

    late = second.post(step_url(5), {"go": "confirm"})

    assert late["Location"] == reverse("journal:rollover_record",
                                       args=[YearRollover.objects.get().pk])
    assert YearRollover.objects.count() == 1


# The record -----------------------------------------------------------------------------------

class TestAfterTheRollover:
    """Read the school after one rollover (`rolled`)."""

    def test_the_record_lists_each_students_decision_by_class(self, rolled):
        rollover = YearRollover.objects.get()
        client = client_of(rolled.deputy)

        page = client.get(reverse("journal:rollover_record", args=[rollover.pk]))

        text = page.content.decode()
        assert page.status_code == 200
        assert "Завьялова Елена Викторовна" in text
        assert text.count('data-testid="record-decision"') == 9
        assert "Русский язык" in text   # Неаттестов's debt
        assert client_of(rolled.small.maths_5a.teacher).get(
            reverse("journal:rollover_record", args=[rollover.pk])).status_code == 404

    def test_the_record_costs_a_fixed_number_of_queries(self, rolled,
                                                         django_assert_num_queries):
        rollover = YearRollover.objects.get()
        client = client_of(rolled.deputy)
        url = reverse("journal:rollover_record", args=[rollover.pk])
        client.get(url)

        # The session, the user, the school, the record, its decisions with their debts, the
        # drafts: not a query per class or per student (the menu's roles come from the cache).
        with django_assert_num_queries(7):
            client.get(url)

    def test_the_records_page_lists_past_rollovers_for_the_director(self, rolled):
        director = make_staff(rolled.small.school, "director", "Директорова", "Марина",
                              role=Role.DIRECTOR)

        page = client_of(director).get(reverse("journal:rollover_records")).content.decode()

        assert "2026/2027 → 2027/2028" in page
        assert f"приказ № {ORDER} от 24.08.2027" in page

    @needs_poppler
    def test_the_record_prints_with_the_order_and_the_students(self, rolled):
        rollover = YearRollover.objects.get()

        response = client_of(rolled.deputy).get(reverse("journal:rollover_print",
                                                        args=[rollover.pk]))

        assert response["Content-Type"] == "application/pdf"
        text = pdf_text(response.content)
        assert f"№ {ORDER} от 24.08.2027" in text
        assert "Двойкин Иван" in text
        assert "стр. 1" in text
        assert_fonts_embedded(response.content)

    # Draft journals -------------------------------------------------------------------------------

    def test_the_deputy_director_confirms_a_draft_journal_with_another_teacher(self, rolled):
        drafts = TeachingAssignment.objects.filter(confirmed=False)
        maths_6a = drafts.get(school_class__grade=6, school_class__letter="А",
                              subject=rolled.small.maths)
        other = rolled.small.maths_5b.teacher
        StaffRole.objects.create(user=other, school=rolled.small.school, role=Role.TEACHER)
        client = client_of(rolled.deputy)
        page = client.get(reverse("journal:draft_journals"))
        assert page.content.decode().count('data-testid="draft-row"') == drafts.count()
        data = data_of(page.context["form"], confirm=str(maths_6a.pk))
        data[f"teacher_{maths_6a.pk}"] = str(other.pk)

        done = client.post(reverse("journal:draft_journals"), data)

        assert done["Location"] == reverse("journal:draft_journals")
        maths_6a.refresh_from_db()
        assert (maths_6a.confirmed, maths_6a.teacher) == (True, other)
        assert access_assignment(other, maths_6a.pk)[1].keep
        assert drafts.count() == TeachingAssignment.objects.filter(confirmed=False).count()
        assert client.get(reverse("journal:draft_journals")).content.decode().count(
            'data-testid="draft-row"') == drafts.count()

    def test_confirm_all_confirms_every_draft_or_none(self, rolled):
        client = client_of(rolled.administrator)
        page = client.get(reverse("journal:draft_journals"))
        drafts = TeachingAssignment.objects.filter(confirmed=False).count()

        # Иванов keeps three of them but holds no role in the school: nothing is confirmed.
        refused = client.post(reverse("journal:draft_journals"),
                              data_of(page.context["form"], confirm_all="1"), follow=True)

        text = refused.content.decode()
        assert "Журналы не подтверждены, ничего не изменилось" in text
        assert "6Б Математика: Иванов Сергей Петрович не числится сотрудником этой школы" in text
        assert TeachingAssignment.objects.filter(confirmed=False).count() == drafts
        StaffRole.objects.create(user=rolled.small.maths_5b.teacher, school=rolled.small.school,
                                 role=Role.TEACHER)

        done = client.post(reverse("journal:draft_journals"),
                           data_of(page.context["form"], confirm_all="1"), follow=True)

        assert f"Подтверждено журналов: {drafts}." in done.content.decode()
        assert not TeachingAssignment.objects.filter(confirmed=False).exists()
        assert "Журналов-черновиков нет" in done.content.decode()
