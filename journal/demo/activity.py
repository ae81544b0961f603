"""The journals up to today: thematic plans, topics, held lessons, homework, marks, absences and
the first term's marks, each with its history row, written one class at a time in bulk.

Lessons before today are held. Today's lessons only have their planned topic, so the demo
teacher has a lesson to conduct. Lessons up to today are linked to the items of the journal's
thematic plan (КТП), which covers the whole year. First-graders get no marks and no homework.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import reset_queries
from django.utils import timezone

from accounts.models import Student
from journal.demo import curriculum as c
from journal.demo.attendance import plan_attendance, skips_lesson
from journal.demo.plans import link_lessons, plan_items, year_script
from journal.demo.school import DemoSchool
from journal.demo.school_year import BELLS
from journal.demo.staffing import Journal, Staffing
from journal.demo.works import PLANS, WorkPlan, five_point, homework_text, pass_fail
from journal.models import (
    Absence,
    FinalMark,
    Homework,
    Lesson,
    Mark,
    PlanItem,
    SchoolClass,
    StudyPeriod,
    ThematicPlan,
)
from journal.rules import days_late, lesson_record_deadline
from journal.services.history import Action, Entity, change_record, record_many, snapshot

REASON = "загружено при создании демо-школы"
BATCH = 2000
# The share of held lessons whose record (topic, held flag) the teacher enters a few days
# late, for the deputy director's list of late entries; marks and absences stay on time.
LATE_RECORDS = 0.02


@dataclass
class ActivityCounts:
    lessons_held: int = 0
    lessons_planned_today: int = 0
    homework: int = 0
    marks: int = 0
    absences: int = 0
    final_marks: int = 0
    plan_items: int = 0
    history: int = 0


class _Clock:
    """When things were entered: at the end of the lesson, written works checked a few days
    later, today's topics planned the evening before."""

    def __init__(self, today: dt.date):
        self.tz = timezone.get_current_timezone()
        self.ends = {number: end for number, _start, end in BELLS}
        self.midnight = dt.datetime.combine(today, dt.time(0, 0), tzinfo=self.tz)

    def after(self, lesson: Lesson) -> dt.datetime:
        return dt.datetime.combine(lesson.date, self.ends.get(lesson.number, dt.time(15, 0)),
                                   tzinfo=self.tz)

    def days_later(self, day: dt.date, days: int, fallback: dt.datetime) -> dt.datetime:
        at = dt.datetime.combine(day + dt.timedelta(days=days), dt.time(17, 30), tzinfo=self.tz)
        return at if at < self.midnight else fallback

    def evening_before(self) -> dt.datetime:
        return self.midnight - dt.timedelta(hours=4)


@dataclass
class _Batch:
    """What one class's journals add, with (object, author, time, old values) for history."""

    lessons: list[Lesson]
    homework: list[Homework]
    marks: list[Mark]
    absences: list[Absence]
    final_marks: list[FinalMark]
    history: list[tuple[str, object, object, dt.datetime, dict | None]]
    plans: list[ThematicPlan] = field(default_factory=list)
    plan_items: list[PlanItem] = field(default_factory=list)
    # Lessons and their plan items, linked once the items have their ids.
    links: list[tuple[Lesson, PlanItem]] = field(default_factory=list)


def fill_journals(demo: DemoSchool, staffing: Staffing, students: dict[int, list[Student]],
                  seed: str, log: Callable[[str], None]) -> ActivityCounts:
    counts = ActivityCounts()
    clock = _Clock(demo.today)
    total = len(demo.classes)
    lesson_updates = _LessonUpdates()
    for done, school_class in enumerate(demo.classes, start=1):
        rng = random.Random(f"{seed}:activity:{school_class.grade}{school_class.letter}")
        filler = _ClassFiller(demo, school_class, [s.pk for s in students[school_class.pk]],
                              clock, rng, counts)
        for journal in staffing.by_class.get(school_class.pk, []):
            filler.fill(journal)
        _write(filler.batch, counts)
        lesson_updates.add(filler.batch.lessons)
        # Under DEBUG (the demo's setting) Django keeps the text of every query: let it go.
        reset_queries()
        if done % 10 == 0 or done == total:
            log(f"  журналы заполнены: {done} из {total} классов")
    lesson_updates.save()
    return counts


class _LessonUpdates:
    """Lesson changes saved as one UPDATE per distinct (topic, held, work type, late days, who
    entered it): lessons share these far more often than not, and it is much cheaper than a
    CASE per row. Plan items, one per few lessons, are set apart."""

    CHUNK = 500

    def __init__(self) -> None:
        self._pks: dict[tuple, list[int]] = defaultdict(list)
        self._links: list[tuple[int, int]] = []

    def add(self, lessons: list[Lesson]) -> None:
        for lesson in lessons:
            self._pks[(lesson.topic, lesson.is_held, lesson.assessment_type_id, lesson.late_days,
                       lesson.entered_by_id)].append(lesson.pk)
            if lesson.plan_item_id:
                self._links.append((lesson.pk, lesson.plan_item_id))

    def save(self) -> None:
        for (topic, is_held, assessment_type_id, late_days, entered_by_id), pks in \
                self._pks.items():
            for i in range(0, len(pks), self.CHUNK):
                Lesson.objects.filter(pk__in=pks[i:i + self.CHUNK]).update(
                    topic=topic, is_held=is_held, assessment_type_id=assessment_type_id,
                    late_days=late_days, entered_by_id=entered_by_id)
        link_lessons(self._links)
        self._pks.clear()
        self._links.clear()


class _ClassFiller:
    def __init__(self, demo: DemoSchool, school_class: SchoolClass, student_ids: list[int],
                 clock: _Clock, rng: random.Random, counts: ActivityCounts):
        self.demo = demo
        self.today = demo.today
        self.grade = school_class.grade
        self.gives_marks = self.grade >= 2
        self.types = demo.assessment_types
        self.clock = clock
        self.rng = rng
        self.counts = counts
        self.batch = _Batch([], [], [], [], [], [])
        lessons = list(Lesson.objects.filter(assignment__school_class=school_class)
                       .order_by("date", "number", "assignment_id"))
        self.series: dict[int, list[Lesson]] = defaultdict(list)
        self.first_number: dict[dt.date, int] = {}
        for lesson in lessons:
            self.series[lesson.assignment_id].append(lesson)
            self.first_number.setdefault(lesson.date, lesson.number)
        past_days = sorted({lesson.date for lesson in lessons if lesson.date < self.today})
        self.attendance = plan_attendance(student_ids, past_days, self.today, rng)
        self.ability = {pk: min(4.9, max(2.8, rng.gauss(4.15, 0.5))) for pk in student_ids}

    def fill(self, journal: Journal) -> None:
        code = journal.subject_code
        plan = PLANS[code]
        rng = self.rng
        own = self.series[journal.assignment.pk]
        self.marks_so_far = dict.fromkeys(journal.student_ids, 0)
        self.given: list[tuple[int, dt.date, str, Decimal]] = []
        user = journal.teacher.user
        steps = year_script(code, self.grade, journal.hours, plan, len(own), self.gives_marks,
                            rng)
        thematic_plan = ThematicPlan(assignment=journal.assignment, updated_by=user)
        items, item_of = plan_items(steps, [lesson.date for lesson in own], thematic_plan)
        if items:
            self.batch.plans.append(thematic_plan)
            self.batch.plan_items.extend(items)
        for k, lesson in enumerate(own):
            if lesson.date > self.today:
                break
            old = snapshot(Entity.LESSON, lesson)
            work = steps[k].work
            lesson.topic = steps[k].topic[:500]
            lesson.assessment_type = self.types[work] if work else None
            self.batch.lessons.append(lesson)
            self.batch.links.append((lesson, items[item_of[k]]))
            if lesson.date == self.today:
                self.batch.history.append((Entity.LESSON, lesson, user,
                                           self.clock.evening_before(), old))
                self.counts.lessons_planned_today += 1
                continue
            at = self.clock.after(lesson)
            lesson.is_held = True
            self.batch.history.append((Entity.LESSON, lesson, user,
                                       self._maybe_late(lesson, user, at), old))
            self.counts.lessons_held += 1
            present = self._take_attendance(journal, lesson, at)
            if not self.gives_marks:
                continue
            self._mark(journal, plan, lesson, work, present, at)
            text = homework_text(code, self.grade, k, rng)
            homework = Homework(lesson=lesson, text=text, is_none=not text,
                                due_lesson=own[k + 1] if k + 1 < len(own) else None)
            self.batch.homework.append(homework)
            self.batch.history.append((Entity.HOMEWORK, homework, user, at, None))
        if self.gives_marks:
            _term_marks(self.demo, journal, self.given, self.clock, self.batch)

    def _maybe_late(self, lesson: Lesson, user, at: dt.datetime) -> dt.datetime:
        """When the lesson's record was entered: mostly at the lesson's end, now and then a few
        days after its deadline (the lesson then carries its late days and who entered it)."""
        if self.rng.random() >= LATE_RECORDS:
            return at
        entered = self.clock.days_later(lesson.date, self.rng.randint(1, 4), at)
        late = days_late(lesson_record_deadline(self.demo.school, lesson.date), entered.date())
        if late:
            lesson.late_days = late
            lesson.entered_by = user
        return entered

    def _take_attendance(self, journal: Journal, lesson: Lesson, at: dt.datetime) -> list[int]:
        """Absences of the lesson; returns who was there."""
        present = []
        for student_id in journal.student_ids:
            away = self.attendance[student_id].get(lesson.date)
            absence = None
            if away and away.whole_day:
                absence = Absence(lesson=lesson, student_id=student_id, kind=away.kind,
                                  reason=away.reason)
            elif away and lesson.number == self.first_number[lesson.date]:
                absence = Absence(lesson=lesson, student_id=student_id, kind=away.kind,
                                  minutes_late=away.minutes_late)
                present.append(student_id)
            elif skips_lesson(self.grade, self.rng):
                absence = Absence(lesson=lesson, student_id=student_id, kind=Absence.Kind.ABSENT)
            else:
                present.append(student_id)
            if absence is not None:
                self.batch.absences.append(absence)
                self.batch.history.append((Entity.ABSENCE, absence, journal.teacher.user, at,
                                           None))
        return present

    def _mark(self, journal: Journal, plan: WorkPlan, lesson: Lesson, work: str | None,
              present: list[int], at: dt.datetime) -> None:
        rng = self.rng
        if work:
            checked = self.clock.days_later(lesson.date, rng.randint(1, 4), at) \
                if self.types[work].is_written else at
            for student_id in present:
                self._give(journal, plan, lesson, student_id, work,
                           -0.25 if work in plan.big else 0.0, checked)
            return
        low, high = plan.everyday_marks
        ranked = sorted(present, key=lambda pk: (self.marks_so_far[pk], rng.random()))
        answered = rng.randint(low, high) if high else 0
        for student_id in ranked[:answered]:
            self._give(journal, plan, lesson, student_id, plan.everyday, 0.15, at)
        if plan.homework_marks and rng.random() < 0.4:
            for student_id in ranked[answered:answered + rng.randint(1, 2)]:
                self._give(journal, plan, lesson, student_id, c.HOMEWORK, 0.0, at)

    def _give(self, journal: Journal, plan: WorkPlan, lesson: Lesson, student_id: int, kind: str,
              shift: float, at: dt.datetime) -> None:
        ability = self.ability[student_id]
        value = (pass_fail(ability, self.rng) if plan.pass_fail
                 else five_point(ability, shift, self.rng))
        assessment_type = self.types[kind]
        mark = Mark(lesson=lesson, student_id=student_id, value=value,
                    assessment_type=assessment_type)
        self.batch.marks.append(mark)
        self.batch.history.append((Entity.MARK, mark, journal.teacher.user, at, None))
        self.marks_so_far[student_id] += 1
        self.given.append((student_id, lesson.date, value, assessment_type.weight))


def _term_marks(demo: DemoSchool, journal: Journal, given: list, clock: _Clock,
                batch: _Batch) -> None:
    """Marks for the terms already over, from the weighted average, rounded by the school's
    threshold."""
    grade = journal.assignment.school_class.grade
    closed: list[StudyPeriod] = [p for p in demo.periods
                                 if p.applies_to_grade(grade) and p.ends_on < demo.today]
    threshold = demo.school.rounding_threshold
    for period in closed:
        by_student: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
        for student_id, day, value, weight in given:
            if period.starts_on <= day <= period.ends_on:
                by_student[student_id].append((value, weight))
        at = clock.days_later(period.ends_on, 1, clock.evening_before())
        for student_id in journal.student_ids:
            marks = by_student.get(student_id)
            if not marks:
                continue
            if all(v in ("зач", "незач") for v, _ in marks):
                value = "зач" if any(v == "зач" for v, _ in marks) else "незач"
                recommended = None
            else:
                average = (sum(Decimal(v) * w for v, w in marks) / sum(w for _, w in marks))
                recommended = average.quantize(Decimal("0.01"))
                whole = int(average)
                value = str(whole + (1 if average - whole >= threshold else 0))
            final = FinalMark(assignment=journal.assignment, student_id=student_id,
                              kind=FinalMark.Kind.PERIOD, period=period, value=value,
                              recommended=recommended)
            batch.final_marks.append(final)
            batch.history.append((Entity.FINAL_MARK, final, journal.teacher.user, at, None))


def _write(batch: _Batch, counts: ActivityCounts) -> None:
    ThematicPlan.objects.bulk_create(batch.plans, batch_size=BATCH)
    PlanItem.objects.bulk_create(batch.plan_items, batch_size=BATCH)
    for lesson, item in batch.links:
        lesson.plan_item_id = item.pk
    Homework.objects.bulk_create(batch.homework, batch_size=BATCH)
    Mark.objects.bulk_create(batch.marks, batch_size=BATCH)
    Absence.objects.bulk_create(batch.absences, batch_size=BATCH)
    FinalMark.objects.bulk_create(batch.final_marks, batch_size=BATCH)
    rows = []
    for entity, obj, user, at, old in batch.history:
        row = change_record(user, Action.UPDATE if old is not None else Action.CREATE, entity,
                            obj, old=old, reason=REASON)
        row.at = at
        rows.append(row)
    record_many(rows)
    counts.homework += len(batch.homework)
    counts.marks += len(batch.marks)
    counts.absences += len(batch.absences)
    counts.final_marks += len(batch.final_marks)
    counts.plan_items += len(batch.plan_items)
    counts.history += len(rows)
