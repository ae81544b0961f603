"""The administrator's schedule of portal exports as a form: the daily hours typed as «1, 13»,
the control export's weekday and hour, the full export's day of the month and hour. What makes
no sense (hour 25, the 31st, no weekday) is refused in Russian and nothing is changed."""

from __future__ import annotations

import re

from django import forms

from accounts.role_forms import MarksErrors
from exports.models import ExportSchedule
from exports.portal.schedule import save_schedule

BAD_HOUR = "Час — число от 0 до 23."
NO_HOURS = "Укажите хотя бы один час, например «1» или «1, 13»."
REPEATED_HOUR = "Час {} указан дважды."
NO_WEEKDAY = "Выберите день недели."
BAD_DAY = ("Не в каждом месяце есть {}-е число: выберите число от 1 до 28, оно есть в каждом "
           "месяце.")
MAX_FULL_DAY = 28


def hour_field(label: str) -> forms.IntegerField:
    messages = {"required": "Укажите час.", "invalid": BAD_HOUR, "min_value": BAD_HOUR,
                "max_value": BAD_HOUR}
    return forms.IntegerField(label=label, min_value=0, max_value=23, error_messages=messages,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))


class HoursField(forms.CharField):
    """Hours of the day as text: «1», «1, 13» or «1 13»; a sorted list of numbers."""

    def to_python(self, value) -> list[int]:
        text = super().to_python(value)
        parts = [part for part in re.split(r"[\s,;]+", text) if part]
        hours = []
        for part in parts:
            if not part.isascii() or not part.isdigit() or int(part) > 23:
                raise forms.ValidationError(BAD_HOUR, code="invalid")
            if int(part) in hours:
                raise forms.ValidationError(REPEATED_HOUR.format(int(part)), code="repeated")
            hours.append(int(part))
        return sorted(hours)

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(hour) for hour in value)
        return value


class ScheduleForm(MarksErrors, forms.ModelForm):
    daily_hours = HoursField(
        label="Ежедневная выгрузка, часы", error_messages={"required": NO_HOURS},
        help_text="Час или несколько через запятую, от 0 до 23, например «1» или «1, 13».",
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric"}))
    control_weekday = forms.TypedChoiceField(
        label="Контрольная выгрузка, день недели", coerce=int, empty_value=None,
        choices=[("", "— выберите день —"), *ExportSchedule.Weekday.choices],
        error_messages={"required": NO_WEEKDAY, "invalid_choice": NO_WEEKDAY},
        widget=forms.Select(attrs={"class": "form-select"}))
    control_hour = hour_field("Контрольная выгрузка, час")
    full_day = forms.IntegerField(
        label="Полная выгрузка, число месяца", min_value=1,
        help_text="От 1 до 28.", widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={"required": "Укажите число месяца от 1 до 28.",
                        "invalid": "Число месяца — целое число от 1 до 28.",
                        "min_value": "Число месяца — от 1 до 28."})
    full_hour = hour_field("Полная выгрузка, час")

    class Meta:
        model = ExportSchedule
        fields = ["enabled", "daily_hours", "control_weekday", "control_hour", "full_day",
                  "full_hour"]
        labels = {"enabled": "Выгружать по расписанию"}
        widgets = {"enabled": forms.CheckboxInput(attrs={"class": "form-check-input"})}

    def clean_full_day(self) -> int:
        day = self.cleaned_data["full_day"]
        if day > MAX_FULL_DAY:
            raise forms.ValidationError(BAD_DAY.format(day), code="max_value")
        return day

    def save(self, commit: bool = True, *, by=None) -> ExportSchedule:
        """The schedule kept and beat following it (`save_schedule`), changed by `by`."""
        schedule = super().save(commit=False)
        if commit:
            save_schedule(schedule, by)
        return schedule
