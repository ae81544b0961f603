"""The mail's forms: a new message (recipients from the picker), a reply, the inbox search."""

from __future__ import annotations

from django import forms
from django.http import Http404

from journal.forms import MultipleFileField, MultipleFileInput
from journal.services.homework import ACCEPT
from messaging.mail.audience import NOT_ALLOWED
from messaging.mail.queries import Section
from messaging.mail.services import MAX_FILES, MailError, checked_files
from messaging.models import Thread

BODY_LENGTH = 20_000
FILES_HELP = (f"До {MAX_FILES} файлов, каждый до 10 МБ: PDF, DOC, DOCX, XLS, XLSX, PPT, PPTX, "
              "ODT, TXT, JPG, PNG, ZIP.")
ONE_GROUP = "Группе пишут отдельно: выберите либо людей, либо одну группу."


def parse_recipients(values: list[str]) -> tuple[list[int], list[str]]:
    """The picker's values («user:12», «group:class-parents:5») as user ids and group keys;
    anything else is a crafted request: 404."""
    people, groups = [], []
    for value in values:
        kind, _, rest = value.partition(":")
        if kind == "user" and rest.isdigit():
            people.append(int(rest))
        elif kind == "group" and rest:
            groups.append(rest)
        else:
            raise Http404(NOT_ALLOWED)
    return people, groups


class _MessageForm(forms.Form):
    body = forms.CharField(label="Текст сообщения", max_length=BODY_LENGTH, strip=True,
                           widget=forms.Textarea(attrs={"rows": 8, "class": "form-control"}),
                           error_messages={"required": "Напишите текст сообщения."})
    files = MultipleFileField(label="Файлы", required=False, help_text=FILES_HELP,
                              widget=MultipleFileInput(attrs={"accept": ACCEPT,
                                                              "class": "form-control"}))

    def clean_files(self):
        try:
            return checked_files(self.cleaned_data["files"])
        except MailError as exc:
            raise forms.ValidationError(exc.message) from None


class ComposeForm(_MessageForm):
    # Checkboxes rather than a multi-select: a label wraps, so a phone shows a teacher's
    # subjects and a parent's children in full (compose.html draws them from `sections`).
    to = forms.Field(label="Кому", widget=forms.CheckboxSelectMultiple,
                     error_messages={"required": "Выберите, кому написать."})
    subject = forms.CharField(label="Тема", max_length=Thread._meta.get_field("subject").max_length,
                              widget=forms.TextInput(attrs={"class": "form-control"}),
                              error_messages={"required": "Укажите тему сообщения."})

    field_order = ["to", "subject", "body", "files"]

    def offer(self, sections: list[Section]) -> None:
        """Show these groups and people in the picker (what `queries.picker` lists)."""
        self.fields["to"].widget.choices = [
            (s.label, [(o.value, o.label) for o in s.options]) for s in sections]

    def sections(self):
        """The picker's sections as (label, options, index), each option with its checkbox's
        name, value, label, id and whether it is checked."""
        field = self["to"]
        widget = field.field.widget
        return widget.optgroups(field.html_name, widget.format_value(field.value()),
                                {"id": field.auto_id})

    def clean_to(self):
        people, groups = parse_recipients(self.cleaned_data["to"])
        if groups and (people or len(groups) > 1):
            raise forms.ValidationError(ONE_GROUP)
        return people, groups


class ReplyForm(_MessageForm):
    body = forms.CharField(label="Текст ответа", max_length=BODY_LENGTH, strip=True,
                           widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
                           error_messages={"required": "Напишите текст ответа."})


class SearchForm(forms.Form):
    q = forms.CharField(label="Текст", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"class": "form-control",
                                                      "placeholder": "тема или текст"}))
    person = forms.CharField(label="Человек", required=False, max_length=100,
                             widget=forms.TextInput(attrs={"class": "form-control",
                                                           "placeholder": "фамилия или имя"}))

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name, "") if self.is_valid() else ""
