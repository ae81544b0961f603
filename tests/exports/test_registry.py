"""The registry and who runs what: the reports page lists what the user may run; a teacher runs
reports of the classes they teach from their own journals, a class teacher for their class, the
deputy director and the director for any class, grade or the whole school; parents, students
and other staff get 404, and so does a class, grade or period that was never offered. Bad
input is told in Russian and changes nothing."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from exports.access import report_rights
from exports.forms import ReportForm
from exports.models import ReportRun
from exports.registry import REGISTRY, Exporter, exporter_of, exporters, register
from exports.table import Column, Kind, Table
from tests.conftest import make_staff
from tests.exports.reports_setup import (  # noqa: F401 (fixtures)
    TODAY,
    built_fixture,
    frozen_time_fixture,
)

pytestmark = pytest.mark.django_db
MINE = {"class_sizes", "attendance", "attendance_statement"}


def url(key: str) -> str:
    return reverse("exports:report", args=[key])


def posted(client, user, key: str, **fields):
    client.force_login(user)
    return client.post(url(key), {"format": "screen", **fields})


def test_every_report_module_registers_its_class_under_its_key():
    keys = [exporter.key for exporter in exporters()]

    assert MINE <= set(keys)
    assert len(keys) == len(set(keys))
    assert exporter_of("attendance").title == "Посещаемость"
    assert exporter_of("no-such-report") is None


def test_a_new_report_is_one_class(client, built):
    @register
    class Hello(Exporter):
        key = "test_hello"
        title = "Проверка"

        def table(self, params):
            return Table(self.title, [Column("Класс"), Column("Дней", Kind.INT)],
                         [[str(params.scope.school_class), 42]])

    try:
        assert exporter_of("test_hello").title == "Проверка"
        client.force_login(built.deputy)
        assert 'data-testid="report-test_hello"' in client.get(
            reverse("exports:index")).content.decode()
        fields = {"scope": "class", "school_class": built.class_5a.pk, "period": built.q2.pk}
        page = posted(client, built.deputy, "test_hello", **fields).content.decode()
        assert '<td class="text-end text-nowrap" data-label="Дней">42</td>' in page
        response = client.post(url("test_hello"), {**fields, "format": "xlsx"})
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        assert [[cell.value for cell in row] for row in sheet.rows] == [
            ["Класс", "Дней"], ["5А", 42]]
        assert client.get(url("test_hello")).status_code == 200
        client.force_login(built.class_teacher)  # the default audiences: their class only
        assert posted(client, built.class_teacher, "test_hello", **fields).status_code == 200
        client.force_login(built.teacher)
        assert client.get(url("test_hello")).status_code == 404
    finally:
        del REGISTRY["test_hello"]


# Who sees what ------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "shown"), [
    ("teacher", {"attendance"}),
    ("class_teacher", MINE),
    ("deputy", MINE),
    ("director", MINE),
])
def test_the_reports_page_lists_what_the_user_may_run(client, built, who, shown):
    client.force_login(getattr(built, who))
    page = client.get(reverse("exports:index")).content.decode()

    listed = {key for key in MINE if f'data-testid="report-{key}"' in page}
    assert listed == shown
    assert 'data-testid="nav-reports"' in page


@pytest.mark.parametrize("who", ["parent", "vasya", "administrator"])
def test_families_and_other_staff_have_no_reports(client, built, who):
    user = getattr(built, who)
    client.force_login(getattr(user, "user", user))

    assert client.get(reverse("exports:index")).status_code == 404
    for key in MINE:
        assert client.get(url(key)).status_code == 404
    assert 'data-testid="nav-reports"' not in client.get(reverse("home")).content.decode()


def test_a_teacher_without_journals_is_not_offered_reports(client, built):
    newcomer = make_staff(built.small.school, "novichok", "Новикова", "Ольга")
    client.force_login(newcomer)

    assert client.get(reverse("exports:index")).status_code == 404
    assert 'data-testid="nav-reports"' not in client.get(reverse("home")).content.decode()


def test_a_teacher_may_not_open_a_report_for_class_teachers(client, built):
    client.force_login(built.teacher)

    assert client.get(url("class_sizes")).status_code == 404
    assert client.get(url("attendance")).status_code == 200


def test_the_class_teacher_is_offered_only_their_class_and_no_grade_or_school(built):
    rights = report_rights(built.class_teacher)
    form = ReportForm(exporter=exporter_of("class_sizes"), rights=rights, today=TODAY)

    assert list(form.fields["school_class"].queryset) == [built.class_5a]
    assert form.fields["scope"].choices == [("class", "Класс")]
    assert form["scope"].is_hidden
    offered = [str(label) for value, label in form.fields["period"].widget.choices if value]
    assert len(offered) == 4 and all("четверть" in label for label in offered)  # no halves
    assert form.initial["period"] == built.q2.pk


def test_the_deputy_is_offered_every_class_grade_and_the_school(built):
    form = ReportForm(exporter=exporter_of("class_sizes"), rights=report_rights(built.deputy),
                      today=TODAY)

    assert [str(c) for c in form.fields["school_class"].queryset] == ["1А", "5А", "5Б", "10А"]
    assert [value for value, _ in form.fields["grade"].choices] == ["", 1, 5, 10]
    assert [value for value, _ in form.fields["scope"].choices] == ["class", "grade", "school"]
    assert form.initial["period"] == built.q2.pk
    offered = [str(label) for value, label in form.fields["period"].widget.choices if value]
    assert "2-я четверть (1–9 кл.): 05.11.2026–28.12.2026" in offered
    assert not any("2025" in label for label in offered)


@pytest.mark.parametrize(("who", "fields"), [
    ("class_teacher", {"scope": "class", "school_class": "class_5b"}),    # another class
    ("class_teacher", {"scope": "school"}),                               # not offered
    ("class_teacher_5b", {"scope": "class", "school_class": "class_5a"}),
    ("deputy", {"scope": "class", "school_class": "other_class"}),        # another school
    ("deputy", {"scope": "grade", "grade": "7"}),                         # no such grade
    ("deputy", {"scope": "school", "period": "other_period"}),            # another school's
    ("teacher", {"scope": "class", "school_class": "class_5b"}),          # not taught
    ("teacher", {"scope": "grade", "grade": "5"}),
])
def test_a_crafted_class_grade_or_period_is_not_found(client, built, who, fields):
    ids = {"class_5a": built.class_5a.pk, "class_5b": built.class_5b.pk,
           "other_class": built.other.school_class.pk, "other_period": built.other_period.pk}
    data = {"period": built.q2.pk, **{k: ids.get(v, v) for k, v in fields.items()}}
    if data["period"] == built.other_period.pk:
        data |= {"date_from": "", "date_to": ""}

    assert posted(client, getattr(built, who), "attendance", **data).status_code == 404
    assert not ReportRun.objects.exists()


def test_a_teacher_runs_attendance_from_their_own_journals(client, built):
    response = posted(client, built.teacher, "attendance", scope="class",
                      school_class=built.class_5a.pk, period=built.q2.pk, by="student")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Учтены только ваши журналы" in page
    assert '<td class="text-end text-nowrap" data-label="Уроков пропущено">4</td>' in page


def test_the_class_teacher_runs_it_over_every_journal_of_the_class(client, built):
    response = posted(client, built.class_teacher, "attendance", scope="class",
                      school_class=built.class_5a.pk, period=built.q2.pk, by="student")

    page = response.content.decode()
    assert "День пропущен" in page and "Учтены только ваши журналы" not in page
    assert '<td class="text-end text-nowrap" data-label="Уроков пропущено">7</td>' in page


# Bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"period": "last_year"}, "period",
     "относится к 2025/2026 учебному году, а отчёт составляется за 2026/2027"),
    ({"period": ""}, "date_from", "Выберите учебный период или укажите даты «с» и «по»."),
    ({"period": "", "date_from": "20.12.2026", "date_to": "01.12.2026"}, "date_to",
     "Дата «по» раньше даты «с»."),
    ({"period": "", "date_from": "01.08.2026", "date_to": "01.12.2026"}, "date_from",
     "Даты должны быть в пределах 2026/2027 учебного года: с 01.09.2026 по 31.08.2027."),
    ({"period": "", "date_from": "31.02.2026", "date_to": "01.12.2026"}, "date_from",
     "Введите дату в виде ДД.ММ.ГГГГ"),
    ({"scope": "class", "school_class": ""}, "school_class", "Выберите класс."),
    ({"scope": "grade", "grade": ""}, "grade", "Выберите параллель."),
    ({"scope": "class", "school_class": "10a"}, "period",
     "«2-я четверть (1–9 кл.)» — период 1–9 классов, а не 10-х."),
])
def test_bad_input_is_told_in_russian_and_nothing_is_run(client, built, fields, field, message):
    ids = {"last_year": built.last_years_q2.pk, "10a": built.small.class_10a.pk}
    data = {"scope": "school", "period": built.q2.pk, "by": "class",
            **{k: ids.get(v, v) for k, v in fields.items()}}
    client.force_login(built.deputy)
    response = client.post(url("attendance"), {**data, "format": "pdf"})

    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert 'data-testid="field-error"' in response.content.decode()
    assert not ReportRun.objects.exists()


def test_an_unknown_format_is_not_found(client, built):
    client.force_login(built.deputy)

    response = client.post(url("class_sizes"), {"scope": "school", "period": built.q2.pk,
                                                "format": "docx"})
    assert response.status_code == 404


def test_the_reports_page_costs_a_fixed_number_of_queries(client, built,
                                                          django_assert_max_num_queries):
    client.force_login(built.deputy)
    client.get(reverse("exports:index"))

    with django_assert_max_num_queries(12):
        assert client.get(reverse("exports:index")).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, built):
    for address in (reverse("exports:index"), url("attendance"), reverse("exports:runs"),
                    reverse("exports:download", args=[1])):
        response = client.get(address)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
