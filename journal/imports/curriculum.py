"""«Учебный план»: hours per week of each subject in a grade or in one class."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from journal import versions
from journal.imports.base import (
    Column,
    ImportResult,
    Problems,
    Row,
    Sheet,
    cell_decimal,
    parse_class_name,
    run_import,
)
from journal.models import AcademicYear, CurriculumItem, School, SchoolClass, Subject

SHEET = "Учебный план"
DESCRIPTION = ("Часы в неделю по предметам для параллели или отдельного класса. Новые предметы "
               "создаются, часы уже загруженных строк обновляются.")

TARGET = "Параллель или класс"
SUBJECT = "Предмет"
HOURS = "Часов в неделю"

COLUMNS = (
    Column(TARGET, required=True, width=20, example="5", is_text=True,
           hint="Номер параллели (5) — для всех её классов, или класс (5А), если у него свои часы"),
    Column(SUBJECT, required=True, width=30, example="Математика"),
    Column(HOURS, required=True, width=16, example=5, hint="Можно дробное: 0,5"),
)
MAX_HOURS = Decimal(40)


@dataclass
class _Item:
    row: int
    grade: int | None
    school_class: SchoolClass | None
    subject_name: str
    hours: Decimal

    @property
    def target(self) -> tuple:
        return (self.grade, self.school_class.pk if self.school_class else None)


@dataclass
class _Plan:
    school: School
    year: AcademicYear
    items: list[_Item]


def import_curriculum(upload: IO[bytes], school: School, year: AcademicYear | None) -> ImportResult:
    if year is None:
        return ImportResult(errors=["Текущий учебный год не задан: создайте его в настройке школы, "
                                    "затем загружайте учебный план."])
    return run_import(upload, SHEET, COLUMNS,
                      check=lambda sheet, problems: _check(sheet, problems, school, year),
                      save=_save)


def _subject_key(name: str) -> str:
    return name.casefold().replace("ё", "е")


def _check(sheet: Sheet, problems: Problems, school: School, year: AcademicYear) -> _Plan:
    classes = {(c.grade, c.letter.upper()): c for c in SchoolClass.objects.filter(year=year)}
    items: list[_Item] = []
    seen: dict[tuple, int] = {}
    for row in sheet.rows:
        item = _check_row(row, problems, year, classes)
        if item is None:
            continue
        key = (*item.target, _subject_key(item.subject_name))
        if key in seen:
            problems.add(row.number, SUBJECT, f"«{item.subject_name}» для «{row.text(TARGET)}» уже "
                                              f"указан в строке {seen[key]}")
            continue
        seen[key] = row.number
        items.append(item)
    return _Plan(school=school, year=year, items=items)


def _check_row(row: Row, problems: Problems, year: AcademicYear,
               classes: dict[tuple[int, str], SchoolClass]) -> _Item | None:
    before = len(problems.items)
    grade, school_class = _target(row, problems, year, classes)
    subject = row.text(SUBJECT)
    if not subject:
        problems.add(row.number, SUBJECT, "не заполнено")
    elif len(subject) > 100:
        problems.add(row.number, SUBJECT, "название предмета не длиннее 100 символов")
    hours = _hours(row, problems)
    if len(problems.items) > before:
        return None
    return _Item(row=row.number, grade=grade, school_class=school_class, subject_name=subject,
                 hours=hours)


def _target(row: Row, problems: Problems, year: AcademicYear,
            classes: dict[tuple[int, str], SchoolClass]) -> tuple[int | None, SchoolClass | None]:
    text = row.text(TARGET)
    if not text:
        problems.add(row.number, TARGET, "не заполнено")
    elif re.fullmatch(r"\d{1,2}", text):
        if 1 <= int(text) <= 11:
            return int(text), None
        problems.add(row.number, TARGET, f"«{text}»: параллель — число от 1 до 11")
    elif (key := parse_class_name(text)) is None:
        problems.add(row.number, TARGET, f"«{text}»: укажите параллель (5) или класс (5А)")
    elif key not in classes:
        problems.add(row.number, TARGET, f"класса {key[0]}{key[1]} нет в учебном году {year.name}; "
                                         "загрузите сначала списки классов или укажите параллель")
    else:
        return None, classes[key]
    return None, None


def _hours(row: Row, problems: Problems) -> Decimal | None:
    if not row.text(HOURS):
        problems.add(row.number, HOURS, "не заполнено")
        return None
    try:
        hours = cell_decimal(row.raw(HOURS))
    except ValueError as exc:
        problems.add(row.number, HOURS, str(exc))
        return None
    if hours <= 0 or hours > MAX_HOURS:
        problems.add(row.number, HOURS, f"{row.text(HOURS)}: число часов должно быть больше 0 и не больше 40")
    elif hours != hours.quantize(Decimal("0.1")):
        problems.add(row.number, HOURS, f"{row.text(HOURS)}: не больше одного знака после запятой")
    return hours


def _save(plan: _Plan) -> ImportResult:
    result = ImportResult()
    subjects = {_subject_key(s.name): s for s in Subject.objects.filter(school=plan.school)}
    new_names: dict[str, str] = {}
    for item in plan.items:
        new_names.setdefault(_subject_key(item.subject_name), item.subject_name)
    created = Subject.objects.bulk_create([Subject(school=plan.school, name=name)
                                           for key, name in new_names.items() if key not in subjects])
    subjects.update({_subject_key(s.name): s for s in created})
    result.count("Создано предметов", len(created))

    existing = {(c.grade, c.school_class_id, c.subject_id): c
                for c in CurriculumItem.objects.filter(year=plan.year).order_by().select_for_update()}
    new, changed, unchanged = [], [], 0
    for item in plan.items:
        subject = subjects[_subject_key(item.subject_name)]
        current = existing.get((*item.target, subject.pk))
        if current is None:
            new.append(CurriculumItem(year=plan.year, subject=subject, grade=item.grade,
                                      school_class=item.school_class,
                                      hours_per_week=item.hours.quantize(Decimal("0.1"))))
        elif current.hours_per_week != item.hours:
            current.hours_per_week = item.hours.quantize(Decimal("0.1"))
            changed.append(current)
        else:
            unchanged += 1
    CurriculumItem.objects.bulk_create(new)
    CurriculumItem.objects.bulk_update(changed, ["hours_per_week"])
    versions.bump_school(plan.school.pk)   # the diary's forecasts count with the hours
    result.count("Добавлено строк учебного плана", len(new))
    result.count("Изменены часы", len(changed))
    if unchanged:
        result.count("Без изменений", unchanged)
    return result
