"""Programme completion of many journals at once, as `journal.queries.plans` counts it for one.

`plans.programme_completion` takes five queries a journal; the check reads a whole school, so
the same `Completion` is filled here from grouped queries: four, plus one per grade for the
study weeks (`plans.study_weeks`), whatever the number of journals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Q, Sum

from journal.models import Lesson, PlanItem, TeachingAssignment
from journal.queries.grid import weekly_hours_of
from journal.queries.plans import Completion, held_lessons, study_weeks


def programme_completions(journals: Sequence[TeachingAssignment], as_of: dt.date
                          ) -> dict[int, Completion]:
    """Each journal's completion on `as_of` (by assignment id)."""
    if not journals:
        return {}
    ids = [journal.pk for journal in journals]
    held = held_lessons(as_of)
    lessons = {row["assignment_id"]: row for row in (
        Lesson.objects.filter(assignment_id__in=ids).order_by().values("assignment_id").annotate(
            held=Count("pk", filter=held),
            held_linked=Count("pk", filter=held & Q(plan_item__isnull=False)),
            timetable=Count("pk", filter=Q(is_extra=False)),
            timetable_to_date=Count("pk", filter=Q(is_extra=False, date__lte=as_of))))}
    items = PlanItem.objects.filter(plan__assignment_id__in=ids).order_by()
    plans = {row["plan__assignment_id"]: row for row in items.values("plan__assignment_id").annotate(
        total=Sum("hours"), to_date=Sum("hours", filter=Q(planned_on__lte=as_of)),
        count=Count("pk"))}
    covered = dict(items.filter(held_lessons(as_of, "lessons__")).values("plan__assignment_id")
                   .annotate(n=Count("pk", distinct=True)).values_list("plan__assignment_id", "n"))
    hours = weekly_hours_of(journals)
    weeks: dict[tuple[int, int], int] = {}
    completions = {}
    for journal in journals:
        grade_key = (journal.year_id, journal.school_class.grade)
        if grade_key not in weeks:
            weeks[grade_key] = study_weeks(journal)
        lesson = lessons.get(journal.pk, {})
        plan = plans.get(journal.pk, {})
        completions[journal.pk] = Completion(
            held=lesson.get("held", 0), held_linked=lesson.get("held_linked", 0),
            planned_hours=plan.get("total") or 0, planned_to_date=plan.get("to_date") or 0,
            items=plan.get("count", 0), items_covered=covered.get(journal.pk, 0),
            weekly_hours=hours[journal.pk], weeks=weeks[grade_key],
            timetable_lessons=lesson.get("timetable", 0),
            timetable_to_date=lesson.get("timetable_to_date", 0),
        )
    return completions
