"""Forms of the notifications pages: a user's choices, a refusal, the deliveries log's filter."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import Http404
from django.utils import timezone

from accounts.role_forms import DateSpanFilterForm, MarksErrors
from journal.forms import DateField, TimeField
from messaging.models import Delivery
from messaging.models.notifications import Channel, Event
from messaging.notifications.preferences import OUTSIDE, Reach
from messaging.notifications.queries import DeliveryFilter

EARLIEST = dt.date(2000, 1, 1)
CHECKBOX = {"class": "form-check-input"}


def field_name(event: str, channel: str) -> str:
    return f"{event}-{channel}"


class PreferencesForm(MarksErrors, forms.Form):
    """Per event × channel: on or off. An outside channel the user may not receive (no consent
    or address, a refusal, no SMS gateway) is shown switched off and cannot be changed here:
    a crafted request for it changes nothing."""

    daily_digest = forms.BooleanField(
        label="Присылать электронные письма одной сводкой в день", required=False,
        widget=forms.CheckboxInput(attrs=CHECKBOX))
    quiet_from = TimeField(label="Тихие часы: с", required=True)
    quiet_to = TimeField(label="до", required=True)

    def __init__(self, *args, events: tuple[str, ...], reach: Reach, **kwargs):
        initial = {"daily_digest": reach.digest, "quiet_from": reach.quiet_from,
                   "quiet_to": reach.quiet_to}
        super().__init__(*args, initial=initial, **kwargs)
        self.events, self.reach = events, reach
        for event in events:
            for channel in Channel:
                closed = channel in OUTSIDE and bool(reach.unavailable(channel))
                label = f"{Event(event).label}: {channel.label}"
                self.fields[field_name(event, channel)] = forms.BooleanField(
                    label=label, required=False,
                    widget=forms.CheckboxInput(attrs={**CHECKBOX, "aria-label": label}),
                    disabled=closed, initial=False if closed else reach.wants(event, channel))
        for name in ("quiet_from", "quiet_to"):
            self.fields[name].widget.attrs["id"] = f"id_{name}"

    def rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The table of the page: an event and its channels' checkboxes."""
        return [(Event(event).label, [self[field_name(event, channel)] for channel in Channel])
                for event in self.events]

    def choices(self) -> dict[tuple[str, str], bool]:
        """The choices the user may make (closed channels are left as they are)."""
        return {(event, channel): self.cleaned_data[field_name(event, channel)]
                for event in self.events for channel in Channel
                if not self.fields[field_name(event, channel)].disabled}


class RefusalForm(MarksErrors, forms.Form):
    refused_on = DateField(label="Дата отказа (заявления)")
    document = forms.CharField(
        label="Документ", max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control",
                                      "placeholder": "Например: заявление № 5 от 02.09.2026"}))

    def clean_refused_on(self) -> dt.date:
        day = self.cleaned_data["refused_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("Дата отказа не может быть позже сегодняшнего дня.")
        if day < EARLIEST:
            raise forms.ValidationError(f"Дата не может быть раньше {EARLIEST:%d.%m.%Y}.")
        return day

    def clean_document(self) -> str:
        document = " ".join(self.cleaned_data["document"].split())
        if not document:
            raise forms.ValidationError("Укажите документ: заявление родителя, его номер и "
                                        "дату.")
        return document


class ClassChoiceForm(forms.Form):
    """Which class's parents the refusals page lists; a class the user may not see is a
    crafted request: `checked` answers it 404."""

    school_class = forms.ModelChoiceField(label="Класс", queryset=None, required=False,
                                          empty_label="выберите класс")

    def __init__(self, data, classes, **kwargs):
        super().__init__(data, **kwargs)
        field = self.fields["school_class"]
        field.queryset = classes.order_by("grade", "letter")
        field.widget.attrs.update({"class": "form-select", "id": "refusal-class"})

    def chosen(self):
        if not self.is_bound:
            return None
        if not self.is_valid():
            raise Http404("Класс не найден.")
        return self.cleaned_data["school_class"]


class DeliveryFilterForm(DateSpanFilterForm):
    """The deliveries log's filter: a class of another school is a crafted request
    (`checked` answers it 404)."""

    status = forms.ChoiceField(label="Состояние", required=False,
                               choices=[("", "все"), *Delivery.Status.choices])
    channel = forms.ChoiceField(label="Канал", required=False,
                                choices=[("", "все"), (Channel.EMAIL, Channel.EMAIL.label),
                                         (Channel.SMS, Channel.SMS.label)])
    field_order = ["status", "channel", "date_from", "date_to", "school_class"]

    def delivery_filter(self) -> DeliveryFilter:
        """Nothing narrowed while the form has errors (the page says which)."""
        if not (self.is_bound and self.is_valid()):
            return DeliveryFilter()
        return DeliveryFilter(**self.cleaned_data)
