"""What every write of journal records shares.

A write opens the lesson with `open_lesson` (or the journal, for term and final marks) inside
`transaction.atomic`: the row is locked (so two saves of one cell run one after the other and
the version check is sound) and the writer's rights are read in the same query. The `Write`
then applies the school's rules, and `save_record` saves each row the one way: snapshot,
change, version + 1, who and how late, save, history row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final

from django.utils import timezone

from accounts.models import Student
from journal.models import (
    AssessmentType,
    BellSchedule,
    Enrolment,
    JournalRecord,
    Lesson,
    School,
    SchoolClass,
    Subject,
    TeachingAssignment,
)
from journal.permissions import (
    CLOSED_YEAR,
    READ_ONLY,
    JournalRights,
    assignment_for_write,
    lesson_for_write,
)
from journal.rules import (
    ABSENCE_LABELS,
    LESSON_MINUTES,
    NO_MARKS_IN_GRADE_1,
    ConflictError,
    JournalError,
    NoAccess,
    NotAllowed,
    days_late,
    days_late_at,
    is_locked,
    locked_message,
)
from journal.services import history

# "Leave as it is" for optional arguments where None is a value (no assessment type).
UNCHANGED: Final[Any] = object()

CLASS_TEACHER_ONLY = ("Классный руководитель может только уточнять пропуски (н, б, у) и их "
                      "причины в журналах своего класса.")
NO_ACCESS = "Нет доступа к этому журналу."
REASON_REQUIRED = "Укажите причину исправления: она сохраняется в истории изменений."


def refuse_writer(rights: JournalRights) -> None:
    """Raise the refusal that fits someone who may not write this journal."""
    if not rights.view:
        raise NoAccess(NO_ACCESS)
    if rights.closed:
        raise NotAllowed(CLOSED_YEAR)
    if rights.absence_reasons:
        raise NotAllowed(CLASS_TEACHER_ONLY)
    raise NotAllowed(READ_ONLY)


def require_students(assignment: TeachingAssignment, day: dt.date,
                     students: list[Student]) -> None:
    """Refuse unless every student belongs to the journal on that day."""
    ids = {s.pk for s in students}
    enrolled = set(Enrolment.objects.active_on(day).filter(
        school_class_id=assignment.school_class_id, student_id__in=ids).order_by()
        .values_list("student_id", flat=True))
    for student in students:
        if student.pk not in enrolled:
            raise JournalError(f"{student} не числится в {assignment.school_class} классе "
                               f"на {day:%d.%m.%Y}.")
    if assignment.subgroup_id:
        members = set(assignment.subgroup.students.filter(pk__in=ids)
                      .values_list("pk", flat=True))
        for student in students:
            if student.pk not in members:
                raise JournalError(f"{student} не входит в подгруппу "
                                   f"«{assignment.subgroup.name}».")


def require_marks_allowed(school_class: SchoolClass) -> None:
    if not school_class.gets_marks:
        raise JournalError(NO_MARKS_IN_GRADE_1)


def require_reason(rights: JournalRights, reason: str) -> None:
    if rights.is_correction and not reason.strip():
        raise JournalError(REASON_REQUIRED)


def require_version(obj, expected_version: int | None, what: str) -> None:
    """No lost update: refuse a save made over a version the user did not see (0 stands for
    "there was none", when `obj` is None)."""
    version = obj.version if obj is not None else 0
    if expected_version is not None and expected_version != version:
        raise ConflictError(f"{what} уже изменил(а) другой пользователь. Проверьте текущее "
                            f"значение и сохраните ещё раз.", current=obj, version=version)


def gone(what: str) -> ConflictError:
    return ConflictError(f"{what} уже удалил(а) другой пользователь.", current=None, version=None)


def over_absence_message(kind: str) -> str:
    return (f"Обучающийся отсутствовал на уроке («{ABSENCE_LABELS[kind]}»). Отметка поверх "
            f"пропуска ставится только с пояснением для родителей и администрации — откройте "
            f"клетку и напишите его. Если пропуск или отметка поставлены по ошибке, сначала "
            f"очистите клетку.")


def require_own_school(assessment_type: AssessmentType | None, school: School) -> None:
    if assessment_type is not None and assessment_type.school_id != school.pk:
        raise JournalError("Такого вида контроля нет в этой школе.")


@dataclass
class Write:
    """One write to a journal's records by one user, inside one transaction."""

    user: Any
    rights: JournalRights
    today: dt.date
    reason: str

    def stamp(self, obj: JournalRecord, deadline: dt.date | dt.datetime) -> None:
        """Who wrote the row and how many days past its deadline. A checker's correction is
        not the teacher's lateness: it leaves the row's flag as it was."""
        obj.entered_by = self.user
        if self.rights.is_correction:
            return
        if isinstance(deadline, dt.datetime):  # a local time of day (homework, see rules)
            obj.late_days = days_late_at(deadline, timezone.localtime().replace(tzinfo=None))
        else:
            obj.late_days = days_late(deadline, self.today)

    def log(self, action: str, entity: str, obj, *, old: dict | None = None,
            reason: str | None = None) -> None:
        history.record(self.user, action, entity, obj, old=old,
                       reason=self.reason if reason is None else reason)


def save_record(write: Write, entity: str, obj: JournalRecord, changes: dict[str, Any], *,
                deadline: dt.date | dt.datetime | None = None, stamp: bool = True,
                reason: str | None = None) -> JournalRecord:
    """Create (no pk yet) or change a journal record the one way every record is saved:
    snapshot, change, version + 1, who wrote it and how many days past `deadline`, save,
    history row. Without a deadline the writer is recorded but the lateness flag is left as
    it was (a class teacher's absence reason); `stamp=False` leaves both (a substitution
    recorded by the deputy director is not their entry of the lesson)."""
    created = obj.pk is None
    old = None if created else history.snapshot(entity, obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    fields = [*changes, "version", "updated_at"]
    if stamp and deadline is not None:
        write.stamp(obj, deadline)
        fields += ["entered_by", "late_days"]
    elif stamp:
        obj.entered_by = write.user
        fields.append("entered_by")
    if created:
        obj.save()
    else:
        obj.version += 1
        obj.save(update_fields=fields)
    write.log(history.Action.CREATE if created else history.Action.UPDATE, entity, obj,
              old=old, reason=reason)
    return obj


def delete_record(write: Write, entity: str, obj: JournalRecord) -> None:
    write.log(history.Action.DELETE, entity, obj, old=history.snapshot(entity, obj))
    obj.delete()


@dataclass
class LessonWrite(Write):
    """One write to a lesson's records by one user, inside one transaction."""

    lesson: Lesson

    @property
    def assignment(self) -> TeachingAssignment:
        return self.lesson.assignment

    @property
    def school(self) -> School:
        return self.lesson.assignment.year.school

    @property
    def school_class(self) -> SchoolClass:
        return self.lesson.assignment.school_class

    @property
    def subject(self) -> Subject:
        return self.lesson.assignment.subject

    @cached_property
    def lesson_minutes(self) -> int:
        bell = BellSchedule.objects.filter(school_id=self.school.pk,
                                           lesson_number=self.lesson.number).first()
        if bell is None:
            return LESSON_MINUTES
        start = dt.datetime.combine(self.lesson.date, bell.starts_at)
        end = dt.datetime.combine(self.lesson.date, bell.ends_at)
        return int((end - start).total_seconds() // 60)

    def require_write(self) -> None:
        """Marks, absences, homework, the lesson record: the teacher, the lesson's substitute
        or the deputy director; also past the lock, with a reason for a correction."""
        if not self.rights.may_write:
            refuse_writer(self.rights)
        self.require_unlocked()
        require_reason(self.rights, self.reason)

    def require_unlocked(self) -> None:
        if not self.rights.correct and is_locked(self.school, self.lesson.date, self.today):
            raise NotAllowed(locked_message(self.school, self.lesson.date))

    def require_taken_place(self, what: str) -> None:
        if self.lesson.date > self.today:
            raise JournalError(f"Урок {self.lesson.date:%d.%m.%Y} ещё не прошёл: {what} "
                               f"ставятся только на прошедшие уроки.")

    def require_marks_allowed(self) -> None:
        require_marks_allowed(self.school_class)

    def require_students(self, students: list[Student]) -> None:
        require_students(self.assignment, self.lesson.date, students)



def open_lesson(user, lesson: Lesson | int, *, reason: str = "") -> LessonWrite:
    """Lock the lesson and read the user's rights on it. Call inside transaction.atomic."""
    lesson_id = lesson.pk if isinstance(lesson, Lesson) else lesson
    locked, rights = lesson_for_write(user, lesson_id)
    if locked is None:
        raise JournalError("Урок не найден: возможно, его удалили.")
    return LessonWrite(user=user, lesson=locked, rights=rights, today=timezone.localdate(),
                       reason=reason.strip())


def open_assignment(user, assignment: TeachingAssignment | int, *, reason: str = "") -> Write:
    """Lock the journal and read the user's rights on it, for records that belong to the
    journal rather than to a lesson (term and final marks). Call inside transaction.atomic."""
    assignment_id = assignment.pk if isinstance(assignment, TeachingAssignment) else assignment
    locked, rights = assignment_for_write(user, assignment_id)
    if locked is None:
        raise JournalError("Журнал не найден: возможно, его удалили.")
    return AssignmentWrite(user=user, assignment=locked, rights=rights,
                           today=timezone.localdate(), reason=reason.strip())


@dataclass
class AssignmentWrite(Write):
    assignment: TeachingAssignment

    def require_write(self) -> None:
        if not self.rights.may_write:
            refuse_writer(self.rights)
        require_reason(self.rights, self.reason)
