"""Keeping object rights in step with who teaches and who leads a class."""

from __future__ import annotations

from guardian.shortcuts import assign_perm

from journal.models import (
    SchoolClass,
    SchoolClassUserObjectPermission,
    TeachingAssignment,
    TeachingAssignmentUserObjectPermission,
)

KEEP_JOURNAL = "journal.keep_journal"
VIEW_CLASS_JOURNALS = "journal.view_class_journals"


def grant_journal_rights(assignment: TeachingAssignment) -> None:
    """The assignment's teacher, and nobody else, keeps its journal."""
    TeachingAssignmentUserObjectPermission.objects.filter(
        content_object=assignment).exclude(user_id=assignment.teacher_id).delete()
    assign_perm(KEEP_JOURNAL, assignment.teacher, assignment)


def grant_class_rights(school_class: SchoolClass) -> None:
    """The class teacher, and nobody else, reads all of the class's journals."""
    stale = SchoolClassUserObjectPermission.objects.filter(content_object=school_class)
    if school_class.class_teacher_id:
        stale = stale.exclude(user_id=school_class.class_teacher_id)
    stale.delete()
    if school_class.class_teacher_id:
        assign_perm(VIEW_CLASS_JOURNALS, school_class.class_teacher, school_class)
