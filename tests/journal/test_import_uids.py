"""Loading portal UIDs of students, parents and staff from XLSX and CSV."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Parent, ParentStudent, PersonalDataEvent, Student, User
from journal.imports import uids
from journal.imports.uids import import_uids
from tests.conftest import build_small_school, built_once, make_children, make_parent, make_staff

HEADERS = [c.header for c in uids.COLUMNS]
ERRORS_SAVED_NOTHING = "ничего не сохранено"

built = built_once(lambda: _build())


def _build():
    school = build_small_school()
    vasya, masha = make_children(school)
    make_parent("petrova", "Петрова", "Наталья", "Андреевна", [vasya, masha])
    make_staff(school.school, "admin", "Админов", "Игорь", "Николаевич", role="administrator")
    # A teacher who is also a parent: one account, a code of each kind.
    teacher_parent = Parent.objects.create(user=User.objects.get(username="matveeva"))
    ParentStudent.objects.create(parent=teacher_parent, student=masha, relation="mother")
    return school


VASYA = ["обучающийся", "vasya", "Петров", "Василий", "", "1001"]
MASHA = ["обучающийся", "masha", "Петрова", "Мария", "", "1002"]
PETROVA = ["родитель", "petrova", "Петрова", "Наталья", "Андреевна", "2001"]
MATVEEVA_STAFF = ["сотрудник", "matveeva", "Матвеева", "Ольга", "Игоревна", "3001"]
MATVEEVA_PARENT = ["родитель", "matveeva", "Матвеева", "Ольга", "", "3001"]
IVANOV = ["сотрудник", "ivanov", "Иванов", "Сергей", "Петрович", "3002"]  # journals, no role


def xlsx(*rows) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = uids.SHEET
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("uid.xlsx", buffer.getvalue())


def csv_file(*rows, delimiter: str, encoding: str, name: str = "uid.csv") -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding))


def codes() -> dict[str, str]:
    found = {f"student:{s.user.username}": s.portal_uid for s in Student.objects.select_related("user")}
    found |= {f"parent:{p.user.username}": p.portal_uid for p in Parent.objects.select_related("user")}
    found |= {f"staff:{u.username}": u.staff_portal_uid for u in User.objects.all()}
    return {key: value for key, value in found.items() if value}


def run(built, upload, by=None):
    return import_uids(upload, built.school, built.year, by=by)


def test_an_xlsx_file_sets_the_codes_of_every_kind(built, db):
    result = run(built, xlsx(VASYA, MASHA, PETROVA, MATVEEVA_STAFF, MATVEEVA_PARENT, IVANOV))
    assert result.ok, result.errors
    assert codes() == {"student:vasya": "1001", "student:masha": "1002", "parent:petrova": "2001",
                       "staff:matveeva": "3001", "parent:matveeva": "3001", "staff:ivanov": "3002"}
    assert result.counts == {"UID установлено": 6, "UID изменено": 0, "Без изменений": 0}


def test_loading_again_changes_only_what_differs_and_logs_each_change(built, db):
    assert run(built, xlsx(VASYA, PETROVA)).ok
    result = run(built, xlsx(VASYA, [*PETROVA[:5], "2002"]))
    assert result.counts == {"UID установлено": 0, "UID изменено": 1, "Без изменений": 1}
    assert codes() == {"student:vasya": "1001", "parent:petrova": "2002"}
    changes = [e.changes for e in PersonalDataEvent.objects.filter(subject__username="petrova")
               .order_by("pk")]
    assert changes == [{"UID портала (родитель)": ["", "2001"]},
                       {"UID портала (родитель)": ["2001", "2002"]}]


def test_csv_in_windows_1251_with_semicolons_sets_the_codes(built, db):
    result = run(built, csv_file(VASYA, PETROVA, IVANOV, delimiter=";", encoding="cp1251"))
    assert result.ok, result.errors
    assert codes() == {"student:vasya": "1001", "parent:petrova": "2001", "staff:ivanov": "3002"}


def test_csv_in_utf8_with_a_bom_and_commas_sets_the_codes(built, db):
    # And with a name that says nothing: the first bytes tell it is not a workbook.
    upload = csv_file(MASHA, MATVEEVA_STAFF, delimiter=",", encoding="utf-8-sig", name="выгрузка")
    result = run(built, upload)
    assert result.ok, result.errors
    assert codes() == {"student:masha": "1002", "staff:matveeva": "3001"}


def test_csv_rows_are_numbered_as_excel_shows_them(built, db):
    upload = csv_file(VASYA, [], [*MASHA[:5], "12-34"], delimiter=";", encoding="utf-8")
    assert run(built, upload).errors == [
        "Строка 4, поле «UID портала»: «12-34»: UID портала — это число (до 20 цифр)"]


def test_a_file_with_one_bad_row_changes_nothing_and_names_each_error(built, db):
    result = run(built, xlsx(
        VASYA,
        ["ученик", "nobody", "Никто", "Никак", "", "1003"],
        [*MASHA[:5], "12a"],
        ["сторож", "petrova", "Петрова", "Наталья", "", "2001"],
        ["родитель", "petrova", "Петрова", "Ирина", "", "2001"],
        ["сотрудник", "ivanov", "Иванов", "Сергей", "Иванович", "3002"],
        [*IVANOV[:5], ""]))
    assert result.errors == [
        "Строка 3, поле «Логин»: логин «nobody» в журнале не найден",
        "Строка 4, поле «UID портала»: «12a»: UID портала — это число (до 20 цифр)",
        "Строка 5, поле «Вид»: «сторож»: укажите «обучающийся», «родитель» или «сотрудник»",
        "Строка 6, поле «Фамилия»: по логину «petrova» в журнале другой человек: "
        "Петрова Наталья Андреевна",
        "Строка 7, поле «Фамилия»: по логину «ivanov» в журнале другой человек: "
        "Иванов Сергей Петрович",
        "Строка 8, поле «UID портала»: не заполнено",
    ]
    assert codes() == {}


def test_a_code_twice_in_the_file_for_one_kind_is_an_error(built, db):
    result = run(built, xlsx(VASYA, [*MASHA[:5], "1001"], [*PETROVA[:5], "1001"]))
    assert result.errors == ["Строка 3, поле «UID портала»: «1001» уже указан в строке 2 для "
                             "другого обучающегося"]
    assert codes() == {}


def test_a_person_twice_in_the_file_for_one_kind_is_an_error(built, db):
    result = run(built, xlsx(VASYA, [*VASYA[:5], "1009"]))
    assert result.errors == ["Строка 3, поле «Логин»: логин «vasya» уже встречается в строке 2"]


def test_a_code_another_person_of_the_kind_holds_is_refused_naming_them(built, db):
    Student.objects.filter(user__username="masha").update(portal_uid="1001")
    result = run(built, xlsx(VASYA))
    assert result.errors == ["Строка 2, поле «UID портала»: «1001» уже у другого обучающегося: "
                             "Петрова Мария (логин masha)"]
    assert Student.objects.get(user__username="vasya").portal_uid == ""


def test_two_people_may_swap_their_codes_in_one_file(built, db):
    Student.objects.filter(user__username="vasya").update(portal_uid="1002")
    Student.objects.filter(user__username="masha").update(portal_uid="1001")
    result = run(built, xlsx(VASYA, MASHA))
    assert result.ok, result.errors
    assert codes() == {"student:vasya": "1001", "student:masha": "1002"}


@pytest.mark.parametrize(("row", "message"), [
    (["сотрудник", "vasya", "Петров", "Василий", "", "1"],
     "«vasya» — не сотрудник этой школы (это обучающийся)"),
    (["обучающийся", "petrova", "Петрова", "Наталья", "", "1"],
     "«petrova» — не обучающийся этой школы (это родитель)"),
    (["родитель", "ivanov", "Иванов", "Сергей", "", "1"],
     "«ivanov» — не родитель этой школы (это сотрудник)"),
])
def test_a_login_of_another_kind_is_an_error(built, db, row, message):
    assert run(built, xlsx(row)).errors == [f"Строка 2, поле «Вид»: {message}"]
    assert codes() == {}


def test_a_code_excel_kept_as_a_number_of_more_than_15_digits_is_refused(built, db):
    result = run(built, xlsx([*VASYA[:5], 12345678901234567890]))
    assert len(result.errors) == 1
    assert result.errors[0].startswith("Строка 2, поле «UID портала»: «123456789012345")
    assert "только 15 цифр" in result.errors[0]


def test_a_missing_column_is_named(built, db):
    upload = SimpleUploadedFile("uid.csv", "Вид;Логин;Фамилия;Имя\nобучающийся;vasya;Петров;Василий\n"
                                .encode())
    assert run(built, upload).errors == [
        "В файле CSV нет обязательных столбцов: «UID портала». Названия столбцов в первой строке "
        "должны совпадать с шаблоном."]


def test_the_upload_page_takes_csv_and_logs_who_loaded_it(built, db, client):
    deputy = make_staff(built.school, "zavuch", "Завьялова", "Елена", "Викторовна", role="deputy")
    client.force_login(deputy)
    index = client.get(reverse("journal:import_index")).content.decode()
    assert 'data-kind="uids"' in index and "Файл XLSX или CSV" in index
    response = client.post(reverse("journal:import_upload", args=["uids"]),
                           {"file": csv_file(VASYA, delimiter=";", encoding="cp1251")})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-ok"' in page
    assert "UID установлено" in page
    event = PersonalDataEvent.objects.get(subject__username="vasya")
    assert event.actor == deputy and event.what == "Загрузка UID портала из файла"


def test_the_upload_page_shows_row_errors_and_saves_nothing(built, db, client):
    client.force_login(make_staff(built.school, "zavuch", "Завьялова", "Елена", "", role="deputy"))
    response = client.post(reverse("journal:import_upload", args=["uids"]),
                           {"file": xlsx(VASYA, [*MASHA[:5], "x"])})
    page = response.content.decode()
    assert ERRORS_SAVED_NOTHING in page
    assert "Строка 3, поле «UID портала»: «x»: UID портала — это число (до 20 цифр)" in page
    assert codes() == {}


def test_other_kinds_of_import_still_take_only_workbooks(built, db):
    from journal.imports.staff import import_staff

    upload = SimpleUploadedFile("staff.csv", "Фамилия;Имя;Логин;Роли\nА;Б;ab;учитель\n".encode())
    assert import_staff(upload, built.school).errors == [
        "Файл не является книгой Excel (XLSX). Скачайте шаблон, заполните его и сохраните в "
        "формате XLSX."]
