"""The downloadable template: an instructions sheet and one sheet per kind of import."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from journal.imports import KINDS, ImportKind
from journal.imports.base import INSTRUCTIONS_SHEET

DATE_FORMAT = "DD.MM.YYYY"
TEXT_FORMAT = "@"
LAST_ROW = 5000  # how far the drop-down lists reach

_REQUIRED = PatternFill("solid", fgColor="1F4E79")
_OPTIONAL = PatternFill("solid", fgColor="BDD7EE")
_EXAMPLE = Font(italic=True, color="7F7F7F")

INSTRUCTIONS = [
    "Как заполнить шаблон",
    "",
    "1. Листы «Списки классов», «Сотрудники», «Учебный план» и «UID портала» загружаются по "
    "отдельности: на странице «Загрузка из XLSX» выберите нужный вид загрузки и этот файл.",
    "2. Не меняйте названия столбцов в первой строке. Столбцы с тёмно-синим заголовком "
    "обязательны, остальные можно оставить пустыми или удалить.",
    "3. Вторая строка каждого листа — образец (серый курсив). Замените её своими данными; "
    "строка, в точности совпадающая с образцом, не загружается.",
    "4. Даты — в виде ДД.ММ.ГГГГ (например, 14.03.2015) или ячейкой в формате «Дата».",
    "5. Логины — латинскими буквами и цифрами, без пробелов; у каждого человека свой логин. "
    "Если такой логин уже есть у того же человека, новая учётная запись не создаётся.",
    "6. Файл проверяется целиком: если найдена хотя бы одна ошибка, не сохраняется ничего, "
    "а на странице появляется список ошибок с номерами строк и названиями полей.",
    "7. После загрузки страница покажет логины и начальные пароли новых учётных записей. "
    "Скачайте список сразу: пароли в журнале не хранятся и показываются только один раз.",
    "8. Размер файла — не больше 5 МБ.",
    "",
    "Списки классов",
    "• Класс — номер параллели и литера (5А). Если класса ещё нет в текущем учебном году, "
    "он будет создан.",
    "• Пол — «м» или «ж». Дата зачисления — если пусто, начало учебного года.",
    "• Родитель: если у нескольких детей один родитель, укажите его логин в строке каждого "
    "ребёнка (ФИО родителя можно повторить или оставить пустыми).",
    "• Кем приходится — мать, отец, опекун или другое.",
    "",
    "Сотрудники",
    "• Роли — через запятую: учитель, завуч, директор, администратор, секретарь, диспетчер, "
    "редактор новостей, ответственный за электронный дневник, ответственный за защиту ПД.",
    "• Повторная загрузка того же списка только добавляет недостающие роли.",
    "• Классного руководителя назначают в настройке класса, а не в этом списке.",
    "",
    "Учебный план",
    "• Параллель или класс — номер параллели (5) для всех её классов или класс (5А), "
    "если у него свои часы. Класс должен уже быть создан.",
    "• Часов в неделю — число, можно дробное (0,5). Если строка уже есть, часы обновятся.",
    "",
    "UID портала",
    "• Вид — обучающийся, родитель или сотрудник; логин — уже выданный в журнале. Фамилия и имя "
    "(и отчество, если указано) должны совпадать с журналом: так опечатка в логине не даст "
    "код другому человеку.",
    "• UID портала — число до 20 цифр; у каждого обучающегося, родителя и сотрудника свой. "
    "Столбец текстовый: числовая ячейка Excel хранит только 15 цифр.",
    "• Этот лист можно загрузить и файлом CSV (разделитель «;» или «,», кодировка UTF-8 или "
    "Windows-1251) с теми же названиями столбцов в первой строке.",
]


def build_template() -> bytes:
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = INSTRUCTIONS_SHEET
    instructions.column_dimensions["A"].width = 120
    for number, line in enumerate(INSTRUCTIONS, start=1):
        cell = instructions.cell(row=number, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if line and not line[0].isdigit() and not line.startswith("•"):
            cell.font = Font(bold=True, size=13 if number == 1 else 11)
    for kind in KINDS.values():
        _add_sheet(workbook, kind)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_sheet(workbook: Workbook, kind: ImportKind) -> None:
    sheet = workbook.create_sheet(kind.title)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=column.header)
        header.fill = _REQUIRED if column.required else _OPTIONAL
        header.font = Font(bold=True, color="FFFFFF" if column.required else "000000")
        header.alignment = Alignment(wrap_text=True, vertical="center")
        if column.hint:
            header.comment = Comment(column.hint, "Электронный журнал", width=260, height=80)
        sheet.column_dimensions[letter].width = column.width

        example = sheet.cell(row=2, column=index, value=column.example)
        example.font = _EXAMPLE
        cell_range = f"{letter}2:{letter}{LAST_ROW}"
        if column.is_date or column.is_text:
            # A column style: what people type below the example keeps this format.
            number_format = DATE_FORMAT if column.is_date else TEXT_FORMAT
            sheet.column_dimensions[letter].number_format = number_format
            example.number_format = number_format
        if column.choices:
            listed = ", ".join(column.choices)
            validation = DataValidation(type="list", formula1=f'"{",".join(column.choices)}"',
                                        allow_blank=True, showErrorMessage=True,
                                        errorTitle=column.header,
                                        error=f"Выберите из списка: {listed}.")
            sheet.add_data_validation(validation)
            validation.add(cell_range)
    sheet.row_dimensions[1].height = 32
