"""The movement page's forms: one per kind of move, and the filter of the year's moves. Each
form offers whom it makes sense to choose (a student without a class for an arrival, a student
in a class for the others) but accepts any of the school's: the service refuses a wrong choice
in Russian, and an id that is not the school's is a crafted request (`crafted`: 404)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from accounts.role_forms import MarksErrors, SchoolFilterForm
from journal.forms import DateField
from journal.models import AcademicYear, StudentMove
from journal.queries import movement as queries
from journal.services.movement import (
    NO_ORDER_DATE,
    NO_ORDER_NUMBER,
    ORDER_NUMBER_LENGTH,
    REASON_LENGTH,
)

Kind = StudentMove.Kind
CHOSEN = ("student", "school_class", "subgroup")


def _offer(field: forms.ModelChoiceField, offered, label) -> None:
    """Shows `offered` in the field's list; its queryset still decides what is accepted."""
    field.choices = [("", field.empty_label), *((obj.pk, label(obj)) for obj in offered)]


def _current_student(student) -> str:
    return f"{student.user.full_name} — {student.class_grade}{student.class_letter}"


def _new_student(student) -> str:
    return f"{student.user.full_name}, {student.birth_date:%d.%m.%Y} г. р."


class MoveForm(MarksErrors, forms.Form):
    """What every move has: the student, the date and the order."""

    kind: str
    date_label = "Дата"
    date_help = ""
    reason_label = "Основание"
    reason_required = False

    student = forms.ModelChoiceField(label="Обучающийся", queryset=None,
                                     empty_label="— выберите —",
                                     error_messages={"required": "Выберите обучающегося."})
    on = DateField(label="Дата", error_messages={"required": "Укажите дату."})
    order_number = forms.CharField(label="Номер приказа", max_length=ORDER_NUMBER_LENGTH,
                                   error_messages={"required": NO_ORDER_NUMBER})
    order_date = DateField(label="Дата приказа", error_messages={"required": NO_ORDER_DATE})
    reason = forms.CharField(label="Основание", required=False, max_length=REASON_LENGTH)

    def __init__(self, *args, year: AcademicYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        today = timezone.localdate()
        self.day = today if year.contains(today) else year.starts_on
        self.fields["student"].queryset = queries.school_students(year)
        self.fields["on"].label, self.fields["on"].help_text = self.date_label, self.date_help
        self.fields["reason"].label = self.reason_label
        self.fields["reason"].required = self.reason_required
        self.fields["reason"].error_messages["required"] = f"Заполните поле «{self.reason_label}»."
        self.offer()
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"move-{name.replace('_', '-')}")

    def offer(self) -> None:
        _offer(self.fields["student"], queries.students_in_classes(self.year, self.day),
               _current_student)

    @property
    def crafted(self) -> bool:
        return any(self.has_error(name, "invalid_choice") for name in CHOSEN if name in self.fields)

    def refuse(self, field: str | None, message: str) -> None:
        """The service's refusal, under its field (drawn invalid) or over the form."""
        name = field if field in self.fields else None
        self.add_error(name, message)
        if name is not None:
            attrs = self.fields[name].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{attrs['id']}-error"


class ArrivalForm(MoveForm):
    kind = Kind.ARRIVAL
    date_label = "Дата зачисления"
    date_help = "Первый день в классе."
    reason_label = "Откуда прибыл(а)"

    school_class = forms.ModelChoiceField(label="В класс", queryset=None,
                                          empty_label="— выберите —",
                                          error_messages={"required": "Выберите класс."})
    field_order = ["student", "school_class", "on", "order_number", "order_date", "reason"]

    def offer(self) -> None:
        self.fields["school_class"].queryset = queries.year_classes(self.year)
        _offer(self.fields["student"], queries.students_without_class(self.year, self.day),
               _new_student)


class TransferForm(MoveForm):
    kind = Kind.TRANSFER
    date_label = "Дата перевода"
    date_help = "Первый день в новом классе: в прежнем обучающийся числится по предыдущий день."

    school_class = forms.ModelChoiceField(label="В класс", queryset=None,
                                          empty_label="— выберите —",
                                          error_messages={"required": "Выберите класс."})
    field_order = ["student", "school_class", "on", "order_number", "order_date", "reason"]

    def offer(self) -> None:
        super().offer()
        self.fields["school_class"].queryset = queries.year_classes(self.year)


class SubgroupForm(MoveForm):
    kind = Kind.SUBGROUP
    date_label = "Дата по приказу"
    date_help = ("Состав подгрупп хранится без дат: обучающийся переходит в новую подгруппу "
                 "сразу, в журнале прежней подгруппы его строки больше нет (отметки "
                 "сохраняются и видны в дневнике).")

    subgroup = forms.ModelChoiceField(label="В подгруппу", queryset=None,
                                      empty_label="— выберите —",
                                      error_messages={"required": "Выберите подгруппу."})
    field_order = ["student", "subgroup", "on", "order_number", "order_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["reason"]

    def offer(self) -> None:
        super().offer()
        field = self.fields["subgroup"]
        field.queryset = queries.year_subgroups(self.year)
        field.label_from_instance = lambda g: f"{g.school_class}, {g.subject}: {g.name}"


class DepartureForm(MoveForm):
    kind = Kind.DEPARTURE
    date_label = "Дата выбытия"
    date_help = "Последний день в классе."
    reason_label = "Куда выбыл(а) или причина"
    reason_required = True
    field_order = ["student", "on", "order_number", "order_date", "reason"]


FORMS: dict[str, type[MoveForm]] = {form.kind: form for form in (
    ArrivalForm, TransferForm, SubgroupForm, DepartureForm)}


class MoveFilterForm(SchoolFilterForm):
    """The year's moves: by class (the current year's), kind and month."""

    kind = forms.ChoiceField(label="Вид", required=False, choices=[("", "все"), *Kind.choices])
    month = forms.ChoiceField(label="Месяц", required=False)
    field_order = ["school_class", "kind", "month"]

    def __init__(self, data, school, year: AcademicYear | None, **kwargs):
        super().__init__(data, school, **kwargs)
        self.months = {m.param: m for m in queries.year_months(year)} if year else {}
        self.fields["month"].choices = [("", "все"), *((key, m.title)
                                                       for key, m in self.months.items())]

    def wanted(self) -> queries.MoveFilter:
        return queries.MoveFilter(school_class=self.value("school_class"),
                                  kind=self.value("kind", ""),
                                  month=self.months.get(self.value("month", "")))
