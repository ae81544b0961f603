"""The year rollover in the setup site: the wizard (five steps, the plan kept in the session
and nothing written until «Провести переход»), the rollover's record and its print, and the
deputy director's draft journals of the new year.

The wizard's rules are `journal.queries.rollover` (`validate(plan, step)`); the one write is
`journal.services.rollover.confirm`. The administrator and the deputy director run it; the
director also reads the records; anybody else gets 404."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import StaffRole, Student, User
from accounts.pdf import pdf_response, render_pdf
from accounts.roles import ROLLOVER_READERS, ROLLOVER_RUNNERS
from journal.forms_rollover import (
    ChecksForm,
    ClassPlanFormSet,
    DraftJournalsForm,
    HolidayFormSet,
    NextYearForm,
    OrderForm,
    PeriodFormSet,
    StudentDecisionFormSet,
    class_initial,
    decision_initial,
    holiday_initial,
    period_initial,
)
from journal.models import (
    AcademicDebt,
    AcademicYear,
    ClassListConfirmation,
    RolloverDecision,
    School,
    SchoolClass,
    Subject,
    TeachingAssignment,
    YearRollover,
)
from journal.permissions import school_of_role
from journal.queries.rollover import (
    END,
    ClassPlan,
    Plan,
    StudentPlan,
    checks,
    propose_decisions,
    propose_plan,
    refusal_of,
    validate,
)
from journal.services.class_lists import confirmed_lists
from journal.services.rollover import RolloverRefused, confirm, confirm_assignment

SESSION_KEY = "rollover"
STEPS = [(1, "Проверка"), (2, "Новый год"), (3, "Классы"), (4, "Обучающиеся"),
         (5, "Подтверждение")]
LAST_STEP = len(STEPS)
KIND_LABELS = dict(RolloverDecision.Kind.choices)
# The validation's keys and the step each belongs to (see `journal.queries.rollover`).
KEY_STEPS = {"checks": 1, "warnings_accepted": 1, "name": 2, "starts_on": 2, "ends_on": 2,
             "periods": 2, "holidays": 2, "classes": 3, "order_number": 4, "order_date": 4,
             "students": 4}
COUNT_LABELS = {"students": "Обучающихся в приказе", "classes_created": "Классов нового года",
                "classes_ended": "Классов завершили обучение",
                "debts": "Предметов академической задолженности",
                "drafts": "Журналов-черновиков нового года"}


# Who and which school --------------------------------------------------------------------

def _school(request: HttpRequest, roles) -> School:
    school = school_of_role(request.user, roles)
    if school is None:
        raise Http404("Страница не найдена.")
    return school


def _current_year(school: School) -> AcademicYear | None:
    return AcademicYear.objects.filter(school=school, is_current=True).select_related(
        "school").first()


def _staff(school: School) -> list[tuple[int, str]]:
    """The school's working staff, for the class teacher's and the journal teacher's select."""
    people = (User.objects.filter(Exists(StaffRole.objects.filter(user=OuterRef("pk"),
                                                                  school=school)),
                                  is_active=True)
              .order_by("last_name", "first_name", "patronymic", "pk"))
    return [(user.pk, user.full_name) for user in people]


# The plan in the session -----------------------------------------------------------------

@dataclass
class Wizard:
    """The rollover being planned: the year, the plan and the furthest step reached."""

    year: AcademicYear
    plan: Plan
    reached: int
    errors: dict[str, list[str]] = field(default_factory=dict)


def _stored(request: HttpRequest, year: AcademicYear | None) -> Wizard | None:
    stored = request.session.get(SESSION_KEY)
    if not stored or year is None or stored.get("year_id") != year.pk:
        return None
    return Wizard(year, Plan.from_json(stored["plan"]), stored.get("reached", 1))


def _store(request: HttpRequest, wizard: Wizard) -> None:
    request.session[SESSION_KEY] = {"year_id": wizard.year.pk, "plan": wizard.plan.to_json(),
                                    "reached": wizard.reached}


def _forget(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def _wizard(request: HttpRequest, step: int) -> tuple[Wizard | None, HttpResponse | None]:
    """The wizard at `step`, or where to go instead: the start page when nothing is planned,
    the furthest step reached when `step` lies beyond it."""
    school = _school(request, ROLLOVER_RUNNERS)
    done = _rolled_over_meanwhile(request, school)
    if done is not None:
        return None, done
    year = _current_year(school)
    wizard = _stored(request, year)
    if wizard is None or refusal_of(year):
        return None, redirect("journal:rollover")
    if step > wizard.reached:
        return None, redirect("journal:rollover_step", wizard.reached)
    return wizard, None


def _rolled_over_meanwhile(request: HttpRequest, school: School) -> HttpResponse | None:
    """The planned year was rolled over since (by somebody else): the plan is dropped and its
    record shown."""
    stored = request.session.get(SESSION_KEY)
    if not stored:
        return None
    done = (YearRollover.objects.filter(school=school, from_year_id=stored.get("year_id"))
            .select_related("from_year", "by").first())
    if done is None:
        return None
    _forget(request)
    messages.warning(request, f"Переход из {done.from_year.name} уже провёл(а) "
                              f"{done.by.full_name} {timezone.localtime(done.at):%d.%m.%Y %H:%M}: "
                              f"ваш план перехода удалён, в базе данных он ничего не изменил.")
    return redirect("journal:rollover_record", done.pk)


def _advance(request: HttpRequest, wizard: Wizard, step: int) -> HttpResponse | None:
    """Stores the plan and goes to the next step, or back when «Назад» was pressed; None when
    the step's validation found something (in `wizard.errors`): the step is shown again."""
    if request.POST.get("go") == "back":
        _store(request, wizard)
        return redirect("journal:rollover_step", max(step - 1, 1))
    wizard.errors = validate(wizard.plan, step)
    if not wizard.errors:
        wizard.reached = max(wizard.reached, step + 1)
    _store(request, wizard)
    if wizard.errors:
        return None
    return redirect("journal:rollover_step", step + 1)


def _render_step(request: HttpRequest, wizard: Wizard, step: int, template: str,
                 status: int = 200, **context) -> HttpResponse:
    errors = wizard.errors
    return render(request, f"journal/rollover/{template}", {
        "year": wizard.year, "plan": wizard.plan, "step": step, "steps": STEPS,
        "reached": wizard.reached, "errors": errors, "general_errors": errors.get("year", []),
        **context}, status=400 if errors and status == 200 else status)


# The start page and the steps ------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """The current year, whether it may be rolled over, the wizard under way (to continue or
    to begin again) and the school's past rollovers. POST `begin` plans the rollover anew from
    the proposal; POST `discard` forgets the plan."""
    school = _school(request, ROLLOVER_RUNNERS)
    year = _current_year(school)
    done = YearRollover.objects.filter(from_year=year).first() if year else None
    if done is not None:
        return redirect("journal:rollover_record", done.pk)
    refusal = refusal_of(year) if year else "В школе не задан текущий учебный год."
    if request.method == "POST":
        if request.POST.get("action") == "discard":
            _forget(request)
            messages.info(request, "План перехода удалён: в базе данных ничего не менялось.")
            return redirect("journal:rollover")
        if refusal:
            messages.error(request, refusal)
            return redirect("journal:rollover")
        _store(request, Wizard(year, propose_plan(year), 1))
        return redirect("journal:rollover_step", 1)
    return render(request, "journal/rollover/start.html", {
        "school": school, "year": year, "refusal": refusal, "wizard": _stored(request, year),
        "steps": STEPS, "rollovers": _rollovers(school),
        "drafts": TeachingAssignment.objects.filter(year__school=school,
                                                    confirmed=False).count()})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, number: int) -> HttpResponse:
    views = {1: _checks_step, 2: _year_step, 3: _classes_step, 4: _students_step,
             5: _confirm_step}
    if number not in views:
        raise Http404("Шаг не найден.")
    wizard, elsewhere = _wizard(request, number)
    if elsewhere is not None:
        return elsewhere
    return views[number](request, wizard)


def _checks_step(request: HttpRequest, wizard: Wizard) -> HttpResponse:
    form = ChecksForm(request.POST or None,
                      initial={"accept_warnings": wizard.plan.warnings_accepted})
    if request.method == "POST" and form.is_valid():
        wizard.plan.warnings_accepted = form.cleaned_data["accept_warnings"]
        if (moved := _advance(request, wizard, 1)) is not None:
            return moved
    findings = checks(wizard.year)
    return _render_step(request, wizard, 1, "checks.html", form=form,
                        failures=[f for f in findings if f.is_error],
                        warnings=[f for f in findings if not f.is_error])


def _year_step(request: HttpRequest, wizard: Wizard) -> HttpResponse:
    plan = wizard.plan
    new = plan.next_year
    data = request.POST or None
    form = NextYearForm(data, prefix="year", initial=NextYearForm.initial_of(new))
    periods = PeriodFormSet(data, prefix="periods", initial=period_initial(new))
    holidays = HolidayFormSet(data, prefix="holidays", initial=holiday_initial(new))
    status = 200
    if request.method == "POST":
        if form.is_valid() and periods.is_valid() and holidays.is_valid():
            new.name = form.cleaned_data["name"].strip()
            new.starts_on, new.ends_on = form.cleaned_data["starts_on"], form.cleaned_data["ends_on"]
            new.periods, new.holidays = periods.rows(), holidays.rows()
            if (moved := _advance(request, wizard, 2)) is not None:
                return moved
            # The rows as stored, so that the validation's row numbers match the rows shown.
            periods = PeriodFormSet(prefix="periods", initial=period_initial(new))
            holidays = HolidayFormSet(prefix="holidays", initial=holiday_initial(new))
        else:
            status = 400
    return _render_step(
        request, wizard, 2, "year.html", status, form=form, periods=periods, holidays=holidays,
        period_rows=_rows(periods, wizard.errors, "periods"),
        holiday_rows=_rows(holidays, wizard.errors, "holidays"))


def _rows(formset, errors: dict[str, list[str]], key: str) -> list[tuple]:
    """Each form of a formset with the validation's messages about its row."""
    return [(form, errors.get(f"{key}.{index}", [])) for index, form in enumerate(formset)]


def _classes_step(request: HttpRequest, wizard: Wizard) -> HttpResponse:
    plan, year = wizard.plan, wizard.year
    sources = {c.pk: str(c) for c in SchoolClass.objects.filter(year=year)}
    kwargs = {"prefix": "classes", "teachers": _staff(year.school), "sources": sources}
    formset = ClassPlanFormSet(request.POST or None, initial=class_initial(plan.classes),
                               **kwargs)
    status = 200
    if request.method == "POST":
        if formset.is_valid():
            classes = formset.rows()
            plan.students = _replanned(year, plan, classes)
            plan.classes = classes
            if (moved := _advance(request, wizard, 3)) is not None:
                return moved
            formset = ClassPlanFormSet(initial=class_initial(plan.classes), **kwargs)
        else:
            status = 400
    return _render_step(request, wizard, 3, "classes.html", status, formset=formset,
                        class_rows=_rows(formset, wizard.errors, "classes"))


def _replanned(year: AcademicYear, plan: Plan, classes: list[ClassPlan]) -> list[StudentPlan]:
    """The students' decisions after the classes changed: the proposal for the new classes,
    except where the administrator decided otherwise than the old proposal and the class
    they chose is still there."""
    if classes == plan.classes:
        return plan.students
    before = {s.student_id: s for s in propose_decisions(year, plan.classes)}
    keys = {c.key for c in classes if c.key}
    chosen = {s.student_id: s for s in plan.students}
    decided = []
    for proposal in propose_decisions(year, classes):
        mine = chosen.get(proposal.student_id)
        kept = (mine is not None and mine != before.get(proposal.student_id)
                and (mine.to_class_key is None or mine.to_class_key in keys))
        decided.append(mine if kept else proposal)
    return decided


# Step 4: students --------------------------------------------------------------------------

@dataclass
class ClassDecisions:
    """One class of the closing year at step 4: its students' decisions, the decision most of
    them share (the class's own) and who differs from it."""

    school_class: SchoolClass
    students: list[StudentPlan]
    kind: str
    target: str | None
    confirmation: ClassListConfirmation | None = None
    # Whether the class teacher's confirmation still matches the list (None: nothing asked).
    list_confirmed: bool | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def exceptions(self) -> int:
        return sum(1 for s in self.students if (s.kind, s.to_class_key) != (self.kind, self.target))

    @property
    def needing_choice(self) -> int:
        return sum(1 for s in self.students if s.needs_choice)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def _by_class(year: AcademicYear, plan: Plan, errors: dict[str, list[str]]
              ) -> list[ClassDecisions]:
    classes = {c.pk: c for c in SchoolClass.objects.filter(year=year).select_related(
        "list_confirmation__by").order_by("grade", "letter")}
    confirmed = confirmed_lists(year) if year.school.class_teachers_confirm_lists else {}
    students: dict[int, list[StudentPlan]] = {pk: [] for pk in classes}
    for decision in plan.students:
        students.setdefault(decision.from_class_id, []).append(decision)
    rows = []
    for pk, school_class in classes.items():
        own = students.get(pk, [])
        usual = Counter((s.kind, s.to_class_key) for s in own if not s.needs_choice) \
            or Counter((s.kind, s.to_class_key) for s in own)
        kind, target = usual.most_common(1)[0][0] if usual else ("", None)
        rows.append(ClassDecisions(
            school_class, own, kind, target,
            getattr(school_class, "list_confirmation", None), confirmed.get(pk),
            [message for s in own for message in errors.get(f"students.{s.student_id}", [])]))
    return rows


def _apply_class_decisions(rows: list[ClassDecisions], chosen: dict[int, tuple[str, str | None]]
                           ) -> None:
    """A class's decision changed: every student who had the class's old decision gets the
    new one. Those decided otherwise keep theirs, and a student with a «2» or «н/а» as a year
    mark is never promoted ordinarily this way: only one by one."""
    for row in rows:
        new = chosen.get(row.school_class.pk)
        if new is None or new == (row.kind, row.target):
            continue
        kind, target = new
        for student in row.students:
            if (student.kind, student.to_class_key) != (row.kind, row.target):
                continue
            if student.needs_choice and kind == RolloverDecision.Kind.PROMOTE:
                continue
            student.kind, student.to_class_key = kind, target
            if kind != RolloverDecision.Kind.CONDITIONAL:
                student.debts = []


def _students_step(request: HttpRequest, wizard: Wizard) -> HttpResponse:
    plan, year = wizard.plan, wizard.year
    keys = sorted(plan.new_classes(), key=_key_order)
    rows = _by_class(year, plan, {})
    form = OrderForm(request.POST or None, initial=_order_initial(plan, rows),
                     class_ids=[row.school_class.pk for row in rows], class_keys=keys)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            plan.order_number = form.cleaned_data["order_number"].strip()
            plan.order_date = form.cleaned_data["order_date"]
            _apply_class_decisions(rows, form.class_decisions())
            chosen = _chosen_class(request, rows)
            if chosen is not None:  # «Обучающиеся» of a class: what was typed is kept
                _store(request, wizard)
                return redirect("journal:rollover_class", chosen)
            if (moved := _advance(request, wizard, 4)) is not None:
                return moved
            rows = _by_class(year, plan, wizard.errors)
            form = OrderForm(initial=_order_initial(plan, rows),
                             class_ids=[row.school_class.pk for row in rows], class_keys=keys)
        else:
            status = 400
    students_errors = wizard.errors.get("students", [])
    return _render_step(request, wizard, 4, "students.html", status, form=form,
                        class_rows=[(row, form.class_fields(row.school_class.pk)) for row in rows],
                        students_errors=students_errors,
                        confirm_lists=year.school.class_teachers_confirm_lists)


def _chosen_class(request: HttpRequest, rows: list[ClassDecisions]) -> int | None:
    """The class whose students' page was asked for (`go=class:<id>`)."""
    go = request.POST.get("go", "")
    wanted = go.removeprefix("class:") if go.startswith("class:") else None
    return next((row.school_class.pk for row in rows if str(row.school_class.pk) == wanted),
                None)


def _order_initial(plan: Plan, rows: list[ClassDecisions]) -> dict:
    initial = {"order_number": plan.order_number, "order_date": plan.order_date}
    for row in rows:
        initial[f"kind_{row.school_class.pk}"] = row.kind
        initial[f"to_{row.school_class.pk}"] = row.target or ""
    return initial


def _key_order(key: str) -> tuple[int, str]:
    digits = "".join(ch for ch in key if ch.isdigit())
    return int(digits or 0), key[len(digits):]


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def class_decisions(request: HttpRequest, class_id: int) -> HttpResponse:
    """Step 4 for one class: each student's decision, target class, debts and note."""
    wizard, elsewhere = _wizard(request, 4)
    if elsewhere is not None:
        return elsewhere
    plan, year = wizard.plan, wizard.year
    school_class = get_object_or_404(SchoolClass, pk=class_id, year=year)
    own = [s for s in plan.students if s.from_class_id == school_class.pk]
    names = {s.pk: s.user for s in Student.objects.filter(
        pk__in=[d.student_id for d in own]).select_related("user")}
    subjects = [(s.pk, s.name) for s in Subject.objects.filter(school_id=year.school_id)]
    formset = StudentDecisionFormSet(
        request.POST or None, prefix="students", initial=[decision_initial(s) for s in own],
        students={s.student_id for s in own}, class_keys=sorted(plan.new_classes(), key=_key_order),
        subjects=subjects)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        if formset.is_valid():
            flags = {s.student_id: s.needs_choice for s in own}
            decided = {d.student_id: d for d in (
                form.decision(school_class.pk, flags.get(form.cleaned_data["student_id"], False))
                for form in formset)}
            plan.students = [decided.get(s.student_id, s) if s.from_class_id == school_class.pk
                             else s for s in plan.students]
            _store(request, wizard)
            mine = {f"students.{pk}" for pk in decided}
            errors = {key: found for key, found in validate(plan, 4).items() if key in mine}
            if not errors:
                messages.success(request, f"Решения по {school_class} классу сохранены.")
                return redirect("journal:rollover_step", 4)
            own = [decided[s.student_id] for s in own if s.student_id in decided]
            formset = StudentDecisionFormSet(
                prefix="students", initial=[decision_initial(s) for s in own],
                students={s.student_id for s in own},
                class_keys=sorted(plan.new_classes(), key=_key_order), subjects=subjects)
        status = 400
    rows = [(form, decision, names.get(decision.student_id),
             errors.get(f"students.{decision.student_id}", []))
            for form, decision in zip(formset, own, strict=True)]
    return render(request, "journal/rollover/class.html", {
        "year": year, "plan": plan, "step": 4, "steps": STEPS, "reached": wizard.reached,
        "school_class": school_class, "formset": formset, "rows": rows,
        "errors": errors, "general_errors": []}, status=status)


# Step 5: confirm ---------------------------------------------------------------------------

def _confirm_step(request: HttpRequest, wizard: Wizard) -> HttpResponse:
    plan = wizard.plan
    if request.method == "POST":
        try:
            rollover = confirm(plan, request.user)
        except RolloverRefused as exc:
            wizard.errors = exc.errors or {"year": [exc.message]}
            refused = exc.message
        else:
            _forget(request)
            messages.success(request, f"Переход на {rollover.to_year.name} учебный год проведён: "
                                      f"новый год стал текущим.")
            return redirect("journal:rollover_record", rollover.pk)
    else:
        wizard.errors = validate(plan, LAST_STEP)
        refused = None
    by_step: dict[int, list[str]] = {}
    for key, found in wizard.errors.items():
        number = KEY_STEPS.get(key.split(".")[0])
        if number is not None:
            by_step.setdefault(number, []).extend(found)
    counts = plan.counts()
    ended = [c for c in plan.classes if c.action == END]
    sources = {c.pk: str(c) for c in SchoolClass.objects.filter(year=wizard.year)}
    return _render_step(
        request, wizard, LAST_STEP, "confirm.html", refused=refused,
        step_errors=sorted(by_step.items()),
        kinds=[(label, counts.get(kind, 0)) for kind, label in KIND_LABELS.items()],
        counts=counts, created=[(c, sources.get(c.source_class_id)) for c in plan.classes
                                if c.action != END],
        ended=[sources.get(c.source_class_id, c.key) for c in ended])


# The records -------------------------------------------------------------------------------

def _rollovers(school: School):
    return (YearRollover.objects.filter(school=school)
            .select_related("school", "from_year", "to_year", "by").order_by("-at"))


@login_required
@require_GET
def records(request: HttpRequest) -> HttpResponse:
    """The school's past rollovers (administrator, deputy director, director)."""
    school = _school(request, ROLLOVER_READERS)
    person_runs = school_of_role(request.user, ROLLOVER_RUNNERS) is not None
    return render(request, "journal/rollover/records.html", {
        "school": school, "rollovers": _rollovers(school), "runs": person_runs})


def _record_of(request: HttpRequest, rollover_id: int) -> tuple[YearRollover, dict]:
    school = _school(request, ROLLOVER_READERS)
    rollover = get_object_or_404(_rollovers(school), pk=rollover_id)
    decisions = list(
        RolloverDecision.objects.filter(rollover=rollover)
        .select_related("student__user", "from_class", "to_class")
        .prefetch_related(Prefetch("debts", queryset=AcademicDebt.objects
                                   .select_related("subject").order_by("subject__order",
                                                                       "subject__name")))
        .order_by("from_class__grade", "from_class__letter", "student__user__last_name",
                  "student__user__first_name", "student__user__patronymic", "pk"))
    classes: dict[SchoolClass, list[RolloverDecision]] = {}
    for decision in decisions:
        classes.setdefault(decision.from_class, []).append(decision)
    counts = rollover.counts or {}
    return rollover, {
        "rollover": rollover, "school": school, "classes": list(classes.items()),
        "kinds": [(label, counts.get(kind, 0)) for kind, label in KIND_LABELS.items()],
        "totals": [(label, counts[key]) for key, label in COUNT_LABELS.items() if key in counts],
    }


@login_required
@require_GET
def record(request: HttpRequest, rollover_id: int) -> HttpResponse:
    """Who rolled the year over, when, by which order, the counts of each decision and each
    student's decision by class."""
    rollover, context = _record_of(request, rollover_id)
    drafts = TeachingAssignment.objects.filter(year=rollover.to_year, confirmed=False).count()
    return render(request, "journal/rollover/record.html", {**context, "drafts": drafts})


@login_required
@require_GET
def record_pdf(request: HttpRequest, rollover_id: int) -> HttpResponse:
    """The record printed (PDF, A4)."""
    rollover, context = _record_of(request, rollover_id)
    content = render_pdf("journal/rollover/record_pdf.html", context, "css/check-pdf.css")
    return pdf_response(content, f"perehod-{rollover.from_year.name.replace('/', '-')}.pdf",
                        attachment=False)


# The new year's draft journals ---------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def draft_journals(request: HttpRequest) -> HttpResponse:
    """The journals the rollover carried over as drafts: the deputy director (or the
    administrator) checks the teacher and confirms each, or all at once (all or none). The
    teacher gets the journal's rights only then."""
    school = _school(request, ROLLOVER_RUNNERS)
    drafts = list(TeachingAssignment.objects.filter(year__school=school, confirmed=False)
                  .select_related("year", "school_class", "subject", "subgroup", "teacher")
                  .order_by("school_class__grade", "school_class__letter", "subject__order",
                            "subject__name", "subgroup__name", "pk"))
    teachers = _staff(school)
    known = {pk for pk, _ in teachers}
    teachers += sorted({(d.teacher_id, d.teacher.full_name) for d in drafts
                        if d.teacher_id not in known}, key=lambda pair: pair[1])
    form = DraftJournalsForm(request.POST or None, assignments=drafts, teachers=teachers)
    if request.method == "POST":
        chosen = drafts if "confirm_all" in request.POST else [
            d for d in drafts if str(d.pk) == request.POST.get("confirm")]
        if not form.is_valid():
            messages.error(request, "Выберите учителя из списка.")
        elif not chosen:
            messages.info(request, "Нечего подтверждать: журналов-черновиков нет.")
        else:
            refused = _confirm_drafts(request.user, chosen, form)
            if refused:
                messages.error(request, "Журналы не подтверждены, ничего не изменилось:")
                for message in refused:
                    messages.error(request, message)
            else:
                messages.success(request, f"Подтверждено журналов: {len(chosen)}.")
        return redirect("journal:draft_journals")
    return render(request, "journal/rollover/drafts.html", {"school": school, "form": form})


def _confirm_drafts(by: User, drafts: list[TeachingAssignment], form: DraftJournalsForm
                    ) -> list[str]:
    """All of them or none: why each refused one was refused."""
    people = User.objects.in_bulk([form.teacher_of(d) for d in drafts])
    refused = []
    with transaction.atomic():
        for draft in drafts:
            try:
                confirm_assignment(by, draft, people[form.teacher_of(draft)])
            except RolloverRefused as exc:
                refused.append(f"{_journal_name(draft)}: {exc.message}")
        if refused:
            transaction.set_rollback(True)
    return refused


def _journal_name(assignment: TeachingAssignment) -> str:
    group = f" ({assignment.subgroup.name})" if assignment.subgroup_id else ""
    return f"{assignment.school_class} {assignment.subject}{group}"

