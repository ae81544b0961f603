"""Who is in a journal: the students of its class (and of its subgroup, for a subgroup's
journal), on a day or over a range of days. Enrolment dates come from
`Enrolment.objects.active_on` / `overlapping`, the one spelling of that rule."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import Student
from journal.models import Enrolment, TeachingAssignment


def journal_enrolments(assignment: TeachingAssignment, start: dt.date,
                       end: dt.date) -> QuerySet[Enrolment]:
    """Enrolments of the journal's students that overlap start–end."""
    enrolments = Enrolment.objects.overlapping(start, end).filter(
        school_class_id=assignment.school_class_id)
    if assignment.subgroup_id:
        enrolments = enrolments.filter(student__subgroups=assignment.subgroup_id)
    return enrolments


def journal_students(assignment: TeachingAssignment, start: dt.date,
                     end: dt.date | None = None) -> QuerySet[Student]:
    """Students in the journal on a day (`end` None) or at some time between start and end."""
    enrolled = Enrolment.objects.overlapping(start, end or start).filter(
        student=OuterRef("pk"), school_class_id=assignment.school_class_id)
    students = Student.objects.filter(Exists(enrolled))
    if assignment.subgroup_id:
        students = students.filter(subgroups=assignment.subgroup_id)
    return students


def journal_student(assignment: TeachingAssignment, student_id: str | int) -> Student | None:
    """A student who is in the journal at some time of its year (with their user), else None:
    a page asked for anybody else answers 404, so an id reveals nobody's name."""
    if not str(student_id).isdigit():
        return None
    year = assignment.year
    return (journal_students(assignment, year.starts_on, year.ends_on)
            .select_related("user").filter(pk=int(student_id)).first())
