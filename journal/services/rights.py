"""Every grant and revoke of a right on journals, and the check that the rows agree with the keys.

Two rights follow a foreign key: the assignment's teacher keeps its journal (`keep_journal`),
the class teacher reads every journal of the class (`view_class_journals`). `set_teacher` and
`set_class_teacher` change the key and the guardian row in one transaction; `sync_*` lays the
rows down for objects created in bulk (the demo, the tests). Everything else is what no key
can say, given with `grant` and taken with `revoke`: a second teacher of a journal, a checker of
chosen classes or subjects, an inspector's read access until a date.

Rights go to active staff of the object's school only. Every change a person makes is written
in the change history (entity "access"). Who may grant is the caller's check: the setup screens
ask the model permissions of `accounts.roles`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Exists, F, Model, OuterRef, Q
from django.utils import timezone

from accounts.models import StaffRole, User
from journal.models import (
    AcademicYear,
    ChangeRecord,
    SchoolClass,
    SchoolClassUserObjectPermission,
    Subject,
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
from journal.rules import JournalError

Action = ChangeRecord.Action


@dataclass(frozen=True)
class Right:
    codename: str
    label: str
    rows: type[Grant]           # the table of its rows; its `content_object` names the model
    needs_end: bool = False     # an inspector's access must end

    @property
    def model(self) -> type[Model]:
        return self.rows._meta.get_field("content_object").related_model


RIGHTS: dict[str, Right] = {right.codename: right for right in (
    Right(KEEP_JOURNAL, "ведёт журнал (учитель)", TeachingAssignmentUserObjectPermission),
    Right(CO_KEEP_JOURNAL, "ведёт журнал (второй учитель)",
          TeachingAssignmentUserObjectPermission),
    Right(INSPECT_JOURNAL, "просматривает журнал (проверяющий)",
          TeachingAssignmentUserObjectPermission, needs_end=True),
    Right(VIEW_CLASS_JOURNALS, "классный руководитель", SchoolClassUserObjectPermission),
    Right(CHECK_CLASS_JOURNALS, "проверяет журналы класса", SchoolClassUserObjectPermission),
    Right(CHECK_SUBJECT_JOURNALS, "проверяет журналы по предмету", SubjectUserObjectPermission),
)}
# The rights no key carries: the only ones `grant` and `revoke` take.
GRANTED = (CO_KEEP_JOURNAL, INSPECT_JOURNAL, CHECK_CLASS_JOURNALS, CHECK_SUBJECT_JOURNALS)


# Checks, shared with the setup screens' forms ------------------------------------------------

def school_id_of(obj: TeachingAssignment | SchoolClass | Subject) -> int:
    if isinstance(obj, Subject):
        return obj.school_id
    return AcademicYear.objects.values_list("school_id", flat=True).get(pk=obj.year_id)


def check_grantee(user: User, school_id: int) -> None:
    """Rights on journals go to active staff of the school only."""
    name = user.full_name or user.username
    if not user.is_active:
        raise JournalError(f"Учётная запись «{name}» отключена: права на журналы выдаются только "
                           f"работающим сотрудникам школы.")
    if not StaffRole.objects.filter(user=user, school_id=school_id).exists():
        raise JournalError(f"{name} не числится сотрудником этой школы: права на журналы "
                           f"выдаются только её сотрудникам (роль назначается в разделе «Роли "
                           f"сотрудников»).")


def check_grant(codename: str, obj: Model, user: User, expires_on: dt.date | None = None
                ) -> Right:
    """Refuse (JournalError) a grant that may not be made; the right when it may."""
    right = RIGHTS.get(codename)
    if right is None or codename not in GRANTED:
        raise JournalError("Это право выдаётся только вместе с назначением учителя журнала или "
                           "классного руководителя.")
    if not isinstance(obj, right.model):
        raise TypeError(f"{codename} is a right on {right.model.__name__}, not on {obj!r}")
    if right.needs_end and expires_on is None:
        raise JournalError("Укажите дату, по которую действует доступ проверяющего.")
    if expires_on is not None and expires_on < timezone.localdate():
        raise JournalError(f"Дата окончания доступа {expires_on:%d.%m.%Y} уже прошла.")
    if isinstance(obj, TeachingAssignment) and obj.teacher_id == user.pk:
        raise JournalError(f"{user.full_name or user.username} — учитель этого журнала: "
                           f"отдельное право не нужно.")
    check_grantee(user, school_id_of(obj))
    return right


# Rights no key carries ----------------------------------------------------------------------

def grant(by_user: User | None, codename: str, obj: Model, user: User, *,
          expires_on: dt.date | None = None) -> Grant:
    """Give `user` the right on `obj` (or change its end date if they hold it already)."""
    right = check_grant(codename, obj, user, expires_on)
    with transaction.atomic():
        permission = _permission(right)
        row = (right.rows.objects.select_for_update()
               .filter(user=user, permission=permission, content_object=obj).first())
        if row is None:
            row = right.rows(user=user, permission=permission, content_object=obj,
                             expires_on=expires_on, granted_by=by_user)
            row.save()
            _log(by_user, Action.CREATE, right, obj, row.pk, new=_snapshot(right, obj, row))
        elif row.expires_on != expires_on:
            old = _snapshot(right, obj, row)
            row.expires_on, row.granted_by, row.granted_at = expires_on, by_user, timezone.now()
            row.save(update_fields=["expires_on", "granted_by", "granted_at"])
            _log(by_user, Action.UPDATE, right, obj, row.pk, old=old,
                 new=_snapshot(right, obj, row))
        return row


def revoke(by_user: User | None, row: Grant) -> None:
    """Take back a right given with `grant`."""
    right = RIGHTS[row.permission.codename]
    if right.codename not in GRANTED:
        raise JournalError("Это право снимается только вместе с заменой учителя журнала или "
                           "классного руководителя.")
    with transaction.atomic():
        obj = row.content_object
        old = _snapshot(right, obj, row)
        deleted, _ = type(row).objects.filter(pk=row.pk).delete()
        if deleted:
            _log(by_user, Action.DELETE, right, obj, row.pk, old=old)


# Rights that follow a key -------------------------------------------------------------------

def set_teacher(by_user: User | None, assignment: TeachingAssignment, teacher: User) -> None:
    """Make `teacher` the assignment's teacher: the key and the right to keep the journal move
    together. Also for a new assignment, whose key is already set."""
    right = RIGHTS[KEEP_JOURNAL]
    with transaction.atomic():
        _lock(assignment)
        before = _holders(right, assignment)
        if assignment.teacher_id != teacher.pk or [r.user_id for r in before] != [teacher.pk]:
            check_grantee(teacher, school_id_of(assignment))
        if assignment.teacher_id != teacher.pk:
            assignment.teacher = teacher
            assignment.save(update_fields=["teacher"])
        row = sync_journal_rights(assignment)
        _log_new_holder(by_user, right, assignment, before, row)


def set_class_teacher(by_user: User | None, school_class: SchoolClass,
                      user: User | None) -> None:
    """Make `user` the class teacher (None: nobody): the key and the right to read the class's
    journals move together."""
    right = RIGHTS[VIEW_CLASS_JOURNALS]
    user_id = user.pk if user else None
    with transaction.atomic():
        _lock(school_class)
        before = _holders(right, school_class)
        if user is not None and (school_class.class_teacher_id != user_id
                                 or [r.user_id for r in before] != [user_id]):
            check_grantee(user, school_id_of(school_class))
        if school_class.class_teacher_id != user_id:
            school_class.class_teacher = user
            school_class.save(update_fields=["class_teacher"])
        row = sync_class_rights(school_class)
        _log_new_holder(by_user, right, school_class, before, row)


def sync_journal_rights(assignment: TeachingAssignment) -> Grant:
    """The assignment's teacher, and nobody else, keeps its journal; nobody keeps a draft the
    rollover carried over until it is confirmed. For assignments created in bulk; a change of
    teacher goes through `set_teacher`."""
    keeper = assignment.teacher_id if assignment.confirmed else None
    return _follow_key(RIGHTS[KEEP_JOURNAL], assignment, keeper)


def sync_class_rights(school_class: SchoolClass) -> Grant | None:
    """The class teacher, and nobody else, reads all of the class's journals. For classes
    created in bulk; a change of class teacher goes through `set_class_teacher`."""
    return _follow_key(RIGHTS[VIEW_CLASS_JOURNALS], school_class, school_class.class_teacher_id)


def rights_disagreements(year: AcademicYear | None = None) -> list[str]:
    """Where a guardian row and the key it follows disagree (in one year, or all): each
    confirmed assignment must have exactly one `keep_journal` row, its teacher's (a draft none),
    and each class one `view_class_journals` row, its class teacher's, or none without one. One
    line in Russian per disagreement; [] when all agree."""
    problems: list[str] = []
    assignments = TeachingAssignment.objects.select_related(
        "school_class", "subject", "subgroup", "teacher").order_by("pk")
    classes = SchoolClass.objects.select_related("class_teacher").order_by("pk")
    keep = TeachingAssignmentUserObjectPermission.objects.filter(
        permission__codename=KEEP_JOURNAL).select_related("user").order_by("pk")
    lead = SchoolClassUserObjectPermission.objects.filter(
        permission__codename=VIEW_CLASS_JOURNALS).select_related("user").order_by("pk")
    if year is not None:
        assignments, classes = assignments.filter(year=year), classes.filter(year=year)
        keep = keep.filter(content_object__year=year)
        lead = lead.filter(content_object__year=year)

    for row in keep.exclude(user_id=F("content_object__teacher_id")).select_related(
            "content_object__school_class", "content_object__subject",
            "content_object__subgroup", "content_object__teacher"):
        problems.append(f"{_describe(row.content_object)}: право вести журнал у "
                        f"{row.user.short_name}, а учитель журнала — "
                        f"{row.content_object.teacher.short_name}")
    for assignment in assignments.filter(confirmed=True).exclude(Exists(keep.filter(
            content_object_id=OuterRef("pk"), user_id=OuterRef("teacher_id")))):
        problems.append(f"{_describe(assignment)}: у учителя {assignment.teacher.short_name} "
                        f"нет права вести журнал")
    # A draft carried over by the rollover gives no right until the deputy confirms it.
    for assignment in assignments.filter(confirmed=False).filter(Exists(keep.filter(
            content_object_id=OuterRef("pk")))):
        problems.append(f"{_describe(assignment)}: журнал не подтверждён, а право вести его "
                        f"уже выдано")
    for row in lead.filter(Q(content_object__class_teacher__isnull=True)
                           | ~Q(user_id=F("content_object__class_teacher_id"))).select_related(
            "content_object__class_teacher"):
        teacher = row.content_object.class_teacher
        problems.append(f"{_describe(row.content_object)}: право классного руководителя у "
                        f"{row.user.short_name}, а классный руководитель — "
                        f"{teacher.short_name if teacher else 'не назначен'}")
    for school_class in classes.filter(class_teacher__isnull=False).exclude(Exists(lead.filter(
            content_object_id=OuterRef("pk"), user_id=OuterRef("class_teacher_id")))):
        problems.append(f"{_describe(school_class)}: у классного руководителя "
                        f"{school_class.class_teacher.short_name} нет права на журналы класса")
    return problems


# Helpers ------------------------------------------------------------------------------------

def _permission(right: Right) -> Permission:
    return Permission.objects.select_related("content_type").get(
        codename=right.codename, content_type__app_label=right.model._meta.app_label,
        content_type__model=right.model._meta.model_name)


def _follow_key(right: Right, obj: Model, user_id: int | None) -> Grant | None:
    """The row of `right` on `obj` held by `user_id` alone (none when None)."""
    permission = _permission(right)
    rows = right.rows.objects.filter(content_object_id=obj.pk, permission=permission)
    stale = rows if user_id is None else rows.exclude(user_id=user_id)
    stale.delete()
    if user_id is None:
        return None
    row = rows.filter(user_id=user_id).first()
    if row is None:
        row = right.rows(user_id=user_id, permission=permission, content_object=obj)
        row.save()
    return row


def _lock(obj: Model) -> None:
    """Hold the object's row: two people changing who teaches it go one after the other."""
    list(type(obj).objects.select_for_update().filter(pk=obj.pk).order_by().values_list("pk"))


def _holders(right: Right, obj: Model) -> list[Grant]:
    return list(right.rows.objects.filter(
        content_object_id=obj.pk, permission__codename=right.codename).select_related("user"))


def _log_new_holder(by_user: User | None, right: Right, obj: Model, before: list[Grant],
                    row: Grant | None) -> None:
    if [r.user_id for r in before] == ([row.user_id] if row else []):
        return
    old = _snapshot(right, obj, *before) if before else None
    if row is None:
        _log(by_user, Action.DELETE, right, obj, before[0].pk, old=old)
    else:
        _log(by_user, Action.UPDATE if before else Action.CREATE, right, obj, row.pk, old=old,
             new=_snapshot(right, obj, row))


def _describe(obj: Model) -> str:
    if isinstance(obj, TeachingAssignment):
        group = f" ({obj.subgroup.name})" if obj.subgroup_id else ""
        return f"Журнал {obj.school_class} {obj.subject}{group}"
    if isinstance(obj, SchoolClass):
        return f"{obj} класс"
    return f"Предмет «{obj}»"


def _snapshot(right: Right, obj: Model, *rows: Grant) -> dict[str, Any]:
    """A right as the history keeps it: readable, with ids for machines. Several rows only
    where the rows disagreed with the key."""
    ends = {row.expires_on for row in rows}
    end = ends.pop() if len(ends) == 1 else None
    return {
        "right": right.label, "codename": right.codename,
        "user": ", ".join(row.user.full_name or row.user.username for row in rows),
        "user_id": rows[0].user_id if len(rows) == 1 else [row.user_id for row in rows],
        "object": _describe(obj), "model": obj._meta.model_name, "object_id": obj.pk,
        "expires_on": end.isoformat() if end else None,
    }


def _log(by_user: User | None, action: str, right: Right, obj: Model, row_id: int, *,
         old: dict | None = None, new: dict | None = None) -> None:
    """A history row filed under the guardian row's id (which outlives the row)."""
    ChangeRecord.objects.create(
        user=by_user, action=action, entity=ChangeRecord.Entity.ACCESS, entity_id=row_id,
        assignment_id=obj.pk if isinstance(obj, TeachingAssignment) else None,
        old=old, new=new)
