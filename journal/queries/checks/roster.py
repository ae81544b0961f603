"""Who is in each journal on a given day, for many journals at once: two queries.

The rules are the ones `journal.queries.students.journal_enrolments` applies to one journal —
enrolled in the class on the day (`Enrolment.objects.overlapping`, `Enrolment.is_active_on`),
and a member of the subgroup for a subgroup's journal — read here for the whole school at
once, so that a check costs the same for ten journals as for a thousand.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from accounts.models import Student
from journal.models import Enrolment, Subgroup, TeachingAssignment


class Roster:
    def __init__(self, journals: Iterable[TeachingAssignment], first: dt.date, last: dt.date):
        journals = list(journals)
        self.by_class: dict[int, list[Enrolment]] = defaultdict(list)
        enrolments = (Enrolment.objects.overlapping(first, last)
                      .filter(school_class_id__in={j.school_class_id for j in journals})
                      .select_related("student__user")
                      .only("student_id", "school_class_id", "enrolled_on", "left_on",
                            "student__user_id", "student__user__last_name",
                            "student__user__first_name", "student__user__patronymic")
                      .order_by("student__user__last_name", "student__user__first_name",
                                "student__user__patronymic", "student_id"))
        for enrolment in enrolments:
            self.by_class[enrolment.school_class_id].append(enrolment)
        self.members: dict[int, set[int]] = defaultdict(set)
        subgroups = {j.subgroup_id for j in journals if j.subgroup_id}
        if subgroups:
            for subgroup_id, student_id in Subgroup.students.through.objects.filter(
                    subgroup_id__in=subgroups).values_list("subgroup_id", "student_id"):
                self.members[subgroup_id].add(student_id)

    def class_students(self, class_id: int, day: dt.date) -> list[Student]:
        """The class's students on the day, by name."""
        found: dict[int, Student] = {}
        for enrolment in self.by_class.get(class_id, ()):
            if enrolment.is_active_on(day):
                found.setdefault(enrolment.student_id, enrolment.student)
        return list(found.values())

    def students(self, journal: TeachingAssignment, day: dt.date) -> list[Student]:
        """The journal's students on the day, by name."""
        students = self.class_students(journal.school_class_id, day)
        if journal.subgroup_id:
            members = self.members[journal.subgroup_id]
            students = [student for student in students if student.pk in members]
        return students
