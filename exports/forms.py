"""The form of every report: the scope (a class, a grade or the whole school, as far as the
user's rights go), the span (a study period of the scope's year, or dates inside it) and the
report's own fields. A class, grade or period that is not on offer to the user is a crafted
request (`crafted`: the page answers 404); a period of another year, a missing span or dates
the wrong way round are told in Russian. `to_data` gives what was chosen as primary keys and
ISO dates, so that a background run checks it again, rights included, as the same form."""

from __future__ import annotations

import copy
import datetime as dt

from django import forms

from accounts.role_forms import MarksErrors
from exports.access import ReportRights
from exports.registry import CLASS, GRADE, SCOPE_LABELS, Exporter, Params
from exports.table import Scope, Span
from journal.forms import DateField
from journal.models import AcademicYear, StudyPeriod

# The fields whose choices only the user's rights make: a value off the list is crafted.
OFFERED = ("scope", "school_class", "grade", "period")
NO_SPAN = "Выберите учебный период или укажите даты «с» и «по»."


def period_label(period: StudyPeriod) -> str:
    return f"{period}: {period.starts_on:%d.%m.%Y}–{period.ends_on:%d.%m.%Y}"


class ReportForm(MarksErrors, forms.Form):
    scope = forms.ChoiceField(label="Для кого", widget=forms.RadioSelect)
    school_class = forms.ModelChoiceField(label="Класс", queryset=None, required=False,
                                          empty_label="— выберите класс —")
    grade = forms.TypedChoiceField(label="Параллель", coerce=int, required=False,
                                   empty_value=None)
    period = forms.ModelChoiceField(label="Период", queryset=None, required=False,
                                    empty_label="Свои даты (указать ниже)")
    date_from = DateField(label="С", required=False)
    date_to = DateField(label="По", required=False)

    def __init__(self, data=None, *, exporter: Exporter, rights: ReportRights,
                 today: dt.date, **kwargs):
        super().__init__(data, **kwargs)
        self.exporter, self.rights = exporter, rights
        scopes = rights.scopes_for(exporter)
        self.fields["scope"].choices = [(s, SCOPE_LABELS[s]) for s in scopes]
        self.fields["scope"].widget.attrs["class"] = "form-check-input"
        if len(scopes) == 1:
            self.fields["scope"].widget = forms.HiddenInput()
        self.initial.setdefault("scope", scopes[0] if scopes else CLASS)
        classes = rights.classes_for(exporter)
        self.fields["school_class"].queryset = classes
        self.classes = list(classes)
        if len(self.classes) == 1:
            self.initial.setdefault("school_class", self.classes[0].pk)
        checked = [c for c in self.classes if c.year.school_id == getattr(rights.checks, "pk", None)]
        self.fields["grade"].choices = [("", "— выберите параллель —")] + [
            (grade, f"{grade}-е классы") for grade in sorted({c.grade for c in checked})]
        self.year = self._current_year()
        period = self.fields["period"]
        period.queryset = rights.periods_for(exporter)
        period.label_from_instance = period_label
        # Offered: the current year's periods; accepted: any of the school's, so that one of
        # another year is told as such instead of being taken for a crafted id.
        offered = list(period.queryset.filter(year=self.year).order_by("grade_from", "starts_on"))
        if len(self.classes) == 1:  # a class teacher's: the periods of their class's grade
            offered = [p for p in offered if p.applies_to_grade(self.classes[0].grade)]
        period.widget.choices = [("", period.empty_label)] + [
            (p.pk, period_label(p)) for p in offered]
        current = next((p for p in offered if p.starts_on <= today <= p.ends_on), None)
        if current is not None:
            self.initial.setdefault("period", current.pk)
        for name, field in exporter.fields.items():
            self.fields[name] = copy.deepcopy(field)
        for name, field in self.fields.items():
            if name == "scope":
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs.setdefault("class", css)
        self.fields["period"].widget.attrs["data-report-period"] = True

    def _current_year(self) -> AcademicYear | None:
        """The year of the classes on offer: the current one of the school checked, or of the
        user's classes."""
        if self.rights.checks_for(self.exporter):
            return AcademicYear.objects.filter(school=self.rights.checks, is_current=True).first()
        return self.classes[0].year if self.classes else None

    @property
    def own_fields(self) -> list:
        return [self[name] for name in self.exporter.fields]

    @property
    def crafted(self) -> bool:
        """A scope, class, grade or period that was never offered to this user."""
        return any(self.has_error(name, "invalid_choice") for name in OFFERED)

    def clean(self):
        data = super().clean()
        if self.crafted:
            return data
        scope = data.get("scope")
        if scope == CLASS and data.get("school_class") is None:
            self.add_error("school_class", "Выберите класс.")
        if scope == GRADE and data.get("grade") is None:
            self.add_error("grade", "Выберите параллель.")
        if self.year is None:
            raise forms.ValidationError("В школе не задан текущий учебный год: отчёт не за что "
                                        "составить.")
        self._clean_span(data, scope)
        return data

    def _grade_of(self, data, scope) -> int | None:
        if scope == CLASS and data.get("school_class") is not None:
            return data["school_class"].grade
        return data.get("grade") if scope == GRADE else None

    def _clean_span(self, data, scope) -> None:
        year, period = self.year, data.get("period")
        if period is not None:
            if period.year_id != year.pk:
                self.add_error("period", f"Период «{period_label(period)}» относится к "
                                         f"{period.year.name} учебному году, а отчёт "
                                         f"составляется за {year.name}.")
                return
            grade = self._grade_of(data, scope)
            if grade is not None and not period.applies_to_grade(grade):
                self.add_error("period", f"«{period}» — период {period.grade_from}–"
                                         f"{period.grade_to} классов, а не {grade}-х.")
                return
            data["date_from"], data["date_to"] = period.starts_on, period.ends_on
            for name in ("date_from", "date_to"):
                self.errors.pop(name, None)
            return
        start, end = data.get("date_from"), data.get("date_to")
        if "date_from" in self.errors or "date_to" in self.errors:
            return
        if start is None or end is None:
            self.add_error("date_from" if start is None else "date_to", NO_SPAN)
            return
        if end < start:
            self.add_error("date_to", "Дата «по» раньше даты «с».")
            return
        outside = (f"Даты должны быть в пределах {year.name} учебного года: "
                   f"с {year.starts_on:%d.%m.%Y} по {year.ends_on:%d.%m.%Y}.")
        for name, day in (("date_from", start), ("date_to", end)):
            if not year.contains(day):
                self.add_error(name, outside)

    def params(self) -> Params:
        """What the valid form asks for, with the journals the user may draw on."""
        data = self.cleaned_data
        scope_kind, school_class = data["scope"], data.get("school_class")
        school = school_class.year.school if scope_kind == CLASS else self.rights.checks
        scope = Scope(school=school, grade=data.get("grade") if scope_kind == GRADE else None,
                      school_class=school_class if scope_kind == CLASS else None)
        span = Span(data["date_from"], data["date_to"], data.get("period"))
        journals = (self.rights.journals_for(self.exporter, school_class)
                    if scope_kind == CLASS else None)
        options = {name: data.get(name) for name in self.exporter.fields}
        return Params(scope=scope, span=span, options=options, journals=journals)

    def to_data(self) -> dict:
        """The choices as the form reads them again (primary keys, ISO dates)."""
        data = self.cleaned_data
        scope = data["scope"]
        chosen = {
            "scope": scope,
            "school_class": data["school_class"].pk if scope == CLASS else "",
            "grade": data["grade"] if scope == GRADE else "",
            "period": data["period"].pk if data.get("period") else "",
            "date_from": data["date_from"].isoformat(),
            "date_to": data["date_to"].isoformat(),
        }
        for name in self.exporter.fields:
            value = data.get(name)
            chosen[name] = value.isoformat() if isinstance(value, dt.date) else value
        return chosen
