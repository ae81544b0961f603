"""Who takes part: the journals' teachers who made records in the span, and the parents and
students who opened the diary."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from urllib.parse import urlencode

from django.urls import reverse

from accounts.models import ParentStudent, Student
from accounts.queries.reminders import start_of
from journal.models import ChangeRecord, TeachingAssignment
from journal.queries.checks.activity import diary_users_seen
from journal.queries.checks.book import person_name
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


def _families(roster: Roster, class_ids, as_of: dt.date
              ) -> tuple[dict[int, list[Student]], dict[int, dict[int, list[ParentStudent]]]]:
    """Each class's students on the day, and their parents' links by the parent's user id."""
    students = {class_id: roster.class_students(class_id, as_of) for class_id in class_ids}
    by_student = {s.pk: class_id for class_id, rows in students.items() for s in rows}
    parents: dict[int, dict[int, list[ParentStudent]]] = defaultdict(lambda: defaultdict(list))
    for link in ParentStudent.objects.filter(student_id__in=by_student).select_related(
            "parent__user").order_by("parent__user__last_name", "parent__user__first_name",
                                     "parent__user__patronymic", "parent__user_id"):
        parents[by_student[link.student_id]][link.parent.user_id].append(link)
    return students, parents


def family_participation(journals: list[TeachingAssignment], roster: Roster,
                         span: CheckSpan, as_of: dt.date) -> list[dict]:
    """Each class's students on the last day looked at and their parents, and how many of
    them opened the diary in the span."""
    classes = {}
    for journal in journals:
        classes.setdefault(journal.school_class_id, journal.school_class)
    students, parents = _families(roster, classes, as_of)
    users = {s.user_id for rows in students.values() for s in rows}
    users |= {user for rows in parents.values() for user in rows}
    seen = diary_users_seen(users, span.first, as_of)
    found = []
    for class_id, school_class in sorted(classes.items(),
                                         key=lambda c: (c[1].grade, c[1].letter)):
        class_students, class_parents = students[class_id], set(parents[class_id])
        found.append({
            "id": class_id, "name": str(school_class),
            "students": len(class_students),
            "students_active": sum(1 for s in class_students if s.user_id in seen),
            "parents": len(class_parents),
            "parents_active": len(class_parents & seen),
        })
    return found


def class_families(journals: list[TeachingAssignment], class_id: int, span: CheckSpan,
                   as_of: dt.date) -> dict[str, list[dict]]:
    """Who `family_participation` counts in one class (of the given journals), by name, and
    whether each opened the diary in the span: students, and parents with their children."""
    roster = Roster([j for j in journals if j.school_class_id == class_id], span.first, as_of)
    students, parents = _families(roster, [class_id], as_of)
    students, parents = students[class_id], parents[class_id]
    seen = diary_users_seen({s.user_id for s in students} | set(parents), span.first, as_of)
    names = {s.pk: person_name(s.user) for s in students}
    return {
        "students": [{"name": person_name(s.user), "seen": s.user_id in seen}
                     for s in students],
        "parents": [{"name": links[0].parent.user.full_name, "seen": user_id in seen,
                     "children": ", ".join(
                         f"{names[link.student_id]} ({link.get_relation_display()})"
                         for link in links)}
                    for user_id, links in parents.items()],
    }
