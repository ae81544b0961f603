"""The year rollover wizard's forms: each step's form reads what the administrator typed and
gives it back as the plan's dataclasses (`journal.queries.rollover`); the plan's own rules are
`validate`'s, not these forms'. Only what a field cannot hold (a date that is not a date, a
grade out of 1–11) is refused here."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from journal.forms import DateField, DateInput
from journal.models import RolloverDecision, StudyPeriod
from journal.queries.rollover import (
    CLASS_ACTIONS,
    END,
    NEW,
    PROMOTE,
    ClassPlan,
    HolidayPlan,
    NextYear,
    PeriodPlan,
    StudentPlan,
)

KINDS = RolloverDecision.Kind.choices
GRADE = [MinValueValidator(1), MaxValueValidator(11)]


def _small(widget: type[forms.Widget], **attrs) -> forms.Widget:
    return widget(attrs={"class": "form-control form-control-sm", **attrs})


def _select(**attrs) -> forms.Select:
    return forms.Select(attrs={"class": "form-select form-select-sm", **attrs})


def _date() -> DateInput:
    return DateInput(attrs={"class": "form-control form-control-sm"})


def _grade(label: str, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=label, validators=GRADE, widget=_small(
        forms.NumberInput, min=1, max=11, inputmode="numeric"), **kwargs)


class RowForm(forms.Form):
    """A row of a formset. The spare rows for adding are left out when nothing was typed in
    them (Django skips their validation then, and their `cleaned_data` is empty)."""

    @property
    def is_blank(self) -> bool:
        return not getattr(self, "cleaned_data", None)


# Step 1 ----------------------------------------------------------------------------------

class ChecksForm(forms.Form):
    accept_warnings = forms.BooleanField(
        label="Продолжить, несмотря на предупреждения", required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))


# Step 2 ----------------------------------------------------------------------------------

class NextYearForm(forms.Form):
    name = forms.CharField(label="Название учебного года", max_length=20,
                           widget=_small(forms.TextInput, placeholder="2027/2028"))
    starts_on = DateField(label="Начало", widget=_date())
    ends_on = DateField(label="Окончание", widget=_date())

    @classmethod
    def initial_of(cls, year: NextYear) -> dict:
        return {"name": year.name, "starts_on": year.starts_on, "ends_on": year.ends_on}


class PeriodForm(RowForm):
    kind = forms.ChoiceField(label="Вид", choices=[("", "—"), *StudyPeriod.Kind.choices],
                             widget=_select())
    number = forms.IntegerField(label="№", validators=[MinValueValidator(1),
                                                       MaxValueValidator(4)],
                                widget=_small(forms.NumberInput, min=1, max=4))
    starts_on = DateField(label="Начало", widget=_date())
    ends_on = DateField(label="Окончание", widget=_date())
    grade_from = _grade("С класса", initial=1)
    grade_to = _grade("По класс", initial=11)

    def plan(self) -> PeriodPlan:
        data = self.cleaned_data
        return PeriodPlan(kind=data["kind"], number=data["number"], starts_on=data["starts_on"],
                          ends_on=data["ends_on"], grade_from=data["grade_from"],
                          grade_to=data["grade_to"])


class HolidayForm(RowForm):
    name = forms.CharField(label="Название", max_length=100, widget=_small(forms.TextInput))
    starts_on = DateField(label="С", widget=_date())
    ends_on = DateField(label="По", widget=_date())
    grade_from = _grade("С класса", initial=1)
    grade_to = _grade("По класс", initial=11)

    def plan(self) -> HolidayPlan:
        data = self.cleaned_data
        return HolidayPlan(name=data["name"], starts_on=data["starts_on"],
                           ends_on=data["ends_on"], grade_from=data["grade_from"],
                           grade_to=data["grade_to"])


class RowFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def rows(self) -> list:
        """The plan's rows: the filled ones not marked to delete."""
        return [form.plan() for form in self.forms
                if form.cleaned_data and not form.is_blank
                and not form.cleaned_data.get("DELETE")]


PeriodFormSet = forms.formset_factory(PeriodForm, formset=RowFormSet, extra=1, can_delete=True)
HolidayFormSet = forms.formset_factory(HolidayForm, formset=RowFormSet, extra=2,
                                       can_delete=True)


def period_initial(year: NextYear) -> list[dict]:
    return [vars(period).copy() for period in year.periods]


def holiday_initial(year: NextYear) -> list[dict]:
    return [vars(holiday).copy() for holiday in year.holidays]


# Step 3 ----------------------------------------------------------------------------------

class ClassPlanForm(RowForm):
    """A class of the new year: one carried from this year (promoted or ended) or a new one
    (the spare rows)."""

    source_class_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    action = forms.ChoiceField(label="Что будет с классом", choices=CLASS_ACTIONS.items(),
                               widget=_select())
    grade = _grade("Параллель", required=False)
    letter = forms.CharField(label="Литера", max_length=3, required=False,
                             widget=_small(forms.TextInput, size=3))
    class_teacher_id = forms.TypedChoiceField(label="Классный руководитель", required=False,
                                              coerce=int, empty_value=None, widget=_select())

    def __init__(self, *args, teachers: list[tuple[int, str]], sources: dict[int, str],
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_teacher_id"].choices = [("", "— не назначен —"), *teachers]
        self.sources = sources
        source = self.initial.get("source_class_id")
        self.source_name = sources.get(source) if source else None
        # A class of this year goes up or ends; a row without one is a new class.
        actions = (PROMOTE, END) if source else (NEW,)
        self.fields["action"].choices = [(action, CLASS_ACTIONS[action]) for action in actions]
        if not source:
            self.fields["action"].initial = NEW

    def clean_source_class_id(self):
        source = self.cleaned_data.get("source_class_id")
        if source is not None and source not in self.sources:
            raise forms.ValidationError("Класс не найден.")
        return source

    def clean_letter(self):
        return (self.cleaned_data.get("letter") or "").strip().upper()

    def clean(self):
        data = super().clean()
        if self.errors or data.get("action") == END:
            return data
        if not data.get("grade"):
            self.add_error("grade", "Укажите параллель.")
        if not data.get("letter"):
            self.add_error("letter", "Укажите литеру.")
        return data

    def plan(self) -> ClassPlan:
        data = self.cleaned_data
        return ClassPlan(source_class_id=data.get("source_class_id"), grade=data.get("grade"),
                         letter=data.get("letter") or "",
                         class_teacher_id=data.get("class_teacher_id"), action=data["action"])


class BaseClassPlanFormSet(RowFormSet):
    def __init__(self, *args, teachers, sources, **kwargs):
        super().__init__(*args, form_kwargs={"teachers": teachers, "sources": sources},
                         **kwargs)


ClassPlanFormSet = forms.formset_factory(ClassPlanForm, formset=BaseClassPlanFormSet, extra=3,
                                        can_delete=True)


def class_initial(classes: list[ClassPlan]) -> list[dict]:
    return [vars(plan).copy() for plan in classes]


# Step 4 ----------------------------------------------------------------------------------

class OrderForm(forms.Form):
    """The order's number and date, and each class's decision for all its students but the
    exceptions: `kind_<class id>` and the new year's class `to_<class id>`."""

    order_number = forms.CharField(label="Номер приказа", max_length=30, required=False,
                                   widget=_small(forms.TextInput))
    order_date = DateField(label="Дата приказа", required=False, widget=_date())

    def __init__(self, *args, class_ids: list[int], class_keys: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.class_ids = class_ids
        targets = [("", "— без класса —"), *((key, key) for key in class_keys)]
        for class_id in class_ids:
            self.fields[f"kind_{class_id}"] = forms.ChoiceField(
                label="Решение по классу", choices=[("", "—"), *KINDS], required=False,
                widget=_select())
            self.fields[f"to_{class_id}"] = forms.ChoiceField(
                label="В класс", choices=targets, required=False, widget=_select())

    def class_fields(self, class_id: int) -> tuple[forms.BoundField, forms.BoundField]:
        return self[f"kind_{class_id}"], self[f"to_{class_id}"]

    def class_decisions(self) -> dict[int, tuple[str, str | None]]:
        """The decision chosen for each class: (kind, the new class's key or None)."""
        data = self.cleaned_data
        return {class_id: (data[f"kind_{class_id}"], data[f"to_{class_id}"] or None)
                for class_id in self.class_ids if data.get(f"kind_{class_id}")}


class StudentDecisionForm(forms.Form):
    """One student's decision: kind, the new year's class (its key, «6А»), the subjects of an
    academic debt and a note."""

    student_id = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="Решение", choices=KINDS, widget=_select())
    to_class_key = forms.ChoiceField(label="В класс", required=False, widget=_select())
    debts = forms.TypedMultipleChoiceField(
        label="Задолженность по предметам", required=False, coerce=int,
        widget=forms.SelectMultiple(attrs={"class": "form-select form-select-sm", "size": 3}))
    note = forms.CharField(label="Примечание", max_length=300, required=False,
                           widget=_small(forms.TextInput))

    def __init__(self, *args, students: set[int], class_keys: list[str],
                 subjects: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.students = students
        self.fields["to_class_key"].choices = [("", "—"), *((key, key) for key in class_keys)]
        self.fields["debts"].choices = subjects

    def clean_student_id(self):
        student = self.cleaned_data["student_id"]
        if student not in self.students:
            raise forms.ValidationError("Обучающийся не из этого класса.")
        return student

    def decision(self, from_class_id: int, needs_choice: bool) -> StudentPlan:
        data = self.cleaned_data
        return StudentPlan(student_id=data["student_id"], from_class_id=from_class_id,
                           kind=data["kind"], to_class_key=data["to_class_key"] or None,
                           debts=list(data["debts"]), note=data["note"].strip(),
                           needs_choice=needs_choice)


class BaseStudentDecisionFormSet(forms.BaseFormSet):
    def __init__(self, *args, students, class_keys, subjects, **kwargs):
        super().__init__(*args, form_kwargs={"students": students, "class_keys": class_keys,
                                             "subjects": subjects}, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            student = form.cleaned_data.get("student_id")
            if student in seen:
                raise forms.ValidationError("У обучающегося может быть только одно решение.")
            seen.add(student)


StudentDecisionFormSet = forms.formset_factory(StudentDecisionForm,
                                               formset=BaseStudentDecisionFormSet, extra=0)


def decision_initial(decision: StudentPlan) -> dict:
    return {"student_id": decision.student_id, "kind": decision.kind,
            "to_class_key": decision.to_class_key or "", "debts": list(decision.debts),
            "note": decision.note}


# The deputy's draft journals -------------------------------------------------------------

class DraftJournalsForm(forms.Form):
    """The teacher of each draft journal (`teacher_<assignment id>`); the button pressed says
    which journal to confirm (`confirm`) or all of them (`confirm_all`)."""

    def __init__(self, *args, assignments, teachers: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.assignments = list(assignments)
        for assignment in self.assignments:
            self.fields[f"teacher_{assignment.pk}"] = forms.TypedChoiceField(
                label="Учитель", choices=teachers, coerce=int, initial=assignment.teacher_id,
                widget=_select())

    def rows(self):
        for assignment in self.assignments:
            yield assignment, self[f"teacher_{assignment.pk}"]

    def teacher_of(self, assignment) -> int:
        return self.cleaned_data[f"teacher_{assignment.pk}"]
