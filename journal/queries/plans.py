"""Reads of a journal's thematic plan (КТП): its items with their lessons, the item to
suggest for a lesson, and how far the programme has got."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from journal.models import Lesson, PlanItem, StudyPeriod, TeachingAssignment
from journal.queries.grid import weekly_hours


def held_lessons(today: dt.date, through: str = "") -> Q:
    """The lessons counted as held («проведено уроков»): marked «урок проведён» and dated up to
    today. The home page, the plan page and programme completion all count with it; `through`
    is the path to the lesson from the model counted ("lessons__")."""
    return Q(**{f"{through}is_held": True, f"{through}date__lte": today})


def plan_items(assignment: TeachingAssignment):
    """The plan's items in order, each with `lesson_dates` (its lessons' dates, held or not):
    two queries."""
    items = list(PlanItem.objects.filter(plan__assignment=assignment).order_by("number", "pk"))
    by_item: dict[int, list[dt.date]] = {}
    for item_id, date in (Lesson.objects.filter(plan_item__in=[i.pk for i in items])
                          .order_by("date", "number").values_list("plan_item_id", "date")):
        by_item.setdefault(item_id, []).append(date)
    for item in items:
        item.lesson_dates = by_item.get(item.pk, [])
    return items


def next_plan_item(lesson: Lesson) -> PlanItem | None:
    """The item to suggest for a lesson: the first (by №) that the journal's other lessons have
    not used up — an item of two hours is suggested for two lessons."""
    return (PlanItem.objects.filter(plan__assignment_id=lesson.assignment_id)
            .annotate(used=Count("lessons", filter=~Q(lessons__pk=lesson.pk)))
            .filter(used__lt=F("hours")).order_by("number", "pk").first())


def _percent(part: int | Decimal, whole: int | Decimal | None) -> int | None:
    if not whole:
        return None
    return int((Decimal(part) * 100 / Decimal(whole)).to_integral_value(rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Completion:
    """Programme completion of one journal (выполнение программы)."""

    held: int                     # lessons held up to today (`held_lessons`)
    held_linked: int              # of them, linked to a plan item
    planned_hours: int            # Σ hours of the plan
    planned_to_date: int          # Σ hours of the items planned on or before today
    items: int
    items_covered: int            # items with at least one held lesson
    weekly_hours: Decimal | None  # from the curriculum
    weeks: int                    # study weeks in the grade's periods
    timetable_lessons: int        # lessons the timetable generated for the year
    timetable_to_date: int        # of them, on or before today

    @property
    def curriculum_hours(self) -> Decimal | None:
        if self.weekly_hours is None:
            return None
        return (self.weekly_hours * self.weeks).normalize()

    @property
    def of_planned(self) -> int | None:
        return _percent(self.held, self.planned_hours)

    @property
    def of_curriculum(self) -> int | None:
        return _percent(self.held, self.curriculum_hours)

    @property
    def of_timetable(self) -> int | None:
        return _percent(self.held, self.timetable_lessons)

    @property
    def behind_plan(self) -> int:
        """Hours the journal is behind the plan's dates (negative: ahead)."""
        return self.planned_to_date - self.held


def study_weeks(assignment: TeachingAssignment) -> int:
    """Weeks of study of the class's grade: the days of its periods over seven, rounded."""
    periods = StudyPeriod.objects.filter(year_id=assignment.year_id).for_grade(
        assignment.school_class.grade)
    days = sum((p.ends_on - p.starts_on).days + 1 for p in periods)
    return int((Decimal(days) / 7).to_integral_value(rounding=ROUND_HALF_UP))


def programme_completion(assignment: TeachingAssignment, today: dt.date | None = None
                         ) -> Completion:
    """Held lessons against the plan's hours, the curriculum's hours (hours a week × study
    weeks) and the lessons the timetable generated. Five queries."""
    today = today or timezone.localdate()
    held = held_lessons(today)
    lessons = Lesson.objects.filter(assignment=assignment).aggregate(
        held=Count("pk", filter=held),
        held_linked=Count("pk", filter=held & Q(plan_item__isnull=False)),
        timetable=Count("pk", filter=Q(is_extra=False)),
        timetable_to_date=Count("pk", filter=Q(is_extra=False, date__lte=today)),
    )
    plan = PlanItem.objects.filter(plan__assignment=assignment)
    items = plan.aggregate(total=Sum("hours"), to_date=Sum("hours", filter=Q(planned_on__lte=today)),
                           count=Count("pk"))
    covered = plan.filter(held_lessons(today, "lessons__")).values("pk").distinct().count()
    return Completion(
        held=lessons["held"], held_linked=lessons["held_linked"],
        planned_hours=items["total"] or 0, planned_to_date=items["to_date"] or 0,
        items=items["count"], items_covered=covered,
        weekly_hours=weekly_hours(assignment), weeks=study_weeks(assignment),
        timetable_lessons=lessons["timetable"], timetable_to_date=lessons["timetable_to_date"],
    )
