"""The thematic plan (КТП) of a journal: saving it from the form, importing it from a file,
and how far the programme has got.

Only the teacher of the journal writes its plan; the plan row is locked for the write, so two
saves run one after the other and the plan's version check is sound. Plan changes are not in
the change history, but a lesson that loses its plan item (the item was deleted) is a change of
the lesson and is recorded as one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from journal.models import Lesson, PlanItem, TeachingAssignment, ThematicPlan
from journal.models.plans import MAX_ITEM_HOURS
from journal.permissions import CLOSED_YEAR, assignment_for_write
from journal.rules import ConflictError, JournalError, NotAllowed
from journal.services.history import Action, Entity, change_record, record_many, snapshot
from journal.services.records import NO_ACCESS

TOPIC_LENGTH = PlanItem._meta.get_field("topic").max_length
SECTION_LENGTH = PlanItem._meta.get_field("section").max_length
MAX_NUMBER = 32767  # PositiveSmallIntegerField
TEACHER_ONLY = "Тематическое планирование ведёт учитель этого журнала."
STALE_PLAN = ("План уже изменил другой пользователь (возможно, в другой вкладке). Ничего не "
              "сохранено: откройте страницу заново и повторите изменения.")
UNLINKED = "пункт КТП удалён"


class Mode:
    """How an imported file meets the plan already entered."""

    REPLACE = "replace"  # the plan becomes the file; items are matched by №
    APPEND = "append"    # the file's rows go after the last item, numbered on


@dataclass(frozen=True)
class PlanRow:
    """One item as a form or a file gives it. `item_id` names an existing item (forms only);
    `number` None means "after the last one"; `where` says where it came from, for messages."""

    topic: str
    number: int | None = None
    section: str = ""
    hours: int = 1
    planned_on: dt.date | None = None
    item_id: int | None = None
    where: str = ""


@dataclass
class PlanChange:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unlinked_lessons: int = 0
    notes: list[str] = field(default_factory=list)


def row_problems(row: PlanRow, year_start: dt.date, year_end: dt.date) -> dict[str, str]:
    """What is wrong with one row, by field name ({} when nothing). Shared by the form, the
    import and the service itself."""
    problems = {}
    if not row.topic.strip():
        problems["topic"] = "не заполнена тема урока"
    elif len(row.topic) > TOPIC_LENGTH:
        problems["topic"] = f"тема — не длиннее {TOPIC_LENGTH} знаков"
    if len(row.section) > SECTION_LENGTH:
        problems["section"] = f"раздел — не длиннее {SECTION_LENGTH} знаков"
    if row.number is not None and not 1 <= row.number <= MAX_NUMBER:
        problems["number"] = f"номер — целое число от 1 до {MAX_NUMBER}"
    if not 1 <= row.hours <= MAX_ITEM_HOURS:
        problems["hours"] = f"часов — целое число от 1 до {MAX_ITEM_HOURS}"
    if row.planned_on is not None and not year_start <= row.planned_on <= year_end:
        problems["planned_on"] = (f"дата {row.planned_on:%d.%m.%Y} вне учебного года "
                                  f"({year_start:%d.%m.%Y}–{year_end:%d.%m.%Y})")
    return problems


def _clean(row: PlanRow) -> PlanRow:
    return PlanRow(topic=" ".join(row.topic.split()), number=row.number,
                   section=" ".join(row.section.split()), hours=row.hours,
                   planned_on=row.planned_on, item_id=row.item_id, where=row.where)


def _refuse_bad_rows(rows: Sequence[PlanRow], assignment: TeachingAssignment) -> None:
    year = assignment.year
    for row in rows:
        problems = row_problems(row, year.starts_on, year.ends_on)
        if problems:
            where = f"{row.where}: " if row.where else ""
            raise JournalError(where + "; ".join(problems.values()) + ".")


def _open_plan(user, assignment: TeachingAssignment, expected_version: int | None
               ) -> tuple[TeachingAssignment, ThematicPlan]:
    """Lock the journal and its plan for a write by its teacher. A journal without a plan gets
    an unsaved one (version 0), saved by `_touch` when something is written."""
    locked, rights = assignment_for_write(user, assignment.pk)
    if locked is None:
        raise JournalError("Журнал не найден: возможно, его удалили.")
    if not rights.view:
        raise NotAllowed(NO_ACCESS)
    if rights.closed:
        raise NotAllowed(CLOSED_YEAR)
    if not rights.keep:
        raise NotAllowed(TEACHER_ONLY)
    plan = ThematicPlan.objects.select_for_update().filter(assignment=locked).first()
    version = plan.version if plan is not None else 0
    if expected_version is not None and expected_version != version:
        raise ConflictError(STALE_PLAN, current=plan, version=version)
    if plan is None:
        plan = ThematicPlan(assignment=locked, version=0)
    return locked, plan


def _touch(user, plan: ThematicPlan) -> None:
    """Bump the plan's version (saving a new plan): before its items are written."""
    plan.version += 1
    plan.updated_by = user
    if plan.pk is None:
        plan.save()
    else:
        plan.save(update_fields=["version", "updated_by", "updated_at"])


def _unlink_lessons(user, item_ids: Iterable[int], assignment_id: int) -> int:
    """Lessons linked to items about to be deleted lose the link, each with a history row."""
    ids = list(item_ids)
    if not ids:
        return 0
    lessons = list(Lesson.objects.select_for_update().filter(
        assignment_id=assignment_id, plan_item_id__in=ids).order_by("pk"))
    now = timezone.now()
    rows = []
    for lesson in lessons:
        old = snapshot(Entity.LESSON, lesson)
        lesson.plan_item_id = None
        lesson.version += 1
        lesson.updated_at = now
        rows.append(change_record(user, Action.UPDATE, Entity.LESSON, lesson, old=old,
                                  reason=UNLINKED))
    Lesson.objects.bulk_update(lessons, ["plan_item", "version", "updated_at"])
    record_many(rows)
    return len(lessons)


def _delete_items(user, plan: ThematicPlan, ids: Iterable[int], change: PlanChange) -> None:
    ids = list(ids)
    if not ids:
        return
    change.unlinked_lessons += _unlink_lessons(user, ids, plan.assignment_id)
    change.deleted += PlanItem.objects.filter(plan=plan, pk__in=ids).delete()[0]


def _apply(item: PlanItem, row: PlanRow) -> bool:
    """Copy the row into the item; whether anything changed."""
    changed = False
    for name in ("topic", "section", "hours", "planned_on"):
        if getattr(item, name) != getattr(row, name):
            setattr(item, name, getattr(row, name))
            changed = True
    return changed


def save_plan(user, assignment: TeachingAssignment, rows: Sequence[PlanRow], *,
              deleted: Iterable[int] = (), expected_version: int | None = None) -> PlanChange:
    """Save items from the plan's form: rows with `item_id` change those items, rows without
    it are added (numbered after the last item when they have no number), `deleted` items go.
    Items not mentioned stay as they are. Numbers must stay unique in the plan."""
    rows = [_clean(row) for row in rows]
    deleted = set(deleted)
    change = PlanChange()
    with transaction.atomic():
        assignment, plan = _open_plan(user, assignment, expected_version)
        _refuse_bad_rows(rows, assignment)
        items = {item.pk: item for item in PlanItem.objects.filter(plan=plan)} if plan.pk else {}
        if ({row.item_id for row in rows if row.item_id} | deleted) - set(items):
            raise ConflictError(STALE_PLAN, current=plan, version=plan.version)

        given = {row.item_id: row for row in rows if row.item_id and row.item_id not in deleted}
        taken: set[int] = set()

        def take(number: int, where: str) -> None:
            if number in taken:
                raise JournalError(f"{where}: номер {number} уже есть в плане.")
            taken.add(number)

        numbered: list[tuple[PlanItem, int]] = []
        for pk, item in items.items():
            if pk in deleted:
                continue
            row = given.get(pk)
            number = row.number if row is not None and row.number is not None else item.number
            take(number, row.where if row is not None and row.where else f"Пункт {item.number}")
            numbered.append((item, number))
        new_rows = [row for row in rows if not row.item_id]
        for row in new_rows:
            if row.number is not None:
                take(row.number, row.where or "Новый пункт")
        next_number = max(taken, default=0)
        new_items = []
        for row in new_rows:
            number = row.number
            if number is None:
                next_number += 1
                number = next_number
                taken.add(number)
            new_items.append(PlanItem(number=number, topic=row.topic, section=row.section,
                                      hours=row.hours, planned_on=row.planned_on))
        changed = []
        for item, number in numbered:
            row = given.get(item.pk)
            if (row is not None and _apply(item, row)) | (item.number != number):
                item.number = number
                changed.append(item)
        if not (deleted or changed or new_items):
            return change

        _touch(user, plan)
        _delete_items(user, plan, deleted, change)
        PlanItem.objects.bulk_update(changed, ["number", "topic", "section", "hours",
                                               "planned_on"])
        change.updated = len(changed)
        for item in new_items:
            item.plan = plan
        change.created = len(PlanItem.objects.bulk_create(new_items))
    return change


def import_plan(user, assignment: TeachingAssignment, rows: Sequence[PlanRow], *,
                mode: str = Mode.REPLACE) -> PlanChange:
    """Load the plan from a checked file.

    REPLACE: the plan becomes the file. An item whose № is in the file is updated in place, so
    the lessons linked to it keep their link; items whose № is not in the file are deleted (their
    lessons lose the link, which the lessons' history records).
    APPEND: the file's rows go after the last item, numbered on in the file's order.
    """
    if mode not in (Mode.REPLACE, Mode.APPEND):
        raise JournalError("Выберите, заменить план или дополнить его.")
    rows = [_clean(row) for row in rows]
    if not rows:
        raise JournalError("В файле нет ни одного пункта плана.")
    change = PlanChange()
    with transaction.atomic():
        assignment, plan = _open_plan(user, assignment, None)
        _refuse_bad_rows(rows, assignment)
        _touch(user, plan)
        numbered = all(row.number is not None for row in rows)
        if mode == Mode.REPLACE and numbered:
            seen: dict[int, PlanRow] = {}
            for row in rows:
                if row.number in seen:
                    raise JournalError(f"{row.where}: номер {row.number} уже встречался "
                                       f"({seen[row.number].where}).")
                seen[row.number] = row
        else:
            rows = sorted(rows, key=lambda r: r.number or 0) if numbered else rows
            start = 0
            if mode == Mode.APPEND:
                start = PlanItem.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0
            rows = [PlanRow(topic=r.topic, number=start + i, section=r.section, hours=r.hours,
                            planned_on=r.planned_on, where=r.where)
                    for i, r in enumerate(rows, start=1)]
            if rows[-1].number > MAX_NUMBER:
                raise JournalError(f"В плане может быть не больше {MAX_NUMBER} пунктов.")
        items = {item.number: item for item in PlanItem.objects.filter(plan=plan)}
        if mode == Mode.REPLACE:
            wanted = {row.number for row in rows}
            _delete_items(user, plan, [i.pk for n, i in items.items() if n not in wanted], change)
            changed = []
            for row in rows:
                item = items.get(row.number)
                if item is not None and _apply(item, row):
                    changed.append(item)
            PlanItem.objects.bulk_update(changed, ["topic", "section", "hours", "planned_on"])
            change.updated = len(changed)
            rows = [row for row in rows if row.number not in items]
        created = PlanItem.objects.bulk_create(
            PlanItem(plan=plan, number=row.number, topic=row.topic, section=row.section,
                     hours=row.hours, planned_on=row.planned_on) for row in rows)
        change.created = len(created)
    return change


def fill_planned_dates(user, assignment: TeachingAssignment, *,
                       expected_version: int | None = None) -> int:
    """Give the items the dates of the journal's lessons in order: each item takes as many
    lessons as it has hours and gets the date of the first. Items beyond the last lesson keep
    no date. Returns how many items got a date."""
    with transaction.atomic():
        assignment, plan = _open_plan(user, assignment, expected_version)
        if plan.pk is None:
            return 0
        items = list(PlanItem.objects.filter(plan=plan).order_by("number", "pk"))
        dates = list(Lesson.objects.filter(assignment=assignment).order_by("date", "number")
                     .values_list("date", flat=True))
        position = 0
        dated = 0
        for item in items:
            item.planned_on = dates[position] if position < len(dates) else None
            dated += item.planned_on is not None
            position += item.hours
        PlanItem.objects.bulk_update(items, ["planned_on"])
        _touch(user, plan)
    return dated
