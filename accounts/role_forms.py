"""Forms of the personal-data officer's, the e-diary coordinator's and the secretary's pages:
the filters of their lists and the secretary's notice of change."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.utils import timezone

from accounts.models import PersonalDataEvent
from accounts.permissions import school_classes
from accounts.queries.families import Chase, ConsentStatus
from accounts.queries.people import Movement
from accounts.queries.personal_data import LogFilter
from accounts.queries.search import SEARCH_LENGTH
from journal.forms import DateField


class MarksErrors:
    """Fields with an error are drawn invalid and point to their message (`_field.html`)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{attrs.get('id') or 'id_' + name}-error"


class ClassField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class SchoolFilterForm(MarksErrors, forms.Form):
    """A filter of one school's list: its class field offers the school's current classes
    only. A class of another school is a crafted request: `checked` answers it 404."""

    school_class = ClassField(label="Класс", required=False, queryset=None, empty_label="все")

    def __init__(self, data, school, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["school_class"].queryset = school_classes(school)
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"filter-{name.replace('_', '-')}")

    def checked(self) -> SchoolFilterForm:
        if self.is_bound and not self.is_valid():
            errors = self.errors.as_data()
            if any(e.code == "invalid_choice" for e in errors.get("school_class", [])):
                raise Http404("Класс не найден.")
        return self

    def value(self, name: str, default=None):
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get(name) or default
        return default


class DateSpanFilterForm(SchoolFilterForm):
    """A school's filter with a span of dates, «по» not before «с»."""

    date_from = DateField(label="С", required=False)
    date_to = DateField(label="По", required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "Дата «по» раньше даты «с».")
        return data


class LogFilterForm(DateSpanFilterForm):
    kind = forms.ChoiceField(label="Что", required=False,
                             choices=[("", "всё"), *PersonalDataEvent.Kind.choices])
    actor = forms.CharField(label="Кто", required=False, max_length=SEARCH_LENGTH,
                            widget=forms.TextInput(attrs={"placeholder": "Фамилия или логин",
                                                          "type": "search"}))
    subject = forms.CharField(label="Чьи данные", required=False, max_length=SEARCH_LENGTH,
                              widget=forms.TextInput(attrs={"placeholder": "Фамилия или логин",
                                                            "type": "search"}))
    field_order = ["date_from", "date_to", "kind", "actor", "subject", "school_class"]

    def log_filter(self) -> LogFilter:
        """What the log is narrowed to; nothing while the form has errors (the page says
        which), so a bad date never silently widens or narrows the list."""
        if not (self.is_bound and self.is_valid()):
            return LogFilter()
        data = self.cleaned_data
        return LogFilter(date_from=data["date_from"], date_to=data["date_to"], kind=data["kind"],
                         actor=data["actor"].strip(), subject=data["subject"].strip(),
                         school_class=data["school_class"])


class ConsentFilterForm(SchoolFilterForm):
    status = forms.ChoiceField(label="Документ", required=False, choices=ConsentStatus.CHOICES)
    q = forms.CharField(label="Родитель", required=False, max_length=SEARCH_LENGTH,
                        widget=forms.TextInput(attrs={"placeholder": "Фамилия", "type": "search"}))
    field_order = ["q", "status", "school_class"]


class ChaseFilterForm(SchoolFilterForm):
    which = forms.ChoiceField(label="Список", required=False, choices=Chase.CHOICES)
    field_order = ["which", "school_class"]


class PeopleSearchForm(SchoolFilterForm):
    KINDS = [("students", "Обучающиеся"), ("parents", "Родители")]

    q = forms.CharField(label="Фамилия, имя или логин", required=False, max_length=SEARCH_LENGTH,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": "Например, Петров Вас"}))
    kind = forms.ChoiceField(label="Кого искать", required=False, choices=KINDS)
    field_order = ["q", "kind", "school_class"]


class MovementFilterForm(SchoolFilterForm):
    kind = forms.ChoiceField(label="Движение", required=False, choices=Movement.CHOICES)
    field_order = ["kind", "school_class"]


class NoticeForm(MarksErrors, forms.Form):
    """A family's notice that their data changed, as the secretary received it."""

    received_on = DateField(label="Уведомление получено")
    description = forms.CharField(
        label="Что изменилось", max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "Например: новый адрес проживания"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].widget.attrs["id"] = "notice-received-on"
        self.fields["description"].widget.attrs.update({"class": "form-control",
                                                        "id": "notice-description"})

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("Дата получения уведомления ещё не наступила.")
        return day

    def clean_description(self):
        text = " ".join(self.cleaned_data["description"].split())
        if not text:
            raise forms.ValidationError("Напишите, что изменилось.")
        return text
