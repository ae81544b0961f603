"""From the journal's writes to notifications for families (and, for a mark over an absence,
the school's administration).

The journal sends `journal_changed` with the history rows of every write, inside its
transaction. `on_journal_changed` keeps the ids of the rows that may tell somebody something
and, after the commit, hands them to one task per transaction; the task reads the journal as
it is then and tells, once per key:
- an unexcused absence («н») of a student at a lesson: `absence:<lesson>:<student>` — one notice
  however often the cell is edited; corrected to «б»/«у» before anything went out, the
  notice is withdrawn (`services.withdraw`);
- a «2» (or «1»): `low_mark:<mark>`; a failing forecast after a change of marks — the
  journal's own recommended term mark (`journal.queries.grid.term_recommendations`) is 2 or
  less: `forecast:<assignment>:<period>:<student>`;
- a term or year mark set: `term_mark:<final mark>:<value>`;
- a mark over an absence, with the teacher's explanation, to the parents and the school's
  administration — its director and deputy directors (`TOLD_OF_MARKS_OVER_ABSENCES`), each
  once whatever roles they hold: `over_absence:<mark>`.
Only recent lessons tell anyone (`RECENT_DAYS`): a correction of October's journal in
December tells nobody; and so the demo's year of journal data costs two queries here.
Otherwise recipients are the student's linked parents with an active account, never anyone
else.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import ParentStudent, StaffRole, Student
from accounts.roles import Role
from journal.models import Absence, ChangeRecord, FinalMark, Lesson, Mark, StudyPeriod
from journal.queries.grid import periods_for, term_recommendations
from messaging.models import Notification
from messaging.models.notifications import Event
from messaging.notifications.services import Notice, notify_many, withdraw

RECENT_DAYS = 14
# The regulations want "the parents and the administration" told of a mark over an absence.
TOLD_OF_MARKS_OVER_ABSENCES = frozenset({Role.DIRECTOR, Role.DEPUTY})
LOW_MARKS = frozenset({Mark.Value.TWO, Mark.Value.ONE})
TERM_KINDS = frozenset({FinalMark.Kind.PERIOD, FinalMark.Kind.YEAR})
ABSENT = Absence.Kind.ABSENT
Entity, Action = ChangeRecord.Entity, ChangeRecord.Action
CORRECTED = "Пропуск исправлен на уважительный до отправки уведомления."


def may_tell(row: ChangeRecord) -> bool:
    """Whether a history row may tell somebody something (read from the row alone)."""
    new, old = row.new or {}, row.old or {}
    if row.entity == Entity.ABSENCE:
        return ABSENT in (new.get("kind"), old.get("kind"))
    if row.entity == Entity.MARK:
        # A mark changed or removed may bring the forecast down; a new one only if it is low.
        return (row.action != Action.CREATE or new.get("value") in LOW_MARKS
                or bool(new.get("over_absence_note")))
    if row.entity == Entity.FINAL_MARK:
        return row.action != Action.DELETE and new.get("kind") in TERM_KINDS
    return False


_local = threading.local()


class _AfterCommit:
    """The rows of one transaction, handed to one task after its commit."""

    def __init__(self, ids: list[int]):
        self.ids = ids
        self.handed = False

    def __call__(self) -> None:
        from messaging.notifications.tasks import tell_about_journal_changes_task

        self.handed = True
        tell_about_journal_changes_task.delay(self.ids)


def on_journal_changed(sender, rows: list[ChangeRecord], **kwargs) -> None:
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    ids = [row.pk for row in rows if row.at >= since and may_tell(row)]
    if not ids:
        return
    waiting = getattr(_local, "waiting", None)
    queued = transaction.get_connection().run_on_commit
    if waiting is not None and not waiting.handed and any(
            callback is waiting for _, callback, _ in queued):
        waiting.ids.extend(ids)  # this transaction already has its task
        return
    _local.waiting = _AfterCommit(ids)
    transaction.on_commit(_local.waiting, robust=True)


# The task's work ---------------------------------------------------------------------------

def _child(student: Student) -> str:
    return f"{student.user.last_name} {student.user.first_name}"


def _ending(student: Student) -> str:
    return "а" if student.sex == Student.Sex.FEMALE else ""


def _week_link(student_id: int, day: dt.date) -> str:
    monday = day - dt.timedelta(days=day.weekday())
    return f"{reverse('diary:week', args=[student_id])}?week={monday:%Y-%m-%d}"


class _Batch:
    """What the task knows about the rows it was given: recent lessons, students, parents."""

    def __init__(self, rows: list[ChangeRecord], today: dt.date):
        self.today = today
        since = today - dt.timedelta(days=RECENT_DAYS)
        lesson_ids = {r.lesson_id for r in rows if r.lesson_id}
        self.lessons = {lesson.pk: lesson for lesson in Lesson.objects.filter(
            pk__in=lesson_ids, date__gte=since, date__lte=today).select_related(
            "assignment__subject", "assignment__school_class", "assignment__year__school")}
        moment = timezone.now() - dt.timedelta(days=RECENT_DAYS)
        self.rows = [r for r in rows if r.lesson_id in self.lessons
                     or (r.entity == Entity.FINAL_MARK and r.at >= moment)]
        student_ids = {r.student_id for r in self.rows if r.student_id}
        self.students = {s.pk: s for s in Student.objects.filter(pk__in=student_ids)
                         .select_related("user", "school")}
        self.parents: dict[int, list[int]] = defaultdict(list)
        links = ParentStudent.objects.filter(student_id__in=student_ids,
                                             parent__user__is_active=True)
        for student_id, user_id in links.values_list("student_id", "parent__user_id"):
            self.parents[student_id].append(user_id)

    def of(self, entity: str) -> list[ChangeRecord]:
        return [r for r in self.rows if r.entity == entity]

    def notice(self, student_id: int, event: str, key: str, title: str, text: str,
               link: str, also: Iterable[int] = ()) -> Notice | None:
        recipients = (*self.parents.get(student_id, ()), *also)
        if not recipients:
            return None
        return Notice(tuple(recipients), event, key, title, text, link, student_id)


@transaction.atomic
def tell_about_journal_changes(row_ids: Iterable[int]) -> int:
    """Notify about what these history rows changed, as the journal is now. Returns how many
    notifications were made."""
    rows = list(ChangeRecord.objects.filter(pk__in=list(row_ids)).order_by("pk"))
    batch = _Batch(rows, timezone.localdate())
    if not batch.rows:
        return 0
    notices, stale = _absences(batch)
    notices += _marks(batch) + _forecasts(batch) + _term_marks(batch)
    withdraw(stale, CORRECTED)
    return len(notify_many(n for n in notices if n is not None))


def _absences(batch: _Batch) -> tuple[list[Notice | None], set[str]]:
    pairs = {(r.lesson_id, r.student_id) for r in batch.of(Entity.ABSENCE)}
    if not pairs:
        return [], set()
    absent = set(Absence.objects.filter(
        lesson_id__in={lesson for lesson, _ in pairs},
        student_id__in={student for _, student in pairs}, kind=ABSENT,
    ).values_list("lesson_id", "student_id"))
    notices, stale = [], set()
    for lesson_id, student_id in sorted(pairs):
        key = f"absence:{lesson_id}:{student_id}"
        if (lesson_id, student_id) not in absent:
            stale.add(key)
            continue
        lesson, student = batch.lessons[lesson_id], batch.students[student_id]
        subject, school = lesson.assignment.subject.name, lesson.assignment.year.school
        notices.append(batch.notice(
            student_id, Event.ABSENCE, key,
            f"{_child(student)}: пропуск урока «{subject}» {lesson.date:%d.%m.%Y}",
            f"{_child(student)} отсутствовал{_ending(student)} на {lesson.number}-м уроке "
            f"«{subject}» {lesson.date:%d.%m.%Y} без уважительной причины («н»). Если причина "
            f"уважительная, сообщите классному руководителю. {school.name}.",
            _week_link(student_id, lesson.date)))
    return notices, stale


def _administration(school_ids: set[int]) -> dict[int, list[int]]:
    """The active directors and deputy directors of each school, each user once."""
    found: dict[int, list[int]] = defaultdict(list)
    rows = StaffRole.objects.filter(school_id__in=school_ids,
                                    role__in=TOLD_OF_MARKS_OVER_ABSENCES, user__is_active=True)
    for school_id, user_id in rows.values_list("school_id", "user_id").distinct():
        found[school_id].append(user_id)
    return found


def _marks(batch: _Batch) -> list[Notice | None]:
    mark_ids = {r.entity_id for r in batch.of(Entity.MARK) if r.action != Action.DELETE}
    marks = list(Mark.objects.filter(pk__in=mark_ids).order_by("pk"))
    over = [m for m in marks if m.over_absence_note]
    administration = _administration(
        {batch.lessons[m.lesson_id].assignment.year.school_id for m in over})
    notices = []
    for mark in marks:
        lesson, student = batch.lessons[mark.lesson_id], batch.students[mark.student_id]
        assignment = lesson.assignment
        subject, school = assignment.subject.name, assignment.year.school
        day = f"{lesson.date:%d.%m.%Y}"
        comment = f" Комментарий учителя: {mark.comment}." if mark.comment else ""
        if mark.value in LOW_MARKS:
            notices.append(batch.notice(
                student.pk, Event.LOW_MARK, f"low_mark:{mark.pk}",
                f"{_child(student)}: отметка «{mark.value}» по предмету «{subject}» за {day}",
                f"{_child(student)} получил{_ending(student)} отметку «{mark.value}» по "
                f"предмету «{subject}» за урок {day}.{comment} {school.name}.",
                _week_link(student.pk, lesson.date)))
        if mark.over_absence_note:
            notices.append(batch.notice(
                student.pk, Event.MARK_OVER_ABSENCE, f"over_absence:{mark.pk}",
                f"{_child(student)}: отметка «{mark.value}» поверх пропуска, «{subject}» {day}",
                f"{_child(student)} ({assignment.school_class} класс) отсутствовал"
                f"{_ending(student)} на уроке «{subject}» {day}, отметка «{mark.value}» "
                f"поставлена поверх пропуска. Пояснение учителя: {mark.over_absence_note}. "
                f"{school.name}.",
                _week_link(student.pk, lesson.date), also=administration.get(school.pk, ())))
    return notices


def _period_of(periods: list[StudyPeriod], day: dt.date) -> StudyPeriod | None:
    return next((p for p in periods if p.starts_on <= day <= p.ends_on), None)


def _forecasts(batch: _Batch) -> list[Notice | None]:
    """After a change of marks: the journal's recommended term mark, where it is 2 or less."""
    wanted: dict[tuple[int, int], set[int]] = defaultdict(set)  # (assignment, period) → students
    periods: dict[tuple[int, int], list[StudyPeriod]] = {}  # by (year, grade)
    assignments, found = {}, {}
    for row in batch.of(Entity.MARK):
        lesson = batch.lessons[row.lesson_id]
        assignment = assignments.setdefault(lesson.assignment_id, lesson.assignment)
        grade = (assignment.year_id, assignment.school_class.grade)
        if grade not in periods:
            periods[grade] = periods_for(assignment)
        period = _period_of(periods[grade], lesson.date)
        if period is not None:
            found[period.pk] = period
            wanted[(assignment.pk, period.pk)].add(row.student_id)
    notices = []
    for (assignment_id, period_id), student_ids in sorted(wanted.items()):
        assignment, period = assignments[assignment_id], found[period_id]
        subject, school = assignment.subject.name, assignment.year.school
        for student_id, rec in sorted(term_recommendations(assignment, period,
                                                           student_ids).items()):
            if rec.mark is None or rec.mark > 2:
                continue
            student = batch.students[student_id]
            notices.append(batch.notice(
                student_id, Event.FAILING_FORECAST,
                f"forecast:{assignment_id}:{period_id}:{student_id}",
                f"{_child(student)}: прогноз «{rec.mark}» по предмету «{subject}» "
                f"({period.title})",
                f"По отметкам за {period.title} ({period.starts_on:%d.%m.%Y}–"
                f"{period.ends_on:%d.%m.%Y}) средний балл {_child(student)} по предмету "
                f"«{subject}» — {rec.average}, рекомендуемая отметка за период — «{rec.mark}». "
                f"{school.name}.",
                reverse("diary:marks", args=[student_id])))
    return notices


def _term_marks(batch: _Batch) -> list[Notice | None]:
    latest = {r.entity_id: r.new.get("value") for r in batch.of(Entity.FINAL_MARK)}
    finals = FinalMark.objects.filter(pk__in=latest, kind__in=TERM_KINDS).select_related(
        "period", "assignment__subject", "assignment__year__school")
    notices = []
    for final in finals.order_by("pk"):
        if final.value != latest[final.pk] or final.student_id not in batch.students:
            continue
        student = batch.students[final.student_id]
        subject, school = final.assignment.subject.name, final.assignment.year.school
        what = final.period.title if final.period_id else "год"
        notices.append(batch.notice(
            student.pk, Event.TERM_MARK, f"term_mark:{final.pk}:{final.value}",
            f"{_child(student)}: итоговая отметка «{final.value}» по предмету «{subject}» "
            f"({what})",
            f"{_child(student)}: выставлена итоговая отметка «{final.value}» по предмету "
            f"«{subject}» ({what}). {school.name}.",
            reverse("diary:finals", args=[student.pk])))
    return notices


# Whether what a notification says is still so (a delivery's last check) ---------------------

def no_longer_so(notifications: Iterable[Notification]) -> set[int]:
    """The ids of those notifications whose absence or low mark has since been corrected."""
    absences: dict[tuple[int, int], int] = {}
    marks: dict[int, int] = {}
    for n in notifications:
        kind, *ids = n.key.split(":")
        if n.event == Event.ABSENCE and kind == "absence" and len(ids) == 2:
            absences[(int(ids[0]), int(ids[1]))] = n.pk
        elif n.event == Event.LOW_MARK and kind == "low_mark" and len(ids) == 1:
            marks[int(ids[0])] = n.pk
    stale = set()
    if absences:
        still = set(Absence.objects.filter(
            lesson_id__in={lesson for lesson, _ in absences},
            student_id__in={student for _, student in absences}, kind=ABSENT,
        ).values_list("lesson_id", "student_id"))
        stale |= {pk for pair, pk in absences.items() if pair not in still}
    if marks:
        still = set(Mark.objects.filter(pk__in=marks, value__in=LOW_MARKS)
                    .values_list("pk", flat=True))
        stale |= {pk for mark_id, pk in marks.items() if mark_id not in still}
    return stale
