"""The year rollover's one write: `confirm(plan, by)` closes a year and opens the next as the
wizard planned it (`journal.queries.rollover.Plan`), and `confirm_assignment` — the deputy
director confirming a journal the rollover carried over as a draft.

`confirm` runs in one transaction, holding the year's row (PostgreSQL), and asks
`validate(plan, 5)` again inside it: the school may have changed since the wizard began. A
refusal is `RolloverRefused` with a Russian message (and `errors`, the validation's, by key);
nothing is written then, and a failure part-way leaves the old year exactly as it was. In order:

1. the new `AcademicYear` (not current yet), its study periods and holidays, and the
   `YearRollover` record — one-to-one with the closed year, so a second rollover of the year
   cannot be committed even by a race;
2. the new classes (promoted ones keep their class teacher through the rights service; new
   1st and 10th as planned);
3. the curriculum: rows per grade copied as they are, rows of a promoted class moved to its new
   class;
4. teaching assignments of promoted classes as drafts (`confirmed=False`, same teacher and
   subject) with their subgroups — carried with their members where the whole class moves,
   empty otherwise. A draft gives its teacher no rights: `confirm_assignment` does that;
5. students: a new `Enrolment` from the new year's first day, by the order, for promotion,
   conditional promotion, repeating the year and completion into a 10th class; graduates,
   those transferred out and those completing without a class leave on the old year's last
   day; a `RolloverDecision` each and an `AcademicDebt` per subject of a conditional promotion;
6. the old year closed (`closed_at`: its journals are read-only from now on; its rights stay as
   the record of who kept them) and the new one current;
7. a full portal export of the new year, when the school uses portal exports; it is sent to
   the workers once the transaction commits.

Everything is written with bulk operations: the number of queries grows with the number of
classes, never with the number of students.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from journal import versions
from journal.models import (
    AcademicDebt,
    AcademicYear,
    CurriculumItem,
    Enrolment,
    Holiday,
    RolloverDecision,
    SchoolClass,
    StudyPeriod,
    Subgroup,
    TeachingAssignment,
    YearRollover,
)
from journal.queries.rollover import (
    END,
    PROMOTE,
    ClassPlan,
    Plan,
    checks,
    normal_letter,
    validate,
)
from journal.rules import JournalError
from journal.services.rights import set_class_teacher, set_teacher

log = logging.getLogger(__name__)
Kind = RolloverDecision.Kind


class RolloverRefused(Exception):
    """The rollover (or a draft's confirmation) was refused; nothing was written. `message` is
    for the user; `errors` are the validation's messages by key, when it was that."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


def confirm(plan: Plan, by: User) -> YearRollover:
    """Close the plan's year and open the next (see the module's docstring)."""
    try:
        with transaction.atomic():
            year = _lock_year(plan.year_id)
            findings = checks(year)
            errors = validate(plan, 5, findings=findings)
            if "year" in errors:
                raise RolloverRefused(errors["year"][0], errors)
            if errors:
                first = next(iter(errors.values()))[0]
                raise RolloverRefused(f"Переход не проведён: {first}", errors)
            warnings = [{"code": f.code, "text": f.text, "count": f.count}
                        for f in findings if not f.is_error]
            new_year = _create_year(year, plan)
            rollover = YearRollover.objects.create(
                school_id=year.school_id, from_year=year, to_year=new_year,
                order_number=plan.order_number.strip(), order_date=plan.order_date, by=by,
                counts=plan.counts(), warnings=warnings)
            classes = _create_classes(by, new_year, plan.classes)
            _copy_curriculum(year, new_year, plan.classes, classes)
            drafts = _carry_assignments(year, new_year, plan, classes)
            _move_students(year, new_year, plan, classes, rollover)
            _close_year(year, new_year)
            rollover.counts["drafts"] = drafts
            rollover.save(update_fields=["counts"])
            _start_full_export(year.school, by)
    except JournalError as exc:
        # The rights service refused a class teacher who left the staff since the validation.
        raise RolloverRefused(f"Переход не проведён: {exc.message}") from None
    except IntegrityError:
        # Two rollovers of one year at once (where rows cannot be held): the one-to-one lets
        # only the first commit.
        if YearRollover.objects.filter(from_year_id=plan.year_id).exists():
            raise RolloverRefused("Переход на новый год из этого учебного года уже проведён: "
                                  "повторить его нельзя.") from None
        raise
    return rollover


def confirm_assignment(by: User, assignment: TeachingAssignment,
                       teacher: User | None = None) -> TeachingAssignment:
    """Confirm a draft journal carried over by the rollover, with its teacher or `teacher`:
    the teacher gets the right to keep it (through the rights service, in the history)."""
    with transaction.atomic():
        draft = (TeachingAssignment.objects.select_for_update(of=("self",))
                 .select_related("year").filter(pk=assignment.pk).order_by().first())
        if draft is None:
            raise RolloverRefused("Журнал не найден.")
        if draft.confirmed:
            raise RolloverRefused("Журнал уже подтверждён.")
        if draft.year.is_closed:
            raise RolloverRefused(f"Учебный год {draft.year.name} закрыт: его журналы не "
                                  f"подтверждаются.")
        draft.confirmed = True  # first: the rights service grants nothing on a draft
        draft.save(update_fields=["confirmed"])
        try:
            set_teacher(by, draft, teacher or draft.teacher)
        except JournalError as exc:
            raise RolloverRefused(exc.message) from None
    assignment.teacher_id, assignment.confirmed = draft.teacher_id, True
    return draft


# The steps of `confirm` -------------------------------------------------------------------------

def _lock_year(year_id: int) -> AcademicYear:
    """The year's row, held until the commit: a second rollover started at the same moment
    waits, then finds it done."""
    year = (AcademicYear.objects.select_for_update().select_related("school")
            .filter(pk=year_id).first())
    if year is None:
        raise RolloverRefused("Учебный год не найден.")
    return year


def _create_year(year: AcademicYear, plan: Plan) -> AcademicYear:
    new = plan.next_year
    new_year = AcademicYear.objects.create(school_id=year.school_id, name=new.name.strip(),
                                           starts_on=new.starts_on, ends_on=new.ends_on,
                                           is_current=False)
    StudyPeriod.objects.bulk_create(
        StudyPeriod(year=new_year, kind=p.kind, number=p.number, starts_on=p.starts_on,
                    ends_on=p.ends_on, grade_from=p.grade_from, grade_to=p.grade_to)
        for p in new.periods)
    if new.holidays:
        Holiday.objects.bulk_create(
            Holiday(year=new_year, name=h.name.strip(), starts_on=h.starts_on, ends_on=h.ends_on,
                    grade_from=h.grade_from, grade_to=h.grade_to)
            for h in new.holidays)
    return new_year


def _create_classes(by: User, new_year: AcademicYear, plans: list[ClassPlan]
                    ) -> dict[str, SchoolClass]:
    """The new year's classes by key. Class teachers are set through the rights service: the
    key and the right to read the class's journals go together."""
    opened = [plan for plan in plans if plan.action != END]
    classes = SchoolClass.objects.bulk_create(
        SchoolClass(year=new_year, grade=plan.grade, letter=normal_letter(plan.letter))
        for plan in opened)
    teachers = User.objects.in_bulk({p.class_teacher_id for p in opened if p.class_teacher_id})
    for plan, school_class in zip(opened, classes, strict=True):
        if plan.class_teacher_id:
            set_class_teacher(by, school_class, teachers[plan.class_teacher_id])
    return {plan.key: school_class for plan, school_class in zip(opened, classes, strict=True)}


def _promoted(plans: list[ClassPlan], classes: dict[str, SchoolClass]) -> dict[int, SchoolClass]:
    """Each promoted class of the old year → its class in the new year."""
    return {plan.source_class_id: classes[plan.key] for plan in plans if plan.action == PROMOTE}


def _copy_curriculum(year: AcademicYear, new_year: AcademicYear, plans: list[ClassPlan],
                     classes: dict[str, SchoolClass]) -> None:
    promoted = _promoted(plans, classes)
    items = []
    for item in CurriculumItem.objects.filter(year=year).order_by("pk"):
        if item.school_class_id is None:
            items.append(CurriculumItem(year=new_year, subject_id=item.subject_id,
                                        grade=item.grade, hours_per_week=item.hours_per_week))
        elif item.school_class_id in promoted:
            items.append(CurriculumItem(year=new_year, subject_id=item.subject_id,
                                        school_class=promoted[item.school_class_id],
                                        hours_per_week=item.hours_per_week))
    if items:
        CurriculumItem.objects.bulk_create(items)


def _carry_assignments(year: AcademicYear, new_year: AcademicYear, plan: Plan,
                       classes: dict[str, SchoolClass]) -> int:
    """Drafts of the promoted classes' journals, and their subgroups; the number of drafts."""
    promoted = _promoted(plan.classes, classes)
    if not promoted:
        return 0
    # A class moves whole when every one of its students goes into its new class.
    moving: dict[int, set[int]] = defaultdict(set)
    staying: set[int] = set()
    for student in plan.students:
        target = promoted.get(student.from_class_id)
        if target is None:
            continue
        if student.kind in (Kind.PROMOTE, Kind.CONDITIONAL) \
                and classes.get(student.to_class_key) == target:
            moving[student.from_class_id].add(student.student_id)
        else:
            staying.add(student.from_class_id)
    old_groups = list(Subgroup.objects.filter(school_class_id__in=promoted).order_by("pk"))
    new_groups = Subgroup.objects.bulk_create(
        Subgroup(school_class=promoted[group.school_class_id], subject_id=group.subject_id,
                 name=group.name) for group in old_groups)
    groups = {old.pk: new for old, new in zip(old_groups, new_groups, strict=True)}
    whole = {group.pk: group.school_class_id for group in old_groups
             if group.school_class_id not in staying}
    Members = Subgroup.students.through
    members = [Members(subgroup_id=groups[group_id].pk, student_id=student_id)
               for group_id, student_id in Members.objects.filter(subgroup_id__in=whole)
               .order_by("pk").values_list("subgroup_id", "student_id")
               if student_id in moving[whole[group_id]]]
    if members:
        Members.objects.bulk_create(members)
    drafts = [TeachingAssignment(year=new_year, teacher_id=a.teacher_id, subject_id=a.subject_id,
                                 school_class=promoted[a.school_class_id],
                                 subgroup=groups.get(a.subgroup_id), confirmed=False)
              for a in TeachingAssignment.objects.filter(year=year, school_class_id__in=promoted)
              .order_by("pk")]
    TeachingAssignment.objects.bulk_create(drafts)
    return len(drafts)


def _move_students(year: AcademicYear, new_year: AcademicYear, plan: Plan,
                   classes: dict[str, SchoolClass], rollover: YearRollover) -> None:
    number = plan.order_number.strip()
    enrolments, leaving, decisions = [], [], []
    for student in plan.students:
        target = classes.get(student.to_class_key) if student.to_class_key else None
        if target is not None:
            enrolments.append(Enrolment(student_id=student.student_id, school_class=target,
                                        enrolled_on=new_year.starts_on, order_number=number,
                                        order_date=plan.order_date))
        else:
            leaving.append(student.student_id)
        decisions.append(RolloverDecision(rollover=rollover, student_id=student.student_id,
                                          from_class_id=student.from_class_id, to_class=target,
                                          kind=student.kind, note=(student.note or "").strip()))
    if enrolments:
        Enrolment.objects.bulk_create(enrolments)
    if leaving:
        Enrolment.objects.filter(school_class__year=year, student_id__in=leaving,
                                 left_on__isnull=True).update(left_on=year.ends_on)
    decisions = RolloverDecision.objects.bulk_create(decisions)
    debts = [AcademicDebt(student_id=student.student_id, subject_id=subject_id, year=year,
                          decision=decision)
             for student, decision in zip(plan.students, decisions, strict=True)
             if student.kind == Kind.CONDITIONAL for subject_id in sorted(set(student.debts))]
    if debts:
        AcademicDebt.objects.bulk_create(debts)


def _close_year(year: AcademicYear, new_year: AcademicYear) -> None:
    """The old year closed, the new one current (one current year a school: the old first)."""
    year.is_current, year.closed_at = False, timezone.now()
    year.save(update_fields=["is_current", "closed_at"])
    new_year.is_current = True
    new_year.save(update_fields=["is_current"])
    # Every diary page and family list of the school was built for the old year.
    versions.bump_school(year.school_id)


def _start_full_export(school, by: User) -> None:
    """A full portal export of the new year, when the school uses portal exports (its
    schedule is on, or it has exported before). Its record is part of the rollover's
    transaction; its task goes to the workers on commit. A run already under way is left to
    finish: the next scheduled full export carries the new year."""
    from exports.models import ExportSchedule, PortalExport
    from exports.portal.runs import ExportRefused, start_export

    uses_exports = (ExportSchedule.objects.filter(school=school, enabled=True).exists()
                    or PortalExport.objects.filter(school=school).exists())
    if not uses_exports:
        return
    try:
        start_export(school, PortalExport.Kind.FULL, reason=PortalExport.Reason.ROLLOVER, by=by)
    except ExportRefused as exc:  # ExportBusy too
        log.warning("The rollover's full export of %s was not started: %s", school, exc)
