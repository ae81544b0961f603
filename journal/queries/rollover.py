"""The year rollover's planning: everything the wizard shows and checks before anything is
written. Reads only; `journal.services.rollover.confirm` writes a `Plan` in one transaction.

The wizard's steps and what each reads:

1. `checks(year)` — `Finding`s: errors block the rollover (journals whose students lack a year
   mark; term marks of the last period missing after their deadline), warnings may be passed
   once the administrator ticks `Plan.warnings_accepted` (open remarks, held lessons without a
   topic, journals still open for writing — they become read-only —, students whose year mark
   is «2» or «н/а»). Each finding links to the page where it is fixed.
2. `propose_next_year(year)` — `NextYear`: the dates, study periods and holidays shifted by a
   year (periods and vacations keep their weekday; public holidays keep their date). The bell
   schedule belongs to the school and stays as it is.
3. `propose_classes(year)` — a `ClassPlan` per class of the year (5А → 6А «promote» with the
   same class teacher; grades 9 and 11 «end»: their students complete the programme), and «new»
   1st and 10th grades with the letters of this year's. A new class is named by its key
   «<grade><letter>» (`class_key`), e.g. "6А"; students' target classes are such keys.
4. `propose_decisions(year, classes)` — a `StudentPlan` per student of the year's classes on its
   last day: promote (into the key of their class's plan), grade 9 → complete (into the 10th of
   the same letter if the plan has one, else none: the student leaves), grade 11 → graduate.
   A student with «2» or «н/а» as a year mark (`year_mark_problems`) is never proposed for an
   ordinary promotion: conditional promotion (grades 1–8, 10, debts pre-filled) or repeating the
   year (grades 9, 11), with `needs_choice` set so that the page shows them to be decided.
5. `Plan.counts()` — the summary; then `confirm`.

`propose_plan(year)` gives the whole proposal at once. The wizard keeps the plan in the session
(`Plan.to_json()` / `Plan.from_json()`) and, at each step, asks `validate(plan, step)`: Russian
messages by key, {} when the step may be left. Keys:

- step 1: "checks" (the error findings' texts), "warnings_accepted";
- step 2: "name", "starts_on", "ends_on", "periods", "periods.<i>", "holidays.<i>" (i: the
  row's index in `plan.next_year.periods` / `.holidays`);
- step 3: "classes" (the plan as a whole: a class of the year left out), "classes.<i>" (i: index
  in `plan.classes`);
- step 4: "order_number", "order_date", "students" (as a whole: students without a decision,
  class lists not confirmed by their class teachers), "students.<student_id>";
- every step: "year" (the year is closed, was rolled over already, or is not the current one).

`validate(plan, 5)` checks steps 1–4 together; `confirm` asks it again inside its transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count
from django.db.models.functions import Trim
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole, User
from journal.models import (
    AcademicYear,
    Enrolment,
    FinalMark,
    Lesson,
    Remark,
    RolloverDecision,
    SchoolClass,
    StudyPeriod,
    Subject,
    TeachingAssignment,
    YearRollover,
)
from journal.queries.checks.book import page_link
from journal.queries.checks.roster import Roster
from journal.queries.plans import held_lessons
from journal.rules import NOT_CERTIFIED, grade_gets_marks, term_mark_deadline

Kind = RolloverDecision.Kind

ERROR, WARNING = "error", "warning"
PROMOTE, END, NEW = "promote", "end", "new"
CLASS_ACTIONS = {PROMOTE: "переводится в следующий класс", END: "завершает обучение",
                 NEW: "новый класс"}
LAST_GRADE = 11
# Grades whose programme ends with the year: basic general (9) and secondary general (11).
PROGRAMME_ENDS = (9, 11)
FIRST_SENIOR_GRADE = 10
GRADED = tuple(grade for grade in range(1, LAST_GRADE + 1) if grade_gets_marks(grade))
# Year marks that keep a student from an ordinary promotion.
FAILING_MARKS = ("1", "2", NOT_CERTIFIED)
ORDER_NUMBER_LENGTH = YearRollover._meta.get_field("order_number").max_length
NOTE_LENGTH = RolloverDecision._meta.get_field("note").max_length
NAME_LENGTH = AcademicYear._meta.get_field("name").max_length
LETTER_LENGTH = SchoolClass._meta.get_field("letter").max_length
LISTED = 10  # names a message lists before «и ещё N»


# What the plan is made of ----------------------------------------------------------------------

@dataclass
class Finding:
    """One thing step 1 found: an error blocks the rollover, a warning may be passed."""

    level: str      # ERROR or WARNING
    code: str       # year_marks, term_marks, open_remarks, no_topics, open_journals, needs_choice
    text: str
    count: int      # students, lessons, remarks or journals, as `text` says
    url: str        # where it is fixed ("" when nowhere but the wizard's step 4)

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


@dataclass
class PeriodPlan:
    kind: str
    number: int
    starts_on: dt.date
    ends_on: dt.date
    grade_from: int = 1
    grade_to: int = LAST_GRADE


@dataclass
class HolidayPlan:
    name: str
    starts_on: dt.date
    ends_on: dt.date
    grade_from: int = 1
    grade_to: int = LAST_GRADE


@dataclass
class NextYear:
    name: str
    starts_on: dt.date
    ends_on: dt.date
    periods: list[PeriodPlan] = field(default_factory=list)
    holidays: list[HolidayPlan] = field(default_factory=list)


@dataclass
class ClassPlan:
    """What becomes of a class of the year (`promote`, `end`), or a class to open (`new`).
    `grade`/`letter` are the new class's; for `end`, the ending class's own."""

    source_class_id: int | None
    grade: int
    letter: str
    class_teacher_id: int | None
    action: str     # PROMOTE, END or NEW

    @property
    def key(self) -> str | None:
        """The new class's key ("6А"); None for a class that ends."""
        return None if self.action == END else class_key(self.grade, self.letter)


@dataclass
class StudentPlan:
    """The order's decision for one student. `debts` (subject ids) count for `conditional`
    only; `needs_choice` marks a student the proposal would not promote ordinarily (a «2» or
    «н/а» as a year mark): the page shows them to be decided, nothing else depends on it."""

    student_id: int
    from_class_id: int
    kind: str                      # RolloverDecision.Kind
    to_class_key: str | None       # a key of the plan's new classes, None when leaving
    debts: list[int] = field(default_factory=list)
    note: str = ""
    needs_choice: bool = False


@dataclass
class Plan:
    year_id: int
    next_year: NextYear
    classes: list[ClassPlan]
    students: list[StudentPlan]
    order_number: str = ""
    order_date: dt.date | None = None
    warnings_accepted: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=_json_date, ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str | dict[str, Any]) -> Plan:
        data = json.loads(data) if isinstance(data, str) else data
        year = data["next_year"]
        return cls(
            year_id=data["year_id"],
            next_year=NextYear(
                name=year["name"], starts_on=_date(year["starts_on"]),
                ends_on=_date(year["ends_on"]),
                periods=[PeriodPlan(**{**row, "starts_on": _date(row["starts_on"]),
                                       "ends_on": _date(row["ends_on"])})
                         for row in year["periods"]],
                holidays=[HolidayPlan(**{**row, "starts_on": _date(row["starts_on"]),
                                         "ends_on": _date(row["ends_on"])})
                          for row in year["holidays"]]),
            classes=[ClassPlan(**row) for row in data["classes"]],
            students=[StudentPlan(**row) for row in data["students"]],
            order_number=data.get("order_number", ""),
            order_date=_date(data.get("order_date")),
            warnings_accepted=bool(data.get("warnings_accepted")),
        )

    def new_classes(self) -> dict[str, ClassPlan]:
        """The plan's classes of the new year by key (the first of a repeated key)."""
        found: dict[str, ClassPlan] = {}
        for plan in self.classes:
            if plan.key is not None:
                found.setdefault(plan.key, plan)
        return found

    def counts(self) -> dict[str, int]:
        """The summary of step 5 and of the rollover's record: students by decision, students
        in all, classes created and ended, subjects of academic debt."""
        kinds = Counter(student.kind for student in self.students)
        counts = {kind: kinds.get(kind, 0) for kind in Kind.values}
        counts["students"] = len(self.students)
        counts["classes_created"] = sum(1 for plan in self.classes if plan.action != END)
        counts["classes_ended"] = sum(1 for plan in self.classes if plan.action == END)
        counts["debts"] = sum(len(set(s.debts)) for s in self.students
                              if s.kind == Kind.CONDITIONAL)
        return counts


def class_key(grade: int, letter: str) -> str:
    return f"{grade}{normal_letter(letter)}"


def normal_letter(letter: str) -> str:
    """A class letter as `SchoolClass.save` stores it."""
    return (letter or "").strip().upper()


def _json_date(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{value!r} is not JSON serialisable")


def _date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value) if value else None


# Step 1: the checks -----------------------------------------------------------------------------

def checks(year: AcademicYear, today: dt.date | None = None) -> list[Finding]:
    """What stands in the way of closing the year: errors first, then warnings. A fixed number
    of queries whatever the size of the school."""
    today = today or timezone.localdate()
    school = year.school
    periods = list(StudyPeriod.objects.filter(year=year).order_by("ends_on", "grade_from"))
    journals = list(TeachingAssignment.objects.filter(
        year=year, confirmed=True, school_class__grade__in=GRADED)
        .select_related("school_class", "subject", "subgroup", "teacher")
        .order_by("school_class__grade", "school_class__letter", "subject__order",
                  "subject__name", "subgroup__name", "pk"))
    last_day = max((period.ends_on for period in periods), default=year.ends_on)
    # The last period of each journal's grade, when its term marks are overdue.
    overdue: dict[int, StudyPeriod] = {}
    for journal in journals:
        grade = journal.school_class.grade
        last = max((p for p in periods if p.applies_to_grade(grade)), key=lambda p: p.ends_on,
                   default=None)
        if last is not None and term_mark_deadline(school, last.ends_on) < today:
            overdue[journal.pk] = last
    first_day = min([last_day, *(period.ends_on for period in overdue.values())])
    roster = Roster(journals, first_day, last_day)

    year_marks = set(FinalMark.objects.filter(
        assignment__in=journals, kind=FinalMark.Kind.YEAR).values_list("assignment_id",
                                                                       "student_id"))
    term_marks = set(FinalMark.objects.filter(
        assignment__in=list(overdue), kind=FinalMark.Kind.PERIOD,
        period__in={period.pk for period in overdue.values()},
    ).values_list("assignment_id", "student_id", "period_id")) if overdue else set()

    findings: list[Finding] = []
    for journal in journals:
        missing = [s for s in roster.students(journal, last_day)
                   if (journal.pk, s.pk) not in year_marks]
        if missing:
            findings.append(Finding(
                ERROR, "year_marks", f"{_journal_name(journal)}: нет годовой отметки у "
                f"обучающихся — {len(missing)} ({_names(s.user for s in missing)})",
                len(missing), page_link("journal:journal", journal.pk, query={"view": "year"})))
    for journal in journals:
        period = overdue.get(journal.pk)
        if period is None:
            continue
        missing = [s for s in roster.students(journal, period.ends_on)
                   if (journal.pk, s.pk, period.pk) not in term_marks]
        if missing:
            deadline = term_mark_deadline(school, period.ends_on)
            findings.append(Finding(
                ERROR, "term_marks", f"{_journal_name(journal)}: нет отметки за {period.title} "
                f"у обучающихся — {len(missing)} (срок истёк {deadline:%d.%m.%Y}: "
                f"{_names(s.user for s in missing)})",
                len(missing), page_link("journal:journal", journal.pk,
                                        query={"period": period.pk})))
    findings.extend(_warnings(year, periods, today))
    return findings


def _warnings(year: AcademicYear, periods: list[StudyPeriod], today: dt.date) -> list[Finding]:
    school = year.school
    found: list[Finding] = []
    check_url = _url("journal:checks", query=f"period={periods[-1].pk}" if periods else "")
    remarks = (Remark.objects.filter(school=school, created_at__date__gte=year.starts_on)
               .exclude(status=Remark.Status.VERIFIED).count())
    if remarks:
        found.append(Finding(
            WARNING, "open_remarks", f"Замечания по журналам, которые ещё не приняты: {remarks}. "
            f"После перехода журналы закрытого года исправляет только заместитель директора.",
            remarks, _url("journal:remarks")))
    untitled = (Lesson.objects.filter(held_lessons(today), assignment__year=year)
                .annotate(stripped=Trim("topic")).filter(stripped="")
                .aggregate(lessons=Count("pk"), journals=Count("assignment", distinct=True)))
    if untitled["lessons"]:
        found.append(Finding(
            WARNING, "no_topics", f"Проведённые уроки без темы: {untitled['lessons']} "
            f"(журналов — {untitled['journals']}).", untitled["lessons"], check_url))
    open_journals = _open_journals(year, today)
    if open_journals:
        found.append(Finding(
            WARNING, "open_journals", f"Журналы, открытые для записи: {open_journals}. После "
            f"перехода журналы закрытого года станут доступны только для просмотра; исправить "
            f"запись сможет только заместитель директора, указав причину.",
            open_journals, check_url))
    problems = year_mark_problems(year)
    if problems:
        found.append(Finding(
            WARNING, "needs_choice", f"Обучающиеся с годовой «2» или «н/а»: {len(problems)}. "
            f"Обычным порядком они не переводятся: на шаге «Обучающиеся» выберите для каждого "
            f"условный перевод с академической задолженностью или повторное обучение.",
            len(problems), _url("journal:rollover_step", 4)))
    return found


def _open_journals(year: AcademicYear, today: dt.date) -> int:
    """Journals of the year a teacher may still write in: all of them, or, where the school
    closes cells some days after the lesson, those with a lesson not closed yet."""
    journals = TeachingAssignment.objects.filter(year=year, confirmed=True)
    days = year.school.lock_after_days
    if days is not None:
        journals = journals.filter(lessons__date__gte=today - dt.timedelta(days=days)).distinct()
    return journals.count()


def _journal_name(journal: TeachingAssignment) -> str:
    group = f" ({journal.subgroup.name})" if journal.subgroup_id else ""
    return f"{journal.school_class} {journal.subject}{group}, {journal.teacher.short_name}"


def _person(user: User) -> str:
    return f"{user.last_name} {user.first_name}".strip()


def _names(users, limit: int = LISTED) -> str:
    names = [_person(user) for user in users]
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" и ещё {more}" if more > 0 else "")


def _url(name: str, *args: int, query: str = "") -> str:
    url = reverse(name, args=args)
    return f"{url}?{query}" if query else url


# Step 2: the next year --------------------------------------------------------------------------

def propose_next_year(year: AcademicYear) -> NextYear:
    """This year's dates a year later. The year keeps its calendar dates (1 September);
    periods and vacations keep their weekday (a term that began on a Monday begins on a
    Monday), public holidays (one-day rows) their date; a row that began or ended with the year
    begins or ends with the new one."""
    starts_on, ends_on = _a_year_later(year.starts_on), _a_year_later(year.ends_on)

    def shift(day: dt.date, keep_weekday: bool) -> dt.date:
        if day == year.starts_on:
            return starts_on
        if day == year.ends_on:
            return ends_on
        moved = _a_year_later(day, keep_weekday=keep_weekday)
        return min(max(moved, starts_on), ends_on)

    periods = [PeriodPlan(p.kind, p.number, shift(p.starts_on, True), shift(p.ends_on, True),
                          p.grade_from, p.grade_to)
               for p in StudyPeriod.objects.filter(year=year).order_by("grade_from", "starts_on")]
    holidays = []
    for holiday in year.holidays.order_by("starts_on", "pk"):
        vacation = holiday.ends_on > holiday.starts_on
        holidays.append(HolidayPlan(holiday.name, shift(holiday.starts_on, vacation),
                                    shift(holiday.ends_on, vacation), holiday.grade_from,
                                    holiday.grade_to))
    return NextYear(_next_name(year.name, starts_on, ends_on), starts_on, ends_on, periods,
                    holidays)


def _a_year_later(day: dt.date, *, keep_weekday: bool = False) -> dt.date:
    """The same date next year (28 February for the 29th), or with `keep_weekday` the same
    weekday nearest to it."""
    try:
        later = day.replace(year=day.year + 1)
    except ValueError:
        later = day.replace(year=day.year + 1, day=28)
    if not keep_weekday:
        return later
    shift = (day.weekday() - later.weekday()) % 7
    return later + dt.timedelta(days=shift - 7 if shift > 3 else shift)


def _next_name(name: str, starts_on: dt.date, ends_on: dt.date) -> str:
    found = re.fullmatch(r"\s*(\d{4})\s*([/–-])\s*(\d{4})\s*", name)
    if found:
        return f"{int(found.group(1)) + 1}{found.group(2)}{int(found.group(3)) + 1}"
    return f"{starts_on.year}/{ends_on.year}"


# Step 3: classes --------------------------------------------------------------------------------

def propose_classes(year: AcademicYear) -> list[ClassPlan]:
    """Each class of the year one grade up with its letter and class teacher, grades 9 and 11
    ending; then new 1st and 10th classes with the letters of this year's (no class teacher)."""
    classes = list(SchoolClass.objects.filter(year=year).order_by("grade", "letter"))
    plans = []
    for school_class in classes:
        if school_class.grade in PROGRAMME_ENDS:
            plans.append(ClassPlan(school_class.pk, school_class.grade, school_class.letter,
                                   school_class.class_teacher_id, END))
        else:
            plans.append(ClassPlan(school_class.pk, school_class.grade + 1, school_class.letter,
                                   school_class.class_teacher_id, PROMOTE))
    for grade in (1, FIRST_SENIOR_GRADE):
        for school_class in classes:
            if school_class.grade == grade:
                plans.append(ClassPlan(None, grade, school_class.letter, None, NEW))
    return plans


# Step 4: students -------------------------------------------------------------------------------

def year_mark_problems(year: AcademicYear) -> dict[int, list[int]]:
    """Students with «2» (or «1») or «н/а» as a year mark, and the subjects of those marks."""
    found: dict[int, set[int]] = defaultdict(set)
    for student_id, subject_id in FinalMark.objects.filter(
            assignment__year=year, kind=FinalMark.Kind.YEAR, value__in=FAILING_MARKS
    ).values_list("student_id", "assignment__subject_id"):
        found[student_id].add(subject_id)
    return {student_id: sorted(subjects) for student_id, subjects in found.items()}


def year_end_enrolments(year: AcademicYear) -> list[Enrolment]:
    """Who the rollover decides about: each student in a class of the year on its last day
    (one enrolment each), with their class and name, by class and name."""
    rows = (Enrolment.objects.active_on(year.ends_on).filter(school_class__year=year)
            .select_related("school_class", "student__user")
            .order_by("school_class__grade", "school_class__letter", "student__user__last_name",
                      "student__user__first_name", "student__user__patronymic", "enrolled_on"))
    found: dict[int, Enrolment] = {}
    for enrolment in rows:
        found[enrolment.student_id] = enrolment
    return list(found.values())


def propose_decisions(year: AcademicYear, classes: list[ClassPlan]) -> list[StudentPlan]:
    """The default decision for each student of the year (see the module's step 4)."""
    by_source = {plan.source_class_id: plan for plan in classes if plan.source_class_id}
    keys = {plan.key for plan in classes if plan.key}
    problems = year_mark_problems(year)

    def existing(key: str) -> str | None:
        return key if key in keys else None

    proposed = []
    for enrolment in year_end_enrolments(year):
        school_class = enrolment.school_class
        grade, letter = school_class.grade, school_class.letter
        debts = problems.get(enrolment.student_id, [])
        plan = by_source.get(school_class.pk)
        if plan is not None and plan.action == PROMOTE:
            kind, target = (Kind.CONDITIONAL if debts else Kind.PROMOTE), plan.key
        elif grade in PROGRAMME_ENDS and debts:
            kind, target = Kind.REPEAT, existing(class_key(grade, letter))
        elif grade == LAST_GRADE:
            kind, target = Kind.GRADUATE, None
        elif grade in PROGRAMME_ENDS:
            kind, target = Kind.COMPLETE, existing(class_key(grade + 1, letter))
        else:  # a class that ends out of turn: its students go on unless decided otherwise
            kind = Kind.CONDITIONAL if debts else Kind.PROMOTE
            target = existing(class_key(grade + 1, letter))
        proposed.append(StudentPlan(enrolment.student_id, school_class.pk, kind, target,
                                    list(debts), "", bool(debts)))
    return proposed


def propose_plan(year: AcademicYear) -> Plan:
    classes = propose_classes(year)
    return Plan(year.pk, propose_next_year(year), classes, propose_decisions(year, classes))


# Validation -------------------------------------------------------------------------------------

def validate(plan: Plan, step: int, *, findings: list[Finding] | None = None
             ) -> dict[str, list[str]]:
    """Russian messages by key (see the module's docstring) for what is wrong at `step`
    (5: steps 1–4 together); {} when nothing is. Writes nothing. `findings`: step 1's
    `checks`, when the caller has them already."""
    errors: dict[str, list[str]] = defaultdict(list)
    year = AcademicYear.objects.select_related("school").filter(pk=plan.year_id).first()
    if year is None:
        return {"year": ["Учебный год не найден."]}
    refusal = refusal_of(year)
    if refusal:
        errors["year"].append(refusal)
        return dict(errors)
    for number in (range(1, 5) if step >= 5 else [step]):
        if number == 1:
            _validate_checks(year, plan, errors, findings)
        else:
            STEPS[number](year, plan, errors)
    return dict(errors)


def refusal_of(year: AcademicYear) -> str | None:
    """Why the year cannot be rolled over at all (None when it can)."""
    if year.is_closed or YearRollover.objects.filter(from_year=year).exists():
        return (f"Учебный год {year.name} уже закрыт: переход на новый год из него проведён, "
                f"повторить его нельзя.")
    if not year.is_current:
        return (f"Учебный год {year.name} не текущий: переход проводится из текущего учебного "
                f"года.")
    return None


def _validate_checks(year: AcademicYear, plan: Plan, errors,
                     findings: list[Finding] | None = None) -> None:
    findings = checks(year) if findings is None else findings
    errors_found = [finding.text for finding in findings if finding.is_error]
    if errors_found:
        errors["checks"].extend(errors_found)
    if any(not finding.is_error for finding in findings) and not plan.warnings_accepted:
        errors["warnings_accepted"].append(
            "Прочитайте предупреждения и отметьте «Продолжить, несмотря на предупреждения».")


def _validate_next_year(year: AcademicYear, plan: Plan, errors) -> None:
    new = plan.next_year
    name = (new.name or "").strip()
    if not name:
        errors["name"].append("Укажите название нового учебного года, например 2027/2028.")
    elif len(name) > NAME_LENGTH:
        errors["name"].append(f"Название — не длиннее {NAME_LENGTH} знаков.")
    elif AcademicYear.objects.filter(school_id=year.school_id, name=name).exists():
        errors["name"].append(f"Учебный год «{name}» в школе уже есть.")
    if new.starts_on is None:
        errors["starts_on"].append("Укажите дату начала нового учебного года.")
    if new.ends_on is None:
        errors["ends_on"].append("Укажите дату окончания нового учебного года.")
    if new.starts_on is None or new.ends_on is None:
        return
    if new.ends_on <= new.starts_on:
        errors["ends_on"].append("Учебный год должен заканчиваться позже, чем начинается.")
        return
    if new.starts_on <= year.ends_on:
        errors["starts_on"].append(
            f"Новый учебный год начинается {new.starts_on:%d.%m.%Y}, а закрываемый "
            f"{year.name} заканчивается {year.ends_on:%d.%m.%Y}: годы не должны пересекаться.")
    else:
        other = (AcademicYear.objects.filter(school_id=year.school_id, starts_on__lte=new.ends_on,
                                             ends_on__gte=new.starts_on).first())
        if other is not None:
            errors["starts_on"].append(
                f"Даты пересекаются с учебным годом {other.name} ({other.starts_on:%d.%m.%Y}–"
                f"{other.ends_on:%d.%m.%Y}).")
    if not new.periods:
        errors["periods"].append("Добавьте учебные периоды нового года.")
    kinds = dict(StudyPeriod.Kind.choices)
    checked: list[PeriodPlan] = []
    for index, period in enumerate(new.periods):
        key = f"periods.{index}"
        problems = _span_problems(period.starts_on, period.ends_on, new, "Период")
        problems += _grades_problems(period.grade_from, period.grade_to)
        if period.kind not in kinds:
            problems.append("Выберите вид периода: четверть, триместр или полугодие.")
        if not (isinstance(period.number, int) and 1 <= period.number <= 4):
            problems.append("Номер периода — от 1 до 4.")
        if not problems:
            for other in checked:
                if (period.starts_on <= other.ends_on and other.starts_on <= period.ends_on
                        and period.grade_from <= other.grade_to
                        and other.grade_from <= period.grade_to):
                    problems.append(
                        f"Период пересекается с периодом {other.number} "
                        f"({other.starts_on:%d.%m.%Y}–{other.ends_on:%d.%m.%Y}) для тех же "
                        f"классов.")
                    break
            checked.append(period)
        if problems:
            errors[key].extend(problems)
    for index, holiday in enumerate(new.holidays):
        problems = _span_problems(holiday.starts_on, holiday.ends_on, new, "Каникулы")
        problems += _grades_problems(holiday.grade_from, holiday.grade_to)
        if not (holiday.name or "").strip():
            problems.insert(0, "Укажите название каникул или праздника.")
        if problems:
            errors[f"holidays.{index}"].extend(problems)


def _span_problems(starts_on: dt.date | None, ends_on: dt.date | None, year: NextYear,
                   what: str) -> list[str]:
    if starts_on is None or ends_on is None:
        return ["Укажите даты начала и окончания."]
    if ends_on < starts_on:
        return ["Окончание не может быть раньше начала."]
    if starts_on < year.starts_on or ends_on > year.ends_on:
        return [f"{what} {starts_on:%d.%m.%Y}–{ends_on:%d.%m.%Y} выходит за границы нового "
                f"учебного года ({year.starts_on:%d.%m.%Y}–{year.ends_on:%d.%m.%Y})."]
    return []


def _grades_problems(grade_from: int, grade_to: int) -> list[str]:
    if not all(isinstance(g, int) and 1 <= g <= LAST_GRADE for g in (grade_from, grade_to)):
        return [f"Классы — от 1 до {LAST_GRADE}."]
    if grade_to < grade_from:
        return ["«По класс» не может быть меньше «с класса»."]
    return []


def _validate_classes(year: AcademicYear, plan: Plan, errors) -> None:
    old = {c.pk: c for c in SchoolClass.objects.filter(year=year)}
    teacher_ids = {p.class_teacher_id for p in plan.classes if p.class_teacher_id}
    staff = set(StaffRole.objects.filter(school_id=year.school_id, user_id__in=teacher_ids,
                                         user__is_active=True).values_list("user_id", flat=True))
    seen_sources: set[int] = set()
    seen_keys: dict[str, str] = {}
    for index, row in enumerate(plan.classes):
        key = f"classes.{index}"
        source = old.get(row.source_class_id) if row.source_class_id else None
        letter = normal_letter(row.letter)
        if row.action not in CLASS_ACTIONS:
            errors[key].append("Выберите, что будет с классом: перевод, выпуск или новый класс.")
            continue
        if row.action in (PROMOTE, END):
            if source is None:
                errors[key].append("Такого класса в закрываемом учебном году нет.")
                continue
            if source.pk in seen_sources:
                errors[key].append(f"Класс {source} указан в плане дважды.")
                continue
            seen_sources.add(source.pk)
        elif row.source_class_id:
            errors[key].append("Новый класс не может продолжать класс закрываемого года: "
                               "выберите «переводится в следующий класс».")
            continue
        if row.action == END:
            continue
        if row.action == PROMOTE and source.grade >= LAST_GRADE:
            errors[key].append(f"{source} класс — выпускной: его не переводят, а выпускают.")
            continue
        if row.action == PROMOTE and row.grade != source.grade + 1:
            errors[key].append(f"Класс {source} переводится в {source.grade + 1}-й класс, "
                               f"а не в {row.grade}-й.")
            continue
        if not (isinstance(row.grade, int) and 1 <= row.grade <= LAST_GRADE):
            errors[key].append(f"Параллель — от 1 до {LAST_GRADE}.")
            continue
        if not letter:
            errors[key].append("Укажите литеру класса.")
            continue
        if len(letter) > LETTER_LENGTH:
            errors[key].append(f"Литера — не длиннее {LETTER_LENGTH} знаков.")
            continue
        new_key = class_key(row.grade, letter)
        if new_key in seen_keys:
            this = f"класс {source} нельзя сделать" if source else "второй новый класс нельзя " \
                                                                  "назвать"
            errors[key].append(f"Класс {new_key} в новом году уже есть ({seen_keys[new_key]}): "
                               f"{this} {new_key}. Выберите другую литеру.")
            continue
        seen_keys[new_key] = f"из {source}" if source else "новый класс"
        if row.class_teacher_id and row.class_teacher_id not in staff:
            errors[key].append("Классный руководитель должен быть работающим сотрудником школы.")
    missing = [str(c) for c in sorted(old.values(), key=lambda c: (c.grade, c.letter))
               if c.pk not in seen_sources]
    if missing:
        errors["classes"].append(f"Не указано, что будет с классами: {', '.join(missing)}.")


def _validate_students(year: AcademicYear, plan: Plan, errors) -> None:
    number = (plan.order_number or "").strip()
    if not number:
        errors["order_number"].append("Укажите номер приказа о переводе обучающихся.")
    elif len(number) > ORDER_NUMBER_LENGTH:
        errors["order_number"].append(f"Номер приказа — не длиннее {ORDER_NUMBER_LENGTH} знаков.")
    if plan.order_date is None:
        errors["order_date"].append("Укажите дату приказа о переводе обучающихся.")
    elif not year.contains(plan.order_date):
        errors["order_date"].append(
            f"Дата приказа {plan.order_date:%d.%m.%Y} вне закрываемого учебного года "
            f"({year.starts_on:%d.%m.%Y}–{year.ends_on:%d.%m.%Y}).")

    enrolled = {e.student_id: e for e in year_end_enrolments(year)}
    targets = plan.new_classes()
    subjects = set(Subject.objects.filter(school_id=year.school_id).values_list("pk", flat=True))
    seen: set[int] = set()
    for row in plan.students:
        key = f"students.{row.student_id}"
        enrolment = enrolled.get(row.student_id)
        if enrolment is None:
            errors[key].append("Обучающийся не числится в классах закрываемого года на его "
                               "последний день.")
            continue
        name, school_class = _person(enrolment.student.user), enrolment.school_class
        if row.student_id in seen:
            errors[key].append(f"{name}: решение указано дважды — у обучающегося может быть "
                               f"только одно решение.")
            continue
        seen.add(row.student_id)
        if row.from_class_id != school_class.pk:
            errors[key].append(f"{name} учится в {school_class} классе.")
            continue
        problem = _decision_problem(row, school_class, targets, subjects)
        if problem:
            errors[key].append(f"{name}: {problem}")
    missing = [e for student_id, e in enrolled.items() if student_id not in seen]
    if missing:
        errors["students"].append(
            f"Нет решения для обучающихся: {len(missing)} ("
            + _names_in_classes(missing) + ").")
    if year.school.class_teachers_confirm_lists:
        unconfirmed = _unconfirmed_lists(year)
        if unconfirmed:
            errors["students"].append(
                f"Классные руководители не подтвердили списки классов: {', '.join(unconfirmed)}. "
                f"Школа проводит переход только после их подтверждения.")


def _decision_problem(row: StudentPlan, school_class: SchoolClass,
                      targets: dict[str, ClassPlan], subjects: set[int]) -> str | None:
    if row.kind not in Kind.values:
        return "выберите решение."
    if len(row.note or "") > NOTE_LENGTH:
        return f"примечание — не длиннее {NOTE_LENGTH} знаков."
    grade = school_class.grade
    if row.kind == Kind.COMPLETE and grade not in PROGRAMME_ENDS:
        return "освоение программы уровня отмечается только в 9 и 11 классах."
    if row.kind == Kind.GRADUATE and grade not in PROGRAMME_ENDS:
        return "выпускаются только обучающиеся 9 и 11 классов."
    if row.kind in (Kind.PROMOTE, Kind.CONDITIONAL) and grade >= LAST_GRADE:
        return f"из {grade} класса не переводят: выберите выпуск или повторное обучение."
    allowed = _target_grades(row.kind, grade)
    if not allowed:
        if row.to_class_key:
            return f"при решении «{Kind(row.kind).label}» класс нового года не указывается."
    elif not row.to_class_key:
        if row.kind != Kind.COMPLETE:
            return f"укажите класс нового года ({_grades_text(allowed)})."
    else:
        target = targets.get(row.to_class_key)
        if target is None:
            if row.kind == Kind.REPEAT:
                return (f"в новом году нет класса {row.to_class_key} для повторного обучения: "
                        f"выберите класс {grade}-й параллели или добавьте его на шаге «Классы».")
            return f"в новом году нет класса {row.to_class_key}."
        if target.grade not in allowed:
            return (f"при решении «{Kind(row.kind).label}» из {school_class} класса переводят "
                    f"в {_grades_text(allowed)}, а не в {row.to_class_key}.")
    if row.kind == Kind.CONDITIONAL:
        if not row.debts:
            return "при условном переводе укажите предметы академической задолженности."
        if not set(row.debts) <= subjects:
            return "предмет академической задолженности не найден в школе."
    return None


def _target_grades(kind: str, grade: int) -> tuple[int, ...]:
    """The grades of the new classes a decision may put a student into (() — none)."""
    if kind in (Kind.PROMOTE, Kind.CONDITIONAL):
        return (grade + 1,)
    if kind == Kind.REPEAT:
        return (grade,)
    if kind == Kind.COMPLETE and grade < LAST_GRADE:
        return (grade + 1,)
    return ()


def _grades_text(grades: tuple[int, ...]) -> str:
    return " или ".join(f"{grade}-й класс" for grade in grades)


def _names_in_classes(enrolments) -> str:
    rows = [f"{_person(e.student.user)}, {e.school_class}" for e in enrolments]
    more = len(rows) - LISTED
    return "; ".join(rows[:LISTED]) + (f" и ещё {more}" if more > 0 else "")


def _unconfirmed_lists(year: AcademicYear) -> list[str]:
    """Classes of the year whose class teacher has not confirmed the list as it is now."""
    # The class teachers' confirmations keep their own rule of what still counts as confirmed.
    from journal.services.class_lists import confirmed_lists

    waiting = [class_id for class_id, done in confirmed_lists(year).items() if not done]
    return [str(c) for c in SchoolClass.objects.filter(pk__in=waiting).order_by("grade", "letter")]


STEPS = {2: _validate_next_year, 3: _validate_classes, 4: _validate_students}
