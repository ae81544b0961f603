"""Reading an uploaded workbook: file checks, the header row, cell values and row errors.

Every kind of import works the same way: read the rows of its sheet, check all of them
(collecting every problem), and only when nothing is wrong write everything in one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from accounts.models import User
from accounts.services.credentials import initial_password_hasher, new_password  # noqa: F401
from ejournal.spreadsheets import from_csv_value
from journal.dates import parse_date

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
INSTRUCTIONS_SHEET = "Инструкция"

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Excel's «Текст Юникод» (tab-separated UTF-16)


@dataclass(frozen=True)
class Column:
    """A column of an import sheet. `required` columns must be present and filled in."""

    header: str
    required: bool = False
    width: int = 16
    example: Any = None
    hint: str = ""
    is_text: bool = False  # formatted as text in the template, so Excel keeps leading zeros
    is_date: bool = False
    choices: tuple[str, ...] = ()


class FileProblem(Exception):
    """The file as a whole cannot be imported."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


@dataclass
class Row:
    number: int  # as Excel shows it
    values: dict[str, Any]

    def text(self, header: str) -> str:
        return sheet_text(self.values.get(header))

    def raw(self, header: str) -> Any:
        return self.values.get(header)


@dataclass(order=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return f"Строка {self.row}, поле «{self.field}»: {self.message}"
        return f"Строка {self.row}: {self.message}"


class Problems:
    """Row errors collected while checking a sheet."""

    def __init__(self) -> None:
        self.items: list[RowError] = []

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(self, row: int, header: str, message: str) -> None:
        self.items.append(RowError(row, header, message))

    def messages(self) -> list[str]:
        return [str(e) for e in sorted(self.items)]


@dataclass
class NewAccount:
    """An account the import created, with the initial password the school hands out."""

    full_name: str
    who: str
    detail: str
    login: str
    password: str


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    accounts: list[NewAccount] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, label: str, n: int = 1) -> None:
        self.counts[label] = self.counts.get(label, 0) + n


@dataclass
class Sheet:
    title: str
    headers: list[str]  # the recognised columns present in the sheet
    rows: list[Row]
    skipped_example: int | None = None

    def has(self, header: str) -> bool:
        return header in self.headers


def _normalise_header(value: Any) -> str:
    return re.sub(r"[\s\-–—:.*_]+", "", sheet_text(value)).casefold().replace("ё", "е")


def _check_upload(upload: IO[bytes]) -> None:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size == 0:
        raise FileProblem("Файл пустой. Заполните шаблон и загрузите его снова.")
    if size > MAX_UPLOAD_BYTES:
        raise FileProblem("Файл больше 5 МБ. Разделите его на несколько файлов "
                          "(например, по параллелям) и загрузите их по очереди.")
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head == _OLE_MAGIC:
        raise FileProblem("Это файл старого формата Excel (XLS). Откройте его в Excel или "
                          "LibreOffice и сохраните как «Книга Excel (*.xlsx)».")
    if head != _ZIP_MAGIC:
        raise FileProblem("Файл не является книгой Excel (XLSX). Скачайте шаблон, заполните его "
                          "и сохраните в формате XLSX.")


def read_sheet(upload: IO[bytes], title: str, columns: Iterable[Column],
               example: Iterable[Any] | None = None) -> Sheet:
    """The rows of sheet `title` keyed by column header.

    The sheet is found by name; a workbook with a single data sheet is read whatever that sheet
    is called. Raises FileProblem when the file or the header row is unusable. The first row
    is skipped when it is exactly the template's example, so a left-over example does not become
    a student.
    """
    columns = list(columns)
    _check_upload(upload)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged file
        raise FileProblem("Не удалось прочитать файл как книгу Excel (XLSX): возможно, он "
                          "повреждён или защищён паролем. Сохраните его заново в формате XLSX.") \
            from exc
    try:
        worksheet = _find_worksheet(workbook, title)
        worksheet.reset_dimensions()  # some programs write a wrong sheet size
        raw_rows = _read_rows(worksheet, title)
    finally:
        workbook.close()

    if not raw_rows:
        raise FileProblem(f"Лист «{title}» пустой: в первой строке должны быть названия столбцов, "
                          "ниже — данные.")
    return _sheet_of(raw_rows, title, columns, example, where=f"На листе «{title}»")


def _sheet_of(raw_rows: list[tuple[int, tuple]], title: str, columns: list[Column],
              example: Iterable[Any] | None, where: str) -> Sheet:
    """The numbered rows of a sheet or a CSV file (the header row first) keyed by header."""
    header_number, header_row = raw_rows[0]
    positions = _match_headers(header_row, columns, title, where=where)

    example_key = _row_key(example) if example is not None else None
    sheet = Sheet(title=title, headers=[c.header for c in columns if c.header in positions], rows=[])
    for number, values in raw_rows[1:]:
        cells = {h: values[i] if i < len(values) else None for h, i in positions.items()}
        if number == header_number + 1 and example_key is not None and \
                _row_key(cells.get(c.header) for c in columns) == example_key:
            sheet.skipped_example = number
            continue
        sheet.rows.append(Row(number=number, values=cells))
    if not sheet.rows:
        raise FileProblem(f"{where} нет ни одной строки с данными под строкой "
                          f"заголовков (строка {header_number}).")
    return sheet


def is_csv(upload: IO[bytes]) -> bool:
    """Whether the upload is a CSV (text) file rather than a workbook: by its name, and for a
    name that says nothing, by its first bytes."""
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith((".csv", ".txt")):
        return True
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    return not name.endswith((".xlsx", ".xls")) and head not in (_ZIP_MAGIC, _OLE_MAGIC)


def _decode_csv(data: bytes) -> str:
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        for encoding in ("utf-8-sig", "cp1251"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise FileProblem("Не удалось прочитать файл как CSV: сохраните его из Excel как «CSV (разделители "
                      "— точка с запятой)» в кодировке UTF-8 или Windows-1251, или как книгу XLSX.")


def read_csv(upload: IO[bytes], title: str, columns: Iterable[Column],
             example: Iterable[Any] | None = None) -> Sheet:
    """`read_sheet` for a CSV file: «;», «,» or tab between values (the header row tells which),
    UTF-8 with or without a BOM, Windows-1251 or UTF-16; rows numbered as Excel shows them."""
    columns = list(columns)
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    upload.seek(0)
    if not data.strip():
        raise FileProblem("Файл пустой. Заполните шаблон и загрузите его снова.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileProblem("Файл больше 5 МБ. Разделите его на несколько файлов и загрузите их "
                          "по очереди.")
    text = _decode_csv(data)
    # Excel writes «;» in Russian locales and «,» elsewhere; the header row has the most of it.
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    raw_rows: list[tuple[int, tuple]] = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline=""),
                                                   delimiter=delimiter), start=1):
            if not any(v.strip() for v in values):
                continue
            raw_rows.append((number, tuple(from_csv_value(v) for v in values)))
            if len(raw_rows) > MAX_ROWS + 1:
                raise FileProblem(f"В файле больше {MAX_ROWS} строк с данными. Разделите их на "
                                  "несколько файлов.")
    except csv.Error as exc:
        raise FileProblem(f"Не удалось прочитать файл CSV: {exc}.") from exc
    if not raw_rows:
        raise FileProblem("Файл пустой. Заполните шаблон и загрузите его снова.")
    return _sheet_of(raw_rows, title, columns, example, where="В файле CSV")


def read_table(upload: IO[bytes], title: str, columns: Iterable[Column],
               example: Iterable[Any] | None = None, *, csv_allowed: bool = False) -> Sheet:
    """`read_csv` for a CSV file when the kind of import takes one, else `read_sheet`."""
    if csv_allowed and is_csv(upload):
        return read_csv(upload, title, columns, example)
    return read_sheet(upload, title, columns, example)


def _find_worksheet(workbook, title: str):
    wanted = _normalise_header(title)
    for worksheet in workbook.worksheets:
        if _normalise_header(worksheet.title) == wanted:
            return worksheet
    data_sheets = [ws for ws in workbook.worksheets
                   if _normalise_header(ws.title) != _normalise_header(INSTRUCTIONS_SHEET)]
    if len(data_sheets) == 1:
        return data_sheets[0]
    names = ", ".join(f"«{ws.title}»" for ws in workbook.worksheets)
    raise FileProblem(f"В файле нет листа «{title}». Листы в файле: {names}. "
                      "Переименуйте лист с данными или возьмите лист из шаблона.")


def _read_rows(worksheet, title: str) -> list[tuple[int, tuple]]:
    """The non-empty rows with their numbers; the first one is the header row."""
    rows = []
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        if not any(sheet_text(v) for v in values):
            continue
        rows.append((number, values))
        if len(rows) > MAX_ROWS + 1:
            raise FileProblem(f"На листе «{title}» больше {MAX_ROWS} строк с данными. Разделите "
                              "их на несколько файлов.")
    return rows


def _match_headers(header_row: tuple, columns: list[Column], title: str,
                   where: str = "") -> dict[str, int]:
    where = where or f"На листе «{title}»"
    by_key = {_normalise_header(c.header): c for c in columns}
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, value in enumerate(header_row):
        text = sheet_text(value)
        if not text:
            continue
        column = by_key.get(_normalise_header(text))
        if column is None:
            unknown.append(text)
        elif column.header in positions:
            raise FileProblem(f"{where} столбец «{column.header}» встречается дважды.")
        else:
            positions[column.header] = index
    missing = [c.header for c in columns if c.required and c.header not in positions]
    if missing:
        names = ", ".join(f"«{h}»" for h in missing)
        message = (f"{where} нет обязательных столбцов: {names}. Названия столбцов в "
                   "первой строке должны совпадать с шаблоном.")
        if unknown:
            message += " Не распознаны столбцы: " + ", ".join(f"«{h}»" for h in unknown) + "."
        raise FileProblem(message)
    return positions


def _row_key(values: Iterable[Any]) -> tuple[str, ...]:
    return tuple(sheet_text(v).casefold() for v in values)


# Cell values -------------------------------------------------------------------------------


def sheet_text(value: Any) -> str:
    """A cell as the text a person sees in it (numbers without a trailing .0, dates as ДД.ММ.ГГГГ)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return re.sub(r"\s+", " ", str(value).replace("\xa0", " ")).strip()


def cell_date(value: Any) -> dt.date:
    """A date from a date cell or from text ДД.ММ.ГГГГ; ValueError with a Russian message."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return from_excel(value).date()  # a date cell that lost its date format
    text = sheet_text(value)
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    if day is not None:
        return day
    raise ValueError(f"«{text}» — не дата; укажите дату в виде ДД.ММ.ГГГГ, например 14.03.2015")


def cell_decimal(value: Any) -> Decimal:
    text = sheet_text(value).replace(",", ".").replace(" ", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"«{sheet_text(value)}» — не число") from None
    if not number.is_finite():
        raise ValueError(f"«{sheet_text(value)}» — не число")
    return number


_NAME_RE = re.compile(r"[^\W\d_]+(?:(?: |-|'|’| - )[^\W\d_]+)*\.?")
_username_validator = UnicodeUsernameValidator()


def check_name(row: Row, header: str, problems: Problems, *, required: bool) -> str:
    """A last name, first name or patronymic from the row ('' when missing or wrong)."""
    value = row.text(header)
    if not value:
        if required:
            problems.add(row.number, header, "не заполнено")
        return ""
    if len(value) > 150:
        problems.add(row.number, header, "не длиннее 150 символов")
        return ""
    if not _NAME_RE.fullmatch(value):
        problems.add(row.number, header, f"«{value}»: допустимы только буквы, пробел, дефис "
                                         "и апостроф")
        return ""
    return value


def check_login(row: Row, header: str, problems: Problems, *, required: bool = True) -> str:
    value = row.text(header)
    if not value:
        if required:
            problems.add(row.number, header, "не заполнено")
        return ""
    try:
        _username_validator(value)
    except ValidationError:
        problems.add(row.number, header, f"«{value}»: логин может состоять только из букв, цифр "
                                         "и знаков @ . + - _ без пробелов")
        return ""
    if len(value) > 150:
        problems.add(row.number, header, "логин не длиннее 150 символов")
        return ""
    return value


def claim_login(row: Row, header: str, problems: Problems,
                seen: dict[str, tuple[int, str]]) -> str:
    """The row's login, recorded in `seen`; "" (and an error) when an earlier row of the file
    already took it."""
    login = check_login(row, header, problems)
    key = login_key(login)
    if login and key in seen:
        problems.add(row.number, header, f"логин «{login}» уже встречается в строке "
                                         f"{seen[key][0]}")
        return ""
    if login:
        seen[key] = (row.number, header)
    return login


def login_key(login: str) -> str:
    """Logins that differ only in letter case are one login: people type them both ways."""
    return login.casefold()


def same_person(a: tuple[str, str, str], b: tuple[str, str, str]) -> bool:
    """Whether two (last name, first name, patronymic) name one person. The patronymic is
    compared only when both have one, since lists often leave it out."""
    def norm(s: str) -> str:
        return re.sub(r"\s+", " ", s).strip().casefold().replace("ё", "е")

    if norm(a[0]) != norm(b[0]) or norm(a[1]) != norm(b[1]):
        return False
    return not (a[2] and b[2]) or norm(a[2]) == norm(b[2])


def names_of(user) -> tuple[str, str, str]:
    return user.last_name, user.first_name, user.patronymic


def existing_users(logins: list[str]) -> dict[str, User]:
    """Accounts whose logins match (ignoring letter case), keyed by `login_key`."""
    keys = [login_key(login) for login in logins]
    users = (User.objects.annotate(login_lower=Lower("username"))
             .filter(login_lower__in=keys).select_related("student", "parent"))
    found: dict[str, User] = {}
    for user in users:
        found.setdefault(login_key(user.username), user)
    return found


def today() -> dt.date:
    return timezone.localdate()




# Classes -----------------------------------------------------------------------------------

# Class letters are Cyrillic, but people often type look-alike Latin letters (5A for 5А); two
# classes that look the same would be a trap, so these are read as their Cyrillic twins.
_LATIN_TWINS = str.maketrans("ABCEHKMOPTXYabcehkmoptxy", "АВСЕНКМОРТХУавсенкмортху")
_CLASS_RE = re.compile(r"(\d{1,2})\s*[-–]?\s*[\"«]?([^\W\d_]{1,3})[\"»]?")


def parse_class_name(text: str) -> tuple[int, str] | None:
    """(grade, letter) from «5А», «5 а», «5-А», «11Б»; None when it is not a class name."""
    match = _CLASS_RE.fullmatch(text.strip())
    if not match:
        return None
    grade = int(match.group(1))
    letter = match.group(2).translate(_LATIN_TWINS).upper()
    if not 1 <= grade <= 11 or not re.fullmatch(r"[А-ЯЁ]{1,3}", letter):
        return None
    return grade, letter


# Running an import -------------------------------------------------------------------------

STALE_DATA = ("Пока файл проверялся, данные в журнале изменились (возможно, кто-то загружал файл "
              "одновременно с вами). Ничего не сохранено — загрузите файл ещё раз.")


def run_import(upload: IO[bytes], title: str, columns: Iterable[Column],
               check: Callable[[Sheet, Problems], Any],
               save: Callable[[Any], ImportResult], *, csv_allowed: bool = False) -> ImportResult:
    """Read the sheet (or the CSV file, where the kind takes one), check every row, and save
    only when no row has a problem."""
    columns = list(columns)
    try:
        sheet = read_table(upload, title, columns, example=[c.example for c in columns],
                           csv_allowed=csv_allowed)
    except FileProblem as problem:
        return ImportResult(errors=problem.messages)
    problems = Problems()
    plan = check(sheet, problems)
    if problems:
        return ImportResult(errors=problems.messages())
    try:
        with transaction.atomic():
            result = save(plan)
    except IntegrityError:
        return ImportResult(errors=[STALE_DATA])
    if sheet.skipped_example:
        result.notes.append(f"Строка {sheet.skipped_example} совпадает со строкой-образцом из "
                            "шаблона и не загружалась.")
    return result


class NamedRow:
    """A person read from a row: `last`, `first` and `middle` (patronymic) fields."""

    last: str
    first: str
    middle: str

    @property
    def names(self) -> tuple[str, str, str]:
        return self.last, self.first, self.middle

    @property
    def full_name(self) -> str:
        return " ".join(p for p in self.names if p)
