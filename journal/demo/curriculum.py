"""What the demo school teaches: subjects, hours per week by grade (after the federal basic
curriculum for a five-day week), who teaches what, which subjects split into groups, and the
kinds of work that get marks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class SubjectSpec:
    code: str
    name: str
    short_name: str
    hours: tuple[int, ...]  # grades 1..11
    is_elective: bool = False

    def hours_in(self, grade: int) -> int:
        return self.hours[grade - 1]


SUBJECTS = [
    SubjectSpec("russian", "Русский язык", "Рус. яз.", (5, 5, 5, 5, 5, 6, 4, 3, 3, 2, 2)),
    SubjectSpec("reading", "Литературное чтение", "Лит. чтение", (4, 4, 4, 3, 0, 0, 0, 0, 0, 0, 0)),
    SubjectSpec("literature", "Литература", "Литература", (0, 0, 0, 0, 3, 3, 2, 2, 3, 3, 3)),
    SubjectSpec("english", "Иностранный язык (английский)", "Англ. яз.",
                (0, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3)),
    SubjectSpec("maths", "Математика", "Математика", (4, 4, 4, 4, 5, 5, 0, 0, 0, 0, 0)),
    SubjectSpec("algebra", "Алгебра", "Алгебра", (0, 0, 0, 0, 0, 0, 3, 3, 3, 0, 0)),
    SubjectSpec("calculus", "Алгебра и начала математического анализа", "Алгебра и н. а.",
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3)),
    SubjectSpec("geometry", "Геометрия", "Геометрия", (0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2)),
    SubjectSpec("probability", "Вероятность и статистика", "Вер. и стат.",
                (0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1)),
    SubjectSpec("informatics", "Информатика", "Информатика", (0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1)),
    SubjectSpec("world", "Окружающий мир", "Окр. мир", (2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0)),
    SubjectSpec("orkse", "Основы религиозных культур и светской этики", "ОРКСЭ",
                (0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0)),
    SubjectSpec("history", "История", "История", (0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2)),
    SubjectSpec("social", "Обществознание", "Обществозн.", (0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2)),
    SubjectSpec("geography", "География", "География", (0, 0, 0, 0, 1, 1, 2, 2, 2, 1, 1)),
    SubjectSpec("biology", "Биология", "Биология", (0, 0, 0, 0, 1, 1, 1, 2, 2, 1, 1)),
    SubjectSpec("physics", "Физика", "Физика", (0, 0, 0, 0, 0, 0, 2, 2, 3, 2, 2)),
    SubjectSpec("chemistry", "Химия", "Химия", (0, 0, 0, 0, 0, 0, 0, 2, 2, 1, 1)),
    SubjectSpec("music", "Музыка", "Музыка", (1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0)),
    SubjectSpec("art", "Изобразительное искусство", "ИЗО", (1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0)),
    SubjectSpec("trud", "Труд (технология)", "Труд", (1, 1, 1, 1, 2, 2, 2, 1, 1, 0, 0)),
    SubjectSpec("pe", "Физическая культура", "Физкультура", (3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2)),
    SubjectSpec("obzr", "Основы безопасности и защиты Родины", "ОБЗР",
                (0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1)),
    SubjectSpec("project", "Индивидуальный проект", "Инд. проект",
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
    SubjectSpec("elective_maths", "Элективный курс «Практикум по решению математических задач»",
                "Эл. курс (матем.)", (0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1), is_elective=True),
    SubjectSpec("elective_russian", "Элективный курс «Трудные вопросы орфографии и пунктуации»",
                "Эл. курс (рус. яз.)", (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), is_elective=True),
]
SUBJECTS_BY_CODE = {s.code: s for s in SUBJECTS}

# Subjects a primary-school class teacher gives to their own class in grades 1–4.
_PRIMARY = {"russian", "reading", "maths", "world", "art", "trud", "orkse"}
_SPECIALITY = {
    "russian": "russian", "literature": "russian", "elective_russian": "russian",
    "maths": "maths", "algebra": "maths", "calculus": "maths", "geometry": "maths",
    "probability": "maths", "elective_maths": "maths",
    "history": "history", "social": "history", "project": "history",
}

# Subject → grades in which a class is taught in two groups.
SPLIT_GRADES = {"english": range(2, 12), "trud": range(5, 9)}
GROUP_NAMES = ("1 группа", "2 группа")


def speciality(subject_code: str, grade: int) -> str:
    """Which kind of teacher gives this subject in this grade."""
    if grade <= 4 and subject_code in _PRIMARY:
        return "primary"
    return _SPECIALITY.get(subject_code, subject_code)


def is_split(subject_code: str, grade: int) -> bool:
    return grade in SPLIT_GRADES.get(subject_code, ())


@dataclass(frozen=True)
class AssessmentSpec:
    name: str
    weight: Decimal
    is_written: bool = False


ORAL = "Ответ на уроке"
HOMEWORK = "Домашняя работа"
CLASSWORK = "Работа на уроке"
SELF_STUDY = "Самостоятельная работа"
CHECK = "Проверочная работа"
TEST = "Тест"
PRACTICAL = "Практическая работа"
LAB = "Лабораторная работа"
CREDIT = "Зачёт"
STANDARDS = "Сдача нормативов"
CONTROL = "Контрольная работа"
DICTATION = "Диктант"
ESSAY = "Сочинение"

ASSESSMENT_TYPES = [
    AssessmentSpec(ORAL, Decimal(1)),
    AssessmentSpec(HOMEWORK, Decimal(1)),
    AssessmentSpec(CLASSWORK, Decimal(1)),
    AssessmentSpec(SELF_STUDY, Decimal(2), is_written=True),
    AssessmentSpec(CHECK, Decimal(2), is_written=True),
    AssessmentSpec(TEST, Decimal(2), is_written=True),
    AssessmentSpec(PRACTICAL, Decimal(2)),
    AssessmentSpec(LAB, Decimal(2)),
    AssessmentSpec(CREDIT, Decimal(2)),
    AssessmentSpec(STANDARDS, Decimal(2)),
    AssessmentSpec(CONTROL, Decimal(3), is_written=True),
    AssessmentSpec(DICTATION, Decimal(3), is_written=True),
    AssessmentSpec(ESSAY, Decimal(3), is_written=True),
]
