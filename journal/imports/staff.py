"""«Сотрудники»: staff accounts and their roles. Loading the same file again changes nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from accounts.models import StaffRole, User
from accounts.roles import Role
from journal.imports.base import (
    Column,
    ImportResult,
    NamedRow,
    NewAccount,
    Problems,
    Row,
    Sheet,
    check_name,
    claim_login,
    existing_users,
    initial_password_hasher,
    login_key,
    names_of,
    new_password,
    run_import,
    same_person,
)
from journal.models import AcademicYear, School

SHEET = "Сотрудники"
DESCRIPTION = ("Учётные записи сотрудников и их роли. Повторная загрузка того же файла только "
               "добавляет недостающие роли.")

LAST = "Фамилия"
FIRST = "Имя"
MIDDLE = "Отчество"
LOGIN = "Логин"
EMAIL = "E-mail"
PHONE = "Телефон"
ROLES = "Роли"

COLUMNS = (
    Column(LAST, required=True, example="Смирнова"),
    Column(FIRST, required=True, example="Анна"),
    Column(MIDDLE, width=18, example="Викторовна"),
    Column(LOGIN, required=True, width=18, example="smirnova.anna", is_text=True),
    Column(EMAIL, width=24, example="smirnova@example.ru"),
    Column(PHONE, width=18, example="+7 900 765-43-21", is_text=True,
           hint="Пока не сохраняется: в учётной записи нет поля для телефона"),
    Column(ROLES, required=True, width=40, example="учитель",
           hint="Через запятую: учитель, завуч, директор, администратор, секретарь, диспетчер"),
)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" .").casefold().replace("ё", "е")


_ROLE_NAMES = {
    **{_norm(label): Role(value) for value, label in Role.choices},
    "учитель": Role.TEACHER,
    "педагог": Role.TEACHER,
    "завуч": Role.DEPUTY,
    "заместитель директора": Role.DEPUTY,
    "заместитель директора по увр": Role.DEPUTY,
    "зам. директора по увр": Role.DEPUTY,
    "директор": Role.DIRECTOR,
    "администратор": Role.ADMINISTRATOR,
    "зам. по икт": Role.ADMINISTRATOR,
    "секретарь": Role.SECRETARY,
    "диспетчер": Role.DISPATCHER,
    "диспетчер расписания": Role.DISPATCHER,
    "редактор новостей": Role.NEWS_EDITOR,
    "ответственный за дневник": Role.DIARY_COORDINATOR,
    "ответственный за электронный дневник": Role.DIARY_COORDINATOR,
    "ответственный за пд": Role.DATA_OFFICER,
    "ответственный за защиту пд": Role.DATA_OFFICER,
}
_CLASS_TEACHER = {"классный руководитель", "кл. руководитель", "классный руководитель."}
_email_validator = EmailValidator()


@dataclass
class _Person(NamedRow):
    row: int
    last: str
    first: str
    middle: str
    login: str
    email: str
    roles: list[Role]
    existing: User | None = None


@dataclass
class _Plan:
    school: School
    people: list[_Person]


def import_staff(upload: IO[bytes], school: School, year: AcademicYear | None = None) -> ImportResult:
    return run_import(upload, SHEET, COLUMNS,
                      check=lambda sheet, problems: _check(sheet, problems, school),
                      save=_save)


def parse_roles(text: str) -> tuple[list[Role], list[str]]:
    """Roles named in a cell (comma or semicolon separated) and the names not understood."""
    roles: list[Role] = []
    unknown: list[str] = []
    for part in re.split(r"[,;\n]", text):
        name = _norm(part)
        if not name:
            continue
        role = _ROLE_NAMES.get(name)
        if role is None:
            unknown.append(part.strip())
        elif role not in roles:
            roles.append(role)
    return roles, unknown


def _check(sheet: Sheet, problems: Problems, school: School) -> _Plan:
    people: list[_Person] = []
    logins: dict[str, tuple[int, str]] = {}
    for row in sheet.rows:
        login = claim_login(row, LOGIN, problems, logins)
        person = _check_row(row, problems, login)
        if person is not None:
            people.append(person)

    users = existing_users([p.login for p in people])
    for person in people:
        user = users.get(login_key(person.login))
        if user is None:
            continue
        if getattr(user, "student", None) is not None or \
                not same_person(names_of(user), person.names):
            problems.add(person.row, LOGIN, f"логин «{person.login}» уже занят: {user}")
        else:
            person.existing = user
    return _Plan(school=school, people=people)


def _check_row(row: Row, problems: Problems, login: str) -> _Person | None:
    """The row's person, or None when anything in it is wrong (problems are recorded)."""
    before = len(problems.items)
    last = check_name(row, LAST, problems, required=True)
    first = check_name(row, FIRST, problems, required=True)
    middle = check_name(row, MIDDLE, problems, required=False)
    email = row.text(EMAIL)
    if email:
        try:
            _email_validator(email)
        except ValidationError:
            problems.add(row.number, EMAIL, f"«{email}» — не адрес электронной почты")
    roles, unknown = parse_roles(row.text(ROLES))
    if any(_norm(u) in _CLASS_TEACHER for u in unknown):
        problems.add(row.number, ROLES, "классный руководитель — не роль сотрудника: его "
                                        "назначают в настройке класса; здесь укажите «учитель»")
    elif unknown:
        problems.add(row.number, ROLES,
                     "неизвестная роль " + ", ".join(f"«{u}»" for u in unknown)
                     + "; допустимы: учитель, завуч, директор, администратор, секретарь, "
                       "диспетчер, редактор новостей, ответственный за электронный дневник, "
                       "ответственный за защиту ПД")
    elif not roles:
        problems.add(row.number, ROLES, "укажите хотя бы одну роль")
    if len(problems.items) > before or not login:
        return None
    return _Person(row=row.number, last=last, first=first, middle=middle, login=login,
                   email=email, roles=roles)


def _save(plan: _Plan) -> ImportResult:
    result = ImportResult()
    hash_password = initial_password_hasher()
    new = [p for p in plan.people if p.existing is None]
    passwords = [new_password() for _ in new]
    users = User.objects.bulk_create([
        User(username=p.login, last_name=p.last, first_name=p.first, patronymic=p.middle,
             email=p.email, password=hash_password(password), must_change_password=True)
        for p, password in zip(new, passwords, strict=True)])
    for person, user, password in zip(new, users, passwords, strict=True):
        person.existing = user
        result.accounts.append(NewAccount(person.full_name, "сотрудник",
                                          ", ".join(r.label for r in person.roles),
                                          person.login, password))
    result.count("Создано учётных записей сотрудников", len(users))

    held = set(StaffRole.objects.filter(school=plan.school, user__in=[p.existing for p in plan.people])
               .values_list("user_id", "role"))
    roles = [StaffRole(user=p.existing, school=plan.school, role=role)
             for p in plan.people for role in p.roles if (p.existing.pk, role) not in held]
    StaffRole.objects.bulk_create(roles)
    result.count("Назначено ролей", len(roles))
    updated = {r.user_id for r in roles} - {u.pk for u in users}
    result.count("Существующим сотрудникам добавлены роли", len(updated))
    unchanged = len(plan.people) - len(users) - len(updated)
    if unchanged:
        result.count("Уже были в журнале с этими ролями (без изменений)", unchanged)
    return result
