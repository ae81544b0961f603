"""What a portal export carries: the rows of each entity for a scope, depersonalised.

Participants appear only by their portal UID: no names, birth dates, contacts or logins, and no
free text that a teacher may have written about a student (a mark's comment, an absence's
reason). Rows of students without a UID are left out; a teacher without one is `None`.
`left_out(scope)` lists who that was, for the administrator.

Every entity streams from a server-side cursor as plain tuples, in id order (the same data
gives the same rows in the same order), so a year of marks never sits in memory. A row is a
dict whose keys come in the order the schema lists them (ejournal-v1's templates take the
values in that order); its values are Python's (dates, decimals, a mark's weight as a float):
the format decides how to spell them.

What journal records a kind takes (the reference data, school to families, goes whole):
- daily: the lessons, marks, absences and final marks that the change history shows changed
  after `since` up to `until` (a homework's change is its lesson's), as they are now, and
  `deletions` for those of them that no longer exist;
- control: the lessons from `date_from` to `date_to` with their marks and absences;
- full: every lesson, mark, absence and final mark of the year.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Parent, ParentStudent, Student, User
from exports.portal.scope import Kind, Scope
from journal.grading import mark_weight
from journal.models import (
    Absence,
    AcademicYear,
    AssessmentType,
    ChangeRecord,
    Enrolment,
    FinalMark,
    Lesson,
    Mark,
    SchoolClass,
    StudyPeriod,
    Subgroup,
    Subject,
    TeachingAssignment,
    TimetableSlot,
)

CHUNK = 5000  # rows per fetch from a server-side cursor

Rows = Iterator[dict]
Tuples = Iterator[tuple]


@dataclass(frozen=True)
class Entity:
    """One file's worth: the query of its rows (a `values_list` in a fixed order) and how each
    tuple becomes a row."""

    name: str
    select: Callable[[Scope], QuerySet]
    rows: Callable[[Scope, Tuples], Rows]


def _values(queryset: QuerySet, *fields: str) -> QuerySet:
    return queryset.order_by("pk").values_list(*fields)


def _students_of(scope: Scope) -> QuerySet:
    """The students of the year: enrolled in one of its classes at some time."""
    return Enrolment.objects.filter(school_class__year=scope.year).values("student_id")


# Reference data ------------------------------------------------------------------------------

def school_select(scope: Scope) -> QuerySet:
    return _values(AcademicYear.objects.filter(pk=scope.year.pk), "school_id", "school__name",
                   "school__short_name", "name", "starts_on", "ends_on")


def school_rows(scope: Scope, tuples: Tuples) -> Rows:
    for school_id, name, short_name, year_name, starts_on, ends_on in tuples:
        yield {"id": school_id, "name": name, "short_name": short_name, "year_name": year_name,
               "year_starts_on": starts_on, "year_ends_on": ends_on}


def period_select(scope: Scope) -> QuerySet:
    return _values(StudyPeriod.objects.filter(year=scope.year), "pk", "kind", "number",
                   "starts_on", "ends_on", "grade_from", "grade_to")


def period_rows(scope: Scope, tuples: Tuples) -> Rows:
    for pk, kind, number, starts_on, ends_on, grade_from, grade_to in tuples:
        yield {"id": pk, "kind": kind, "number": number, "starts_on": starts_on,
               "ends_on": ends_on, "grade_from": grade_from, "grade_to": grade_to}


def class_select(scope: Scope) -> QuerySet:
    return _values(SchoolClass.objects.filter(year=scope.year), "pk", "grade", "letter",
                   "class_teacher__staff_portal_uid")


def class_rows(scope: Scope, tuples: Tuples) -> Rows:
    for pk, grade, letter, teacher_uid in tuples:
        yield {"id": pk, "name": f"{grade}{letter}", "grade": grade,
               "class_teacher_uid": teacher_uid or None}


def subject_select(scope: Scope) -> QuerySet:
    return _values(Subject.objects.filter(school=scope.school), "pk", "name", "short_name",
                   "is_elective")


def subject_rows(scope: Scope, tuples: Tuples) -> Rows:
    for pk, name, short_name, is_elective in tuples:
        yield {"id": pk, "name": name, "short_name": short_name, "elective": is_elective}


def subgroup_select(scope: Scope) -> QuerySet:
    return _values(Subgroup.objects.filter(school_class__year=scope.year), "pk",
                   "school_class_id", "subject_id", "name")


def subgroup_rows(scope: Scope, tuples: Tuples) -> Rows:
    members: dict[int, list[str]] = {}
    memberships = (Subgroup.students.through.objects
                   .filter(subgroup__school_class__year=scope.year)
                   .exclude(student__portal_uid="")
                   .order_by("subgroup_id", "student_id")
                   .values_list("subgroup_id", "student__portal_uid"))
    for subgroup_id, uid in memberships.iterator(chunk_size=CHUNK):
        members.setdefault(subgroup_id, []).append(uid)
    for pk, class_id, subject_id, name in tuples:
        yield {"id": pk, "class_id": class_id, "subject_id": subject_id, "name": name,
               "student_uids": members.get(pk, [])}


def assessment_type_select(scope: Scope) -> QuerySet:
    return _values(AssessmentType.objects.filter(school=scope.school), "pk", "name", "weight",
                   "is_written")


def assessment_type_rows(scope: Scope, tuples: Tuples) -> Rows:
    for pk, name, weight, is_written in tuples:
        yield {"id": pk, "name": name, "weight": weight, "written": is_written}


def assignment_select(scope: Scope) -> QuerySet:
    return _values(TeachingAssignment.objects.filter(year=scope.year), "pk", "school_class_id",
                   "subgroup_id", "subject_id", "teacher__staff_portal_uid")


def assignment_rows(scope: Scope, tuples: Tuples) -> Rows:
    for pk, class_id, subgroup_id, subject_id, teacher_uid in tuples:
        yield {"id": pk, "class_id": class_id, "subgroup_id": subgroup_id,
               "subject_id": subject_id, "teacher_uid": teacher_uid or None}


def timetable_select(scope: Scope) -> QuerySet:
    return _values(TimetableSlot.objects.filter(assignment__year=scope.year), "pk",
                   "assignment_id", "weekday", "lesson_number", "room", "valid_from", "valid_to")


def timetable_rows(scope: Scope, tuples: Tuples) -> Rows:
    for pk, assignment_id, weekday, number, room, valid_from, valid_to in tuples:
        yield {"id": pk, "assignment_id": assignment_id, "weekday": weekday, "number": number,
               "room": room, "valid_from": valid_from, "valid_to": valid_to}


def enrolment_select(scope: Scope) -> QuerySet:
    enrolments = (Enrolment.objects.filter(school_class__year=scope.year)
                  .exclude(student__portal_uid=""))
    return _values(enrolments, "pk", "school_class_id", "student__portal_uid", "enrolled_on",
                   "left_on")


def enrolment_rows(scope: Scope, tuples: Tuples) -> Rows:
    for pk, class_id, uid, enrolled_on, left_on in tuples:
        yield {"id": pk, "class_id": class_id, "student_uid": uid, "enrolled_on": enrolled_on,
               "left_on": left_on}


def family_select(scope: Scope) -> QuerySet:
    links = (ParentStudent.objects.filter(student_id__in=_students_of(scope))
             .exclude(student__portal_uid="").exclude(parent__portal_uid=""))
    return _values(links, "student__portal_uid", "parent__portal_uid",
                   "is_legal_representative")


def family_rows(scope: Scope, tuples: Tuples) -> Rows:
    for student_uid, parent_uid, legal in tuples:
        yield {"student_uid": student_uid, "parent_uid": parent_uid,
               "legal_representative": legal}


# Journal records -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Records:
    """The journal records a scope takes (querysets, not yet run)."""

    lessons: QuerySet
    marks: QuerySet
    absences: QuerySet
    final_marks: QuerySet


def changes_of(scope: Scope) -> QuerySet:
    """The change history of the year's journals after `since` up to `until`."""
    changes = ChangeRecord.objects.filter(
        at__lte=scope.until,
        assignment_id__in=TeachingAssignment.objects.filter(year=scope.year).values("pk"))
    if scope.since is not None:
        changes = changes.filter(at__gt=scope.since)
    return changes


def records_of(scope: Scope) -> Records:
    year = scope.year
    lessons = Lesson.objects.filter(assignment__year=year)
    marks = Mark.objects.filter(lesson__assignment__year=year)
    absences = Absence.objects.filter(lesson__assignment__year=year)
    final_marks = FinalMark.objects.filter(assignment__year=year)
    if scope.kind == Kind.FULL:
        return Records(lessons, marks, absences, final_marks)
    if scope.kind == Kind.CONTROL:
        days = (scope.date_from, scope.date_to)
        return Records(lessons.filter(date__range=days), marks.filter(lesson__date__range=days),
                       absences.filter(lesson__date__range=days), final_marks.none())
    changes = changes_of(scope)
    History = ChangeRecord.Entity

    def changed(*entities: str, column: str = "entity_id") -> QuerySet:
        return changes.filter(entity__in=entities).values(column)

    return Records(
        lessons.filter(pk__in=changed(History.LESSON, History.HOMEWORK, column="lesson_id")),
        marks.filter(pk__in=changed(History.MARK)),
        absences.filter(pk__in=changed(History.ABSENCE)),
        final_marks.filter(pk__in=changed(History.FINAL_MARK)))


def lesson_select(scope: Scope) -> QuerySet:
    return _values(records_of(scope).lessons, "pk", "assignment_id", "date", "number", "topic",
                   "homework__text", "homework__is_none", "assessment_type_id", "is_held",
                   "assignment__teacher__staff_portal_uid", "substitute__staff_portal_uid")


def lesson_rows(scope: Scope, tuples: Tuples) -> Rows:
    for (pk, assignment_id, date, number, topic, homework, no_homework, type_id, is_held,
         teacher_uid, substitute_uid) in tuples:
        yield {"id": pk, "assignment_id": assignment_id, "date": date, "number": number,
               "topic": topic, "homework": homework or None, "no_homework": bool(no_homework),
               "assessment_type_id": type_id, "held": is_held,
               "teacher_uid": teacher_uid or None, "substitute_uid": substitute_uid or None}


def mark_select(scope: Scope) -> QuerySet:
    return _values(records_of(scope).marks.exclude(student__portal_uid=""), "pk", "lesson_id",
                   "student__portal_uid", "value", "assessment_type_id",
                   "lesson__assessment_type_id")


def _weigher(scope: Scope) -> Callable[[int | None, int | None], float]:
    """A mark's weight from its own and its lesson's assessment type (`grading.mark_weight`),
    remembered per pair (a school has a handful of types), as a float: weights have two
    places, and a decimal would cost every mark a conversion in the format."""
    weights = dict(AssessmentType.objects.filter(school=scope.school)
                   .values_list("pk", "weight"))

    @cache
    def weight(own: int | None, lessons: int | None) -> float:
        return float(mark_weight(weights.get(own), weights.get(lessons)))
    return weight


def mark_rows(scope: Scope, tuples: Tuples) -> Rows:
    weight = _weigher(scope)
    for pk, lesson_id, uid, value, type_id, lesson_type_id in tuples:
        yield {"id": pk, "lesson_id": lesson_id, "student_uid": uid, "value": value,
               "assessment_type_id": type_id, "weight": weight(type_id, lesson_type_id)}


def absence_select(scope: Scope) -> QuerySet:
    return _values(records_of(scope).absences.exclude(student__portal_uid=""), "pk",
                   "lesson_id", "student__portal_uid", "kind", "minutes_late")


def absence_rows(scope: Scope, tuples: Tuples) -> Rows:
    for pk, lesson_id, uid, kind, minutes_late in tuples:
        yield {"id": pk, "lesson_id": lesson_id, "student_uid": uid, "kind": kind,
               "minutes_late": minutes_late}


def final_mark_select(scope: Scope) -> QuerySet:
    return _values(records_of(scope).final_marks.exclude(student__portal_uid=""), "pk",
                   "assignment_id", "student__portal_uid", "kind", "period_id", "value")


def final_mark_rows(scope: Scope, tuples: Tuples) -> Rows:
    for pk, assignment_id, uid, kind, period_id, value in tuples:
        yield {"id": pk, "assignment_id": assignment_id, "student_uid": uid, "kind": kind,
               "period_id": period_id, "value": value}


# The history's entities whose records may be deleted, and their models. Their history names
# ("lesson", "mark", "absence", "final_mark") are the names a deletion carries.
DELETABLE = {ChangeRecord.Entity.LESSON: Lesson, ChangeRecord.Entity.MARK: Mark,
             ChangeRecord.Entity.ABSENCE: Absence, ChangeRecord.Entity.FINAL_MARK: FinalMark}


def deletion_select(scope: Scope) -> QuerySet:
    """Records the window's history touched that no longer exist, whatever its last action
    was: a receiver drops them if it has them."""
    gone = Q()
    for entity, model in DELETABLE.items():
        gone |= Q(entity=entity) & ~Exists(model.objects.filter(pk=OuterRef("entity_id")))
    return (changes_of(scope).filter(gone).order_by("entity", "entity_id")
            .values_list("entity", "entity_id").distinct())


def deletion_rows(scope: Scope, tuples: Tuples) -> Rows:
    for entity, pk in tuples:
        yield {"entity": entity, "id": pk}


# The whole export ----------------------------------------------------------------------------

REFERENCE = (
    Entity("school", school_select, school_rows),
    Entity("periods", period_select, period_rows),
    Entity("classes", class_select, class_rows),
    Entity("subjects", subject_select, subject_rows),
    Entity("subgroups", subgroup_select, subgroup_rows),
    Entity("assessment_types", assessment_type_select, assessment_type_rows),
    Entity("assignments", assignment_select, assignment_rows),
    Entity("timetable", timetable_select, timetable_rows),
    Entity("enrolments", enrolment_select, enrolment_rows),
    Entity("families", family_select, family_rows),
)
LESSONS = Entity("lessons", lesson_select, lesson_rows)
MARKS = Entity("marks", mark_select, mark_rows)
ABSENCES = Entity("absences", absence_select, absence_rows)
FINAL_MARKS = Entity("final_marks", final_mark_select, final_mark_rows)
DELETIONS = Entity("deletions", deletion_select, deletion_rows)


def entities_of(kind: str) -> tuple[Entity, ...]:
    """The entities of a kind's export, in their fixed order: control has no final marks,
    only daily has deletions."""
    entities = [*REFERENCE, LESSONS, MARKS, ABSENCES]
    if kind != Kind.CONTROL:
        entities.append(FINAL_MARKS)
    if kind == Kind.DAILY:
        entities.append(DELETIONS)
    return tuple(entities)


def entity_rows(scope: Scope) -> Iterator[tuple[str, Rows]]:
    """(entity, its rows) in the format's fixed order (`entities_of`). Each entity's query runs
    when its rows are read, one entity at a time, from a server-side cursor."""
    for entity in entities_of(scope.kind):
        tuples = entity.select(scope).iterator(chunk_size=CHUNK)
        yield entity.name, entity.rows(scope, tuples)


def left_out(scope: Scope) -> dict[str, list]:
    """Participants of the year without a portal UID, by kind: the year's students, their
    parents, and staff who appear in it (teachers of its journals, class teachers,
    substitutes)."""
    year = scope.year
    students = _students_of(scope)
    staff = (Q(pk__in=TeachingAssignment.objects.filter(year=year).values("teacher_id"))
             | Q(pk__in=SchoolClass.objects.filter(year=year, class_teacher__isnull=False)
                 .values("class_teacher_id"))
             | Q(pk__in=Lesson.objects.filter(assignment__year=year, substitute__isnull=False)
                 .values("substitute_id")))
    return {
        "students": list(Student.objects.filter(pk__in=students, portal_uid="")
                         .select_related("user")),
        "parents": list(Parent.objects.filter(links__student_id__in=students, portal_uid="")
                        .distinct().select_related("user")),
        "staff": list(User.objects.filter(staff, staff_portal_uid="")),
    }
