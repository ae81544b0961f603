"""Who takes part: the journals' teachers who made records in the span, and the parents and
students who opened the diary."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from urllib.parse import urlencode

from django.urls import reverse

from accounts.models import ParentStudent
from accounts.queries.reminders import start_of
from journal.models import ChangeRecord, TeachingAssignment
from journal.queries.checks.activity import diary_users_seen
from journal.queries.checks.roster import Roster
from journal.queries.checks.span import CheckSpan

_JOURNAL_RECORDS = [ChangeRecord.Entity.LESSON, ChangeRecord.Entity.HOMEWORK,
                    ChangeRecord.Entity.MARK, ChangeRecord.Entity.ABSENCE,
                    ChangeRecord.Entity.FINAL_MARK]


def teachers_taking_part(journals: list[TeachingAssignment], span: CheckSpan,
                         as_of: dt.date, started: bool) -> list[dict]:
    """The journals' teachers, each marked active when the change history holds at least one
    journal record of theirs made in the span (in any journal of the school)."""
    teachers: dict[int, dict] = {}
    for journal in journals:
        user = journal.teacher
        row = teachers.setdefault(user.pk, {
            "id": user.pk, "name": user.full_name, "short": user.short_name, "journals": [],
            "active": False,
            "link": reverse("journal:my_journals") + "?" + urlencode({"teacher": user.pk})})
        row["journals"].append(journal.pk)
    if started and teachers:
        active = set(ChangeRecord.objects.filter(
            at__gte=start_of(span.first), at__lt=start_of(as_of + dt.timedelta(days=1)),
            user_id__in=teachers, entity__in=_JOURNAL_RECORDS,
        ).order_by().values_list("user_id", flat=True).distinct())
        for user_id in active:
            teachers[user_id]["active"] = True
    return sorted(teachers.values(), key=lambda t: (t["name"], t["id"]))


def family_participation(journals: list[TeachingAssignment], roster: Roster,
                         span: CheckSpan, as_of: dt.date) -> list[dict]:
    """Each class's students on the last day looked at and their parents, and how many of
    them opened the diary in the span."""
    classes = {}
    for journal in journals:
        classes.setdefault(journal.school_class_id, journal.school_class)
    students = {class_id: roster.class_students(class_id, as_of) for class_id in classes}
    parents: dict[int, set[int]] = defaultdict(set)
    all_students = {s.pk: class_id for class_id, rows in students.items() for s in rows}
    for student_id, parent_user in ParentStudent.objects.filter(
            student_id__in=all_students).values_list("student_id", "parent__user_id"):
        parents[all_students[student_id]].add(parent_user)
    users = {s.user_id for rows in students.values() for s in rows}
    users |= {user for rows in parents.values() for user in rows}
    seen = diary_users_seen(users, span.first, as_of)
    found = []
    for class_id, school_class in sorted(classes.items(),
                                         key=lambda c: (c[1].grade, c[1].letter)):
        class_students, class_parents = students[class_id], parents[class_id]
        found.append({
            "id": class_id, "name": str(school_class),
            "students": len(class_students),
            "students_active": sum(1 for s in class_students if s.user_id in seen),
            "parents": len(class_parents),
            "parents_active": len(class_parents & seen),
        })
    return found
