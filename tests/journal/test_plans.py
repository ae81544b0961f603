"""The thematic plan (КТП): saving it, importing it from a file, programme completion, and
the plan page for its teacher and its readers."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from journal.imports.plans import import_plan_file, template_xlsx
from journal.models import ChangeRecord, CurriculumItem, Lesson, PlanItem
from journal.queries.plans import next_plan_item, programme_completion, study_weeks
from journal.rules import ConflictError, JournalError, NotAllowed
from journal.services.plans import (
    Mode,
    PlanRow,
    fill_planned_dates,
    import_plan,
    save_plan,
)
from tests.journal.journal_setup import LAST_WEEK, NEXT_WEEK, TODAY, at, make_lesson

HEADERS = ["№", "Раздел", "Тема урока", "Часов", "Дата по плану"]


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture
def journal(small_school):
    return small_school.maths_5a


def topics(assignment) -> list[tuple[int, str]]:
    return list(PlanItem.objects.filter(plan__assignment=assignment).order_by("number")
                .values_list("number", "topic"))


def rows(*names: str, start: int = 1) -> list[PlanRow]:
    return [PlanRow(topic=name, number=start + i) for i, name in enumerate(names)]


def xlsx(*lines, headers=HEADERS, name="ktp.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "КТП"
    sheet.append(headers)
    for line in lines:
        sheet.append(list(line))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(text: str, encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    return SimpleUploadedFile("ktp.csv", text.encode(encoding), content_type="text/csv")


# Saving ------------------------------------------------------------------------------------


def test_the_teacher_saves_the_plan_and_new_items_go_to_the_end(teacher, journal):
    change = save_plan(teacher, journal, [
        PlanRow(topic="Натуральные  числа", number=1, section="Числа", hours=2,
                planned_on=dt.date(2026, 9, 1)),
        PlanRow(topic="Сложение", number=2)], expected_version=0)
    assert change.created == 2
    save_plan(teacher, journal, [PlanRow(topic="Вычитание")], expected_version=1)
    assert topics(journal) == [(1, "Натуральные числа"), (2, "Сложение"), (3, "Вычитание")]
    assert journal.plan.version == 2 and journal.plan.updated_by == teacher


def test_items_are_changed_renumbered_and_deleted(teacher, journal):
    save_plan(teacher, journal, rows("А", "Б", "В"))
    a, b, c = PlanItem.objects.order_by("number")
    save_plan(teacher, journal, [PlanRow(topic="А", number=2, item_id=a.pk),
                                 PlanRow(topic="Б2", number=1, item_id=b.pk)], deleted=[c.pk])
    assert topics(journal) == [(1, "Б2"), (2, "А")]


def test_a_number_may_not_be_used_twice(teacher, journal):
    save_plan(teacher, journal, rows("А", "Б"))
    with pytest.raises(JournalError, match="номер 2 уже есть"):
        save_plan(teacher, journal, [PlanRow(topic="В", number=2)])
    assert topics(journal) == [(1, "А"), (2, "Б")]


def test_a_stale_plan_form_is_refused(teacher, journal):
    save_plan(teacher, journal, rows("А"), expected_version=0)
    with pytest.raises(ConflictError):
        save_plan(teacher, journal, rows("Б", start=2), expected_version=0)
    assert topics(journal) == [(1, "А")]


def test_a_planned_date_must_be_in_the_school_year(teacher, journal):
    with pytest.raises(JournalError, match="вне учебного года"):
        save_plan(teacher, journal, [PlanRow(topic="А", planned_on=dt.date(2026, 8, 1))])
    assert not PlanItem.objects.exists()


@pytest.mark.parametrize("who", ["class_teacher", "deputy", "director", "substitute", "parent"])
def test_only_the_journals_teacher_writes_the_plan(request, journal, who):
    with pytest.raises(NotAllowed):
        save_plan(request.getfixturevalue(who), journal, rows("А"))
    assert not PlanItem.objects.exists()


def test_deleting_a_linked_item_unlinks_its_lesson_with_history(teacher, journal):
    from journal.services.lesson_record import save_lesson_record

    save_plan(teacher, journal, rows("Дроби"))
    item = PlanItem.objects.get()
    lesson = make_lesson(journal)
    save_lesson_record(teacher, lesson, plan_item=item)
    change = save_plan(teacher, journal, [], deleted=[item.pk])
    assert change.unlinked_lessons == 1
    lesson.refresh_from_db()
    assert (lesson.plan_item, lesson.topic) == (None, "Дроби")
    last = ChangeRecord.objects.filter(entity="lesson", entity_id=lesson.pk).order_by("pk").last()
    assert (last.old["plan_item_id"], last.new["plan_item_id"], last.reason) == (
        item.pk, None, "пункт КТП удалён")


def test_planned_dates_follow_the_journals_lessons(teacher, journal):
    for day in (LAST_WEEK, TODAY, NEXT_WEEK):
        make_lesson(journal, day)
    save_plan(teacher, journal, [PlanRow(topic="А", number=1, hours=2),
                                 PlanRow(topic="Б", number=2), PlanRow(topic="В", number=3)])
    assert fill_planned_dates(teacher, journal) == 2
    assert list(PlanItem.objects.order_by("number").values_list("planned_on", flat=True)) == [
        LAST_WEEK, NEXT_WEEK, None]


# Import ------------------------------------------------------------------------------------


def test_an_xlsx_file_replaces_the_plan_keeping_links_by_number(teacher, journal):
    save_plan(teacher, journal, rows("Старая 1", "Старая 2", "Старая 3"))
    lesson = make_lesson(journal, topic="Старая 1",
                         plan_item=PlanItem.objects.get(number=1))
    result = import_plan_file(teacher, journal, xlsx(
        [1, "Числа", "Натуральные числа", 2, dt.date(2026, 9, 2)],
        [2, "Числа", "Сравнение чисел", None, "09.09.2026"]), Mode.REPLACE)
    assert result.ok, result.errors
    assert result.counts == {"добавлено пунктов": 0, "обновлено пунктов": 2,
                             "удалено пунктов": 1}
    assert topics(journal) == [(1, "Натуральные числа"), (2, "Сравнение чисел")]
    first = PlanItem.objects.get(number=1)
    assert (first.section, first.hours, first.planned_on) == ("Числа", 2, dt.date(2026, 9, 2))
    assert PlanItem.objects.get(number=2).hours == 1
    lesson.refresh_from_db()
    assert lesson.plan_item == first


def test_a_csv_file_in_windows_1251_is_appended_after_the_last_item(teacher, journal):
    save_plan(teacher, journal, rows("А", "Б"))
    upload = csv_file("Раздел;Тема урока;Часов\nДроби;Сложение дробей;1\nДроби;Вычитание "
                      "дробей;2\n", encoding="cp1251")
    result = import_plan_file(teacher, journal, upload, Mode.APPEND)
    assert result.ok, result.errors
    assert topics(journal) == [(1, "А"), (2, "Б"), (3, "Сложение дробей"),
                               (4, "Вычитание дробей")]


def test_a_comma_separated_csv_is_read_too(teacher, journal):
    result = import_plan_file(teacher, journal, csv_file(
        '№,Тема урока,Дата по плану\n1,"Числа, цифры",01.09.2026\n'), Mode.REPLACE)
    assert result.ok, result.errors
    assert PlanItem.objects.get().topic == "Числа, цифры"


def test_a_bad_file_names_every_row_and_field_and_saves_nothing(teacher, journal):
    save_plan(teacher, journal, rows("Было"))
    result = import_plan_file(teacher, journal, xlsx(
        [1, "", "Тема", "два", "01.09.2026"],
        [2, "", "", 1, None],
        [2, "", "Повтор", 1, "31.13.2026"],
        [4, "", "Летом", 1, "01.07.2027"],
        [5, "", "Долгая", 1.5, None]), Mode.REPLACE)
    messages = "\n".join(result.errors)
    assert "Строка 2, поле «Часов»: «два» — не число" in messages
    assert "Строка 3, поле «Тема урока»: не заполнено" in messages
    assert "Строка 4, поле «Дата по плану»: «31.13.2026» — не дата" in messages
    assert "Строка 4, поле «№»: номер 2 уже есть в строке 3" in messages
    assert "Строка 6, поле «Часов»" in messages and "нужно целое число" in messages
    assert topics(journal) == [(1, "Было")]


def test_a_date_outside_the_year_is_refused(teacher, journal):
    result = import_plan_file(teacher, journal, xlsx([1, "", "Летом", 1, "01.07.2026"]),
                              Mode.APPEND)
    assert result.errors == ["Строка 2, поле «Дата по плану»: дата 01.07.2026 вне учебного "
                             "года (01.09.2026–31.08.2027)"]
    assert not PlanItem.objects.exists()


def test_numbers_in_some_rows_only_are_refused(teacher, journal):
    result = import_plan_file(teacher, journal, xlsx([1, "", "А", 1, None],
                                                     [None, "", "Б", 1, None]), Mode.REPLACE)
    assert result.errors == ["Строка 3, поле «№»: не заполнено: номера проставлены не во всех "
                             "строках (заполните все или очистите столбец)"]


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("ktp.xlsx", b""), "Файл пустой"),
    (SimpleUploadedFile("ktp.xlsx", b"\xd0\xcf\x11\xe0 old excel"), "старого формата"),
    (csv_file("Тема;Часы\nДроби;1\n"), "нет обязательных столбцов: «Тема урока»"),
])
def test_an_unreadable_file_is_refused_in_russian(teacher, journal, upload, message):
    result = import_plan_file(teacher, journal, upload, Mode.REPLACE)
    assert message in result.errors[0]
    assert not PlanItem.objects.exists()


def test_the_template_example_row_is_not_loaded(teacher, journal):
    workbook = load_workbook(io.BytesIO(template_xlsx(journal)))
    sheet = workbook["КТП"]
    assert [c.value for c in sheet[1]] == HEADERS
    sheet.append([2, "Числа", "Сравнение чисел", 1, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_plan_file(teacher, journal, SimpleUploadedFile("t.xlsx", buffer.getvalue()),
                              Mode.REPLACE)
    assert result.ok, result.errors
    assert topics(journal) == [(2, "Сравнение чисел")]
    assert "совпадает со строкой-образцом" in result.notes[0]


def test_the_template_holds_the_plan_as_it_is(teacher, journal):
    save_plan(teacher, journal, [PlanRow(topic="Дроби", number=1, section="Числа", hours=2,
                                         planned_on=dt.date(2026, 9, 3))])
    sheet = load_workbook(io.BytesIO(template_xlsx(journal)))["КТП"]
    values = [c.value for c in sheet[2]]
    assert values[:4] == [1, "Числа", "Дроби", 2] and values[4].date() == dt.date(2026, 9, 3)


def test_import_by_someone_else_is_refused(class_teacher, journal):
    result = import_plan_file(class_teacher, journal, xlsx([1, "", "Тема", 1, None]), Mode.REPLACE)
    assert result.errors == ["Тематическое планирование ведёт учитель этого журнала."]
    with pytest.raises(NotAllowed):
        import_plan(class_teacher, journal, rows("А"))


# Suggestion and completion -----------------------------------------------------------------


def test_the_next_unused_item_is_suggested(teacher, journal):
    save_plan(teacher, journal, [PlanRow(topic="А", number=1), PlanRow(topic="Б", number=2,
                                                                       hours=2),
                                 PlanRow(topic="В", number=3)])
    a, b, c = PlanItem.objects.order_by("number")
    first, second, third, fourth = (make_lesson(journal, TODAY, n) for n in (1, 2, 3, 4))
    assert next_plan_item(first) == a
    Lesson.objects.filter(pk=first.pk).update(plan_item=a)
    assert next_plan_item(second) == b
    Lesson.objects.filter(pk=second.pk).update(plan_item=b)
    assert next_plan_item(third) == b  # a two-hour topic is suggested for two lessons
    Lesson.objects.filter(pk=third.pk).update(plan_item=b)
    assert next_plan_item(fourth) == c
    assert next_plan_item(first) == a  # its own link does not use the item up


def test_programme_completion_counts_held_lessons(teacher, journal, small_school):
    CurriculumItem.objects.create(year=small_school.year, grade=5, subject=small_school.maths,
                                  hours_per_week=Decimal(5))
    save_plan(teacher, journal, [
        PlanRow(topic="А", number=1, hours=2, planned_on=dt.date(2026, 9, 7)),
        PlanRow(topic="Б", number=2, hours=3, planned_on=dt.date(2026, 11, 9)),
        PlanRow(topic="В", number=3, hours=5, planned_on=dt.date(2026, 12, 7))])
    a = PlanItem.objects.get(number=1)
    make_lesson(journal, LAST_WEEK, is_held=True, plan_item=a)
    make_lesson(journal, TODAY, is_held=True, plan_item=a)
    make_lesson(journal, TODAY, 3, is_held=True)
    make_lesson(journal, NEXT_WEEK)
    make_lesson(journal, NEXT_WEEK, 3, is_extra=True)
    completion = programme_completion(journal, TODAY)
    assert (completion.held, completion.held_linked, completion.planned_hours,
            completion.planned_to_date, completion.items, completion.items_covered) == (
        3, 2, 10, 5, 3, 1)
    assert study_weeks(journal) == 33  # 234 days of the four quarters
    assert (completion.curriculum_hours, completion.timetable_lessons,
            completion.timetable_to_date) == (Decimal(165), 4, 3)
    assert (completion.of_planned, completion.of_curriculum, completion.of_timetable) == (
        30, 2, 75)
    assert completion.behind_plan == 2


def test_the_home_page_and_the_plan_page_count_the_same_held_lessons(client, teacher, journal):
    """Held means marked «урок проведён» and dated up to today: today's lesson not yet held and a
    past one left unmarked count on neither page, nor does a future one marked held."""
    make_lesson(journal, LAST_WEEK, 1, is_held=True)
    make_lesson(journal, LAST_WEEK, 3, is_held=True)
    make_lesson(journal, LAST_WEEK - dt.timedelta(days=1), 1)
    make_lesson(journal, TODAY, 1, is_held=True)
    make_lesson(journal, TODAY, 3)
    make_lesson(journal, NEXT_WEEK, 1, is_held=True)
    client.force_login(teacher)
    home = client.get(reverse("home")).content.decode()
    plan = client.get(reverse("journal:plan", args=[journal.pk])).content.decode()
    row = home[home.index(f'href="{reverse("journal:journal", args=[journal.pk])}"'):]
    assert row[row.index('data-testid="lessons-held"'):].startswith('data-testid="lessons-held">3<')
    assert 'data-testid="held">3<' in plan
    assert programme_completion(journal, TODAY).held == 3


def test_completion_without_plan_or_curriculum_has_no_percentages(journal):
    completion = programme_completion(journal, TODAY)
    assert (completion.of_planned, completion.of_curriculum, completion.curriculum_hours) == (
        None, None, None)


# The page ----------------------------------------------------------------------------------


def formset_data(items, extra=(), version=0, prefix="items"):
    """POST data of the plan form: existing items as (item, changes) and new rows."""
    data = {f"{prefix}-TOTAL_FORMS": len(items) + len(extra),
            f"{prefix}-INITIAL_FORMS": len(items), f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000, "plan_version": version}
    for index, (item, changes) in enumerate(items):
        values = {"id": item.pk, "number": item.number, "section": item.section,
                  "topic": item.topic, "hours": item.hours,
                  "planned_on": item.planned_on.isoformat() if item.planned_on else "",
                  **changes}
        data.update({f"{prefix}-{index}-{k}": v for k, v in values.items()})
    for index, values in enumerate(extra, start=len(items)):
        data.update({f"{prefix}-{index}-{k}": v for k, v in values.items()})
    return data


def test_the_teacher_edits_the_plan_on_its_page(client, teacher, journal):
    save_plan(teacher, journal, rows("А", "Б"))
    a, b = PlanItem.objects.order_by("number")
    client.force_login(teacher)
    url = reverse("journal:plan", args=[journal.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="plan-form"' in page and page.count('data-testid="plan-row"') == 2 + 5
    response = client.post(url, formset_data(
        [(a, {"topic": "А исправлена"}), (b, {"DELETE": "on"})],
        extra=[{"topic": "Новая", "hours": "2", "planned_on": "2026-11-20"}, {}], version=1))
    assert response.status_code == 302
    assert topics(journal) == [(1, "А исправлена"), (2, "Новая")]
    assert PlanItem.objects.get(number=2).planned_on == dt.date(2026, 11, 20)


def test_an_invalid_plan_form_saves_nothing(client, teacher, journal):
    save_plan(teacher, journal, rows("А"))
    [a] = PlanItem.objects.all()
    client.force_login(teacher)
    response = client.post(reverse("journal:plan", args=[journal.pk]), formset_data(
        [(a, {"topic": "Изменена"})], extra=[{"section": "Без темы"}], version=1))
    assert response.status_code == 400
    assert "не заполнена тема урока" in response.content.decode().lower()
    assert topics(journal) == [(1, "А")]


def test_the_page_imports_a_file(client, teacher, journal):
    client.force_login(teacher)
    response = client.post(reverse("journal:plan_import", args=[journal.pk]), {
        "file": xlsx([1, "Числа", "Натуральные числа", 1, None]), "mode": "replace"})
    assert response.status_code == 302
    assert topics(journal) == [(1, "Натуральные числа")]


def test_the_page_shows_import_errors(client, teacher, journal):
    client.force_login(teacher)
    response = client.post(reverse("journal:plan_import", args=[journal.pk]), {
        "file": xlsx([1, "Числа", "", 1, None]), "mode": "append"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Строка 2, поле «Тема урока»: не заполнено" in page
    assert "план не изменён" in page
    assert not PlanItem.objects.exists()


def test_the_page_offers_the_template(client, teacher, director, journal):
    for user in (teacher, director):
        client.force_login(user)
        response = client.get(reverse("journal:plan_template", args=[journal.pk]))
        assert response.status_code == 200
        assert load_workbook(io.BytesIO(b"".join(response.streaming_content)))["КТП"]["C1"].value \
            == "Тема урока"
    response = client.get(reverse("journal:plan_template_csv", args=[journal.pk]))
    assert b"".join(response.streaming_content).decode("utf-8-sig").startswith(
        "№;Раздел;Тема урока;Часов;Дата по плану")


def test_the_page_shows_completion(client, deputy, teacher, journal, small_school):
    CurriculumItem.objects.create(year=small_school.year, grade=5, subject=small_school.maths,
                                  hours_per_week=Decimal(5))
    save_plan(teacher, journal, [PlanRow(topic="А", number=1, hours=4)])
    make_lesson(journal, TODAY, is_held=True)
    client.force_login(deputy)
    page = client.get(reverse("journal:plan", args=[journal.pk])).content.decode()
    assert "25 %" in page  # 1 of 4 planned hours
    assert "5 ч/нед. × 33 нед." in page and ">165<" in page


@pytest.mark.parametrize("who", ["class_teacher", "deputy", "director"])
def test_readers_see_the_plan_read_only(client, request, teacher, journal, who):
    save_plan(teacher, journal, rows("А"))
    client.force_login(request.getfixturevalue(who))
    url = reverse("journal:plan", args=[journal.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="plan-table"' in page and 'data-testid="plan-form"' not in page
    assert client.post(url, formset_data([], extra=[{"topic": "Чужая"}])).status_code == 403
    assert client.post(reverse("journal:plan_import", args=[journal.pk]), {
        "file": xlsx([1, "", "Чужая", 1, None]), "mode": "append"}).status_code == 403
    assert topics(journal) == [(1, "А")]


@pytest.mark.parametrize("who", ["substitute", "administrator", "parent", "outsider_parent"])
def test_others_get_404_on_the_plan(client, request, journal, who):
    client.force_login(request.getfixturevalue(who))
    for name in ("plan", "plan_template"):
        assert client.get(reverse(f"journal:{name}", args=[journal.pk])).status_code == 404
    assert client.post(reverse("journal:plan_import", args=[journal.pk])).status_code == 404


def test_a_foreign_teacher_gets_404(client, teacher, small_school):
    client.force_login(teacher)
    assert client.get(reverse("journal:plan", args=[small_school.maths_5b.pk])).status_code == 404


def test_the_plan_page_runs_a_fixed_number_of_queries(client, teacher, journal,
                                                      django_assert_max_num_queries):
    save_plan(teacher, journal, [PlanRow(topic=f"Тема {n}", number=n) for n in range(1, 121)])
    for n, item in enumerate(PlanItem.objects.order_by("number")[:40]):
        make_lesson(journal, dt.date(2026, 9, 1) + dt.timedelta(days=n), 1, plan_item=item)
    client.force_login(teacher)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("journal:plan", args=[journal.pk]))
    assert response.content.decode().count('data-testid="plan-row"') == 100  # first page
