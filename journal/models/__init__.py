from journal.models.checks import JournalCheck, Remark, RemarkStep
from journal.models.classes import (
    CurriculumItem,
    Enrolment,
    SchoolClass,
    Subgroup,
    Subject,
    TeachingAssignment,
)
from journal.models.history import ChangeRecord, SaveReceipt
from journal.models.lessons import (
    Absence,
    AssessmentType,
    FinalMark,
    Homework,
    HomeworkFile,
    JournalRecord,
    Lesson,
    Mark,
)
from journal.models.movement import (
    AcademicDebt,
    ClassListConfirmation,
    RolloverDecision,
    StudentMove,
    YearRollover,
)
from journal.models.plans import PlanItem, ThematicPlan
from journal.models.rights import (
    SchoolClassUserObjectPermission,
    SubjectUserObjectPermission,
    TeachingAssignmentUserObjectPermission,
)
from journal.models.school import AcademicYear, BellSchedule, Holiday, School, StudyPeriod
from journal.models.timetable import WEEKDAYS, TimetableSlot

__all__ = [
    "AcademicDebt",
    "ClassListConfirmation",
    "RolloverDecision",
    "StudentMove",
    "YearRollover",
    "Remark",
    "RemarkStep",
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
    "JournalCheck",
    "Homework",
    "HomeworkFile",
    "JournalRecord",
    "Lesson",
    "Mark",
    "PlanItem",
    "SaveReceipt",
    "School",
    "SchoolClass",
    "SchoolClassUserObjectPermission",
    "StudyPeriod",
    "Subgroup",
    "Subject",
    "SubjectUserObjectPermission",
    "TeachingAssignment",
    "TeachingAssignmentUserObjectPermission",
    "ThematicPlan",
    "TimetableSlot",
]
