"""Loading class lists, staff and the curriculum from the XLSX template."""

from __future__ import annotations

import base64
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from accounts.models import Parent, ParentStudent, StaffRole, Student, User
from accounts.roles import Role
from journal.imports import KINDS, class_lists, curriculum, staff
from journal.imports.base import MAX_UPLOAD_BYTES, initial_password_hasher
from journal.imports.class_lists import import_class_lists
from journal.imports.curriculum import import_curriculum
from journal.imports.staff import import_staff
from journal.imports.template import build_template
from journal.models import CurriculumItem, Enrolment, SchoolClass, Subject
from tests.conftest import YEAR_START

STUDENT_HEADERS = [c.header for c in class_lists.COLUMNS]
STAFF_HEADERS = [c.header for c in staff.COLUMNS]
CURRICULUM_HEADERS = [c.header for c in curriculum.COLUMNS]


def xlsx(title: str, headers: list[str], rows: list[list], *, extra_sheets=()) -> io.BytesIO:
    """A workbook with one data sheet, built in memory like a user's file."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for name in extra_sheets:
        workbook.create_sheet(name)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def student_row(login="sokolov", cls="5А", last="Соколов", first="Дмитрий", middle="Андреевич",
                birth=dt.date(2015, 2, 3), sex="м", uid="", enrolled="", parent=()):
    return [cls, last, first, middle, birth, sex, login, uid, enrolled, *parent]


def class_list(*rows) -> io.BytesIO:
    return xlsx("Списки классов", STUDENT_HEADERS, list(rows))


def counts():
    return (User.objects.count(), Student.objects.count(), Enrolment.objects.count(),
            Parent.objects.count(), ParentStudent.objects.count(), SchoolClass.objects.count(),
            StaffRole.objects.count(), Subject.objects.count(), CurriculumItem.objects.count())


SOKOLOVA = ["Соколова", "Ирина", "Павловна", "sokolova", "sokolova@example.ru", "+7 900 555-66-77",
            "мать"]


# The template ------------------------------------------------------------------------------


def test_template_download_is_an_xlsx_with_a_sheet_per_kind_and_russian_headers(client, deputy):
    client.force_login(deputy)
    response = client.get(reverse("journal:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Инструкция", "Списки классов", "Сотрудники", "Учебный план",
                                   "UID портала"]
    for kind in KINDS.values():
        sheet = workbook[kind.title]
        headers = [c.value for c in sheet[1]]
        assert headers == [c.header for c in kind.columns]
        assert any(c.value for c in sheet[2]), "an example row"
        assert sheet.column_dimensions["B"].width > 8
    assert workbook["Списки классов"]["A2"].value == "5А"
    assert workbook["Списки классов"]["E2"].value.date() == dt.date(2015, 3, 14)


def test_an_untouched_template_loads_nothing(year):
    before = counts()
    result = import_class_lists(io.BytesIO(build_template()), year.school, year)
    assert result.errors == ["На листе «Списки классов» нет ни одной строки с данными под строкой "
                             "заголовков (строка 1)."]
    assert counts() == before


def test_the_example_row_left_in_a_filled_template_is_skipped(year):
    workbook = openpyxl.load_workbook(io.BytesIO(build_template()))
    workbook["Сотрудники"].append(["Орлова", "Вера", "", "orlova", "", "", "учитель"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_staff(buffer, year.school)
    assert result.ok, result.errors
    assert not User.objects.filter(username="smirnova.anna").exists()
    assert User.objects.filter(username="orlova").exists()
    assert result.notes == ["Строка 2 совпадает со строкой-образцом из шаблона и не загружалась."]


# Class lists -------------------------------------------------------------------------------


def test_a_class_list_creates_students_parents_classes_and_enrolments(small_school):
    year = small_school.year
    upload = class_list(
        student_row("sokolov", parent=SOKOLOVA),
        student_row("sokolova.anya", cls="6в", first="Анна", middle="", sex="ж",
                    birth="21.11.2014", uid="123456", enrolled="15.09.2026",
                    parent=["", "", "", "sokolova", "", "", "мать"]),
        student_row("belov", last="Белов", first="Глеб", birth=dt.date(2015, 7, 1)),
    )
    result = import_class_lists(upload, small_school.school, year)
    assert result.ok, result.errors

    sokolov = Student.objects.get(user__username="sokolov")
    assert sokolov.user.full_name == "Соколов Дмитрий Андреевич"
    assert sokolov.birth_date == dt.date(2015, 2, 3) and sokolov.sex == "m"
    assert sokolov.enrolments.get().school_class == small_school.class_5a
    anya = Student.objects.get(user__username="sokolova.anya")
    assert anya.portal_uid == "123456" and anya.sex == "f"
    enrolment = anya.enrolments.get()
    assert str(enrolment.school_class) == "6В" and enrolment.school_class.year == year
    assert enrolment.enrolled_on == dt.date(2026, 9, 15)
    assert Student.objects.get(user__username="belov").enrolments.get().enrolled_on == YEAR_START

    mother = Parent.objects.get(user__username="sokolova")
    assert mother.user.email == "sokolova@example.ru" and mother.phone == "+7 900 555-66-77"
    assert set(mother.children.all()) == {sokolov, anya}
    assert set(mother.links.values_list("relation", flat=True)) == {"mother"}

    assert result.counts["Создано классов"] == 1
    assert result.counts["Создано учётных записей обучающихся"] == 3
    assert result.counts["Создано учётных записей родителей"] == 1
    assert result.counts["Добавлено связей «родитель — ребёнок»"] == 2
    passwords = {a.login: a.password for a in result.accounts}
    assert set(passwords) == {"sokolov", "sokolova.anya", "belov", "sokolova"}
    for login, password in passwords.items():
        assert User.objects.get(username=login).check_password(password)
    assert len(set(passwords.values())) == 4


def test_loading_the_same_class_list_again_changes_nothing(small_school):
    rows = [student_row("sokolov", parent=SOKOLOVA)]
    assert import_class_lists(class_list(*rows), small_school.school, small_school.year).ok
    before = counts()
    result = import_class_lists(class_list(*rows), small_school.school, small_school.year)
    assert result.ok, result.errors
    assert counts() == before
    assert result.accounts == []
    assert result.counts["Уже числились в своём классе (без изменений)"] == 1


def test_a_teacher_who_is_also_a_parent_keeps_one_account(small_school, teacher):
    upload = class_list(student_row(parent=["Матвеева", "Ольга", "Игоревна", "matveeva", "", "",
                                            "мать"]))
    result = import_class_lists(upload, small_school.school, small_school.year)
    assert result.ok, result.errors
    assert Parent.objects.get(user=teacher).children.get().user.username == "sokolov"
    assert [a.login for a in result.accounts] == ["sokolov"]


@pytest.mark.parametrize(("row", "message"), [
    (student_row(birth=dt.date(2099, 1, 1)),
     "Строка 3, поле «Дата рождения»: 01.01.2099 — дата в будущем"),
    (student_row(birth="31.02.2015"),
     "Строка 3, поле «Дата рождения»: «31.02.2015» — не дата; укажите дату в виде ДД.ММ.ГГГГ, "
     "например 14.03.2015"),
    (student_row(enrolled="01.06.2026"),
     "Строка 3, поле «Дата зачисления»: 01.06.2026 — вне учебного года 2026/2027 "
     "(01.09.2026–31.08.2027)"),
    (student_row(sex="мальчик"), "Строка 3, поле «Пол»: «мальчик»: укажите «м» или «ж»"),
    (student_row(cls="12А"), "Строка 3, поле «Класс»: «12А»: укажите номер параллели от 1 до 11 "
                             "и литеру, например 5А"),
    (student_row(last=""), "Строка 3, поле «Фамилия»: не заполнено"),
    (student_row(first="Д1ма"), "Строка 3, поле «Имя»: «Д1ма»: допустимы только буквы, пробел, "
                                "дефис и апостроф"),
    (student_row(login="иван петров"), "Строка 3, поле «Логин»: «иван петров»: логин может состоять "
                                       "только из букв, цифр и знаков @ . + - _ без пробелов"),
    (student_row(login="Belov"), "Строка 3, поле «Логин»: логин «Belov» уже встречается в строке 2"),
    (student_row(login="matveeva"),
     "Строка 3, поле «Логин»: логин «matveeva» уже занят: Матвеева Ольга Игоревна"),
    (student_row(login="vasya", last="Петров", first="Василий", middle="", cls="5Б"),
     "Строка 3, поле «Класс»: Петров Василий уже числится в 5А классе с 01.09.2026; "
     "сначала оформите выбытие"),
    (student_row(parent=["Соколова", "Ирина", "", "sokolova", "не-почта", "", "мать"]),
     "Строка 3, поле «Родитель: e-mail»: «не-почта» — не адрес электронной почты"),
    (student_row(parent=["Соколова", "Ирина", "", "sokolova", "", "", "бабушка"]),
     "Строка 3, поле «Кем приходится»: «бабушка»: укажите «мать», «отец», «опекун» или «другое»"),
    (student_row(parent=["Соколова", "Ирина", "", "", "", "", "мать"]),
     "Строка 3, поле «Родитель: Логин»: не заполнено"),
    (student_row(parent=["Соколова", "Ирина", "", "belov", "", "", "мать"]),
     "Строка 3, поле «Родитель: Логин»: логин «belov» уже встречается в строке 2 (поле «Логин»)"),
    (student_row(parent=["Петрова", "Наталья", "", "ivanov", "", "", "мать"]),
     "Строка 3, поле «Родитель: Логин»: логин «ivanov» уже занят: Иванов Сергей Петрович"),
])
def test_a_bad_class_list_row_is_named_and_nothing_is_saved(small_school, children, row, message):
    before = counts()
    upload = class_list(student_row("belov", last="Белов", first="Глеб"), row)
    result = import_class_lists(upload, small_school.school, small_school.year)
    assert result.errors == [message]
    assert counts() == before


def test_one_parent_login_for_two_different_people_is_an_error(small_school):
    upload = class_list(
        student_row("sokolov", parent=SOKOLOVA),
        student_row("belov", last="Белов", first="Глеб",
                    parent=["Белова", "Ольга", "", "sokolova", "", "", "мать"]))
    result = import_class_lists(upload, small_school.school, small_school.year)
    assert result.errors == ["Строка 3, поле «Родитель: Логин»: логин «sokolova» в строке 2 "
                             "принадлежит родителю Соколова Ирина Павловна, а здесь указан "
                             "Белова Ольга"]


def test_every_error_of_the_file_is_listed_with_excel_row_numbers(small_school):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Списки классов"
    sheet.append(STUDENT_HEADERS)
    sheet.append(student_row("one", birth="вчера"))
    sheet.append([])  # an empty row in the middle: numbers stay as Excel shows them
    sheet.append(student_row("two", sex=""))
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_class_lists(buffer, small_school.school, small_school.year)
    assert result.errors == [
        "Строка 2, поле «Дата рождения»: «вчера» — не дата; укажите дату в виде ДД.ММ.ГГГГ, "
        "например 14.03.2015",
        "Строка 4, поле «Пол»: укажите «м» или «ж»",
    ]
    assert not Student.objects.exists()


def test_missing_columns_are_named_with_their_sheet(small_school):
    headers = [h for h in STUDENT_HEADERS if h not in ("Пол", "Логин")] + ["Логин ученика"]
    upload = xlsx("Списки классов", headers, [["5А", "Соколов", "Дмитрий"]])
    result = import_class_lists(upload, small_school.school, small_school.year)
    assert result.errors == ["На листе «Списки классов» нет обязательных столбцов: «Пол», «Логин». "
                             "Названия столбцов в первой строке должны совпадать с шаблоном. "
                             "Не распознаны столбцы: «Логин ученика»."]


def test_optional_columns_may_be_left_out_and_headers_matched_loosely(small_school):
    headers = ["класс", "ФАМИЛИЯ", "Имя", "Дата  рождения", "пол", "логин"]
    upload = xlsx("Лист1", headers, [["5 б", "Соколов", "Дмитрий", "03.02.2015", "М", "sokolov"]])
    result = import_class_lists(upload, small_school.school, small_school.year)
    assert result.ok, result.errors
    assert Enrolment.objects.get(student__user__username="sokolov").school_class == \
        small_school.class_5b


def test_latin_look_alike_class_letters_mean_the_cyrillic_class(small_school):
    result = import_class_lists(class_list(student_row(cls="5A")), small_school.school,
                                small_school.year)
    assert result.ok, result.errors
    assert Enrolment.objects.get().school_class == small_school.class_5a


def test_a_workbook_without_the_sheet_is_refused(small_school):
    upload = xlsx("Сотрудники", STAFF_HEADERS, [["Орлова"]], extra_sheets=["Учебный план"])
    result = import_class_lists(upload, small_school.school, small_school.year)
    assert result.errors == ["В файле нет листа «Списки классов». Листы в файле: «Сотрудники», "
                             "«Учебный план». Переименуйте лист с данными или возьмите лист из "
                             "шаблона."]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "Файл пустой."),
    (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "Это файл старого формата Excel (XLS)."),
    ("Класс;Фамилия\n5А;Соколов\n".encode(), "Файл не является книгой Excel (XLSX)."),
    (b"PK\x03\x04 broken zip", "Не удалось прочитать файл как книгу Excel (XLSX)"),
])
def test_a_file_that_is_not_a_workbook_gets_a_clear_message(small_school, content, message):
    result = import_class_lists(io.BytesIO(content), small_school.school, small_school.year)
    assert len(result.errors) == 1 and result.errors[0].startswith(message)


def test_class_lists_need_a_current_year(school):
    result = import_class_lists(class_list(student_row()), school, None)
    assert result.errors[0].startswith("Текущий учебный год не задан")


# Staff -------------------------------------------------------------------------------------


STAFF_ROWS = [
    ["Орлова", "Вера", "Николаевна", "orlova", "orlova@example.ru", "+7 900 000-00-01",
     "учитель, завуч"],
    ["Кузнецов", "Павел", "", "kuznetsov", "", "", "Диспетчер расписания; секретарь"],
    ["Матвеева", "Ольга", "Игоревна", "matveeva", "", "", "Учитель, администратор"],
]


def test_staff_are_created_with_their_roles(school, teacher):
    result = import_staff(xlsx("Сотрудники", STAFF_HEADERS, STAFF_ROWS), school)
    assert result.ok, result.errors
    orlova = User.objects.get(username="orlova")
    assert orlova.full_name == "Орлова Вера Николаевна" and orlova.email == "orlova@example.ru"
    assert set(orlova.staff_roles.values_list("role", flat=True)) == {Role.TEACHER, Role.DEPUTY}
    assert set(User.objects.get(username="kuznetsov").staff_roles.values_list("role", flat=True)) \
        == {Role.DISPATCHER, Role.SECRETARY}
    assert set(teacher.staff_roles.values_list("role", flat=True)) == \
        {Role.TEACHER, Role.ADMINISTRATOR}
    assert [a.login for a in result.accounts] == ["orlova", "kuznetsov"]
    assert result.counts == {"Создано учётных записей сотрудников": 2, "Назначено ролей": 5,
                             "Существующим сотрудникам добавлены роли": 1}


def test_loading_the_staff_list_again_changes_nothing(school, teacher):
    assert import_staff(xlsx("Сотрудники", STAFF_HEADERS, STAFF_ROWS), school).ok
    before = counts()
    result = import_staff(xlsx("Сотрудники", STAFF_HEADERS, STAFF_ROWS), school)
    assert result.ok, result.errors
    assert counts() == before
    assert result.accounts == []
    assert result.counts["Уже были в журнале с этими ролями (без изменений)"] == 3


@pytest.mark.parametrize(("row", "message"), [
    (["Петров", "Пётр", "", "matveeva", "", "", "учитель"],
     "Строка 3, поле «Логин»: логин «matveeva» уже занят: Матвеева Ольга Игоревна"),
    (["Орлова", "Вера", "", "ORLOVA", "", "", "учитель"],
     "Строка 3, поле «Логин»: логин «ORLOVA» уже встречается в строке 2"),
    (["Петров", "Пётр", "", "petrov", "", "", "учитель, волшебник"],
     "Строка 3, поле «Роли»: неизвестная роль «волшебник»; допустимы: учитель, завуч, директор, "
     "администратор, секретарь, диспетчер, редактор новостей, ответственный за электронный "
     "дневник, ответственный за защиту ПД"),
    (["Петров", "Пётр", "", "petrov", "", "", ""], "Строка 3, поле «Роли»: укажите хотя бы одну роль"),
    (["Петров", "Пётр", "", "petrov", "petrov@", "", "учитель"],
     "Строка 3, поле «E-mail»: «petrov@» — не адрес электронной почты"),
    (["Петров", "Пётр", "", "petrov", "", "", "классный руководитель"],
     "Строка 3, поле «Роли»: классный руководитель — не роль сотрудника: его назначают в "
     "настройке класса; здесь укажите «учитель»"),
])
def test_a_bad_staff_row_is_named_and_nothing_is_saved(school, teacher, row, message):
    before = counts()
    upload = xlsx("Сотрудники", STAFF_HEADERS, [STAFF_ROWS[0], row])
    result = import_staff(upload, school)
    assert result.errors == [message]
    assert counts() == before


# Curriculum --------------------------------------------------------------------------------


def test_curriculum_creates_subjects_and_rows_and_updates_hours(small_school):
    CurriculumItem.objects.create(year=small_school.year, subject=small_school.maths, grade=5,
                                  hours_per_week=4)
    rows = [[5, "Математика", 6], ["10А", "Физика", "2,5"], ["1", "Русский язык", 5]]
    result = import_curriculum(xlsx("Учебный план", CURRICULUM_HEADERS, rows), small_school.school,
                               small_school.year)
    assert result.ok, result.errors
    assert CurriculumItem.objects.get(subject=small_school.maths, grade=5).hours_per_week == 6
    physics = Subject.objects.get(name="Физика")
    item = CurriculumItem.objects.get(subject=physics)
    assert item.school_class == small_school.class_10a and item.grade is None
    assert item.hours_per_week == Decimal("2.5")
    assert result.counts == {"Создано предметов": 1, "Добавлено строк учебного плана": 2,
                             "Изменены часы": 1}

    again = import_curriculum(xlsx("Учебный план", CURRICULUM_HEADERS, rows), small_school.school,
                              small_school.year)
    assert again.counts == {"Создано предметов": 0, "Добавлено строк учебного плана": 0,
                            "Изменены часы": 0, "Без изменений": 3}


@pytest.mark.parametrize(("row", "message"), [
    (["5В", "Физика", 2], "Строка 3, поле «Параллель или класс»: класса 5В нет в учебном году "
                          "2026/2027; загрузите сначала списки классов или укажите параллель"),
    (["12", "Физика", 2], "Строка 3, поле «Параллель или класс»: «12»: параллель — число от 1 до 11"),
    (["5", "Физика", "много"], "Строка 3, поле «Часов в неделю»: «много» — не число"),
    (["5", "Физика", 0], "Строка 3, поле «Часов в неделю»: 0: число часов должно быть больше 0 "
                         "и не больше 40"),
    (["5", "Физика", 1.25], "Строка 3, поле «Часов в неделю»: 1.25: не больше одного знака после "
                            "запятой"),
    (["5", "МАТЕМАТИКА", 4], "Строка 3, поле «Предмет»: «МАТЕМАТИКА» для «5» уже указан в строке 2"),
    (["5", "", 4], "Строка 3, поле «Предмет»: не заполнено"),
])
def test_a_bad_curriculum_row_is_named_and_nothing_is_saved(small_school, row, message):
    before = counts()
    upload = xlsx("Учебный план", CURRICULUM_HEADERS, [["5", "Математика", 6], row])
    result = import_curriculum(upload, small_school.school, small_school.year)
    assert result.errors == [message]
    assert counts() == before


# Initial passwords -------------------------------------------------------------------------


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"])
def test_initial_passwords_are_hashed_cheaply_and_rehashed_at_first_sign_in(db):
    user = User.objects.create(username="new", password=initial_password_hasher()("Secret-123"))
    assert user.password.startswith("pbkdf2_sha256$10000$")
    assert user.check_password("Secret-123")
    user.refresh_from_db()
    assert not user.password.startswith("pbkdf2_sha256$10000$")


# Pages -------------------------------------------------------------------------------------


def upload_file(content: io.BytesIO | bytes, name="список.xlsx") -> SimpleUploadedFile:
    data = content.getvalue() if isinstance(content, io.BytesIO) else content
    return SimpleUploadedFile(name, data)


def test_deputy_sees_the_three_kinds_with_forms(client, deputy, year):
    client.force_login(deputy)
    page = client.get(reverse("journal:import_index")).content.decode()
    for kind in KINDS.values():
        assert f'data-kind="{kind.slug}"' in page
        assert reverse("journal:import_upload", args=[kind.slug]) in page
    assert reverse("journal:import_template") in page


def test_upload_page_shows_counts_and_initial_passwords_with_a_download(client, administrator,
                                                                        small_school):
    client.force_login(administrator)
    upload = class_list(student_row("sokolov", parent=SOKOLOVA))
    response = client.post(reverse("journal:import_upload", args=["class-lists"]),
                           {"file": upload_file(upload)})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert 'data-testid="import-ok"' in page
    assert page.count('data-testid="new-account"') == 2
    passwords = {a.login: a.password for a in response.context["result"].accounts}
    assert passwords["sokolov"] in page
    listing = openpyxl.load_workbook(io.BytesIO(base64.b64decode(response.context["accounts_xlsx"])))
    rows = list(listing.active.iter_rows(values_only=True))
    assert rows[0] == ("ФИО", "Кто", "Класс, роли или дети", "Логин", "Начальный пароль")
    assert ("Соколов Дмитрий Андреевич", "обучающийся", "5А", "sokolov", passwords["sokolov"]) in rows
    assert ("Соколова Ирина Павловна", "родитель", "Дмитрий Соколов (5А)", "sokolova",
            passwords["sokolova"]) in rows
    assert response.context["accounts_xlsx"] in page


def test_upload_page_lists_errors_and_saves_nothing(client, deputy, small_school):
    client.force_login(deputy)
    before = counts()
    upload = class_list(student_row("a", birth=dt.date(2099, 1, 1)), student_row("a"))
    page = client.post(reverse("journal:import_upload", args=["class-lists"]),
                       {"file": upload_file(upload)}).content.decode()
    assert "Строка 2, поле «Дата рождения»: 01.01.2099 — дата в будущем" in page
    assert "Строка 3, поле «Логин»: логин «a» уже встречается в строке 2" in page
    assert "ничего не сохранено" in page
    assert counts() == before


def test_files_over_5_mb_are_refused(client, deputy, year):
    client.force_login(deputy)
    big = b"PK\x03\x04" + b"\0" * MAX_UPLOAD_BYTES
    response = client.post(reverse("journal:import_upload", args=["staff"]),
                           {"file": upload_file(big)})
    assert response.status_code == 400
    assert "Файл больше 5 МБ" in response.content.decode()


def test_an_empty_upload_is_refused(client, deputy, year):
    client.force_login(deputy)
    response = client.post(reverse("journal:import_upload", args=["staff"]),
                           {"file": upload_file(b"")})
    assert response.status_code == 400
    assert "пуст" in response.content.decode()


def test_superuser_may_import(client, small_school):
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    assert client.get(reverse("journal:import_index")).status_code == 200


@pytest.mark.parametrize("who", ["teacher", "director", "parent", "children"])
def test_others_get_404(client, request, small_school, who):
    user = request.getfixturevalue(who)
    user = user[0].user if who == "children" else user
    client.force_login(user)
    assert client.get(reverse("journal:import_index")).status_code == 404
    assert client.get(reverse("journal:import_template")).status_code == 404
    upload = class_list(student_row())
    response = client.post(reverse("journal:import_upload", args=["class-lists"]),
                           {"file": upload_file(upload)})
    assert response.status_code == 404
    assert not Student.objects.filter(user__username="sokolov").exists()


def test_an_unknown_kind_is_404(client, deputy):
    client.force_login(deputy)
    assert client.get(reverse("journal:import_upload", args=["marks"])).status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_file(small_school):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def load(prefix: str, n: int, new_class: str) -> int:
        rows = [student_row(f"{prefix}{i}", cls="5А" if i % 2 else new_class,
                            parent=["Иванова", "Анна", "", f"{prefix}p{i // 2}", "", "", "мать"])
                for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            assert import_class_lists(class_list(*rows), small_school.school, small_school.year).ok
        return len(queries)

    assert load("a", 4, "7Г") == load("b", 40, "8Г")
