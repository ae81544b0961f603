"""Who may open whose diary. Every diary view goes through `access_student`; lists come from
`students_visible_to`.

- a parent: the children linked to them (`ParentStudent`), a student: themself — families go
  through the link itself, never through guardian rows;
- "the diary as the family sees it", for the staff who look after the student in the current
  year: the class teacher of the student's current class (guardian `view_class_journals` on the
  class), a teacher or second teacher of a journal of that class (`journal.permissions.KEEPERS`;
  for a subgroup's journal only the subgroup's members), and the school's `JOURNAL_CHECKERS`;
- inspectors and checkers of chosen classes or subjects check journals, not diaries: they are
  not among them;
- everybody else (the administrator too: accounts are not marks) gets 404, as for a missing id.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.access import is_signed_in
from accounts.models import ParentStudent, StaffRole, Student
from accounts.roles import JOURNAL_CHECKERS
from journal.models import (
    Enrolment,
    SchoolClassUserObjectPermission,
    TeachingAssignment,
    TeachingAssignmentUserObjectPermission,
)
from journal.models.rights import VIEW_CLASS_JOURNALS
from journal.permissions import KEEPERS, holds_right

NOT_FOUND = "Дневник не найден."


def family_of(user) -> QuerySet[Student]:
    """The students whose diary is the user's own: their children, or themself."""
    if not is_signed_in(user):
        return Student.objects.none()
    return Student.objects.filter(
        Q(user=user) | Exists(ParentStudent.objects.filter(parent__user=user,
                                                           student_id=OuterRef("pk"))))


def students_visible_to(user) -> QuerySet[Student]:
    """Every student whose diary the user may open (see the module's docstring)."""
    if not is_signed_in(user):
        return Student.objects.none()
    if user.is_superuser:
        return Student.objects.all()
    current = Enrolment.objects.current().filter(student_id=OuterRef("pk"))
    leads = holds_right(SchoolClassUserObjectPermission, user, (VIEW_CLASS_JOURNALS,),
                        OuterRef("school_class_id"))
    keeps = holds_right(TeachingAssignmentUserObjectPermission, user, KEEPERS, OuterRef("pk"))
    teaches = Exists(TeachingAssignment.objects.filter(
        keeps, school_class_id=OuterRef("school_class_id"),
    ).filter(Q(subgroup__isnull=True) | Q(subgroup__students=OuterRef("student_id"))))
    staff = Exists(StaffRole.objects.filter(user=user, school_id=OuterRef("school_id"),
                                            role__in=JOURNAL_CHECKERS))
    family = Q(user=user) | Exists(ParentStudent.objects.filter(parent__user=user,
                                                                student_id=OuterRef("pk")))
    return Student.objects.filter(family | staff | Exists(current.filter(leads))
                                  | Exists(current.filter(teaches)))


def access_student(user, student_id) -> Student:
    """The student (with user and school) whose diary the user opens; 404 for anyone who may
    not, the same as for a missing id. One query."""
    student = (students_visible_to(user).select_related("user", "school")
               .filter(pk=student_id).first())
    if student is None:
        raise Http404(NOT_FOUND)
    return student
