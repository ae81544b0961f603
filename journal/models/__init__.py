from journal.models.classes import (
    CurriculumItem,
    Enrolment,
    SchoolClass,
    Subgroup,
    Subject,
    TeachingAssignment,
)
from journal.models.history import ChangeRecord
from journal.models.lessons import (
    Absence,
    AssessmentType,
    FinalMark,
    Homework,
    HomeworkFile,
    Lesson,
    Mark,
)
from journal.models.plans import PlanItem, ThematicPlan
from journal.models.rights import (
    SchoolClassUserObjectPermission,
    TeachingAssignmentUserObjectPermission,
)
from journal.models.school import AcademicYear, BellSchedule, Holiday, School, StudyPeriod
from journal.models.timetable import WEEKDAYS, TimetableSlot

__all__ = [
    "WEEKDAYS",
    "Absence",
    "AcademicYear",
    "AssessmentType",
    "BellSchedule",
    "ChangeRecord",
    "CurriculumItem",
    "Enrolment",
    "FinalMark",
    "Holiday",
    "Homework",
    "HomeworkFile",
    "Lesson",
    "Mark",
    "PlanItem",
    "School",
    "SchoolClass",
    "SchoolClassUserObjectPermission",
    "StudyPeriod",
    "Subgroup",
    "Subject",
    "TeachingAssignment",
    "TeachingAssignmentUserObjectPermission",
    "ThematicPlan",
    "TimetableSlot",
]
