"""Changing the timetable from a date: add, change and remove a slot, copy a class's timetable
to another class, copy the timetable in force on one date to the weeks from another.

The past is never rewritten: a slot that was in force before the date is closed the day before
it and a new one opens on it, so the lessons already given keep their timetable. Every new or
changed slot passes the model's double-booking checks (`TimetableSlot.clean`: teacher, class,
subgroup, room); one refusal refuses the whole change. Afterwards the lessons of the journals
concerned are brought in line the way the setup screens do it (`generate_lessons`: lessons
with data are never removed), and lessons from the date on move to the new room unless a
teacher had set another room on that lesson.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from journal.models import (
    AcademicYear,
    Lesson,
    SchoolClass,
    TeachingAssignment,
    TimetableSlot,
)
from journal.permissions import may_keep_timetable
from journal.rules import JournalError, NotAllowed
from journal.services.history import Action, Entity, change_record, record_many, snapshot
from journal.services.lessons import GenerationResult, generate_lessons, planned_lessons

ONE_DAY = dt.timedelta(days=1)
ROOM_LENGTH = TimetableSlot._meta.get_field("room").max_length
NOT_ALLOWED = "Расписание меняют диспетчер расписания, заместитель директора по УВР и администратор."
ROOM_REASON = "кабинет изменён в расписании"


@dataclass
class TimetableChange:
    """What a change did: slots opened, closed and deleted, lessons created and removed."""

    opened: list[TimetableSlot] = field(default_factory=list)
    closed: int = 0
    deleted: int = 0
    lessons: GenerationResult = field(default_factory=GenerationResult)
    rooms_moved: int = 0
    skipped: list[str] = field(default_factory=list)


# Checks shared by every change -----------------------------------------------------------

def _open_year(user, year: AcademicYear, from_date: dt.date) -> AcademicYear:
    """Lock the year so that two changes of its timetable run one after the other (each checks
    clashes against the other's result), and check the user and the date."""
    if not may_keep_timetable(user, year.school_id):
        raise NotAllowed(NOT_ALLOWED)
    year = AcademicYear.objects.select_for_update().select_related("school").get(pk=year.pk)
    if year.is_closed:
        raise NotAllowed(f"Учебный год {year.name} закрыт: его расписание не меняется.")
    today = timezone.localdate()
    if from_date < today:
        raise JournalError(f"Расписание прошедших дней не меняется: выберите {today:%d.%m.%Y} "
                           f"или более позднюю дату.")
    if not year.contains(from_date):
        raise JournalError(f"Дата {from_date:%d.%m.%Y} вне учебного года "
                           f"({year.starts_on:%d.%m.%Y}–{year.ends_on:%d.%m.%Y}).")
    return year


def _check_place(year: AcademicYear, weekday: int, lesson_number: int) -> None:
    days = year.school.days_per_week
    if not 1 <= weekday <= days:
        raise JournalError(f"В школе {days}-дневная учебная неделя: такого дня в расписании нет.")
    if not 0 <= lesson_number <= 12:
        raise JournalError("Номер урока — от 0 до 12.")


def _check_journal(year: AcademicYear, assignment: TeachingAssignment) -> None:
    if assignment.year_id != year.pk:
        raise JournalError("Этот журнал относится к другому учебному году.")


def _clean_room(room: str) -> str:
    room = " ".join(room.split())
    if len(room) > ROOM_LENGTH:
        raise JournalError(f"Кабинет — не длиннее {ROOM_LENGTH} знаков.")
    return room


def _refusal(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _open(slot: TimetableSlot) -> TimetableSlot:
    """Save a new or changed slot after the model's checks; refuse with the clash named."""
    try:
        slot.full_clean()
    except ValidationError as exc:
        raise JournalError(_refusal(exc)) from exc
    slot.save()
    return slot


def _end_before(slot: TimetableSlot, from_date: dt.date, change: TimetableChange) -> None:
    """Take the slot out of the timetable from `from_date` on, keeping its past."""
    if slot.valid_from >= from_date:
        slot.delete()
        change.deleted += 1
    else:
        slot.valid_to = from_date - ONE_DAY
        slot.save(update_fields=["valid_to"])
        change.closed += 1


def _locked_slot(year: AcademicYear, slot: TimetableSlot, from_date: dt.date) -> TimetableSlot:
    current = (TimetableSlot.objects.select_for_update()
               .filter(pk=slot.pk, assignment__year=year).first())
    if current is None or current.valid_to < from_date:
        raise JournalError("Этого урока уже нет в расписании на выбранную дату: обновите "
                           "страницу.")
    return current


# Keeping the lessons in line -------------------------------------------------------------

def _rooms_ahead(year: AcademicYear, assignment_ids: set[int], from_date: dt.date) -> dict:
    """(assignment id, date, number) → room of every lesson the timetable puts from the date."""
    slots = TimetableSlot.objects.filter(assignment_id__in=assignment_ids,
                                         valid_to__gte=from_date).select_related(
        "assignment__school_class")
    return {key: room for key, room in planned_lessons(year, slots).items()
            if key[1] >= from_date}


def _follow(user, year: AcademicYear, assignment_ids: set[int], from_date: dt.date,
            rooms_before: dict, change: TimetableChange) -> TimetableChange:
    """Regenerate the lessons of the journals concerned, then move the lessons from the date
    on to their slot's new room where the lesson still has the slot's old room."""
    change.lessons = generate_lessons(year, user=user, assignments=TeachingAssignment.objects
                                      .filter(pk__in=assignment_ids))
    rooms_after = _rooms_ahead(year, assignment_ids, from_date)
    moved = {key: room for key, room in rooms_after.items()
             if key in rooms_before and rooms_before[key] != room}
    if not moved:
        return change
    lessons = Lesson.objects.filter(assignment_id__in={a for a, _, _ in moved},
                                    date__gte=from_date, is_extra=False)
    changed, history, now = [], [], timezone.now()
    for lesson in lessons:
        key = (lesson.assignment_id, lesson.date, lesson.number)
        if key in moved and lesson.room == rooms_before[key]:
            old = snapshot(Entity.LESSON, lesson)
            lesson.room = moved[key]
            lesson.version += 1
            lesson.updated_at = now
            changed.append(lesson)
            history.append(change_record(user, Action.UPDATE, Entity.LESSON, lesson, old=old,
                                         reason=ROOM_REASON))
    Lesson.objects.bulk_update(changed, ["room", "version", "updated_at"], batch_size=1000)
    record_many(history)
    change.rooms_moved = len(changed)
    return change


# One slot --------------------------------------------------------------------------------

@transaction.atomic
def add_slot(user, year: AcademicYear, assignment: TeachingAssignment, weekday: int,
             lesson_number: int, room: str, *, from_date: dt.date) -> TimetableChange:
    """A lesson of the journal in the timetable from the date to the end of the year."""
    year = _open_year(user, year, from_date)
    _check_journal(year, assignment)
    _check_place(year, weekday, lesson_number)
    room = _clean_room(room)
    ids = {assignment.pk}
    rooms_before = _rooms_ahead(year, ids, from_date)
    change = TimetableChange()
    change.opened.append(_open(TimetableSlot(
        assignment=assignment, weekday=weekday, lesson_number=lesson_number, room=room,
        valid_from=from_date, valid_to=year.ends_on)))
    return _follow(user, year, ids, from_date, rooms_before, change)


@transaction.atomic
def change_slot(user, year: AcademicYear, slot: TimetableSlot, *,
                assignment: TeachingAssignment, room: str,
                from_date: dt.date) -> TimetableChange:
    """Give the slot another journal or room from the date on; before it, it stays as it was."""
    year = _open_year(user, year, from_date)
    slot = _locked_slot(year, slot, from_date)
    _check_journal(year, assignment)
    room = _clean_room(room)
    change = TimetableChange()
    if (slot.assignment_id, slot.room) == (assignment.pk, room):
        return change
    ids = {slot.assignment_id, assignment.pk}
    rooms_before = _rooms_ahead(year, ids, from_date)
    if slot.valid_from >= from_date:
        slot.assignment, slot.room = assignment, room
        change.opened.append(_open(slot))
    else:
        until = slot.valid_to
        _end_before(slot, from_date, change)
        change.opened.append(_open(TimetableSlot(
            assignment=assignment, weekday=slot.weekday, lesson_number=slot.lesson_number,
            room=room, valid_from=from_date, valid_to=until)))
    return _follow(user, year, ids, from_date, rooms_before, change)


@transaction.atomic
def remove_slot(user, year: AcademicYear, slot: TimetableSlot, *,
                from_date: dt.date) -> TimetableChange:
    """Take the lesson out of the timetable from the date on."""
    year = _open_year(user, year, from_date)
    slot = _locked_slot(year, slot, from_date)
    ids = {slot.assignment_id}
    rooms_before = _rooms_ahead(year, ids, from_date)
    change = TimetableChange()
    _end_before(slot, from_date, change)
    return _follow(user, year, ids, from_date, rooms_before, change)


# Copies ----------------------------------------------------------------------------------

def _in_force(year: AcademicYear, day: dt.date):
    return (TimetableSlot.objects.filter(assignment__year=year, valid_from__lte=day,
                                         valid_to__gte=day)
            .select_related("assignment__subject", "assignment__subgroup")
            .order_by("weekday", "lesson_number", "pk"))


def _open_all(new: Iterable[TimetableSlot], change: TimetableChange) -> None:
    """Open every slot, checking each against the timetable and those opened before it; if
    any clashes, refuse the whole change and name the clashes."""
    clashes = []
    for slot in new:
        try:
            change.opened.append(_open(slot))
        except JournalError as exc:
            clashes.append(exc.message)
    if clashes:
        more = f" И ещё накладок: {len(clashes) - 5}." if len(clashes) > 5 else ""
        raise JournalError("В расписании были бы накладки, ничего не изменено. "
                           + " ".join(clashes[:5]) + more)


def _journals_by_subject(school_class: SchoolClass) -> dict[int, list[TeachingAssignment]]:
    journals = defaultdict(list)
    for journal in (TeachingAssignment.objects.filter(school_class=school_class)
                    .select_related("subgroup").order_by("subgroup__name")):
        journals[journal.subject_id].append(journal)
    return journals


def _usual_rooms(school_class: SchoolClass) -> dict[int, str]:
    """Journal id → the room its lessons are most often given in this year: a copied lesson
    goes there, not to the source class's room, which that class occupies at the same time."""
    counts: dict[int, Counter] = defaultdict(Counter)
    for journal, room in (TimetableSlot.objects.filter(assignment__school_class=school_class)
                          .exclude(room="").values_list("assignment_id", "room")):
        counts[journal][room] += 1
    return {journal: rooms.most_common(1)[0][0] for journal, rooms in counts.items()}


def _targets(source: TeachingAssignment,
             journals: list[TeachingAssignment]) -> list[TeachingAssignment]:
    """The target class's journals a source slot goes to: the same subject, the subgroup of
    the same name; a whole-class lesson goes to every subgroup of a class split in the subject,
    and a subgroup's lesson to a class that is not split, to the whole class."""
    whole = [j for j in journals if j.subgroup_id is None]
    groups = [j for j in journals if j.subgroup_id is not None]
    if source.subgroup_id is None:
        return whole or groups
    same_name = [j for j in groups if j.subgroup.name == source.subgroup.name]
    return same_name or whole


@transaction.atomic
def copy_class_timetable(user, year: AcademicYear, source: SchoolClass, target: SchoolClass, *,
                         from_date: dt.date) -> TimetableChange:
    """Make the target class's timetable from the date the source class's timetable in force
    on it, given to the target's own journals of the same subjects. Lessons of a subject the
    target has no journal of are skipped and listed."""
    year = _open_year(user, year, from_date)
    if source.year_id != year.pk or target.year_id != year.pk:
        raise JournalError("Классы должны относиться к текущему учебному году.")
    if source.pk == target.pk:
        raise JournalError("Выберите другой класс: расписание копируется в другой класс.")
    journals = _journals_by_subject(target)
    rooms = _usual_rooms(target)
    new, skipped = [], defaultdict(set)
    seen = set()
    for slot in _in_force(year, from_date).filter(assignment__school_class=source):
        targets = _targets(slot.assignment, journals.get(slot.assignment.subject_id, []))
        if not targets:
            skipped[slot.assignment.subject.name].add((slot.weekday, slot.lesson_number))
        for journal in targets:
            key = (journal.pk, slot.weekday, slot.lesson_number)
            if key in seen:  # both subgroups' lessons copied to one whole-class journal
                continue
            seen.add(key)
            new.append(TimetableSlot(assignment=journal, weekday=slot.weekday,
                                     lesson_number=slot.lesson_number,
                                     room=rooms.get(journal.pk, ""),
                                     valid_from=from_date, valid_to=year.ends_on))
    old = list(TimetableSlot.objects.select_for_update()
               .filter(assignment__school_class=target, valid_to__gte=from_date))
    ids = {slot.assignment_id for slot in old} | {slot.assignment_id for slot in new}
    rooms_before = _rooms_ahead(year, ids, from_date)
    change = TimetableChange(skipped=[f"{name} — в {target} нет такого журнала "
                                      f"({_lessons(len(times))} в неделю)"
                                      for name, times in skipped.items()])
    for slot in old:
        _end_before(slot, from_date, change)
    _open_all(new, change)
    return _follow(user, year, ids, from_date, rooms_before, change)


@transaction.atomic
def copy_week(user, year: AcademicYear, *, source_date: dt.date,
              from_date: dt.date) -> TimetableChange:
    """Make the school's timetable from `from_date` to the end of the year the one in force
    on `source_date`. Slots in force on both dates simply stay (to the end of the year)."""
    year = _open_year(user, year, from_date)
    if not year.contains(source_date):
        raise JournalError(f"Дата {source_date:%d.%m.%Y} вне учебного года.")
    if source_date == from_date:
        raise JournalError("Выберите две разные даты: откуда копировать и с какой даты.")
    source = list(_in_force(year, source_date))
    kept = {slot.pk for slot in source if slot.valid_from <= from_date <= slot.valid_to}
    affected = list(TimetableSlot.objects.select_for_update()
                    .filter(assignment__year=year, valid_to__gte=from_date))
    ids = {slot.assignment_id for slot in affected} | {slot.assignment_id for slot in source}
    rooms_before = _rooms_ahead(year, ids, from_date)
    change = TimetableChange()
    for slot in affected:
        if slot.pk not in kept:
            _end_before(slot, from_date, change)
    for slot in affected:
        if slot.pk in kept and slot.valid_to != year.ends_on:
            slot.valid_to = year.ends_on
            _open(slot)
    _open_all([TimetableSlot(assignment_id=slot.assignment_id, weekday=slot.weekday,
                             lesson_number=slot.lesson_number, room=slot.room,
                             valid_from=from_date, valid_to=year.ends_on)
               for slot in source if slot.pk not in kept], change)
    return _follow(user, year, ids, from_date, rooms_before, change)


def _lessons(count: int) -> str:
    if count % 10 == 1 and count % 100 != 11:
        return f"{count} урок"
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return f"{count} урока"
    return f"{count} уроков"
