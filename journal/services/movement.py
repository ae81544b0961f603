"""Students' movement during the year by school orders: arrival, transfer to another class,
transfer to another subgroup, departure. The only writer of `StudentMove` and of the
enrolment changes orders make; each operation is one transaction and records its move.

Dates, the way `Enrolment` reads them (`EnrolmentQuerySet.active_on`, both ends included):
- an arrival on `on` enrols the student from that day;
- a transfer on `on` is the first day in the new class: the old enrolment ends the day before;
- a departure on `on` is the last day in the class (`left_on`, as the setup screens and the
  reports have always read it).
The journals grey a student's cells outside these dates; marks stay where they were given.

Subgroup membership has no dates (`Subgroup.students`): a change of subgroup applies at once,
whatever date the order gives, and the subgroup left no longer lists the student (their marks
there stay, and the diary still shows that journal: `diary.queries.assignments_of`). A transfer
to another class keeps the memberships of the old class's subgroups: those journals read them
only together with the enrolment in the old class, so the student stays in them, greyed after
the transfer, with their marks.

Who may move students is the caller's check (the movement page: the secretary and the deputy
director); the enrolment rows need no rights of their own.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import Student
from journal import versions
from journal.models import Enrolment, SchoolClass, StudentMove, Subgroup, Subject
from journal.rules import JournalError

NO_ORDER_NUMBER = "Укажите номер приказа."
NO_ORDER_DATE = "Укажите дату приказа."
NO_DATE = "Укажите дату."
ORDER_NUMBER_LENGTH = StudentMove._meta.get_field("order_number").max_length
REASON_LENGTH = StudentMove._meta.get_field("reason").max_length

Kind = StudentMove.Kind


class MovementRefused(JournalError):
    """A refused move; nothing was written. `field` names the form field the message belongs
    to (None: the whole form)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _order(order_number: str | None, order_date: dt.date | None) -> str:
    number = (order_number or "").strip()
    if not number:
        raise MovementRefused(NO_ORDER_NUMBER, "order_number")
    if len(number) > ORDER_NUMBER_LENGTH:
        raise MovementRefused(f"Номер приказа — не длиннее {ORDER_NUMBER_LENGTH} знаков.",
                              "order_number")
    if order_date is None:
        raise MovementRefused(NO_ORDER_DATE, "order_date")
    return number


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_LENGTH:
        raise MovementRefused(f"Основание — не длиннее {REASON_LENGTH} знаков.", "reason")
    return reason


def _check_day(school_class: SchoolClass, on: dt.date | None) -> None:
    """The day lies in the class's academic year, and that year is not closed."""
    if on is None:
        raise MovementRefused(NO_DATE, "on")
    year = school_class.year
    if not year.contains(on):
        raise MovementRefused(
            f"Дата {on:%d.%m.%Y} вне {year.name} учебного года "
            f"({year.starts_on:%d.%m.%Y}–{year.ends_on:%d.%m.%Y}).", "on")
    if year.is_closed:
        raise MovementRefused(f"{year.name} учебный год закрыт: движение в нём не оформляется.",
                              "on")


def _lock(student: Student) -> Student:
    """The student's row, locked: two people moving one student wait for each other."""
    return Student.objects.select_for_update().select_related("user").get(pk=student.pk)


def _class_of(school_class: SchoolClass) -> SchoolClass:
    return SchoolClass.objects.select_related("year").get(pk=school_class.pk)


def _same_school(student: Student, school_class: SchoolClass) -> None:
    if student.school_id != school_class.year.school_id:
        raise MovementRefused(f"{student} — обучающийся другой школы.", "student")


def _enrolment_on(student: Student, on: dt.date) -> Enrolment:
    """The student's enrolment on the day in a class of their school, locked; refused when
    there is none."""
    if on is None:
        raise MovementRefused(NO_DATE, "on")
    enrolment = (Enrolment.objects.active_on(on)
                 .filter(student=student, school_class__year__school_id=student.school_id)
                 .select_related("school_class__year").select_for_update(of=("self",))
                 .order_by("-enrolled_on").first())
    if enrolment is None:
        raise MovementRefused(f"{student} не числится ни в одном классе на {on:%d.%m.%Y}.",
                              "student")
    return enrolment


def _still_open(enrolment: Enrolment, student: Student) -> None:
    """A later move was already made: it would have to be undone first."""
    if enrolment.left_on is not None:
        raise MovementRefused(
            f"{student} уже выбывает из {enrolment.school_class} класса "
            f"{enrolment.left_on:%d.%m.%Y}: сначала исправьте ту запись в «Настройке школы».",
            "student")


def _no_other_enrolment(student: Student, school_class: SchoolClass, on: dt.date,
                        but: Enrolment | None = None) -> None:
    """Nothing else of the student's in the year from `on` on (`Enrolment.clean`'s rule)."""
    other = (Enrolment.objects.overlapping(on, dt.date.max)
             .filter(student=student, school_class__year_id=school_class.year_id)
             .select_related("school_class"))
    if but is not None:
        other = other.exclude(pk=but.pk)
    found = other.order_by("enrolled_on").first()
    if found is not None:
        raise MovementRefused(
            f"{student} уже числится в {found.school_class} классе с "
            f"{found.enrolled_on:%d.%m.%Y}. Оформите перевод или выбытие.", "student")


def _record(by, student: Student, kind: str, on: dt.date, number: str, order_date: dt.date,
            reason: str = "", **where) -> StudentMove:
    move = StudentMove.objects.create(
        school_id=student.school_id, student=student, kind=kind, on=on, order_number=number,
        order_date=order_date, reason=reason, by=by, **where)
    # No journal row is written: the diary's cached pages learn of the move from here.
    versions.bump_classes([move.from_class_id, move.to_class_id])
    return move


@transaction.atomic
def arrive(by, student: Student, school_class: SchoolClass, on: dt.date, order_number: str,
           order_date: dt.date, reason: str = "") -> StudentMove:
    """Enrols a student of the school who is in no class from `on` (new, or back after a
    departure) into `school_class` from that day. `reason`: where they came from."""
    number, reason = _order(order_number, order_date), _reason(reason)
    school_class = _class_of(school_class)
    student = _lock(student)
    _same_school(student, school_class)
    _check_day(school_class, on)
    _no_other_enrolment(student, school_class, on)
    Enrolment.objects.create(student=student, school_class=school_class, enrolled_on=on,
                             order_number=number, order_date=order_date)
    return _record(by, student, Kind.ARRIVAL, on, number, order_date, reason,
                   to_class=school_class)


@transaction.atomic
def transfer(by, student: Student, to_class: SchoolClass, on: dt.date, order_number: str,
             order_date: dt.date, reason: str = "") -> StudentMove:
    """Moves a student to another class of the same year from `on`: the old enrolment ends
    the day before, the new one starts on `on` with the order."""
    number, reason = _order(order_number, order_date), _reason(reason)
    to_class = _class_of(to_class)
    student = _lock(student)
    _same_school(student, to_class)
    _check_day(to_class, on)
    current = _enrolment_on(student, on)
    old_class = current.school_class
    if old_class.pk == to_class.pk:
        raise MovementRefused(f"{student} уже учится в {to_class} классе.", "school_class")
    if old_class.year_id != to_class.year_id:
        raise MovementRefused(f"{to_class} класс — другого учебного года.", "school_class")
    _still_open(current, student)
    if current.enrolled_on >= on:
        raise MovementRefused(
            f"{student} зачислен(а) в {old_class} класс {current.enrolled_on:%d.%m.%Y}: "
            f"перевести можно не раньше следующего дня. Если класс указан при зачислении "
            f"неверно, исправьте зачисление в «Настройке школы».", "on")
    _no_other_enrolment(student, to_class, on, but=current)
    current.left_on = on - dt.timedelta(days=1)
    current.save(update_fields=["left_on"])
    Enrolment.objects.create(student=student, school_class=to_class, enrolled_on=on,
                             order_number=number, order_date=order_date)
    return _record(by, student, Kind.TRANSFER, on, number, order_date, reason,
                   from_class=old_class, to_class=to_class)


@transaction.atomic
def change_subgroup(by, student: Student, subject: Subject, to_subgroup: Subgroup, on: dt.date,
                    order_number: str, order_date: dt.date) -> StudentMove:
    """Moves a student into another subgroup of their class for `subject` (out of the one
    they were in, if any). Membership has no dates: the change applies at once."""
    number = _order(order_number, order_date)
    to_subgroup = Subgroup.objects.select_related("school_class__year", "subject").get(
        pk=to_subgroup.pk)
    school_class = to_subgroup.school_class
    student = _lock(student)
    _same_school(student, school_class)
    if to_subgroup.subject_id != subject.pk:
        raise MovementRefused(f"Подгруппа «{to_subgroup.name}» создана для предмета "
                              f"«{to_subgroup.subject}», а не «{subject}».", "subgroup")
    _check_day(school_class, on)
    current = _enrolment_on(student, on)
    if current.school_class_id != school_class.pk:
        raise MovementRefused(f"{student} учится в {current.school_class} классе, а подгруппа — "
                              f"{school_class} класса.", "subgroup")
    Membership = Subgroup.students.through
    left = (Subgroup.objects.filter(school_class=school_class, subject_id=subject.pk,
                                    students=student).order_by("name").first())
    if left is not None and left.pk == to_subgroup.pk:
        raise MovementRefused(f"{student} уже в подгруппе «{to_subgroup.name}».", "subgroup")
    Membership.objects.filter(student_id=student.pk, subgroup__school_class=school_class,
                              subgroup__subject_id=subject.pk).delete()
    Membership.objects.create(student_id=student.pk, subgroup_id=to_subgroup.pk)
    return _record(by, student, Kind.SUBGROUP, on, number, order_date,
                   from_class=school_class, to_class=school_class, from_subgroup=left,
                   to_subgroup=to_subgroup)


@transaction.atomic
def depart(by, student: Student, on: dt.date, order_number: str, order_date: dt.date,
           reason: str = "") -> StudentMove:
    """The student leaves the school: `on` is their last day in the class. `reason`: where
    to or why."""
    number, reason = _order(order_number, order_date), _reason(reason)
    student = _lock(student)
    current = _enrolment_on(student, on)
    old_class = current.school_class
    _check_day(old_class, on)
    _still_open(current, student)
    current.left_on = on
    current.save(update_fields=["left_on"])
    return _record(by, student, Kind.DEPARTURE, on, number, order_date, reason,
                   from_class=old_class)
