"""The day's substitutions page: an absent teacher's lessons, the colleagues free at each,
and substitutes assigned and cancelled through the substitution service."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from accounts.roles import Role
from journal.models import ChangeRecord, TeachingAssignment
from journal.services.lesson_record import assign_substitute
from journal.services.rights import sync_journal_rights
from tests.conftest import make_school, make_staff, make_year
from tests.journal.journal_setup import TODAY, at, make_lesson


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture
def dispatcher(school):
    return make_staff(school, "dispetcher", "Расписанова", "Вера", "Олеговна",
                      role=Role.DISPATCHER)


@pytest.fixture
def maths_teacher(small_school):
    """Another maths teacher, free on TODAY's 1st lesson and busy on the 2nd (10А)."""
    user = make_staff(small_school.school, "algebra", "Алгебраева", "Нина", "Петровна")
    maths_10a = TeachingAssignment.objects.create(
        year=small_school.year, teacher=user, subject=small_school.maths,
        school_class=small_school.class_10a)
    sync_journal_rights(maths_10a)
    make_lesson(maths_10a, TODAY, 2)
    return user


@pytest.fixture
def day(small_school, maths_teacher):
    """Матвеева's lessons on TODAY: maths in 5А (1st) and the English group (3rd); Иванов is
    busy at the 1st (maths in 5Б)."""
    make_lesson(small_school.maths_5b, TODAY, 1)
    return [make_lesson(small_school.maths_5a, TODAY, 1),
            make_lesson(small_school.english_5a_group1, TODAY, 3)]


def page(client, teacher, day=TODAY) -> str:
    query = urlencode({"teacher": teacher.pk, "date": f"{day:%d.%m.%Y}"})
    response = client.get(f"{reverse('journal:substitutions')}?{query}")
    assert response.status_code == 200
    return response.content.decode()


def options(html: str, lesson) -> str:
    """The substitute choice of one lesson, as HTML."""
    start = html.index(f'id="sub-{lesson.pk}-who"')
    return html[start:html.index("</select>", start)]


def test_the_page_lists_the_absent_teachers_lessons_and_who_is_free(
        client, dispatcher, teacher, day, maths_teacher, substitute, class_teacher):
    client.force_login(dispatcher)
    html = page(client, teacher)
    assert "1 урок, 08:30–09:15: 5А Математика" in html
    assert "3 урок, 10:30–11:15: 5А Английский язык (1 группа)" in html
    first = options(html, day[0])
    # The maths teacher first, then the others free then; Иванов teaches 5Б then; the absent
    # teacher is not offered.
    assert first.index("Ведут «Математика»") < first.index("Алгебраева Нина Петровна") \
        < first.index("Свободны в это время") < first.index("Заменин Пётр Сергеевич")
    assert "Иванов" not in first and "Матвеева" not in first
    assert "Руднева Анна Павловна" in first and "Расписанова" in first
    assert "Алгебраева" in options(html, day[1])


def test_a_substitute_is_assigned_and_cancelled_through_the_service(
        client, dispatcher, teacher, day, maths_teacher):
    client.force_login(dispatcher)
    lesson = day[0]
    response = client.post(reverse("journal:substitutions"), {
        "lesson": lesson.pk, "substitute": maths_teacher.pk, "substitute_reason": "болезнь",
        "lesson_version": lesson.version})
    assert response["Location"].endswith(f"#lesson-{lesson.pk}")
    lesson.refresh_from_db()
    assert (lesson.substitute, lesson.substitute_reason) == (maths_teacher, "болезнь")
    [row] = ChangeRecord.objects.filter(entity="lesson", lesson_id=lesson.pk)
    assert (row.user, row.reason, row.new["substitute_id"]) == (dispatcher, "болезнь",
                                                                maths_teacher.pk)
    html = client.get(response["Location"]).content.decode()
    assert "Замена записана: 1 урок, 5А Математика ведёт Алгебраева Нина Петровна." in html
    assert "Урок ведёт <b>Алгебраева Нина Петровна</b> (болезнь)" in html
    assert "Алгебраева" in options(html, lesson)  # the current substitute stays on offer

    client.post(reverse("journal:substitutions"), {
        "lesson": lesson.pk, "cancel": "1", "lesson_version": lesson.version})
    lesson.refresh_from_db()
    assert lesson.substitute is None
    assert ChangeRecord.objects.filter(lesson_id=lesson.pk).order_by("pk").last().reason == \
        "замена отменена"


def test_a_busy_colleague_or_a_missing_reason_is_refused_with_nothing_changed(
        client, dispatcher, teacher, day, small_school, class_teacher):
    make_lesson(small_school.reading_1a, TODAY, 1)
    client.force_login(dispatcher)
    lesson = day[0]
    busy = client.post(reverse("journal:substitutions"), {
        "lesson": lesson.pk, "substitute": class_teacher.pk,
        "substitute_reason": "болезнь", "lesson_version": lesson.version}, follow=True)
    assert ("Замена не записана (1 урок, 5А Математика): Руднева А. П. в это время ведёт урок: "
            "1А Литературное чтение.") in busy.content.decode()
    assert "Руднева" not in options(busy.content.decode(), lesson)
    no_reason = client.post(reverse("journal:substitutions"), {
        "lesson": lesson.pk, "substitute": class_teacher.pk,
        "substitute_reason": "", "lesson_version": lesson.version}, follow=True)
    assert "Причина замены: Обязательное поле." in no_reason.content.decode()
    lesson.refresh_from_db()
    assert lesson.substitute is None and not ChangeRecord.objects.filter(lesson_id=lesson.pk)


def test_a_day_without_lessons_and_a_wrong_date_are_said_so(client, dispatcher, teacher, day):
    client.force_login(dispatcher)
    assert "В этот день у учителя нет уроков." in page(client, teacher, TODAY.replace(day=17))
    html = client.get(reverse("journal:substitutions"),
                      {"teacher": teacher.pk, "date": "31.02.2026"}).content.decode()
    assert "Дата: Введите дату в виде ДД.ММ.ГГГГ" in html


def test_the_page_runs_a_fixed_number_of_queries(client, dispatcher, teacher, day,
                                                 django_assert_max_num_queries):
    client.force_login(dispatcher)
    with django_assert_max_num_queries(14):
        page(client, teacher)


@pytest.mark.parametrize("who", ["deputy", "administrator"])
def test_the_deputy_and_the_administrator_record_substitutions_here_too(
        client, request, teacher, day, substitute, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert "5А Математика" in page(client, teacher)
    client.post(reverse("journal:substitutions"), {
        "lesson": day[0].pk, "substitute": substitute.pk, "substitute_reason": "курсы",
        "lesson_version": day[0].version})
    day[0].refresh_from_db()
    assert day[0].substitute == substitute


def test_the_dispatcher_may_assign_through_the_service_and_the_lesson_page(
        client, dispatcher, day, substitute):
    assign_substitute(dispatcher, day[1], substitute, "командировка")
    client.force_login(dispatcher)
    response = client.get(reverse("journal:lesson_substitute", args=[day[1].pk]))
    assert response.status_code == 200 and "Заменин Пётр Сергеевич" in response.content.decode()


def test_a_lesson_of_another_school_is_not_found(client, day, substitute):
    other = make_school()
    make_year(other)
    stranger = make_staff(other, "chuzhoy_disp", "Чужая", "Вера", role=Role.DISPATCHER)
    client.force_login(stranger)
    response = client.post(reverse("journal:substitutions"), {
        "lesson": day[0].pk, "substitute": substitute.pk, "substitute_reason": "курсы",
        "lesson_version": day[0].version})
    assert response.status_code == 404
    day[0].refresh_from_db()
    assert day[0].substitute is None
