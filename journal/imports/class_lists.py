"""«Списки классов»: students with their classes and parents, at the start of the year."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from accounts.models import Parent, ParentStudent, Student, User, phone_validator, portal_uid_validator
from journal import versions
from journal.imports.base import (
    Column,
    ImportResult,
    NamedRow,
    NewAccount,
    Problems,
    Row,
    Sheet,
    cell_date,
    check_login,
    check_name,
    claim_login,
    existing_users,
    initial_password_hasher,
    login_key,
    names_of,
    new_password,
    parse_class_name,
    run_import,
    same_person,
    today,
)
from journal.models import AcademicYear, Enrolment, School, SchoolClass

SHEET = "Списки классов"
DESCRIPTION = ("Обучающиеся с классами и родителями. Недостающие классы создаются, обучающиеся "
               "зачисляются в текущий учебный год.")

CLASS = "Класс"
LAST = "Фамилия"
FIRST = "Имя"
MIDDLE = "Отчество"
BIRTH = "Дата рождения"
SEX = "Пол"
LOGIN = "Логин"
UID = "UID портала"
ENROLLED = "Дата зачисления"
P_LAST = "Родитель: Фамилия"
P_FIRST = "Родитель: Имя"
P_MIDDLE = "Родитель: Отчество"
P_LOGIN = "Родитель: Логин"
P_EMAIL = "Родитель: e-mail"
P_PHONE = "Родитель: телефон"
RELATION = "Кем приходится"
PARENT_HEADERS = (P_LAST, P_FIRST, P_MIDDLE, P_LOGIN, P_EMAIL, P_PHONE, RELATION)

COLUMNS = (
    Column(CLASS, required=True, width=8, example="5А", hint="Номер параллели и литера: 5А, 11Б"),
    Column(LAST, required=True, example="Иванов"),
    Column(FIRST, required=True, example="Иван"),
    Column(MIDDLE, width=18, example="Петрович"),
    Column(BIRTH, required=True, width=15, example=dt.date(2015, 3, 14), is_date=True,
           hint="ДД.ММ.ГГГГ"),
    Column(SEX, required=True, width=6, example="м", choices=("м", "ж")),
    Column(LOGIN, required=True, width=18, example="ivanov.ivan", is_text=True,
           hint="Латинские буквы, цифры, точка, дефис"),
    Column(UID, width=14, is_text=True, hint="Числовой код участника на портале, если есть"),
    Column(ENROLLED, width=16, is_date=True,
           hint="Если пусто — начало учебного года"),
    Column(P_LAST, width=20, example="Иванова"),
    Column(P_FIRST, width=18, example="Мария"),
    Column(P_MIDDLE, width=20, example="Сергеевна"),
    Column(P_LOGIN, width=18, example="ivanova.maria", is_text=True,
           hint="Один и тот же логин в нескольких строках — один родитель у нескольких детей"),
    Column(P_EMAIL, width=24, example="ivanova@example.ru"),
    Column(P_PHONE, width=18, example="+7 900 123-45-67", is_text=True),
    Column(RELATION, width=16, example="мать", choices=("мать", "отец", "опекун", "другое")),
)

_SEXES = {"м": Student.Sex.MALE, "муж": Student.Sex.MALE, "мужской": Student.Sex.MALE,
          "m": Student.Sex.MALE, "ж": Student.Sex.FEMALE, "жен": Student.Sex.FEMALE,
          "женский": Student.Sex.FEMALE, "f": Student.Sex.FEMALE}
_RELATIONS = {
    **{label: value for value, label in ParentStudent.Relation.choices},
    "мама": ParentStudent.Relation.MOTHER, "папа": ParentStudent.Relation.FATHER,
    "опекунша": ParentStudent.Relation.GUARDIAN, "попечитель": ParentStudent.Relation.GUARDIAN,
}
_email_validator = EmailValidator()


@dataclass
class _Student(NamedRow):
    row: int
    class_key: tuple[int, str]
    last: str
    first: str
    middle: str
    birth: dt.date
    sex: str
    login: str
    uid: str
    enrolled_on: dt.date
    existing: Student | None = None
    already_enrolled: bool = False
    saved: Student | None = None

    @property
    def class_name(self) -> str:
        return f"{self.class_key[0]}{self.class_key[1]}"


@dataclass
class _Parent(NamedRow):
    row: int
    login: str
    last: str
    first: str
    middle: str
    email: str
    phone: str
    children: list[tuple[_Student, str]] = field(default_factory=list)
    existing_user: User | None = None


@dataclass
class _Plan:
    year: AcademicYear
    classes: dict[tuple[int, str], SchoolClass]
    students: list[_Student]
    parents: list[_Parent]


def import_class_lists(upload: IO[bytes], school: School, year: AcademicYear | None) -> ImportResult:
    if year is None:
        return ImportResult(errors=["Текущий учебный год не задан: создайте его в настройке школы, "
                                    "затем загружайте списки классов."])
    return run_import(upload, SHEET, COLUMNS,
                      check=lambda sheet, problems: _check(sheet, problems, school, year),
                      save=_save)


def _check(sheet: Sheet, problems: Problems, school: School, year: AcademicYear) -> _Plan:
    students: list[_Student] = []
    parents: dict[str, _Parent] = {}
    logins: dict[str, tuple[int, str]] = {}  # login key → (row, header) where it first appears

    for row in sheet.rows:
        login = claim_login(row, LOGIN, problems, logins)
        student = _check_student(row, problems, year, login)
        if student is not None:
            students.append(student)
        if any(row.text(h) for h in PARENT_HEADERS if sheet.has(h)):
            _check_parent(row, problems, student, parents, logins)

    _check_against_accounts(problems, school, students, parents)
    _check_enrolments(problems, year, [s for s in students if s.existing])
    classes = {(c.grade, c.letter.upper()): c for c in SchoolClass.objects.filter(year=year)}
    return _Plan(year=year, classes=classes, students=students, parents=list(parents.values()))


def _check_student(row: Row, problems: Problems, year: AcademicYear, login: str) -> _Student | None:
    """The row's student, or None when anything in it is wrong (problems are recorded)."""
    before = len(problems.items)
    class_text = row.text(CLASS)
    class_key = parse_class_name(class_text) if class_text else None
    if not class_text:
        problems.add(row.number, CLASS, "не заполнено")
    elif class_key is None:
        problems.add(row.number, CLASS, f"«{class_text}»: укажите номер параллели от 1 до 11 "
                                        "и литеру, например 5А")
    last = check_name(row, LAST, problems, required=True)
    first = check_name(row, FIRST, problems, required=True)
    middle = check_name(row, MIDDLE, problems, required=False)
    birth = _birth_date(row, problems)
    sex = _SEXES.get(row.text(SEX).casefold().rstrip("."))
    if sex is None:
        problems.add(row.number, SEX, "укажите «м» или «ж»" if not row.text(SEX)
                     else f"«{row.text(SEX)}»: укажите «м» или «ж»")
    uid = row.text(UID)
    if uid:
        try:
            portal_uid_validator(uid)
        except ValidationError:
            problems.add(row.number, UID, f"«{uid}»: UID портала — это число (до 20 цифр)")
    enrolled_on = _enrolment_date(row, problems, year)
    if len(problems.items) > before or not login:
        return None
    return _Student(row=row.number, class_key=class_key, last=last, first=first, middle=middle,
                    birth=birth, sex=sex, login=login, uid=uid, enrolled_on=enrolled_on)


def _birth_date(row: Row, problems: Problems) -> dt.date | None:
    if not row.text(BIRTH):
        problems.add(row.number, BIRTH, "не заполнено")
        return None
    try:
        birth = cell_date(row.raw(BIRTH))
    except ValueError as exc:
        problems.add(row.number, BIRTH, str(exc))
        return None
    now = today()
    if birth > now:
        problems.add(row.number, BIRTH, f"{birth:%d.%m.%Y} — дата в будущем")
    elif birth.year < now.year - 100:
        problems.add(row.number, BIRTH, f"{birth:%d.%m.%Y} — слишком давняя дата")
    return birth


def _enrolment_date(row: Row, problems: Problems, year: AcademicYear) -> dt.date | None:
    if not row.text(ENROLLED):
        return year.starts_on
    try:
        day = cell_date(row.raw(ENROLLED))
    except ValueError as exc:
        problems.add(row.number, ENROLLED, str(exc))
        return None
    if not year.contains(day):
        problems.add(row.number, ENROLLED,
                     f"{day:%d.%m.%Y} — вне учебного года {year.name} "
                     f"({year.starts_on:%d.%m.%Y}–{year.ends_on:%d.%m.%Y})")
    return day


def _check_parent(row: Row, problems: Problems, student: _Student | None,
                  parents: dict[str, _Parent], logins: dict[str, tuple[int, str]]) -> None:
    login = check_login(row, P_LOGIN, problems)
    relation_text = row.text(RELATION).casefold()
    relation = _RELATIONS.get(relation_text, ParentStudent.Relation.OTHER if not relation_text
                              else None)
    if relation is None:
        problems.add(row.number, RELATION, f"«{row.text(RELATION)}»: укажите «мать», «отец», "
                                           "«опекун» или «другое»")
    if not login:
        return
    key = login_key(login)
    known = parents.get(key)
    if known is None and key in logins:
        problems.add(row.number, P_LOGIN, f"логин «{login}» уже встречается в строке "
                                          f"{logins[key][0]} (поле «{logins[key][1]}»)")
        return

    named = any(row.text(h) for h in (P_LAST, P_FIRST, P_MIDDLE))
    if known is not None and not named:
        parent = known
    else:
        last = check_name(row, P_LAST, problems, required=True)
        first = check_name(row, P_FIRST, problems, required=True)
        middle = check_name(row, P_MIDDLE, problems, required=False)
        if not (last and first):
            return
        if known is not None:
            if not same_person(known.names, (last, first, middle)):
                problems.add(row.number, P_LOGIN,
                             f"логин «{login}» в строке {known.row} принадлежит родителю "
                             f"{known.full_name}, а здесь указан {' '.join((last, first, middle))}"
                             .rstrip())
                return
            parent = known
        else:
            parent = _Parent(row=row.number, login=login, last=last, first=first, middle=middle,
                             email=_parent_email(row, problems), phone=_parent_phone(row, problems))
            parents[key] = parent
            logins[key] = (row.number, P_LOGIN)
    if student is not None and relation is not None:
        parent.children.append((student, relation))


def _parent_email(row: Row, problems: Problems) -> str:
    email = row.text(P_EMAIL)
    if email:
        try:
            _email_validator(email)
        except ValidationError:
            problems.add(row.number, P_EMAIL, f"«{email}» — не адрес электронной почты")
            return ""
    return email


def _parent_phone(row: Row, problems: Problems) -> str:
    phone = row.text(P_PHONE)
    if phone:
        try:
            phone_validator(phone)
        except ValidationError:
            problems.add(row.number, P_PHONE, f"«{phone}»: укажите телефон цифрами, например "
                                              "+7 900 123-45-67")
            return ""
    return phone


def _check_against_accounts(problems: Problems, school: School, students: list[_Student],
                            parents: dict[str, _Parent]) -> None:
    users = existing_users([s.login for s in students] + [p.login for p in parents.values()])
    for planned in students:
        user = users.get(login_key(planned.login))
        if user is None:
            continue
        student = getattr(user, "student", None)
        if student is not None and student.school_id == school.pk and \
                same_person(names_of(user), planned.names):
            planned.existing = student
        else:
            problems.add(planned.row, LOGIN, f"логин «{planned.login}» уже занят: {user}")
    for planned in parents.values():
        user = users.get(login_key(planned.login))
        if user is None:
            continue
        if getattr(user, "student", None) is not None or \
                not same_person(names_of(user), planned.names):
            problems.add(planned.row, P_LOGIN, f"логин «{planned.login}» уже занят: {user}")
        else:
            planned.existing_user = user


def _check_enrolments(problems: Problems, year: AcademicYear, students: list[_Student]) -> None:
    """Students already in the journal: fine in their own class, an error in another one."""
    by_student = defaultdict(list)
    for enrolment in Enrolment.objects.filter(
            student__in=[s.existing for s in students], school_class__year=year
    ).select_related("school_class"):
        by_student[enrolment.student_id].append(enrolment)
    for planned in students:
        for enrolment in by_student[planned.existing.pk]:
            school_class = enrolment.school_class
            same_class = (school_class.grade, school_class.letter.upper()) == planned.class_key
            if same_class and enrolment.left_on is None:
                planned.already_enrolled = True
            elif enrolment.left_on is None or enrolment.left_on >= planned.enrolled_on:
                problems.add(planned.row, CLASS,
                             f"{planned.full_name} уже числится в {school_class} классе "
                             f"с {enrolment.enrolled_on:%d.%m.%Y}; сначала оформите выбытие")


def _save(plan: _Plan) -> ImportResult:
    result = ImportResult()
    hash_password = initial_password_hasher()
    school = plan.year.school
    accounts: list[tuple[int, int, NewAccount]] = []

    for key in sorted({s.class_key for s in plan.students} - plan.classes.keys()):
        plan.classes[key] = SchoolClass.objects.create(year=plan.year, grade=key[0], letter=key[1])
        result.count("Создано классов")

    new = [s for s in plan.students if s.existing is None]
    passwords = [new_password() for _ in new]
    users = User.objects.bulk_create([
        User(username=s.login, last_name=s.last, first_name=s.first, patronymic=s.middle,
             password=hash_password(password), must_change_password=True)
        for s, password in zip(new, passwords, strict=True)])
    created = Student.objects.bulk_create([
        Student(user=user, school=school, birth_date=s.birth, sex=s.sex, portal_uid=s.uid)
        for s, user in zip(new, users, strict=True)])
    for planned, student, password in zip(new, created, passwords, strict=True):
        planned.saved = student
        accounts.append((planned.row, 0, NewAccount(planned.full_name, "обучающийся",
                                                    planned.class_name, planned.login, password)))
    for planned in plan.students:
        planned.saved = planned.saved or planned.existing
    result.count("Создано учётных записей обучающихся", len(created))

    to_enrol = [s for s in plan.students if not s.already_enrolled]
    Enrolment.objects.bulk_create([
        Enrolment(student=s.saved, school_class=plan.classes[s.class_key], enrolled_on=s.enrolled_on)
        for s in to_enrol])
    result.count("Зачислено в классы", len(to_enrol))
    if already := sum(s.already_enrolled for s in plan.students):
        result.count("Уже числились в своём классе (без изменений)", already)

    _save_parents(plan, result, hash_password, accounts)
    # Enrolments and parents' links made in bulk: the school's diary pages and families' lists.
    versions.bump_school(school.pk)
    result.accounts = [account for _, _, account in sorted(accounts, key=lambda a: a[:2])]
    return result


def _save_parents(plan: _Plan, result: ImportResult, hash_password: Callable[[str], str],
                  accounts: list[tuple[int, int, NewAccount]]) -> None:
    new = [p for p in plan.parents if p.existing_user is None]
    passwords = [new_password() for _ in new]
    users = User.objects.bulk_create([
        User(username=p.login, last_name=p.last, first_name=p.first, patronymic=p.middle,
             email=p.email, password=hash_password(password), must_change_password=True)
        for p, password in zip(new, passwords, strict=True)])
    for planned, user in zip(new, users, strict=True):
        planned.existing_user = user
    result.count("Создано учётных записей родителей", len(users))

    profiles = {p.user_id: p for p in Parent.objects.filter(
        user__in=[p.existing_user for p in plan.parents])}
    profiles.update({p.user_id: p for p in Parent.objects.bulk_create([
        Parent(user=p.existing_user, phone=p.phone) for p in plan.parents
        if p.existing_user.pk not in profiles])})

    linked = set(ParentStudent.objects.filter(parent__in=profiles.values())
                 .values_list("parent_id", "student_id"))
    links = []
    for planned in plan.parents:
        parent = profiles[planned.existing_user.pk]
        for student, relation in planned.children:
            if (parent.pk, student.saved.pk) in linked:
                continue
            linked.add((parent.pk, student.saved.pk))
            # «другое» is a grandmother or an aunt: not a legal representative by default.
            links.append(ParentStudent(parent=parent, student=student.saved, relation=relation,
                                       is_legal_representative=relation != ParentStudent.Relation.OTHER))
    ParentStudent.objects.bulk_create(links)
    result.count("Добавлено связей «родитель — ребёнок»", len(links))

    for planned, password in zip(new, passwords, strict=True):
        children = ", ".join(f"{s.first} {s.last} ({s.class_name})" for s, _ in planned.children)
        accounts.append((planned.row, 1, NewAccount(planned.full_name, "родитель", children,
                                                    planned.login, password)))
