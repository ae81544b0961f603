"""The year's journals for the school's own archive: a ZIP with a workbook per class, a sheet
per journal with the marks grid under the lessons' dates, the term and year marks and the
lessons list; made in the background with its progress counted in journals; ordered and
downloaded by the administrator, the deputy director and the director only.

The school: 5А has Абрамова Анна, Козлов Николай (2nd English group) and Петров Василий (1st
group); maths of 5А (Матвеева) has three lessons in September, the first with a topic typed as
a formula, the second taught by a substitute; 5Б has maths (Иванов) with Сидоров Артём; 1А has
reading; 10А no journal.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import StaffRole, Student, User
from accounts.roles import Role
from exports.models import ReportRun
from exports.render import progress as progress_module
from exports.render.progress import Progress
from exports.services import NO_RIGHT, make_report
from exports.year_workbooks import (
    YEAR_JOURNALS,
    journal_sheet_title,
    order_year_journals,
    sheet_titles,
    write_year_journals,
)
from journal.models import Absence, FinalMark, Homework, Lesson, Mark, StudyPeriod
from tests.conftest import (
    SmallSchool,
    build_small_school,
    built_once,
    make_parent,
    make_staff,
    make_student,
)

pytestmark = pytest.mark.django_db

FORMULA_TOPIC = '=HYPERLINK("http://example.com","Дроби")'
JOURNALS = 6  # of the small school


@dataclass
class ArchiveSchool:
    small: SmallSchool
    administrator: User
    deputy: User
    director: User
    teacher: User
    parent: User
    anna: Student
    kolya: Student
    vasya: Student


def build() -> ArchiveSchool:
    small = build_small_school()
    school, maths = small.school, small.maths_5a
    anna = make_student(school, "anna", "Абрамова", "Анна", small.class_5a, sex="f")
    kolya = make_student(school, "kolya", "Козлов", "Николай", small.class_5a)
    vasya = make_student(school, "vasya", "Петров", "Василий", small.class_5a)
    artyom = make_student(school, "artyom", "Сидоров", "Артём", small.class_5b)
    small.english_5a_group1.subgroup.students.add(vasya)
    small.english_5a_group2.subgroup.students.add(kolya)
    substitute = make_staff(school, "zamenin", "Заменин", "Пётр", "Сергеевич")

    first = Lesson.objects.create(assignment=maths, date=dt.date(2026, 9, 1), number=1,
                                  topic=FORMULA_TOPIC, is_held=True)
    second = Lesson.objects.create(assignment=maths, date=dt.date(2026, 9, 2), number=2,
                                   topic="Сложение дробей", is_held=True, substitute=substitute)
    third = Lesson.objects.create(assignment=maths, date=dt.date(2026, 9, 3), number=1,
                                  topic="Вычитание дробей")
    Homework.objects.create(lesson=first, text="№ 12, 14")
    Homework.objects.create(lesson=second, is_none=True)
    Mark.objects.create(lesson=first, student=vasya, value="5")
    Mark.objects.create(lesson=second, student=vasya, value="4")
    Mark.objects.create(lesson=second, student=vasya, value="3")
    Absence.objects.create(lesson=first, student=kolya, kind=Absence.Kind.ABSENT)
    Absence.objects.create(lesson=third, student=anna, kind=Absence.Kind.LATE, minutes_late=10)
    first_quarter = StudyPeriod.objects.get(year=small.year, kind="quarter", number=1)
    FinalMark.objects.create(assignment=maths, student=vasya, kind=FinalMark.Kind.PERIOD,
                             period=first_quarter, value="4")
    FinalMark.objects.create(assignment=maths, student=vasya, kind=FinalMark.Kind.YEAR,
                             value="5")
    Mark.objects.create(lesson=Lesson.objects.create(
        assignment=small.maths_5b, date=dt.date(2026, 9, 1), number=3, is_held=True),
        student=artyom, value="2")
    Lesson.objects.create(assignment=small.reading_1a, date=dt.date(2026, 9, 1), number=1,
                          topic="Звуки и буквы", is_held=True)
    return ArchiveSchool(
        small=small, teacher=maths.teacher, anna=anna, kolya=kolya, vasya=vasya,
        administrator=make_staff(school, "admin", "Админов", "Игорь", "Николаевич",
                                 role=Role.ADMINISTRATOR),
        deputy=make_staff(school, "zavuch", "Завьялова", "Елена", "Викторовна",
                          role=Role.DEPUTY),
        director=make_staff(school, "director", "Директорова", "Марина", "Львовна",
                            role=Role.DIRECTOR),
        parent=make_parent("petrova", "Петрова", "Наталья", "Андреевна", [vasya]))


built_fixture = built_once(build)


@pytest.fixture(scope="module")
def archive(built, django_db_blocker) -> zipfile.ZipFile:
    """The ZIP of the school's year, made once for the tests that read it."""
    target = io.BytesIO()
    with django_db_blocker.unblock():
        write_year_journals(built.small.year, target, Progress())
    return zipfile.ZipFile(target)


@pytest.fixture(autouse=True)
def _files_in_a_folder_of_the_test(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def workbook(archive: zipfile.ZipFile, name: str):
    return load_workbook(io.BytesIO(archive.read(name)))


def values(row) -> list:
    """A row's values, dates as dates (a spreadsheet keeps a date as a date and time)."""
    return [cell.value.date() if cell.is_date else cell.value for cell in row]


def row_of(sheet, first_value: str) -> int:
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == first_value)


# The file -----------------------------------------------------------------------------------

def test_the_archive_holds_a_workbook_per_class_of_the_year(archive):
    assert archive.namelist() == ["1А.xlsx", "5А.xlsx", "5Б.xlsx", "10А.xlsx"]
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())


def test_a_class_workbook_has_the_class_sheet_then_a_sheet_per_journal(archive):
    book = workbook(archive, "5А.xlsx")

    assert book.sheetnames == ["Класс", "Математика", "Русский язык",
                               "Английский язык (1 группа)", "Английский язык (2 группа)"]
    about = book["Класс"]
    values = {row[0]: row[1] for row in about.iter_rows(min_row=2, max_row=5, values_only=True)}
    assert values == {"Школа": "Муниципальное бюджетное общеобразовательное учреждение "
                                "«Средняя школа № 7»",
                      "Учебный год": "2026/2027", "Класс": "5А",
                      "Классный руководитель": "Руднева Анна Павловна"}
    listed = row_of(about, "Лист")
    assert [cell.value for cell in about[listed + 1]] == [
        "Математика", "Математика", None, "Матвеева Ольга Игоревна", 3]
    assert [cell.value for cell in about[listed + 4]] == [
        "Английский язык (2 группа)", "Английский язык", "2 группа", "Иванов Сергей Петрович",
        0]


def test_a_class_without_journals_gets_its_class_sheet_only(archive):
    assert workbook(archive, "10А.xlsx").sheetnames == ["Класс"]


def test_the_grid_has_the_students_in_rows_and_the_lessons_dates_above(archive):
    sheet = workbook(archive, "5А.xlsx")["Математика"]

    assert [sheet["A1"].value, sheet["B2"].value, sheet["B3"].value] == [
        "Математика", "Матвеева Ольга Игоревна", "5А"]
    header = values(sheet[5])
    assert header[:4] == ["Обучающийся", dt.date(2026, 9, 1), dt.date(2026, 9, 2),
                          dt.date(2026, 9, 3)]
    assert header[4:] == ["1-я четверть", "2-я четверть", "3-я четверть", "4-я четверть",
                          "Год", "Экзамен", "Итоговая"]
    assert sheet["B5"].is_date and sheet["B5"].number_format == "DD.MM"
    assert [sheet.cell(row, 1).value for row in (6, 7, 8)] == [
        "Абрамова Анна", "Козлов Николай", "Петров Василий"]
    assert [cell.value for cell in sheet[8]] == [
        "Петров Василий", 5, "4/3", None, 4, None, None, None, 5, None, None]
    assert (sheet["B7"].value, sheet["D6"].value) == ("н", "оп10")


def test_a_subgroups_journal_lists_its_own_students_only(archive):
    book = workbook(archive, "5А.xlsx")

    sheet = book["Английский язык (1 группа)"]
    assert [row[0] for row in sheet.iter_rows(min_row=6, max_row=7, values_only=True)] == [
        "Петров Василий", None]


def test_the_lessons_follow_the_grid_with_topic_homework_and_who_taught(archive):
    sheet = workbook(archive, "5А.xlsx")["Математика"]
    start = row_of(sheet, "Уроки")

    assert [cell.value for cell in sheet[start + 1]][:7] == [
        "Дата", "Урок №", "Тема", "Домашнее задание", "Проведён", "Учитель", None]
    rows = [values(sheet[start + n])[:6] for n in (2, 3, 4)]
    assert rows == [
        [dt.date(2026, 9, 1), 1, FORMULA_TOPIC, "№ 12, 14", "да", "Матвеева Ольга Игоревна"],
        [dt.date(2026, 9, 2), 2, "Сложение дробей", "не задано", "да",
         "Заменин Пётр Сергеевич (замена)"],
        [dt.date(2026, 9, 3), 1, "Вычитание дробей", None, "нет",
         "Матвеева Ольга Игоревна"]]
    date = sheet.cell(start + 2, 1)
    assert date.is_date and date.number_format == "DD.MM.YYYY"


def test_a_topic_typed_as_a_formula_is_kept_as_text(archive):
    sheet = workbook(archive, "5А.xlsx")["Математика"]
    topic = sheet.cell(row_of(sheet, "Уроки") + 2, 3)

    assert topic.value == FORMULA_TOPIC
    assert topic.data_type == "s"  # a formula would be "f"


def test_the_first_grade_gets_no_term_mark_columns(archive):
    sheet = workbook(archive, "1А.xlsx")["Литературное чтение"]

    assert values(sheet[5])[:3] == ["Обучающийся", dt.date(2026, 9, 1), None]


def test_sheet_names_are_cut_to_31_characters_and_kept_unique():
    long = "Основы духовно-нравственной культуры народов России"

    names = sheet_titles([long, long, "класс", "Химия: практикум [углублённый]"],
                         taken=["Класс"])
    assert names == ["Основы духовно-нравственной кул", "Основы духовно-нравственной (2)",
                     "класс (2)", "Химия  практикум  углублённый"]
    assert all(len(name) <= 31 for name in names)


def test_a_long_subjects_sheet_keeps_its_subgroup_in_sight():
    subject = "Иностранный язык (английский)"

    assert journal_sheet_title(subject, "1 группа") == "Иностранный язык (а… (1 группа)"
    assert journal_sheet_title(subject) == subject
    assert len(journal_sheet_title(subject, "1 группа")) == 31


# In the background --------------------------------------------------------------------------

def test_the_run_counts_journals_as_it_goes_and_keeps_the_file(built, monkeypatch):
    from exports import year_workbooks

    run = order_year_journals(built.administrator, built.small.school)
    monkeypatch.setattr(progress_module, "EVERY_SECONDS", 0)
    seen = []
    write = year_workbooks.write_year_journals

    def watched(year, target, progress):
        report = progress.report

        def told(done):
            report(done)
            seen.append(ReportRun.objects.values_list("status", "done", "total").get(pk=run.pk))
        progress.report = told
        return write(year, target, progress)

    monkeypatch.setattr(year_workbooks, "write_year_journals", watched)
    assert make_report(run.pk) == "done"

    assert seen[0] == ("running", 1, JOURNALS)
    assert [done for _, done, _ in seen] == sorted(done for _, done, _ in seen)
    assert seen[-1] == ("running", JOURNALS, JOURNALS)
    run.refresh_from_db()
    assert (run.status, run.done, run.total, run.format) == ("done", JOURNALS, JOURNALS, "zip")
    assert run.title == "Журналы 2026–2027 учебного года — Школа № 7"
    with run.file.open("rb") as handle:
        assert len(zipfile.ZipFile(handle).namelist()) == 4
    assert make_report(run.pk) == ""  # taken once only


def test_a_requester_who_lost_the_role_gets_no_file(built):
    run = order_year_journals(built.administrator, built.small.school)
    StaffRole.objects.filter(user=built.administrator).delete()

    assert make_report(run.pk) == "failed"
    run.refresh_from_db()
    assert (run.error, run.file.name) == (NO_RIGHT, "")


# The page and the rights --------------------------------------------------------------------

PAGE = reverse("exports:year_journals")
# The session, the user, the school whose archive they keep, its current year and the runs with
# who ordered them (who the user is, for the menu, comes from the cache).
QUERIES_OF_THE_PAGE = 5


def test_the_administrator_orders_it_and_the_deputy_downloads_it_too(
        client, built, django_capture_on_commit_callbacks):
    client.force_login(built.administrator)
    assert "Сформировать" in client.get(PAGE).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE)

    assert response.status_code == 302 and response.url == PAGE
    run = ReportRun.objects.get(exporter=YEAR_JOURNALS)
    assert (run.status, run.requested_by) == ("done", built.administrator)
    page = client.get(PAGE).content.decode()
    assert f'href="{reverse("exports:download", args=[run.pk])}"' in page
    for user in (built.administrator, built.deputy, built.director):
        client.force_login(user)
        response = client.get(reverse("exports:download", args=[run.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        content = b"".join(response.streaming_content)
        assert "5А.xlsx" in zipfile.ZipFile(io.BytesIO(content)).namelist()


def test_the_page_shows_a_bar_that_polls_while_it_is_made(client, built):
    client.force_login(built.deputy)
    client.post(PAGE)  # its task waits for the commit the test never makes
    run = ReportRun.objects.get(exporter=YEAR_JOURNALS)

    page = client.get(PAGE).content.decode()
    assert f'hx-get="{reverse("exports:run_status", args=[run.pk])}"' in page
    assert 'data-testid="run-progress"' in page
    client.force_login(built.administrator)
    status = client.get(reverse("exports:run_status", args=[run.pk]))
    assert status.status_code == 200 and 'hx-trigger="every 1s"' in status.content.decode()


def test_a_second_order_waits_for_the_first(client, built):
    client.force_login(built.director)
    client.post(PAGE)
    response = client.post(PAGE, follow=True)

    assert ReportRun.objects.filter(exporter=YEAR_JOURNALS).count() == 1
    assert "уже готовится" in response.content.decode()


def test_the_page_costs_the_same_queries_however_many_runs(client, built,
                                                          django_assert_num_queries):
    client.force_login(built.deputy)
    for _ in range(3):
        made_run(built)
    client.get(PAGE)
    with django_assert_num_queries(QUERIES_OF_THE_PAGE):
        assert client.get(PAGE).status_code == 200
    made_run(built)
    with django_assert_num_queries(QUERIES_OF_THE_PAGE):
        page = client.get(PAGE).content.decode()
    assert page.count('data-testid="run-row"') == 4


@pytest.mark.parametrize("who", ["teacher", "parent"])
def test_nobody_else_orders_or_downloads_it(client, built, who):
    run = made_run(built)
    client.force_login(getattr(built, who))

    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE).status_code == 404
    for name in ("run_status", "download"):
        assert client.get(reverse(f"exports:{name}", args=[run.pk])).status_code == 404
    assert ReportRun.objects.count() == 1


def made_run(built) -> ReportRun:
    run = ReportRun.objects.create(
        school=built.small.school, exporter=YEAR_JOURNALS, params={"year": built.small.year.pk},
        title="Журналы 2026–2027 учебного года — Школа № 7", format="zip",
        requested_by=built.administrator, status="done", done=JOURNALS, total=JOURNALS)
    run.file.save("report.zip", ContentFile(b"PK-fake"))
    return run
