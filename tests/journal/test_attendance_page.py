"""The class's attendance by week and the class teacher's correction of absence reasons."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.models import Absence, ChangeRecord, Lesson
from journal.services.absences import set_absence_reason
from journal.services.cells import set_cell
from tests.conftest import make_student
from tests.journal.journal_setup import LAST_WEEK, TODAY, at, make_lesson

TUESDAY = TODAY + dt.timedelta(days=1)
DOCUMENT = "справка № 123 от 20.11.2026"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(at(TODAY), tick=False):
        yield


@pytest.fixture
def vasya(children):
    return children[0]


@pytest.fixture
def maths(small_school):
    return make_lesson(small_school.maths_5a, TODAY, number=2)


@pytest.fixture
def russian(small_school):
    return make_lesson(small_school.russian_5a, TODAY, number=3)


def week_url(school_class, week: dt.date | None = None) -> str:
    url = reverse("journal:class_attendance", args=[school_class.pk])
    return f"{url}?week={week:%Y-%m-%d}" if week else url


def day_url(school_class) -> str:
    return reverse("journal:attendance_day", args=[school_class.pk])


def correct(client, school_class, student, day, absences, *, scope="one", **fields):
    data = {"scope": scope, "student": student.pk, "date": f"{day:%Y-%m-%d}",
            "absence": [a.pk for a in absences], **fields}
    for absence in absences:
        data.setdefault(f"version_{absence.pk}", absence.version)
    return client.post(day_url(school_class), data)


# Who sees the page

@pytest.mark.parametrize("who", ["class_teacher", "deputy", "director"])
def test_the_class_teacher_deputy_and_director_see_the_week(request, client, small_school, who,
                                                           teacher, vasya, maths):
    set_cell(teacher, maths, vasya, "н")
    client.force_login(request.getfixturevalue(who))
    response = client.get(week_url(small_school.class_5a))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Петров Василий" in page
    assert "16.11.2026 – 20.11.2026" in page  # Monday to Friday: a five-day school
    assert "Математика" in page
    assert ('data-testid="edit-day"' in page) == (who != "director")


@pytest.mark.parametrize("who", ["teacher", "parent", "outsider_parent", "administrator",
                                 "substitute"])
def test_others_get_404(request, client, small_school, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(week_url(small_school.class_5a)).status_code == 404
    assert client.get(day_url(small_school.class_5a),
                      {"student": 1, "date": "2026-11-16"}).status_code == 404


def test_a_class_teacher_of_another_class_gets_404(client, small_school, class_teacher,
                                                   outsider_child, teacher):
    foreign = make_lesson(small_school.maths_5b, TODAY)
    absence = Absence.objects.create(lesson=foreign, student=outsider_child, kind="absent")
    client.force_login(class_teacher)
    assert client.get(week_url(small_school.class_5b)).status_code == 404
    response = correct(client, small_school.class_5b, outsider_child, TODAY, [absence],
                       kind="ill")
    assert response.status_code == 404
    # Nor through her own class's address.
    response = correct(client, small_school.class_5a, outsider_child, TODAY, [absence],
                       kind="ill")
    assert response.status_code == 404
    assert Absence.objects.get().kind == "absent"


def test_an_anonymous_visitor_is_sent_to_sign_in(client, small_school):
    response = client.get(week_url(small_school.class_5a))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_director_reads_but_cannot_change(client, small_school, director, teacher, vasya,
                                              maths):
    absence = set_cell(teacher, maths, vasya, "н").absence
    client.force_login(director)
    response = correct(client, small_school.class_5a, vasya, TODAY, [absence], kind="ill")
    assert response.status_code == 403
    assert Absence.objects.get().kind == "absent"


# What the week shows

def test_the_week_lists_each_days_absences_and_the_totals(client, small_school, class_teacher,
                                                          teacher, vasya, maths, russian):
    set_cell(teacher, maths, vasya, "н")
    set_cell(class_teacher, russian, vasya, "б")
    tuesday = make_lesson(small_school.maths_5a, TUESDAY, number=1)
    with time_machine.travel(at(TUESDAY), tick=False):
        set_cell(teacher, tuesday, vasya, "оп10")
    other_week = make_lesson(small_school.maths_5a, LAST_WEEK, number=1)
    Absence.objects.create(lesson=other_week, student=vasya, kind="absent")

    with time_machine.travel(at(TUESDAY), tick=False):
        client.force_login(class_teacher)
        page = client.get(week_url(small_school.class_5a, TUESDAY)).content.decode()
    start = page.index('data-testid="attendance-row"')
    row = page[start:page.index("</tr>", start)]
    assert row.count('data-testid="absence"') == 3
    assert "оп 10 мин" in row
    assert 'data-testid="missed">2<' in row
    assert 'data-testid="excused">1<' in row
    assert 'data-testid="unexcused">1<' in row
    assert 'data-testid="late">1 ' in row


def test_previous_and_next_weeks_and_a_date_in_the_week(client, small_school, class_teacher,
                                                        children):
    client.force_login(class_teacher)
    page = client.get(week_url(small_school.class_5a, dt.date(2026, 11, 19))).content.decode()
    assert "16.11.2026 – 20.11.2026" in page
    assert "?week=2026-11-09" in page and "?week=2026-11-23" in page
    assert 'name="week" value="16.11.2026"' in page


def test_a_week_typed_as_dd_mm_yyyy_is_shown(client, small_school, class_teacher, children):
    client.force_login(class_teacher)
    page = client.get(week_url(small_school.class_5a), {"week": "25.11.2026"}).content.decode()
    assert "23.11.2026 – 27.11.2026" in page


def test_a_six_day_school_shows_saturday_and_holidays(client, small_school, class_teacher,
                                                      children):
    small_school.school.days_per_week = 6
    small_school.school.save()
    client.force_login(class_teacher)
    page = client.get(week_url(small_school.class_5a, dt.date(2026, 11, 2))).content.decode()
    assert "02.11.2026 – 07.11.2026" in page
    assert "сб 07.11" in page
    assert "День народного единства" in page  # 4 November


def test_an_unreadable_week_shows_the_current_one_with_a_message(client, small_school,
                                                                 class_teacher, children):
    client.force_login(class_teacher)
    response = client.get(week_url(small_school.class_5a), {"week": "16.11.2026x"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Не удалось прочитать дату" in page
    assert "16.11.2026 – 20.11.2026" in page


def test_the_day_form_comes_as_a_fragment_for_htmx(client, small_school, class_teacher, teacher,
                                                   vasya, maths, russian):
    set_cell(teacher, maths, vasya, "н")
    set_cell(class_teacher, russian, vasya, "н")
    client.force_login(class_teacher)
    params = {"student": vasya.pk, "date": "2026-11-16"}
    fragment = client.get(day_url(small_school.class_5a), params,
                          headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment
    assert fragment.count('data-testid="absence-form"') == 2
    assert 'data-testid="day-form"' in fragment
    page = client.get(day_url(small_school.class_5a), params).content.decode()
    assert "<html" in page and "К посещаемости за неделю" in page


# Corrections

def test_the_class_teacher_changes_n_to_b_with_a_document_and_history(client, small_school,
                                                                      class_teacher, teacher,
                                                                      vasya, maths):
    absence = set_cell(teacher, maths, vasya, "н").absence
    client.force_login(class_teacher)
    response = correct(client, small_school.class_5a, vasya, TODAY, [absence], kind="ill",
                       document=f"  {DOCUMENT} ")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?week=2026-11-16#student-{vasya.pk}")
    absence.refresh_from_db()
    assert (absence.kind, absence.reason, absence.version) == ("ill", DOCUMENT, 2)
    record = ChangeRecord.objects.get(entity="absence", action="update")
    assert (record.user, record.entity_id) == (class_teacher, absence.pk)
    assert (record.old["kind"], record.new["kind"], record.new["reason"]) == (
        "absent", "ill", DOCUMENT)
    page = client.get(response["Location"]).content.decode()
    assert "изменено пропусков — 1" in page
    assert DOCUMENT in page


def test_a_whole_day_is_excused_at_once(client, small_school, class_teacher, teacher, vasya,
                                        maths, russian):
    first = set_cell(teacher, maths, vasya, "н").absence
    second = set_cell(class_teacher, russian, vasya, "н").absence
    late_lesson = make_lesson(small_school.maths_5a, TODAY, number=1)
    late = set_cell(teacher, late_lesson, vasya, "оп5").absence
    client.force_login(class_teacher)
    response = correct(client, small_school.class_5a, vasya, TODAY, [first, second], scope="day",
                       kind="ill", document=DOCUMENT)
    assert response.status_code == 302
    for absence in (first, second):
        absence.refresh_from_db()
        assert (absence.kind, absence.reason) == ("ill", DOCUMENT)
    late.refresh_from_db()
    assert (late.kind, late.minutes_late, late.version) == ("late", 5, 1)
    updates = ChangeRecord.objects.filter(entity="absence", action="update")
    assert sorted(updates.values_list("entity_id", flat=True)) == sorted([first.pk, second.pk])
    assert set(updates.values_list("user", flat=True)) == {class_teacher.pk}


def test_a_day_document_alone_keeps_each_kind(client, small_school, class_teacher, teacher,
                                              vasya, maths, russian):
    first = set_cell(teacher, maths, vasya, "н").absence
    second = set_cell(class_teacher, russian, vasya, "у").absence
    client.force_login(class_teacher)
    correct(client, small_school.class_5a, vasya, TODAY, [first, second], scope="day", kind="",
            document="заявление родителей")
    kinds = dict(Absence.objects.values_list("pk", "kind"))
    assert kinds == {first.pk: "absent", second.pk: "excused"}
    assert set(Absence.objects.values_list("reason", flat=True)) == {"заявление родителей"}


def test_a_changed_absence_is_refused_with_the_current_value(client, small_school, class_teacher,
                                                             teacher, vasya, maths):
    absence = set_cell(teacher, maths, vasya, "н").absence
    seen = absence.version
    # The teacher changes it after the class teacher's page was drawn.
    set_absence_reason(teacher, absence, kind="excused", document="записка",
                       expected_version=seen)
    client.force_login(class_teacher)
    response = correct(client, small_school.class_5a, vasya, TODAY, [absence], kind="ill",
                       document=DOCUMENT, **{f"version_{absence.pk}": seen})
    assert response.status_code == 409
    page = response.content.decode()
    assert "уже изменил(а) другой пользователь" in page
    assert 'data-testid="current-document">записка<' in page
    assert f'value="{DOCUMENT}"' in page  # what she typed is still in the form
    absence.refresh_from_db()
    assert (absence.kind, absence.reason) == ("excused", "записка")
    assert not ChangeRecord.objects.filter(user=class_teacher).exists()


def test_a_day_with_one_stale_absence_saves_none(client, small_school, class_teacher, teacher,
                                                 vasya, maths, russian):
    first = set_cell(teacher, maths, vasya, "н").absence
    second = set_cell(class_teacher, russian, vasya, "н").absence
    set_cell(class_teacher, russian, vasya, "у")
    history_before = ChangeRecord.objects.count()
    client.force_login(class_teacher)
    response = correct(client, small_school.class_5a, vasya, TODAY, [first, second], scope="day",
                       kind="ill", document=DOCUMENT, **{f"version_{second.pk}": 1})
    assert response.status_code == 409
    assert dict(Absence.objects.values_list("pk", "kind")) == {first.pk: "absent",
                                                               second.pk: "excused"}
    assert ChangeRecord.objects.count() == history_before


def test_a_day_with_a_new_absence_since_the_form_was_drawn_saves_none(client, small_school,
                                                                      class_teacher, teacher,
                                                                      vasya, maths, russian):
    first = set_cell(teacher, maths, vasya, "н").absence
    set_cell(class_teacher, russian, vasya, "н")
    client.force_login(class_teacher)
    response = correct(client, small_school.class_5a, vasya, TODAY, [first], scope="day",
                       kind="ill")
    assert response.status_code == 409
    assert "изменились" in response.content.decode()
    assert set(Absence.objects.values_list("kind", flat=True)) == {"absent"}


@pytest.mark.parametrize(("fields", "message"), [
    ({"kind": "late"}, "Выберите вид пропуска"),
    ({"kind": "оп"}, "Выберите вид пропуска"),
    ({"kind": "ill", "document": "я" * 301}, "не длиннее 300 символов"),
    ({"kind": "ill", "version_X": "abc"}, "Страница устарела"),
])
def test_bad_input_is_refused_in_russian_and_saves_nothing(client, small_school, class_teacher,
                                                           teacher, vasya, maths, fields,
                                                           message):
    absence = set_cell(teacher, maths, vasya, "н").absence
    client.force_login(class_teacher)
    fields = {k.replace("X", str(absence.pk)): v for k, v in fields.items()}
    response = correct(client, small_school.class_5a, vasya, TODAY, [absence], **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Absence.objects.get().version == 1
    assert not ChangeRecord.objects.filter(action="update").exists()


def test_an_empty_day_correction_is_refused(client, small_school, class_teacher, teacher, vasya,
                                            maths, russian):
    absences = [set_cell(teacher, maths, vasya, "н").absence,
                set_cell(class_teacher, russian, vasya, "н").absence]
    client.force_login(class_teacher)
    response = correct(client, small_school.class_5a, vasya, TODAY, absences, scope="day",
                       kind="", document="  ")
    assert response.status_code == 400
    assert "иначе менять нечего" in response.content.decode()


def test_lateness_is_not_corrected_here(client, small_school, class_teacher, teacher, vasya,
                                        maths):
    late = set_cell(teacher, maths, vasya, "оп5").absence
    client.force_login(class_teacher)
    response = correct(client, small_school.class_5a, vasya, TODAY, [late], kind="ill")
    assert response.status_code == 409
    assert Absence.objects.get().kind == "late"


def test_the_deputy_corrects_with_a_reason(client, small_school, deputy, teacher, vasya, maths):
    absence = set_cell(teacher, maths, vasya, "н").absence
    client.force_login(deputy)
    response = correct(client, small_school.class_5a, vasya, TODAY, [absence], kind="excused",
                       document="приказ № 5 (соревнования)")
    assert response.status_code == 400
    assert "Укажите причину исправления" in response.content.decode()
    assert Absence.objects.get().kind == "absent"
    response = correct(client, small_school.class_5a, vasya, TODAY, [absence], kind="excused",
                       document="приказ № 5 (соревнования)", reason="по приказу директора")
    assert response.status_code == 302
    record = ChangeRecord.objects.get(entity="absence", action="update")
    assert (record.user, record.reason, record.new["kind"]) == (deputy, "по приказу директора",
                                                                "excused")


# Speed

def _students_with_absences(small_school, teacher, lessons, size: int) -> None:
    students = [make_student(small_school.school, f"st{size}_{i}", f"Ученик{i:02}", "Иван",
                             small_school.class_5a) for i in range(size)]
    kinds = ["absent", "ill", "excused", "late"]
    Absence.objects.bulk_create(
        [Absence(lesson=lesson, student=student, kind=kinds[(i + j) % 4],
                 minutes_late=5 if kinds[(i + j) % 4] == "late" else None, entered_by=teacher)
         for i, student in enumerate(students) for j, lesson in enumerate(lessons)
         if (i + j) % 3])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_week_runs_a_fixed_number_of_queries(client, small_school, class_teacher, teacher,
                                                 django_assert_max_num_queries):
    """The same queries for 2 students as for 32 with hundreds of absences."""
    monday = TODAY - dt.timedelta(days=7)
    lessons = Lesson.objects.bulk_create(
        [Lesson(assignment=assignment, date=monday + dt.timedelta(days=day), number=number)
         for day in range(5) for number, assignment in
         enumerate([small_school.maths_5a, small_school.russian_5a,
                    small_school.english_5a_group1], start=1)])
    client.force_login(class_teacher)
    url = week_url(small_school.class_5a, monday)
    _students_with_absences(small_school, teacher, lessons, 2)
    # The navigation's unread counts cached, as after any first page.
    client.get(url)
    small = _queries(client, url)
    _students_with_absences(small_school, teacher, lessons, 30)
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert page.count('data-testid="attendance-row"') == 32
    assert page.count('data-testid="absence"') > 250
    assert _queries(client, url) == small


def test_the_home_page_links_the_class_teacher_to_the_week(client, small_school, class_teacher):
    client.force_login(class_teacher)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{week_url(small_school.class_5a)}"' in page
    assert 'data-testid="late-entries-link"' not in page
