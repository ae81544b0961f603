"""What a journal's lessons hold: how often there is a written work, how many marks an
ordinary lesson gets, what homework looks like, and the marks themselves."""

from __future__ import annotations

import random
from dataclasses import dataclass

from journal.demo import curriculum as c
from journal.demo.topics import quoted, stage


@dataclass(frozen=True)
class WorkPlan:
    everyday: str = c.ORAL
    everyday_marks: tuple[int, int] = (2, 4)
    homework_marks: bool = False
    # Works the whole class writes: the small ones every `small_every` lessons, the big ones
    # (control works, dictations) every `big_every`.
    small: tuple[str, ...] = ()
    small_every: int = 0
    big: tuple[str, ...] = ()
    big_every: int = 0
    pass_fail: bool = False


_MATHS = WorkPlan(everyday_marks=(1, 3), homework_marks=True, small=(c.SELF_STUDY, c.CHECK),
                  small_every=4, big=(c.CONTROL,), big_every=9)
_ELECTIVE = WorkPlan(everyday=c.CREDIT, everyday_marks=(0, 2), small=(c.CREDIT,), small_every=6,
                     pass_fail=True)
PLANS = {
    "russian": WorkPlan(homework_marks=True, small=(c.SELF_STUDY, c.CHECK), small_every=5,
                        big=(c.DICTATION, c.CONTROL), big_every=10),
    "reading": WorkPlan(everyday_marks=(3, 5), small=(c.TEST,), small_every=8, big=(c.CHECK,),
                        big_every=12),
    "literature": WorkPlan(small=(c.TEST,), small_every=6, big=(c.ESSAY,), big_every=10),
    "english": WorkPlan(everyday_marks=(2, 3), homework_marks=True, small=(c.TEST, c.SELF_STUDY),
                        small_every=5, big=(c.CONTROL,), big_every=10),
    "maths": _MATHS, "algebra": _MATHS, "calculus": _MATHS, "geometry": _MATHS,
    "probability": WorkPlan(everyday_marks=(1, 3), small=(c.SELF_STUDY,), small_every=4,
                            big=(c.CONTROL,), big_every=8),
    "informatics": WorkPlan(everyday_marks=(1, 3), small=(c.PRACTICAL,), small_every=3,
                            big=(c.CONTROL,), big_every=8),
    "world": WorkPlan(everyday_marks=(3, 5), small=(c.TEST,), small_every=5, big=(c.CHECK,),
                      big_every=9),
    "orkse": WorkPlan(everyday_marks=(0, 0)),  # taught without marks
    "history": WorkPlan(small=(c.TEST, c.SELF_STUDY), small_every=5, big=(c.CHECK,), big_every=8),
    "social": WorkPlan(small=(c.TEST, c.SELF_STUDY), small_every=5, big=(c.CHECK,), big_every=8),
    "geography": WorkPlan(small=(c.PRACTICAL,), small_every=4, big=(c.TEST,), big_every=8),
    "biology": WorkPlan(small=(c.LAB, c.TEST), small_every=4, big=(c.CHECK,), big_every=8),
    "physics": WorkPlan(everyday_marks=(2, 3), small=(c.LAB, c.SELF_STUDY), small_every=4,
                        big=(c.CONTROL,), big_every=9),
    "chemistry": WorkPlan(everyday_marks=(2, 3), small=(c.PRACTICAL, c.SELF_STUDY),
                          small_every=4, big=(c.CONTROL,), big_every=9),
    "music": WorkPlan(everyday=c.CLASSWORK, everyday_marks=(3, 5)),
    "art": WorkPlan(everyday=c.CLASSWORK, small=(c.PRACTICAL,), small_every=4),
    "trud": WorkPlan(everyday=c.CLASSWORK, small=(c.PRACTICAL,), small_every=3),
    "pe": WorkPlan(everyday=c.CLASSWORK, everyday_marks=(3, 6), small=(c.STANDARDS,),
                   small_every=6),
    "obzr": WorkPlan(small=(c.TEST,), small_every=6),
    "project": WorkPlan(everyday=c.CLASSWORK, everyday_marks=(1, 3), small=(c.PRACTICAL,),
                        small_every=6),
    "elective_maths": _ELECTIVE, "elective_russian": _ELECTIVE,
}

# Works after which the next lesson goes over the mistakes.
REVIEWED = {c.CONTROL: "Анализ контрольной работы. Работа над ошибками",
            c.DICTATION: "Анализ контрольного диктанта. Работа над ошибками",
            c.ESSAY: "Анализ сочинений"}


def big_work_topic(subject_code: str, kind: str, last_topic: str) -> str:
    if kind == c.DICTATION:
        return "Контрольный диктант с грамматическим заданием"
    if kind == c.ESSAY:
        return "Развитие речи. Сочинение по изученным произведениям"
    if subject_code == "reading":
        return "Проверка техники чтения"
    label = {c.CONTROL: "Контрольная работа", c.TEST: "Тест"}.get(kind, "Проверочная работа")
    return f"{label} по теме {quoted(last_topic)}"


def small_work_topic(topic: str, kind: str) -> str:
    return f"{topic}. {kind}"


def five_point(ability: float, shift: float, rng: random.Random) -> str:
    value = round(ability + shift + rng.gauss(0, 0.65))
    return str(min(5, max(2, value)))


def pass_fail(ability: float, rng: random.Random) -> str:
    return "зач" if rng.random() < 0.75 + 0.05 * ability else "незач"


_HOMEWORK = {
    "russian:primary": ["Упр. {ex}, с. {page}", "Выучить правило на с. {page}, упр. {ex}",
                        "Словарные слова на с. {page}, упр. {ex}"],
    "russian": ["§ {par}, упр. {ex}", "Упр. {ex}, {ex1}", "Выучить правило § {par}, упр. {ex}",
                "§ {par}, упр. {ex} (по вариантам)"],
    "russian:senior": ["Упр. {ex}", "Сборник ЕГЭ: вариант {var}, задания 1–{task}",
                       "Сочинение-рассуждение по тексту упр. {ex}"],
    "reading": ["С. {page}–{page3}, выразительное чтение",
                "Прочитать с. {page}–{page3}, ответить на вопросы",
                "Выучить стихотворение наизусть (с. {page})", "Пересказ текста на с. {page}"],
    "literature": ["Прочитать с. {page}–{page20}, ответить на вопросы",
                   "Выучить наизусть отрывок", "Подготовить пересказ эпизода",
                   "Письменно ответить на вопрос {q} на с. {page}",
                   "Прочитать следующие главы"],
    "english": ["Учебник с. {page}, упр. {small}", "Рабочая тетрадь с. {wb}, упр. {small}",
                "Выучить слова на с. {page}", "Учебник с. {page}, упр. {small} (письменно)"],
    "maths:primary": ["С. {page}, № {small}, {small1}", "С. {page}, задача {small}",
                      "Рабочая тетрадь с. {wb}"],
    "maths": ["№ {n}, {n1}, {n2}", "П. {par}, № {n}, {n1}", "Повторить п. {par}, № {n}"],
    "geometry": ["П. {par}, № {n}, {n1}", "Задачи № {n}, {n1}, {n2}",
                 "Выучить теорему п. {par}, № {n}"],
    "informatics": ["§ {par}, вопросы 1–{q}", "§ {par}, задание {q} в тетради",
                    "Написать программу к заданию {q} (§ {par})"],
    "world": ["Учебник с. {page}–{page3}, рабочая тетрадь с. {wb}",
              "Учебник с. {page}, ответить на вопросы", "Подготовить сообщение по теме урока"],
    "history": ["§ {par}, вопросы на с. {page}", "§ {par}, выучить даты",
                "§ {par}, заполнить таблицу", "§ {par}, подготовить сообщение"],
    "social": ["§ {par}, вопросы 1–{q}", "§ {par}, задания на с. {page}",
               "§ {par}, эссе по высказыванию"],
    "geography": ["§ {par}, вопросы на с. {page}", "§ {par}, работа с контурной картой",
                  "§ {par}, выучить номенклатуру"],
    "biology": ["§ {par}, вопросы на с. {page}", "§ {par}, зарисовать схему в тетради",
                "§ {par}, заполнить таблицу"],
    "physics": ["§ {par}, упр. {small}", "§ {par}, задачи {q}–{q1} из сборника",
                "§ {par}, вопросы после параграфа"],
    "chemistry": ["§ {par}, упр. {small}", "§ {par}, задачи 1–{q}",
                  "§ {par}, составить уравнения реакций"],
    "music": ["Выучить слова песни", "Послушать произведение, изученное на уроке"],
    "art": ["Закончить рисунок", "Принести альбом, краски и кисти"],
    "trud": ["Принести материалы для практической работы", "Закончить изделие"],
    "pe": ["Комплекс утренней зарядки"],
    "obzr": ["§ {par}, вопросы на с. {page}", "§ {par}, составить памятку"],
    "orkse": ["Подготовить рассказ о семейной традиции"],
    "project": ["Продолжить работу над проектом", "Подобрать источники по теме проекта"],
    "elective": ["Решить задачи из раздаточного материала", "Вариант {var}, задания {q}–{q1}"],
}
_SAME_HOMEWORK = {"algebra": "maths", "calculus": "maths", "probability": "maths",
                  "elective_maths": "elective", "elective_russian": "elective"}
# Share of lessons after which nothing is set.
_NO_HOMEWORK = {"pe": 0.9, "music": 0.7, "art": 0.6, "trud": 0.7, "orkse": 0.7, "project": 0.5,
                "elective": 0.4}


def homework_text(subject_code: str, grade: int, k: int, rng: random.Random) -> str:
    """The k-th homework of a journal, or "" when none is set."""
    code = _SAME_HOMEWORK.get(subject_code, subject_code)
    if rng.random() < _NO_HOMEWORK.get(code, 0.12):
        return ""
    templates = _HOMEWORK.get(f"{code}:{stage(grade)}") or _HOMEWORK[code]
    q = rng.randint(3, 6)
    values = {"par": 1 + k // 2, "page": 4 + 3 * k, "page3": 7 + 3 * k, "page20": 19 + 3 * k,
              "ex": 5 + 4 * k, "ex1": 6 + 4 * k, "n": 10 + 6 * k, "n1": 12 + 6 * k,
              "n2": 15 + 6 * k, "small": 1 + k % 9, "small1": 2 + k % 9, "wb": 2 + k,
              "q": q, "q1": q + 3, "var": 1 + k // 4, "task": rng.choice((8, 12, 15))}
    return rng.choice(templates).format(**values)
