"""Who may read and write a journal, and open a class's attendance. Every view and every journal
service goes through here; no other module spells an access rule.

One declaration (`_right_flags`) gives both the per-object check (`access_*`) and the queryset
filter (`assignments_readable_by`); `classes_with_rights` does the same for classes:
- the assignment's teacher (guardian `keep_journal` on the TeachingAssignment) and a second
  teacher of the journal (`co_keep_journal`: co-teaching, a practicum) keep it;
- a substitute keeps the one lesson they substitute, not the journal;
- the class teacher (`view_class_journals` on the SchoolClass) reads every journal of the class
  and sets absence kinds (н/б/у) and reasons;
- a checker of chosen classes (`check_class_journals` on the SchoolClass: their journals and
  attendance page) or subjects (`check_subject_journals` on the Subject: its journals) reads
  only: correcting is the school-wide power of `JOURNAL_CORRECTORS`;
- an inspector (`inspect_journal` on the TeachingAssignment) reads the journal up to and
  including `expires_on`; after it the journal answers 404 to them and lists omit it;
- the school's `JOURNAL_CORRECTORS` (deputy director) read and correct every journal, also past
  the lock; `JOURNAL_CHECKERS` (also the director) read every journal and attendance page;
- parents and students never reach a journal: outsiders get 404, as for a missing id;
- a closed year's journals (`AcademicYear.closed_at`, set by the year rollover) are kept by
  nobody: no teacher, second teacher or substitute writes them, the class teacher sets no
  absence reasons; only `JOURNAL_CORRECTORS` still correct them, with a reason (`_in_year`).
Every right held through a guardian row lapses after the row's `expires_on`, if it has one.
Superusers hold every right (Django's own rule for `has_perm`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.access import holds_role, is_signed_in
from accounts.models import StaffRole, Student
from accounts.roles import (
    JOURNAL_CHECKERS,
    JOURNAL_CORRECTORS,
    SCHOOL_MANAGERS,
    TIMETABLE_KEEPERS,
)
from journal.models import (
    AcademicYear,
    Enrolment,
    HomeworkFile,
    Lesson,
    Mark,
    School,
    SchoolClass,
    SchoolClassUserObjectPermission,
    SubjectUserObjectPermission,
    TeachingAssignment,
    TeachingAssignmentUserObjectPermission,
)
from journal.models.rights import (
    CHECK_CLASS_JOURNALS,
    CHECK_SUBJECT_JOURNALS,
    CO_KEEP_JOURNAL,
    INSPECT_JOURNAL,
    KEEP_JOURNAL,
    VIEW_CLASS_JOURNALS,
    Grant,
)

READ_ONLY = "Журнал открыт только для просмотра."
CLOSED_YEAR = ("Учебный год закрыт: журнал только для просмотра. Исправить запись может только "
               "заместитель директора по УВР, указав причину исправления.")
# Who keeps a journal (writes its marks, lessons, plan) through a guardian row.
KEEPERS = (KEEP_JOURNAL, CO_KEEP_JOURNAL)


@dataclass(frozen=True)
class JournalRights:
    view: bool = False
    keep: bool = False              # teacher or second teacher (or substitute of the lesson)
    correct: bool = False           # deputy director: corrects any record, also when locked
    absence_reasons: bool = False   # class teacher: absence kinds н/б/у and their reasons
    substitute: bool = False        # `keep` comes from substituting this one lesson
    closed: bool = False            # the journal's year is closed: read-only but for `correct`

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


def holds_right(rows: type[Grant], user, codenames: tuple[str, ...], on: OuterRef) -> Exists:
    """Whether `user` holds one of the rights (guardian rows of the table `rows`), in force
    today, on the object at `on`."""
    return Exists(rows.objects.live().filter(user=user, permission__codename__in=codenames,
                                             content_object_id=on))


def _school_roles(user, school: OuterRef):
    return StaffRole.objects.filter(user=user, school_id=school)


# Any of them opens the journal for reading.
_READING_FLAGS = ("_keeps", "_inspects", "_leads", "_checks_class", "_checks_subject",
                  "_corrects", "_reads_all")


def _right_flags(user, assignment: str = "") -> dict[str, Exists]:
    """Subqueries telling what `user` may do with the assignment at path `assignment`
    (e.g. "" on TeachingAssignment, "assignment__" on Lesson)."""
    def ref(field: str) -> OuterRef:
        return OuterRef(assignment + field)

    roles = _school_roles(user, ref("year__school_id"))
    journal, school_class = TeachingAssignmentUserObjectPermission, SchoolClassUserObjectPermission
    return {
        "_keeps": holds_right(journal, user, KEEPERS, ref("pk")),
        "_inspects": holds_right(journal, user, (INSPECT_JOURNAL,), ref("pk")),
        "_leads": holds_right(school_class, user, (VIEW_CLASS_JOURNALS,), ref("school_class_id")),
        "_checks_class": holds_right(school_class, user, (CHECK_CLASS_JOURNALS,),
                                     ref("school_class_id")),
        "_checks_subject": holds_right(SubjectUserObjectPermission, user,
                                       (CHECK_SUBJECT_JOURNALS,), ref("subject_id")),
        "_corrects": Exists(roles.filter(role__in=JOURNAL_CORRECTORS)),
        "_reads_all": Exists(roles.filter(role__in=JOURNAL_CHECKERS)),
    }


def _rights_from(obj) -> JournalRights:
    return JournalRights(
        view=any(getattr(obj, flag) for flag in _READING_FLAGS),
        keep=obj._keeps, correct=obj._corrects, absence_reasons=obj._leads,
    )


def _in_year(rights: JournalRights, year: AcademicYear) -> JournalRights:
    """The rights left in a journal of `year`: once the year is closed nobody keeps it and the
    class teacher's absence reasons are off; the deputy director's `correct` stays, and being
    without `keep` it is a correction (a reason, in the history: `is_correction`)."""
    if not year.is_closed:
        return rights
    return replace(rights, keep=False, absence_reasons=False, closed=True)


def assignments_readable_by(user) -> QuerySet[TeachingAssignment]:
    """The journals a user may open."""
    if not is_signed_in(user):
        return TeachingAssignment.objects.none()
    if user.is_superuser:
        return TeachingAssignment.objects.all()
    flags = _right_flags(user)
    return TeachingAssignment.objects.filter(
        Q(*(flags[flag] for flag in _READING_FLAGS), _connector=Q.OR))


def _assignment_with_rights(user, assignment_id, *, lock: bool = False
                            ) -> tuple[TeachingAssignment | None, JournalRights]:
    base = TeachingAssignment.objects.all()
    if lock:
        base = base.select_for_update(of=("self",))
    base = base.select_related(
        "year__school", "subject", "school_class", "subgroup", "teacher")
    if not is_signed_in(user):
        return None, NO_RIGHTS
    if user.is_superuser:
        assignment = base.filter(pk=assignment_id).first()
        rights = ALL_RIGHTS
    else:
        assignment = base.annotate(**_right_flags(user)).filter(pk=assignment_id).first()
        rights = _rights_from(assignment) if assignment else NO_RIGHTS
    if assignment is None:
        return None, NO_RIGHTS
    return assignment, _in_year(rights, assignment.year)


def _lesson_with_rights(user, lessons: QuerySet[Lesson], lesson_id) -> tuple[Lesson | None,
                                                                             JournalRights]:
    lessons = lessons.select_related("assignment__year__school", "assignment__subject",
                                     "assignment__school_class", "assignment__subgroup",
                                     "assignment__teacher", "assessment_type", "substitute")
    if not is_signed_in(user):
        return None, NO_RIGHTS
    if user.is_superuser:
        lesson = lessons.filter(pk=lesson_id).first()
        rights = ALL_RIGHTS
    else:
        lesson = lessons.annotate(**_right_flags(user, "assignment__")).filter(pk=lesson_id).first()
        if lesson is None:
            return None, NO_RIGHTS
        rights = _rights_from(lesson)
        if lesson.substitute_id == user.pk and not rights.keep:
            rights = replace(rights, view=True, keep=True, substitute=True)
    if lesson is None:
        return None, NO_RIGHTS
    return lesson, _in_year(rights, lesson.assignment.year)


def _checked(obj, rights: JournalRights, *, write: bool):
    if obj is None or not rights.view:
        raise Http404("Журнал не найден.")
    if write and not rights.may_write:
        raise PermissionDenied(CLOSED_YEAR if rights.closed else READ_ONLY)
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


def lesson_for_write(user, lesson_id) -> tuple[Lesson | None, JournalRights]:
    """The lesson locked for the rest of the transaction, and the user's rights on it: one
    query. For services; None when the lesson no longer exists."""
    return _lesson_with_rights(user, Lesson.objects.select_for_update(of=("self",)), lesson_id)


def assignment_for_write(user, assignment_id) -> tuple[TeachingAssignment | None, JournalRights]:
    """The assignment locked for the rest of the transaction (school, class, subject loaded)
    and the user's rights on it. For services; None when it no longer exists."""
    return _assignment_with_rights(user, assignment_id, lock=True)


# A class's attendance page ------------------------------------------------------------------

@dataclass(frozen=True)
class ClassRights:
    view: bool = False
    leads: bool = False      # class teacher: sets absence kinds н/б/у and documents
    corrects: bool = False   # deputy director: may correct too, giving a reason
    school_wide: bool = False  # reads every class of the school (`JOURNAL_CHECKERS`)
    closed: bool = False     # the class's year is closed: only a correction by `corrects`

    @property
    def may_set_reasons(self) -> bool:
        return (self.leads and not self.closed) or self.corrects

    @property
    def sees_families(self) -> bool:
        """The families' sign-ins (diary): not for a checker of chosen classes, who checks
        journals only."""
        return self.leads or self.corrects or self.school_wide


def classes_with_rights(user) -> QuerySet[SchoolClass]:
    """Classes annotated with what `user` may do on their attendance page (`ClassRights`):
    the class teacher and the school's journal correctors change it; a checker of the class
    and the school's journal checkers read it."""
    roles = _school_roles(user, OuterRef("year__school_id"))
    return SchoolClass.objects.annotate(
        _leads=holds_right(SchoolClassUserObjectPermission, user, (VIEW_CLASS_JOURNALS,),
                      OuterRef("pk")),
        _checks=holds_right(SchoolClassUserObjectPermission, user, (CHECK_CLASS_JOURNALS,),
                       OuterRef("pk")),
        _corrects=Exists(roles.filter(role__in=JOURNAL_CORRECTORS)),
        _reads_all=Exists(roles.filter(role__in=JOURNAL_CHECKERS)),
    )


_CLASS_READING = Q(_leads=True) | Q(_checks=True) | Q(_corrects=True) | Q(_reads_all=True)


def access_class(user, class_id) -> tuple[SchoolClass, ClassRights]:
    """The class (year, school and class teacher loaded) and what the user may do on its
    attendance page; 404 for anyone else. One query."""
    if not is_signed_in(user):
        raise Http404("Класс не найден.")
    base = SchoolClass.objects.select_related("year__school", "class_teacher")
    if user.is_superuser:
        school_class = base.filter(pk=class_id).first()
        rights = ClassRights(view=True, leads=True, corrects=True, school_wide=True,
                             closed=school_class is not None and school_class.year.is_closed)
    else:
        school_class = (classes_with_rights(user).select_related("year__school", "class_teacher")
                        .filter(_CLASS_READING, pk=class_id).first())
        rights = ClassRights() if school_class is None else ClassRights(
            view=True, leads=school_class._leads, corrects=school_class._corrects,
            school_wide=school_class._reads_all, closed=school_class.year.is_closed)
    if school_class is None:
        raise Http404("Класс не найден.")
    return school_class, rights


def other_classes(user, school_class: SchoolClass) -> list[SchoolClass]:
    """The classes of the same year whose attendance the user may also open (for switching)."""
    classes = SchoolClass.objects.filter(year_id=school_class.year_id).order_by("grade", "letter")
    if user.is_superuser:
        return list(classes)
    return list(classes_with_rights(user).filter(_CLASS_READING, year_id=school_class.year_id)
                .order_by("grade", "letter"))


# Homework files, substitutions, the checks pages ----------------------------------------

def files_readable_by(user) -> QuerySet[HomeworkFile]:
    """Files a user may download: those of the journals they read, of the lessons they
    substitute, and of the lessons of their own (or their children's) class or subgroup on
    the lesson's day. The diary uses the same rule."""
    files = HomeworkFile.objects.all()
    if not is_signed_in(user):
        return files.none()
    if user.is_superuser:
        return files
    lesson = "homework__lesson__"
    family = Student.objects.filter(Q(user=user) | Q(parent_links__parent__user=user))
    enrolled = Enrolment.objects.active_on(OuterRef(lesson + "date")).filter(
        student__in=family, school_class_id=OuterRef(lesson + "assignment__school_class_id"))
    return files.filter(
        Q(**{lesson + "assignment__in": assignments_readable_by(user)})
        | Q(**{lesson + "substitute": user})
        | (Q(**{lesson + "assignment__subgroup__isnull": True}) & Exists(enrolled))
        | Exists(enrolled.filter(student__subgroups=OuterRef(lesson + "assignment__subgroup_id")))
    )


def may_assign_substitutes(user, school_id: int) -> bool:
    """The timetable's keepers (the dispatcher, the deputy director and the administrator of
    the school) record substitutions."""
    return holds_role(user, school_id, TIMETABLE_KEEPERS)


def may_keep_timetable(user, school_id: int) -> bool:
    """The same people edit the school's timetable: the timetable page and its services."""
    return may_assign_substitutes(user, school_id)


def school_timetable_kept_by(user) -> School | None:
    """The school whose timetable `user` edits and whose substitutions they record
    (`TIMETABLE_KEEPERS`); None for anyone else: the timetable pages answer them 404."""
    return school_of_role(user, TIMETABLE_KEEPERS)


def access_lesson_for_substitution(user, lesson_id: int) -> tuple[Lesson, JournalRights]:
    """The lesson and the user's rights on it. The administrator reads no journals but records
    substitutions: they get the lesson with no rights, for the substitution page only."""
    try:
        return access_lesson(user, lesson_id)
    except Http404:
        lesson = (Lesson.objects.select_related("assignment__year__school", "assignment__subject",
                                                "assignment__school_class",
                                                "assignment__subgroup", "assignment__teacher",
                                                "substitute")
                  .filter(pk=lesson_id).first())
        if lesson is not None and may_assign_substitutes(user, lesson.assignment.year.school_id):
            return lesson, _in_year(NO_RIGHTS, lesson.assignment.year)
        raise


def may_substitute(user, lesson: Lesson, rights: JournalRights) -> bool:
    """Whether `user` records the lesson's substitution (`rights`: theirs on the lesson): the
    timetable's keepers; in a closed year only a corrector, as a correction."""
    if rights.closed and not rights.correct:
        return False
    return may_assign_substitutes(user, lesson.assignment.year.school_id)


def school_checked_by(user) -> School | None:
    """The school whose journals `user` checks (deputy director or director), else None."""
    if not is_signed_in(user):
        return None
    schools = School.objects.order_by("pk")
    if user.is_superuser:
        return schools.first()
    return schools.filter(Exists(StaffRole.objects.filter(
        user=user, school_id=OuterRef("pk"), role__in=JOURNAL_CHECKERS))).first()


def school_managed_by(user) -> School | None:
    """The school whose people and curriculum `user` loads from XLSX (`SCHOOL_MANAGERS`)."""
    return school_of_role(user, SCHOOL_MANAGERS)


def school_of_role(user, roles) -> School | None:
    """The school where `user` holds one of `roles`; for a superuser, the school of the
    current year, else the first one. None for anyone else."""
    if not is_signed_in(user):
        return None
    role = (StaffRole.objects.filter(user=user, role__in=roles)
            .select_related("school").order_by("pk").first())
    if role is not None:
        return role.school
    if not user.is_superuser:
        return None
    current = School.objects.filter(years__is_current=True).order_by("pk").first()
    return current or School.objects.order_by("pk").first()
