"""A weekly timetable with no teacher in two places and no class in two lessons at once.

Each class gets a fixed number of lessons a day (no gaps), then a min-conflicts search swaps
lessons inside a class until no teacher is double-booked and no subject sits on one day more
often than its weekly hours allow.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass

from journal.demo.curriculum import is_split
from journal.demo.school import DemoSchool
from journal.demo.staffing import Staffing
from journal.models import TimetableSlot

DAYS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Block:
    """One lesson of a class: a subject given by one teacher, or by two to its two groups."""

    subject: str
    teachers: tuple[int, ...]
    journals: tuple[int, ...]  # indexes into Staffing.journals


class TimetableError(RuntimeError):
    pass


class _Week:
    def __init__(self, blocks: list[list[Block]], day_lengths: list[dict[int, int]],
                 limits: list[dict[str, int]]):
        self.cells = [[(d, n) for d in DAYS for n in range(1, lengths[d] + 1)]
                      for lengths in day_lengths]
        self.grid: list[dict[tuple[int, int], Block]] = [{} for _ in blocks]
        self.busy: dict[tuple[int, int, int], int] = defaultdict(int)
        self.per_day: dict[tuple[int, str, int], int] = defaultdict(int)
        self.limits = limits
        self.blocks = blocks

    def _teacher_cost(self, keys) -> int:
        return sum(max(0, self.busy[k] - 1) for k in keys)

    def _day_cost(self, c: int, keys) -> int:
        return sum(max(0, self.per_day[(c, s, d)] - self.limits[c][s]) for s, d in keys)

    def put(self, c: int, cell: tuple[int, int], block: Block, sign: int = 1) -> None:
        d, n = cell
        for t in block.teachers:
            self.busy[(t, d, n)] += sign
        self.per_day[(c, block.subject, d)] += sign
        if sign > 0:
            self.grid[c][cell] = block

    def cell_cost(self, c: int, cell: tuple[int, int]) -> int:
        block = self.grid[c][cell]
        d, n = cell
        return (self._teacher_cost([(t, d, n) for t in block.teachers])
                + self._day_cost(c, [(block.subject, d)]))

    def swap_delta(self, c: int, a: tuple[int, int], b: tuple[int, int]) -> int:
        """Cost change of swapping two lessons of a class (the swap is undone)."""
        x, y = self.grid[c][a], self.grid[c][b]
        t_keys = {(t, *cell) for cell in (a, b) for t in x.teachers + y.teachers}
        d_keys = {(s, cell[0]) for cell in (a, b) for s in (x.subject, y.subject)}
        before = self._teacher_cost(t_keys) + self._day_cost(c, d_keys)
        self.swap(c, a, b)
        after = self._teacher_cost(t_keys) + self._day_cost(c, d_keys)
        self.swap(c, a, b)
        return after - before

    def swap(self, c: int, a: tuple[int, int], b: tuple[int, int]) -> None:
        x, y = self.grid[c][a], self.grid[c][b]
        self.put(c, a, x, -1)
        self.put(c, b, y, -1)
        self.put(c, a, y)
        self.put(c, b, x)

    def fill_greedily(self, rng: random.Random) -> None:
        for c, blocks in enumerate(self.blocks):
            left = list(blocks)
            rng.shuffle(left)
            for cell in self.cells[c]:
                d, n = cell
                best = min(range(len(left)), key=lambda i: (
                    sum(self.busy[(t, d, n)] for t in left[i].teachers)
                    + max(0, self.per_day[(c, left[i].subject, d)] + 1
                          - self.limits[c][left[i].subject])))
                self.put(c, cell, left.pop(best))

    def repair(self, rng: random.Random, max_rounds: int = 400) -> bool:
        for _ in range(max_rounds):
            conflicted = [(c, cell) for c in range(len(self.grid)) for cell in self.cells[c]
                          if self.cell_cost(c, cell)]
            if not conflicted:
                return True
            rng.shuffle(conflicted)
            for c, cell in conflicted:
                if not self.cell_cost(c, cell):
                    continue
                deltas = [(self.swap_delta(c, cell, other), rng.random(), other)
                          for other in self.cells[c] if other != cell]
                delta, _, other = min(deltas)
                # Sideways and, now and then, uphill moves get the search out of dead ends.
                if delta < 0 or (delta == 0 and rng.random() < 0.7) or rng.random() < 0.02:
                    self.swap(c, cell, other)
        return False


def _day_lengths(rng: random.Random, hours: int) -> dict[int, int]:
    base, extra = divmod(hours, len(DAYS))
    longer = set(rng.sample(DAYS, extra))
    return {d: base + (d in longer) for d in DAYS}


def build_timetable(demo: DemoSchool, staffing: Staffing,
                    rng: random.Random) -> list[TimetableSlot]:
    """Timetable slots for the whole year (unsaved), conflict-free by construction."""
    teacher_ids: dict[int, int] = {}
    blocks: list[list[Block]] = []
    day_lengths, limits = [], []
    for school_class in demo.classes:
        journals = [(i, j) for i, j in enumerate(staffing.journals)
                    if j.assignment.school_class_id == school_class.pk]
        class_blocks: list[Block] = []
        subject_hours: dict[str, int] = {}
        by_subject: dict[str, list[tuple[int, object]]] = defaultdict(list)
        for i, journal in journals:
            by_subject[journal.subject_code].append((i, journal))
        for code, group in by_subject.items():
            hours = group[0][1].hours
            subject_hours[code] = hours
            teachers = tuple(teacher_ids.setdefault(id(j.teacher), len(teacher_ids))
                             for _, j in group)
            if is_split(code, school_class.grade) and len(set(teachers)) != len(teachers):
                raise TimetableError(f"{school_class}: обе группы по {code} у одного учителя")
            class_blocks += [Block(code, teachers, tuple(i for i, _ in group))] * hours
        blocks.append(class_blocks)
        day_lengths.append(_day_lengths(rng, len(class_blocks)))
        limits.append({code: math.ceil(h / len(DAYS)) for code, h in subject_hours.items()})

    for _attempt in range(5):
        week = _Week(blocks, day_lengths, limits)
        week.fill_greedily(rng)
        if week.repair(rng):
            break
    else:
        raise TimetableError("Не удалось составить расписание без накладок.")

    slots = []
    for grid in week.grid:
        for (day, number), block in sorted(grid.items()):
            for index in block.journals:
                journal = staffing.journals[index]
                slots.append(TimetableSlot(
                    assignment=journal.assignment, weekday=day, lesson_number=number,
                    room=journal.teacher.room, valid_from=demo.year.starts_on,
                    valid_to=demo.year.ends_on))
    return slots


def check_slots(slots: list[TimetableSlot]) -> list[str]:
    """Double bookings among the slots, checked in memory (the model's rule, without queries)."""
    problems = []
    seen: dict[tuple, TimetableSlot] = {}
    for slot in slots:
        a = slot.assignment
        when = (slot.weekday, slot.lesson_number)
        for key in [("teacher", a.teacher_id, *when),
                    ("class", a.school_class_id, a.subgroup_id or 0, *when)]:
            if key in seen:
                problems.append(f"{key}: {seen[key].assignment} / {a}")
            seen[key] = slot
    for slot in slots:
        a = slot.assignment
        if not a.subgroup_id:
            continue
        whole = ("class", a.school_class_id, 0, slot.weekday, slot.lesson_number)
        if whole in seen:
            problems.append(f"{whole}: {seen[whole].assignment} / {a}")
    return problems
