"""The poster's forms: a notice or news item, and an event. Their choices come from the poster's
reach (`audience.Reach`); a value outside them is a crafted request (`outside_reach`)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from journal.forms import DateField, MultipleFileField, TimeField
from journal.services.homework import ALLOWED_LABEL
from messaging.models import Announcement, SchoolEvent
from messaging.notices.audience import Reach
from messaging.notices.services import EventData, NoticeData

Audience = Announcement.Audience


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value else None


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


class _Reached(forms.Form):
    """A form whose choice fields are the poster's reach."""

    REACHED: tuple[str, ...] = ()

    def outside_reach(self) -> bool:
        """Whether the request names a value the form does not offer (a blank one included,
        where the form offers none): only a crafted request can."""
        for name in self.REACHED:
            value = self.data.get(self.add_prefix(name), "")
            field = self.fields.get(name)
            if field is None:
                if value:
                    return True
            elif value not in {str(key) for key, _ in field.choices}:
                return True
        return False


class NoticeForm(_Reached):
    REACHED = ("kind", "audience", "grade", "school_class")

    kind = forms.ChoiceField(label="Что это")
    audience = forms.ChoiceField(label="Для кого")
    grade = forms.TypedChoiceField(label="Параллель", coerce=int, empty_value=None,
                                   required=False)
    school_class = forms.TypedChoiceField(label="Класс", coerce=int, empty_value=None,
                                          required=False)
    title = forms.CharField(label="Заголовок", max_length=200)
    body = forms.CharField(label="Текст", widget=forms.Textarea(attrs={"rows": 8}),
                           help_text="Обычный текст; переносы строк сохраняются.")
    publish_date = DateField(label="Опубликовать", required=False,
                             help_text="Пусто — сразу после сохранения.")
    publish_time = TimeField(label="Время публикации")
    expires_date = DateField(label="Показывать до (включительно)", required=False,
                             help_text="Пусто — пока не снимете.")
    expires_time = TimeField(label="До времени", help_text="Пусто — до конца дня.")
    # Checked by the service with the homework files' limits (`check_uploads`).
    files = MultipleFileField(label="Прикрепить файлы", required=False,
                              help_text=f"До 10 МБ каждый: {ALLOWED_LABEL}.")

    def __init__(self, *args, reach: Reach, notice: Announcement | None = None, **kwargs):
        if notice is not None and "data" not in kwargs and not args:
            kwargs["initial"] = self.initial_of(notice)
        super().__init__(*args, **kwargs)
        self.reach = reach
        self.fields["kind"].choices = reach.kinds()
        self.fields["audience"].choices = reach.audiences()
        self.fields["grade"].choices = [("", "—")] + [(g, f"{g}-е классы") for g in reach.grades]
        self.fields["school_class"].choices = [("", "—")] + [(c.pk, f"{c} класс")
                                                             for c in reach.classes]
        if not reach.grades:
            del self.fields["grade"]
        if len(reach.kinds()) == 1:
            self.fields["kind"].widget = forms.HiddenInput()
            self.fields["kind"].initial = reach.kinds()[0][0]
        if len(reach.audiences()) == 1:
            self.fields["audience"].widget = forms.HiddenInput()
            self.fields["audience"].initial = reach.audiences()[0][0]
        if len(reach.classes) == 1:
            self.fields["school_class"].initial = reach.classes[0].pk

    @staticmethod
    def initial_of(notice: Announcement) -> dict:
        publish, expires = _local(notice.publish_at), _local(notice.expires_at)
        initial = {"kind": notice.kind, "audience": notice.audience, "grade": notice.grade,
                   "school_class": notice.school_class_id, "title": notice.title,
                   "body": notice.body, "publish_date": publish.date(),
                   "publish_time": publish.time().replace(second=0, microsecond=0)}
        if expires and expires.time() == dt.time(0):   # to the end of the day before
            initial["expires_date"] = expires.date() - dt.timedelta(days=1)
        elif expires:
            initial.update(expires_date=expires.date(),
                           expires_time=expires.time().replace(second=0, microsecond=0))
        return initial

    def clean(self):
        data = super().clean()
        audience = data.get("audience")
        if audience == Audience.GRADE and not data.get("grade"):
            self.add_error("grade", "Выберите параллель.")
        if audience == Audience.CLASS and not data.get("school_class"):
            self.add_error("school_class", "Выберите класс.")
        now = timezone.now()
        day, time = data.get("publish_date"), data.get("publish_time")
        if time and not day:
            self.add_error("publish_date", "Укажите дату публикации.")
        data["publish_at"] = _aware(day, time or dt.time(0)) if day else now
        day, time = data.get("expires_date"), data.get("expires_time")
        if time and not day:
            self.add_error("expires_date", "Укажите дату, до которой показывать.")
        expires = None
        if day:
            expires = _aware(day, time) if time else _aware(day + dt.timedelta(days=1), dt.time(0))
            if expires <= now:
                self.add_error("expires_date", "Этот срок уже прошёл. Чтобы снять объявление, "
                                               "нажмите «Снять с показа».")
            elif expires <= data["publish_at"]:
                self.add_error("expires_date", "Показ должен заканчиваться после публикации.")
        data["expires_at"] = expires
        return data

    def notice_data(self) -> NoticeData:
        data = self.cleaned_data
        return NoticeData(kind=data["kind"], audience=data["audience"], title=data["title"],
                          body=data["body"], publish_at=data["publish_at"],
                          expires_at=data["expires_at"], grade=data.get("grade"),
                          class_id=data.get("school_class"))


class EventForm(_Reached):
    REACHED = ("school_class",)

    school_class = forms.TypedChoiceField(label="Чьё событие", coerce=int, empty_value=None,
                                          required=False)
    kind = forms.ChoiceField(label="Вид", choices=SchoolEvent.Kind.choices)
    title = forms.CharField(label="Название", max_length=200)
    date = DateField(label="Дата")
    starts_at = TimeField(label="Начало")
    ends_at = TimeField(label="Окончание")
    place = forms.CharField(label="Место", max_length=200, required=False)
    description = forms.CharField(label="Описание", required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, reach: Reach, event: SchoolEvent | None = None, **kwargs):
        if event is not None and "data" not in kwargs and not args:
            kwargs["initial"] = {"school_class": event.school_class_id, "kind": event.kind,
                                 "title": event.title, "date": event.date,
                                 "starts_at": event.starts_at, "ends_at": event.ends_at,
                                 "place": event.place, "description": event.description}
        super().__init__(*args, **kwargs)
        whole = [("", "вся школа")] if reach.school_events else []
        self.fields["school_class"].choices = whole + [(c.pk, f"{c} класс")
                                                       for c in reach.event_classes]
        self.fields["school_class"].required = not reach.school_events

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if ends and not starts:
            self.add_error("starts_at", "Укажите время начала.")
        elif starts and ends and ends <= starts:
            self.add_error("ends_at", "Окончание должно быть позже начала.")
        return data

    def event_data(self) -> EventData:
        data = self.cleaned_data
        return EventData(kind=data["kind"], title=data["title"], date=data["date"],
                         class_id=data.get("school_class"), description=data["description"],
                         starts_at=data.get("starts_at"), ends_at=data.get("ends_at"),
                         place=data["place"])
