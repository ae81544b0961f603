"""Who may read and write a journal. Every view and every journal service goes through here.

One declaration (`_right_flags`) gives both the per-object check (`access_*`) and the queryset
filter (`assignments_readable_by`):
- the assignment's teacher (guardian `journal.keep_journal` on the TeachingAssignment) keeps it;
- a substitute keeps the one lesson they substitute, not the journal;
- the class teacher (guardian `journal.view_class_journals` on the SchoolClass) reads every
  journal of the class and sets absence kinds (н/б/у) and reasons;
- the deputy director reads and corrects every journal of the school, also past the lock;
- the director reads every journal of the school;
- parents and students never reach a journal: outsiders get 404, as for a missing id.
Superusers hold every right (Django's own rule for `has_perm`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import StaffRole
from accounts.roles import Role
from journal.models import (
    Absence,
    FinalMark,
    Lesson,
    Mark,
    SchoolClassUserObjectPermission,
    TeachingAssignment,
    TeachingAssignmentUserObjectPermission,
)

KEEP_JOURNAL = "keep_journal"
VIEW_CLASS_JOURNALS = "view_class_journals"
READ_ONLY = "Журнал открыт только для просмотра."


@dataclass(frozen=True)
class JournalRights:
    view: bool = False
    keep: bool = False              # teacher of the journal (or substitute of the lesson)
    correct: bool = False           # deputy director: corrects any record, also when locked
    absence_reasons: bool = False   # class teacher: absence kinds н/б/у and their reasons
    substitute: bool = False        # `keep` comes from substituting this one lesson

    @property
    def may_write(self) -> bool:
        return self.keep or self.correct

    @property
    def may_set_absence_reasons(self) -> bool:
        return self.absence_reasons or self.may_write

    @property
    def is_correction(self) -> bool:
        """A checker's correction of somebody else's journal (needs a reason, is never late)."""
        return self.correct and not self.keep


ALL_RIGHTS = JournalRights(view=True, keep=True, correct=True, absence_reasons=True)
NO_RIGHTS = JournalRights()


def _is_outsider(user) -> bool:
    return not (user.is_authenticated and user.is_active)


def _right_flags(user, assignment: str = "") -> dict[str, Exists]:
    """Subqueries telling what `user` may do with the assignment at path `assignment`
    (e.g. "" on TeachingAssignment, "assignment__" on Lesson)."""
    def ref(field: str) -> OuterRef:
        return OuterRef(assignment + field)

    roles = StaffRole.objects.filter(user=user, school_id=ref("year__school_id"))
    return {
        "_keeps": Exists(TeachingAssignmentUserObjectPermission.objects.filter(
            user=user, permission__codename=KEEP_JOURNAL, content_object_id=ref("pk"))),
        "_leads": Exists(SchoolClassUserObjectPermission.objects.filter(
            user=user, permission__codename=VIEW_CLASS_JOURNALS,
            content_object_id=ref("school_class_id"))),
        "_corrects": Exists(roles.filter(role=Role.DEPUTY)),
        "_reads_all": Exists(roles.filter(role=Role.DIRECTOR)),
    }


def _rights_from(obj) -> JournalRights:
    return JournalRights(
        view=obj._keeps or obj._leads or obj._corrects or obj._reads_all,
        keep=obj._keeps, correct=obj._corrects, absence_reasons=obj._leads,
    )


def assignments_readable_by(user) -> QuerySet[TeachingAssignment]:
    """The journals a user may open."""
    if _is_outsider(user):
        return TeachingAssignment.objects.none()
    if user.is_superuser:
        return TeachingAssignment.objects.all()
    flags = _right_flags(user)
    return TeachingAssignment.objects.filter(
        flags["_keeps"] | flags["_leads"] | flags["_corrects"] | flags["_reads_all"])


def lessons_writable_by(user) -> QuerySet[Lesson]:
    """Lessons a user may fill in: of the journals they keep or correct, and those they
    substitute."""
    if _is_outsider(user):
        return Lesson.objects.none()
    if user.is_superuser:
        return Lesson.objects.all()
    flags = _right_flags(user, "assignment__")
    return Lesson.objects.filter(flags["_keeps"] | flags["_corrects"] | Q(substitute=user))


def _assignment_with_rights(user, assignment_id, *, lock: bool = False
                            ) -> tuple[TeachingAssignment | None, JournalRights]:
    base = TeachingAssignment.objects.all()
    if lock:
        base = base.select_for_update(of=("self",))
    base = base.select_related(
        "year__school", "subject", "school_class", "subgroup", "teacher")
    if _is_outsider(user):
        return None, NO_RIGHTS
    if user.is_superuser:
        assignment = base.filter(pk=assignment_id).first()
        return assignment, ALL_RIGHTS
    assignment = base.annotate(**_right_flags(user)).filter(pk=assignment_id).first()
    return assignment, (_rights_from(assignment) if assignment else NO_RIGHTS)


def _lesson_with_rights(user, lessons: QuerySet[Lesson], lesson_id) -> tuple[Lesson | None,
                                                                             JournalRights]:
    lessons = lessons.select_related("assignment__year__school", "assignment__subject",
                                     "assignment__school_class", "assignment__subgroup",
                                     "assignment__teacher", "assessment_type", "substitute")
    if _is_outsider(user):
        return None, NO_RIGHTS
    if user.is_superuser:
        return lessons.filter(pk=lesson_id).first(), ALL_RIGHTS
    lesson = lessons.annotate(**_right_flags(user, "assignment__")).filter(pk=lesson_id).first()
    if lesson is None:
        return None, NO_RIGHTS
    rights = _rights_from(lesson)
    if lesson.substitute_id == user.pk and not rights.keep:
        rights = replace(rights, view=True, keep=True, substitute=True)
    return lesson, rights


def _checked(obj, rights: JournalRights, *, write: bool):
    if obj is None or not rights.view:
        raise Http404("Журнал не найден.")
    if write and not rights.may_write:
        raise PermissionDenied(READ_ONLY)
    return obj, rights


def access_assignment(user, assignment_id, *, write: bool = False
                      ) -> tuple[TeachingAssignment, JournalRights]:
    """The journal and what the user may do with it; 404 for anyone who may not read it,
    403 when `write` is asked of a reader. A substitute gets no journal, only their lesson."""
    assignment, rights = _assignment_with_rights(user, assignment_id)
    return _checked(assignment, rights, write=write)


def access_lesson(user, lesson_id, *, write: bool = False) -> tuple[Lesson, JournalRights]:
    """A lesson (with its assignment, class, subject and school loaded) and the user's rights
    on it: those on its journal, plus `keep` for its substitute."""
    lesson, rights = _lesson_with_rights(user, Lesson.objects.all(), lesson_id)
    return _checked(lesson, rights, write=write)


def access_mark(user, mark_id, *, write: bool = False) -> tuple[Mark, JournalRights]:
    mark = Mark.objects.filter(pk=mark_id).only("pk", "lesson_id").first()
    if mark is None:
        raise Http404("Отметка не найдена.")
    lesson, rights = access_lesson(user, mark.lesson_id, write=write)
    mark = Mark.objects.select_related("student__user", "assessment_type").get(pk=mark.pk)
    mark.lesson = lesson
    return mark, rights


def access_absence(user, absence_id, *, write: bool = False) -> tuple[Absence, JournalRights]:
    """`write` here means the right to change the absence, which the class teacher also has."""
    absence = Absence.objects.filter(pk=absence_id).only("pk", "lesson_id").first()
    if absence is None:
        raise Http404("Запись о пропуске не найдена.")
    lesson, rights = access_lesson(user, absence.lesson_id)
    if write and not rights.may_set_absence_reasons:
        raise PermissionDenied(READ_ONLY)
    absence = Absence.objects.select_related("student__user").get(pk=absence.pk)
    absence.lesson = lesson
    return absence, rights


def access_final_mark(user, final_mark_id, *, write: bool = False
                      ) -> tuple[FinalMark, JournalRights]:
    final_mark = FinalMark.objects.filter(pk=final_mark_id).only("pk", "assignment_id").first()
    if final_mark is None:
        raise Http404("Итоговая отметка не найдена.")
    assignment, rights = access_assignment(user, final_mark.assignment_id, write=write)
    final_mark = FinalMark.objects.select_related("student__user", "period").get(
        pk=final_mark.pk)
    final_mark.assignment = assignment
    return final_mark, rights


def lesson_for_write(user, lesson_id) -> tuple[Lesson | None, JournalRights]:
    """The lesson locked for the rest of the transaction, and the user's rights on it: one
    query. For services; None when the lesson no longer exists."""
    return _lesson_with_rights(user, Lesson.objects.select_for_update(of=("self",)), lesson_id)


def assignment_for_write(user, assignment_id) -> tuple[TeachingAssignment | None, JournalRights]:
    """The assignment locked for the rest of the transaction (school, class, subject loaded)
    and the user's rights on it. For services; None when it no longer exists."""
    return _assignment_with_rights(user, assignment_id, lock=True)
