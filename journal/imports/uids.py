"""«UID портала»: the portal codes of students, parents and staff, from XLSX or CSV.

The rules of those codes live here too, for this import and the administrator's page of
participants without one (exports/portal/uids.py): whose code a kind of row may set
(`members`), who holds a code already (`holders`, `conflicts`: a code is unique within its
kind in the school), and `set_uids`, the one write of codes, which logs each change in the
personal-data log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest

from accounts.models import Parent, StaffRole, Student, User, portal_uid_validator
from accounts.permissions import school_parents, school_students
from accounts.services.personal_data import record_change
from journal.imports.base import (
    STALE_DATA,
    Column,
    ImportResult,
    Problems,
    Row,
    Sheet,
    check_login,
    check_name,
    existing_users,
    login_key,
    names_of,
    run_import,
    same_person,
)
from journal.models import AcademicYear, School, TeachingAssignment

SHEET = "UID портала"
DESCRIPTION = ("UID портала обучающихся, родителей и сотрудников по их логинам, из XLSX или CSV. "
               "Повторная загрузка того же файла ничего не меняет.")

TAKES_CSV = True  # a CSV file as well as the template's sheet

KIND = "Вид"
LOGIN = "Логин"
LAST = "Фамилия"
FIRST = "Имя"
MIDDLE = "Отчество"
UID = "UID портала"


class Kind(models.TextChoices):
    STUDENT = "student", "обучающийся"
    PARENT = "parent", "родитель"
    STAFF = "staff", "сотрудник"


COLUMNS = (
    Column(KIND, required=True, width=14, example=Kind.STUDENT.label, choices=tuple(Kind.labels),
           hint="обучающийся, родитель или сотрудник"),
    Column(LOGIN, required=True, width=18, example="sokolov.dmitry", is_text=True),
    Column(LAST, required=True, example="Соколов"),
    Column(FIRST, required=True, example="Дмитрий"),
    Column(MIDDLE, width=18, example="Андреевич",
           hint="Можно не заполнять; если заполнено, должно совпадать с журналом"),
    Column(UID, required=True, width=22, example="1234567890", is_text=True,
           hint="Числовой код участника на портале, до 20 цифр"),
)

_KIND_NAMES = {
    **{label: Kind(value) for value, label in Kind.choices},
    "ученик": Kind.STUDENT, "ученица": Kind.STUDENT, "учащийся": Kind.STUDENT,
    "обучающаяся": Kind.STUDENT,
    "законный представитель": Kind.PARENT, "мать": Kind.PARENT, "отец": Kind.PARENT,
    "опекун": Kind.PARENT,
    "учитель": Kind.STAFF, "педагог": Kind.STAFF, "работник": Kind.STAFF,
}
# «другого обучающегося»: the kind in the genitive, for the messages about a code taken.
OTHER = {Kind.STUDENT: "другого обучающегося", Kind.PARENT: "другого родителя",
         Kind.STAFF: "другого сотрудника"}
FIELD = {Kind.STUDENT: "portal_uid", Kind.PARENT: "portal_uid", Kind.STAFF: "staff_portal_uid"}
# Excel keeps 15 significant digits of a number: a longer code typed into a number cell is
# already wrong in the file.
_EXACT_DIGITS = 15

Record = Student | Parent | User  # the record that keeps a kind's code


# The rules of codes ------------------------------------------------------------------------

def staff_members(school: School, year: AcademicYear | None = None) -> QuerySet[User]:
    """The school's staff: everyone with a role there or keeping one of its journals (in `year`,
    or in any year) — a teacher may have journals and no role."""
    journals = TeachingAssignment.objects.filter(teacher=OuterRef("pk"), year__school=school)
    if year is not None:
        journals = journals.filter(year=year)
    return User.objects.filter(Exists(StaffRole.objects.filter(user=OuterRef("pk"), school=school))
                               | Exists(journals))


def members(school: School, kind: str) -> QuerySet:
    """The records whose code a row of `kind` may set: the school's students, the parents of its
    students, its staff."""
    if kind == Kind.STUDENT:
        return school_students(school).select_related("user")
    if kind == Kind.PARENT:
        return school_parents(school).select_related("user")
    return staff_members(school)


def user_of(record: Record) -> User:
    return record if isinstance(record, User) else record.user


def uid_of(record: Record) -> str:
    return record.staff_portal_uid if isinstance(record, User) else record.portal_uid


def holders(school: School, kind: str, uids: Iterable[str]) -> dict[str, Record]:
    """Who of the school's people of `kind` holds each of `uids` now (one each, if several)."""
    found: dict[str, Record] = {}
    for record in members(school, kind).filter(**{f"{FIELD[kind]}__in": set(uids)}).order_by("pk"):
        found.setdefault(uid_of(record), record)
    return found


def staff_uid_holder(user: User, uid: str) -> User | None:
    """Another member of staff of one of `user`'s schools who holds `uid` (the setup screens
    edit a staff member's code on their account, not within a school)."""
    if user.pk is None:
        return None
    schools = School.objects.filter(Q(staff_roles__user=user) | Q(years__assignments__teacher=user))
    for school in schools.distinct():
        holder = (members(school, Kind.STAFF).filter(staff_portal_uid=uid).exclude(pk=user.pk)
                  .order_by("pk").first())
        if holder is not None:
            return holder
    return None


def taken_message(kind: str, holder: Record) -> str:
    user = user_of(holder)
    return f"Этот UID уже у {OTHER[kind]}: {user.full_name or user.username} (логин {user.username})."


@dataclass
class UidChange:
    kind: str
    record: Record
    uid: str


def conflicts(school: School, changes: list[UidChange]) -> dict[int, Record]:
    """The changes (by index) whose code stays with someone else of the kind once every change
    is made: codes may move between the people the changes name, not onto another's."""
    found: dict[int, Record] = {}
    for kind in Kind.values:
        of_kind = [(i, c) for i, c in enumerate(changes) if c.kind == kind]
        if not of_kind:
            continue
        moving = {c.record.pk for _, c in of_kind}
        held = holders(school, kind, [c.uid for _, c in of_kind])
        for index, change in of_kind:
            holder = held.get(change.uid)
            if holder is not None and holder.pk not in moving:
                found[index] = holder
    return found


class UidTaken(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class UidsSet:
    added: int = 0
    changed: int = 0
    unchanged: int = 0


def set_uids(school: School, changes: list[UidChange], *, by: HttpRequest | None,
             what: str) -> UidsSet:
    """Give each record of `changes` its code, in one transaction, and log every change with
    who made it (`by`, the request) and where (`what`). Raises UidTaken, changing nothing,
    when a code is held by someone else of the kind — also by one saved a moment ago: the
    school's row is locked, so two saves of codes in a school never pass each other."""
    done = UidsSet()
    actor = by.user if by is not None else None
    with transaction.atomic():
        School.objects.select_for_update().filter(pk=school.pk).first()
        taken = conflicts(school, changes)
        if taken:
            index, holder = next(iter(taken.items()))
            raise UidTaken(taken_message(changes[index].kind, holder))
        by_model: dict[type, list[Record]] = {}
        for change in changes:
            record, old = change.record, uid_of(change.record)
            if old == change.uid:
                done.unchanged += 1
                continue
            if old:
                done.changed += 1
            else:
                done.added += 1
            setattr(record, FIELD[change.kind], change.uid)
            by_model.setdefault(type(record), []).append(record)
            label = f"UID портала ({Kind(change.kind).label})"
            record_change(actor, by, user_of(record), {label: (old, change.uid)}, what=what)
        for model, records in by_model.items():
            field = "staff_portal_uid" if model is User else "portal_uid"
            model.objects.bulk_update(records, [field], batch_size=500)
    return done


# The import --------------------------------------------------------------------------------

def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" .").casefold().replace("ё", "е")


_KIND_KEYS = {_norm(name): kind for name, kind in _KIND_NAMES.items()}


@dataclass
class _Row:
    row: int
    kind: str
    login: str
    names: tuple[str, str, str]
    uid: str
    record: Record | None = None


@dataclass
class _Plan:
    school: School
    rows: list[_Row]
    by: HttpRequest | None


def import_uids(upload: IO[bytes], school: School, year: AcademicYear | None = None, *,
                by: HttpRequest | None = None) -> ImportResult:
    """Set the codes the file names. `by` (the request) is who loads it, for the log."""
    return run_import(upload, SHEET, COLUMNS,
                      check=lambda sheet, problems: _check(sheet, problems, school, by),
                      save=_save, csv_allowed=TAKES_CSV)


def _cell_uid(row: Row, problems: Problems) -> str:
    raw = row.raw(UID)
    value = row.text(UID)
    if not value:
        problems.add(row.number, UID, "не заполнено")
        return ""
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool) and \
            len(value.lstrip("-")) > _EXACT_DIGITS:
        problems.add(row.number, UID, f"«{value}»: Excel хранит в числовой ячейке только 15 цифр, "
                                      "и код в файле уже искажён. Сделайте столбец текстовым "
                                      "(Формат ячеек → Текстовый) и введите коды заново")
        return ""
    try:
        portal_uid_validator(value)
    except ValidationError:
        problems.add(row.number, UID, f"«{value}»: UID портала — это число (до 20 цифр)")
        return ""
    return value


def _check_row(row: Row, problems: Problems) -> _Row | None:
    before = len(problems.items)
    kind_text = row.text(KIND)
    kind = _KIND_KEYS.get(_norm(kind_text))
    if not kind_text:
        problems.add(row.number, KIND, "не заполнено")
    elif kind is None:
        problems.add(row.number, KIND, f"«{kind_text}»: укажите «обучающийся», «родитель» или "
                                       "«сотрудник»")
    login = check_login(row, LOGIN, problems)
    names = (check_name(row, LAST, problems, required=True),
             check_name(row, FIRST, problems, required=True),
             check_name(row, MIDDLE, problems, required=False))
    uid = _cell_uid(row, problems)
    if len(problems.items) > before:
        return None
    return _Row(row=row.number, kind=kind, login=login, names=names, uid=uid)


def _check(sheet: Sheet, problems: Problems, school: School, by: HttpRequest | None) -> _Plan:
    rows: list[_Row] = []
    logins: dict[tuple[str, str], int] = {}
    uids: dict[tuple[str, str], int] = {}
    for sheet_row in sheet.rows:
        row = _check_row(sheet_row, problems)
        if row is None:
            continue
        # One row per person and kind, one person per code and kind (a teacher who is also a
        # parent has a row of each kind).
        seen = logins.setdefault((row.kind, login_key(row.login)), row.row)
        if seen != row.row:
            problems.add(row.row, LOGIN, f"логин «{row.login}» уже встречается в строке {seen}")
            continue
        seen = uids.setdefault((row.kind, row.uid), row.row)
        if seen != row.row:
            problems.add(row.row, UID, f"«{row.uid}» уже указан в строке {seen} для "
                                       f"{OTHER[row.kind]}")
            continue
        rows.append(row)
    _find_people(rows, problems, school)
    found = [r for r in rows if r.record is not None]
    changes = [UidChange(r.kind, r.record, r.uid) for r in found]
    for index, holder in conflicts(school, changes).items():
        message = taken_message(changes[index].kind, holder).removeprefix("Этот UID уже у ")
        problems.add(found[index].row, UID, f"«{found[index].uid}» уже у {message.rstrip('.')}")
    return _Plan(school=school, rows=found, by=by)


def _find_people(rows: list[_Row], problems: Problems, school: School) -> None:
    """Each row's record of its kind (`row.record`); an error for a login that is not a person
    of that kind in the school, or whose person has other names."""
    users = existing_users([r.login for r in rows])
    ids = {u.pk for u in users.values()}
    parents = {p.user_id: p for p in members(school, Kind.PARENT).filter(user_id__in=ids)}
    staff = {u.pk: u for u in members(school, Kind.STAFF).filter(pk__in=ids)}
    for row in rows:
        user = users.get(login_key(row.login))
        if user is None:
            problems.add(row.row, LOGIN, f"логин «{row.login}» в журнале не найден")
            continue
        student = getattr(user, "student", None)
        record = {Kind.STUDENT: student if student is not None and student.school_id == school.pk
                  else None,
                  Kind.PARENT: parents.get(user.pk),
                  Kind.STAFF: staff.get(user.pk)}
        if record[row.kind] is None:
            actual = [Kind(k).label for k, r in record.items() if r is not None]
            also = f" (это {', '.join(actual)})" if actual else ""
            problems.add(row.row, KIND, f"«{row.login}» — не {Kind(row.kind).label} этой "
                                        f"школы{also}")
            continue
        if not same_person(names_of(user), row.names):
            problems.add(row.row, LAST, f"по логину «{row.login}» в журнале другой человек: "
                                        f"{user.full_name}")
            continue
        row.record = record[row.kind]


def _save(plan: _Plan) -> ImportResult:
    try:
        done = set_uids(plan.school, [UidChange(r.kind, r.record, r.uid) for r in plan.rows],
                        by=plan.by, what="Загрузка UID портала из файла")
    except UidTaken:
        # Someone gave one of these codes to another person after the file was checked.
        return ImportResult(errors=[STALE_DATA])
    result = ImportResult()
    result.count("UID установлено", done.added)
    result.count("UID изменено", done.changed)
    result.count("Без изменений", done.unchanged)
    return result
