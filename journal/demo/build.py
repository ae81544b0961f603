"""Building the whole demo school in one transaction, step by step."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import DiaryApplication, Parent, ParentStudent, StaffRole, Student, User
from journal.demo import cast
from journal.demo.activity import fill_journals
from journal.demo.checks import record_last_months_check
from journal.demo.families import record_family_paperwork
from journal.demo.names import Logins
from journal.demo.people import create_staff, create_students_and_parents
from journal.demo.school import SIZES, create_school
from journal.demo.school_year import year_start_for
from journal.demo.staffing import assign_teaching
from journal.demo.timetable import TimetableError, build_timetable, check_slots
from journal.models import (
    Absence,
    ChangeRecord,
    FinalMark,
    Homework,
    Lesson,
    Mark,
    PlanItem,
    SchoolClass,
    Subgroup,
    TeachingAssignment,
    TimetableSlot,
)
from journal.services.lessons import generate_lessons
from journal.signals import demo_seeded

SEED = "СОШ № 12"
# Slots re-checked with the model's own validation (the rest are checked in memory).
_VALIDATED_SLOTS = 40


def seed_demo(size_name: str, today: dt.date, log: Callable[[str], None]) -> list[tuple[str, int]]:
    """Create the demo school as of `today`; returns (label, count) pairs for a summary."""
    size = SIZES[size_name]
    started = time.monotonic()

    def step(message: str) -> None:
        log(f"[{time.monotonic() - started:6.1f} с] {message}")

    with transaction.atomic():
        step(f"Школа, учебный год, звонки, предметы и классы (размер: {size.name})")
        demo = create_school(size, today, year_start_for(today))
        password = make_password(cast.DEMO_PASSWORD)
        logins = Logins(reserved=cast.LOGINS)
        step("Сотрудники и их роли")
        staff = create_staff(demo, random.Random(f"{SEED}:staff"), logins, password)
        step("Обучающиеся и родители")
        pupils = create_students_and_parents(demo, size, random.Random(f"{SEED}:pupils"),
                                             logins, password, staff)
        step("Подгруппы, нагрузка, классные руководители, права на журналы")
        staffing = assign_teaching(demo, staff, pupils)
        step("Расписание")
        slots = build_timetable(demo, staffing, random.Random(f"{SEED}:timetable"))
        problems = check_slots(slots)
        if problems:
            raise TimetableError("Накладки в расписании: " + "; ".join(problems[:5]))
        TimetableSlot.objects.bulk_create(slots, batch_size=2000)
        for slot in random.Random(f"{SEED}:check").sample(slots, min(_VALIDATED_SLOTS, len(slots))):
            try:
                slot.full_clean()
            except ValidationError as exc:
                raise TimetableError(f"{slot}: {exc}") from exc
        step("Уроки на год по расписанию")
        generate_lessons(demo.year, user=staff.by_login["dispatcher"])
        step(f"Журналы с 1 сентября по {today:%d.%m.%Y}: КТП, темы, д/з, отметки, пропуски")
        fill_journals(demo, staffing, pupils.by_class, SEED, step)
        step("Заявления, согласия, контакты и выданные логины семей")
        record_family_paperwork(demo, random.Random(f"{SEED}:families"))
        step("Проверка журналов за прошлый месяц и замечания")
        record_last_months_check(demo)
        step("Переписка, объявления, события и уведомления")
        demo_seeded.send(sender=seed_demo, today=today)
    step("Готово")
    return summary()


def summary() -> list[tuple[str, int]]:
    return [
        ("Классы", SchoolClass.objects.count()),
        ("Обучающиеся", Student.objects.count()),
        ("Родители", Parent.objects.count()),
        ("Заявления родителей на дневник", DiaryApplication.objects.count()),
        ("Связи родитель — ребёнок", ParentStudent.objects.count()),
        ("Сотрудники", StaffRole.objects.values("user").distinct().count()),
        ("Роли сотрудников", StaffRole.objects.count()),
        ("Учётные записи", User.objects.count()),
        ("Журналы (нагрузка)", TeachingAssignment.objects.count()),
        ("Подгруппы", Subgroup.objects.count()),
        ("Уроков в неделю по расписанию", TimetableSlot.objects.count()),
        ("Уроков за год", Lesson.objects.count()),
        ("Проведено уроков", Lesson.objects.filter(is_held=True).count()),
        ("Пункты КТП", PlanItem.objects.count()),
        ("Домашние задания", Homework.objects.count()),
        ("Отметки", Mark.objects.count()),
        ("Пропуски и опоздания", Absence.objects.count()),
        ("Отметки за четверть/полугодие", FinalMark.objects.count()),
        ("Записи истории изменений", ChangeRecord.objects.count()),
    ]
