"""Forms of families' access and personal data: a person's data and notification consents, the
parent's application and consent, the termination of the service, and the password that a
slip's owner sets at the first sign-in."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils import timezone

from accounts.models import (
    ContactChannel,
    DiaryApplication,
    Parent,
    ParentStudent,
    PersonalDataConsent,
    Student,
    Termination,
    User,
    phone_validator,
)
from journal.forms import DateField

NAME = re.compile(r"[^\W\d_]+(?:(?: |-|'|’)[^\W\d_]+)*")
NAME_ERROR = "Допустимы только буквы, пробел, дефис и апостроф."
FUTURE_ERROR = "Дата не может быть позже сегодняшнего дня."
EARLIEST = dt.date(2000, 1, 1)


def _not_future(day: dt.date | None) -> dt.date | None:
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(FUTURE_ERROR)
    if day is not None and day < EARLIEST:
        raise forms.ValidationError(f"Дата не может быть раньше {EARLIEST:%d.%m.%Y}.")
    return day


def _name(value: str) -> str:
    value = " ".join(value.split())
    if value and not NAME.fullmatch(value):
        raise forms.ValidationError(NAME_ERROR)
    return value


class OwnPasswordForm(PasswordChangeForm):
    """The password change, also at the first sign-in with a slip's password: the new one must
    differ from the old."""

    def clean_new_password1(self):
        new = self.cleaned_data.get("new_password1")
        if new and new == self.cleaned_data.get("old_password"):
            raise forms.ValidationError("Новый пароль должен отличаться от прежнего.")
        return new


# A person's data ---------------------------------------------------------------------------

class PersonForm(forms.Form):
    """A student's or parent's data as the class teacher keeps it: names and e-mail; a
    student's birth date and sex; a parent's phone, address and relation to each child of
    `links` (those the editor looks after)."""

    last_name = forms.CharField(label="Фамилия", max_length=150)
    first_name = forms.CharField(label="Имя", max_length=150)
    patronymic = forms.CharField(label="Отчество", max_length=150, required=False)
    email = forms.EmailField(label="Электронная почта", required=False, max_length=254,
                             help_text="На неё приходят ссылка для сброса пароля и уведомления.")

    def __init__(self, *args, person: User, links: list[ParentStudent] = (), **kwargs):
        student = getattr(person, "student", None) if hasattr(person, "student") else None
        parent = getattr(person, "parent", None) if hasattr(person, "parent") else None
        initial = {"last_name": person.last_name, "first_name": person.first_name,
                   "patronymic": person.patronymic, "email": person.email}
        super().__init__(*args, initial=initial, **kwargs)
        self.links = list(links)
        if student is not None:
            self.fields["birth_date"] = DateField(label="Дата рождения")
            self.fields["sex"] = forms.ChoiceField(label="Пол", choices=Student.Sex.choices)
            self.initial.update(birth_date=student.birth_date, sex=student.sex)
        if parent is not None:
            self.fields["phone"] = forms.CharField(
                label="Телефон", max_length=20, required=False, validators=[phone_validator],
                widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
            self.fields["address"] = forms.CharField(
                label="Адрес", max_length=Parent._meta.get_field("address").max_length,
                required=False, help_text="Почтовый адрес: на него пишут уведомления.")
            self.initial.update(phone=parent.phone, address=parent.address)
            for link in self.links:
                self.fields[f"relation_{link.pk}"] = forms.ChoiceField(
                    label=f"Кем приходится: {link.student.user.full_name}",
                    choices=ParentStudent.Relation.choices)
                self.initial[f"relation_{link.pk}"] = link.relation

    def clean_last_name(self):
        return _name(self.cleaned_data["last_name"])

    def clean_first_name(self):
        return _name(self.cleaned_data["first_name"])

    def clean_patronymic(self):
        return _name(self.cleaned_data["patronymic"])

    def clean_birth_date(self):
        return _not_born_later(self.cleaned_data["birth_date"])

    def clean_address(self):
        return " ".join(self.cleaned_data["address"].split())

    def clean_phone(self):
        return self.cleaned_data["phone"].strip()

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items()
                if not name.startswith("relation_")}

    def relations(self) -> dict[int, str]:
        return {link.pk: self.cleaned_data[f"relation_{link.pk}"] for link in self.links}


def _not_born_later(day: dt.date) -> dt.date:
    today = timezone.localdate()
    if day > today:
        raise forms.ValidationError("Дата рождения не может быть позже сегодняшнего дня.")
    if day < today.replace(year=today.year - 30, day=min(today.day, 28)):
        raise forms.ValidationError("Обучающемуся не может быть больше 30 лет: проверьте год.")
    return day


class ContactsForm(forms.Form):
    """Consents to be notified by e-mail and SMS, with their dates; the addresses are the
    person's e-mail and phone."""

    email_consent = forms.BooleanField(label="Согласие на уведомления по электронной почте",
                                       required=False)
    email_consent_on = DateField(label="Дата согласия (почта)", required=False)

    def __init__(self, *args, person: User, channels: dict[str, ContactChannel], **kwargs):
        self.person = person
        parent = getattr(person, "parent", None) if hasattr(person, "parent") else None
        self.phone = parent.phone if parent is not None else None
        initial = {}
        for kind, channel in channels.items():
            initial[f"{kind}_consent"] = channel.consented
            initial[f"{kind}_consent_on"] = channel.consented_on
        super().__init__(*args, initial=initial, **kwargs)
        if parent is not None:
            self.fields["sms_consent"] = forms.BooleanField(
                label="Согласие на уведомления по SMS", required=False)
            self.fields["sms_consent_on"] = DateField(label="Дата согласия (SMS)",
                                                      required=False)

    def clean_email_consent_on(self):
        return _not_future(self.cleaned_data["email_consent_on"])

    def clean_sms_consent_on(self):
        return _not_future(self.cleaned_data["sms_consent_on"])

    def clean(self):
        data = super().clean()
        addresses = {ContactChannel.Kind.EMAIL: (self.person.email, "адрес электронной почты"),
                     ContactChannel.Kind.SMS: (self.phone, "телефон")}
        for kind, (address, what) in addresses.items():
            if data.get(f"{kind}_consent") and not address:
                self.add_error(f"{kind}_consent", f"Сначала укажите {what} в данных выше.")
            elif data.get(f"{kind}_consent") and not data.get(f"{kind}_consent_on"):
                self.add_error(f"{kind}_consent_on", "Укажите дату согласия.")
        return data

    def consents(self) -> dict[str, tuple[bool, dt.date | None]]:
        return {kind: (self.cleaned_data[f"{kind}_consent"],
                       self.cleaned_data.get(f"{kind}_consent_on"))
                for kind in (ContactChannel.Kind.EMAIL, ContactChannel.Kind.SMS)
                if f"{kind}_consent" in self.fields}


# The parent's application and consent --------------------------------------------------

class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.username


class ApplicationForm(forms.Form):
    received_on = DateField(label="Дата заявления")
    passport_checked_by = StaffChoiceField(
        label="Паспорт проверил(а)", queryset=User.objects.none(),
        help_text="Сотрудник, при котором родитель заполнил и подписал заявление.")
    children = forms.ModelMultipleChoiceField(
        label="Дети, по которым подано заявление", queryset=Student.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Отметьте хотя бы одного ребёнка."})
    note = forms.CharField(label="Примечание", required=False,
                           max_length=DiaryApplication._meta.get_field("note").max_length)

    def __init__(self, *args, staff, children, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["passport_checked_by"].queryset = staff
        self.fields["children"].queryset = children
        self.fields["children"].label_from_instance = lambda s: s.user.full_name
        self.initial.setdefault("received_on", timezone.localdate())
        self.initial.setdefault("passport_checked_by", actor.pk)
        self.initial.setdefault("children", list(children.values_list("pk", flat=True)))

    def clean_received_on(self):
        return _not_future(self.cleaned_data["received_on"])


class ConsentForm(forms.Form):
    given = forms.TypedChoiceField(
        label="Решение родителя", choices=[("yes", "согласие на обработку персональных данных"),
                                           ("no", "отказ от обработки персональных данных")],
        coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        error_messages={"required": "Выберите: согласие или отказ."})
    signed_on = DateField(label="Дата документа")
    document = forms.CharField(label="Документ",
                               max_length=PersonalDataConsent._meta.get_field("document")
                               .max_length,
                               help_text="Например: согласие № 12 от 01.09.2026.")

    def clean_signed_on(self):
        return _not_future(self.cleaned_data["signed_on"])

    def clean_document(self):
        return " ".join(self.cleaned_data["document"].split())


# Termination -----------------------------------------------------------------------------

REASONS = [
    "Заявление родителя (законного представителя) об отказе от услуги",
    "Выбытие обучающегося из образовательной организации",
    "Отказ от обработки персональных данных",
    "Утрата статуса законного представителя",
]


class TerminationForm(forms.Form):
    applicant_name = forms.CharField(
        label="Заявитель (ФИО)",
        max_length=Termination._meta.get_field("applicant_name").max_length)
    applicant_address = forms.CharField(
        label="Адрес, на который направляется уведомление",
        max_length=Termination._meta.get_field("applicant_address").max_length)
    notice_email = forms.EmailField(
        label="Электронная почта для уведомления", required=False,
        help_text="Уведомление с PDF уйдёт на этот адрес. Пусто — только печать.")
    reason = forms.CharField(label="Причина прекращения", max_length=1000,
                             widget=forms.TextInput(attrs={"list": "termination-reasons"}))
    terminated_on = DateField(label="Дата прекращения")
    confirm = forms.BooleanField(
        label="Учётная запись будет аннулирована, вход закрыт, открытые сеансы завершены",
        error_messages={"required": "Подтвердите прекращение услуги."})

    def clean_terminated_on(self):
        return _not_future(self.cleaned_data["terminated_on"])

    def clean_applicant_name(self):
        return " ".join(self.cleaned_data["applicant_name"].split())
