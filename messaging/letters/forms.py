"""The order of an information letter: whom (one student of the class or the whole class),
the span (a study period of the class's year or any dates inside it), the class teacher's note,
and for the whole class one PDF or one PDF per student."""

from __future__ import annotations

import datetime as dt

from django import forms

from journal.forms import DateField
from journal.models import SchoolClass, StudyPeriod
from journal.queries.grid import period_for
from messaging.letters.queries import NO_STUDENTS, class_enrolments, class_students

ONE_FILE, FILE_EACH = "one", "each"
NOTE_LENGTH = 3000


class LetterForm(forms.Form):
    student = forms.ModelChoiceField(label="О ком", queryset=None, required=False,
                                     empty_label="Весь класс")
    period = forms.ModelChoiceField(label="Период", queryset=None, required=False,
                                    empty_label="Свои даты (указать ниже)")
    date_from = DateField(label="С", required=False)
    date_to = DateField(label="По", required=False)
    note = forms.CharField(label="Слово классного руководителя", required=False,
                           max_length=NOTE_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
                           help_text="Обычный текст; он будет в письме каждого обучающегося.")
    files = forms.ChoiceField(label="Для всего класса", initial=ONE_FILE, required=False,
                              widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                              choices=[
                                  (ONE_FILE, "один PDF на класс, каждый обучающийся с новой страницы"),
                                  (FILE_EACH, "отдельный PDF на каждого обучающегося (ZIP-архив)")])

    def __init__(self, *args, school_class: SchoolClass, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.school_class = school_class
        self.fields["student"].queryset = class_students(school_class)
        self.fields["student"].widget.attrs.update({"class": "form-select",
                                                    "data-letters-student": True})
        periods = (StudyPeriod.objects.filter(year_id=school_class.year_id)
                   .for_grade(school_class.grade).order_by("starts_on"))
        self.fields["period"].queryset = periods
        self.fields["period"].label_from_instance = (
            lambda p: f"{p.title}: {p.starts_on:%d.%m.%Y}–{p.ends_on:%d.%m.%Y}")
        self.fields["period"].widget.attrs.update({"class": "form-select",
                                                   "data-letters-period": True})
        if not self.is_bound and school_class.year.contains(today):
            self.initial.setdefault("period", period_for(list(periods), today))

    @property
    def crafted_student(self) -> bool:
        """A student id that is nobody of the class's year: the page answers 404."""
        return self.has_error("student", "invalid_choice")

    @property
    def one_file(self) -> bool:
        return self.cleaned_data["files"] != FILE_EACH

    def clean(self):
        data = super().clean()
        period = data.get("period")
        if period is not None:  # the dates typed, if any, are not asked for then
            data["date_from"], data["date_to"] = period.starts_on, period.ends_on
            for name in ("date_from", "date_to"):
                self.errors.pop(name, None)
        start, end = data.get("date_from"), data.get("date_to")
        for name, day in (("date_from", start), ("date_to", end)):
            if day is None and name not in self.errors:
                self.add_error(name, "Укажите дату или выберите учебный период.")
        if start is None or end is None:
            return data
        if end < start:
            self.add_error("date_to", "Дата окончания раньше даты начала.")
            return data
        year = self.school_class.year
        outside = (f"Даты должны быть в пределах учебного года {year.name}: "
                   f"с {year.starts_on:%d.%m.%Y} по {year.ends_on:%d.%m.%Y}.")
        for name, day in (("date_from", start), ("date_to", end)):
            if not year.contains(day):
                self.add_error(name, outside)
        if self.errors:
            return data
        enrolled = class_enrolments(self.school_class, start, end)
        student = data.get("student")
        if student is not None and not enrolled.filter(student=student).exists():
            self.add_error("student", f"{student.user.full_name} не учился(ась) в "
                                      f"{self.school_class} классе с {start:%d.%m.%Y} "
                                      f"по {end:%d.%m.%Y}.")
        elif student is None and not enrolled.exists():
            self.add_error(None, NO_STUDENTS)
        return data
