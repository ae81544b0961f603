"""The journal's forms: the lesson record and substitution, the thematic plan and its import,
the XLSX imports of the setup, the timetable page and the day's substitutions, the remarks of
the journal check."""

from __future__ import annotations

import datetime as dt

from django import forms

from accounts.models import User
from journal.dates import DISPLAY_FORMAT, HINT, HTML_PATTERN, PLACEHOLDER, parse_date
from journal.imports.base import MAX_UPLOAD_BYTES
from journal.models import (
    AssessmentType,
    JournalCheck,
    Lesson,
    PlanItem,
    Remark,
    SchoolClass,
    TeachingAssignment,
)
from journal.models.plans import MAX_ITEM_HOURS
from journal.permissions import JournalRights
from journal.queries import remarks as remark_queries
from journal.rules import JournalError
from journal.services.homework import ACCEPT, check_uploads
from journal.services.plans import MAX_NUMBER, Mode, PlanRow, row_problems


class DateInput(forms.DateInput):
    """A date typed as ДД.ММ.ГГГГ. A native date input shows the browser's format, not the
    page's (an English browser asks for mm/dd/yyyy), so this is a text field; the browser's
    calendar is offered beside it as an aid (static/js/date-input.js)."""

    input_type = "text"

    def __init__(self, attrs: dict | None = None):
        super().__init__(format=DISPLAY_FORMAT, attrs={
            "class": "form-control", "placeholder": PLACEHOLDER, "inputmode": "numeric",
            "pattern": HTML_PATTERN, "title": HINT, "autocomplete": "off", "maxlength": 10,
            "data-date-input": True, **(attrs or {})})


class DateField(forms.DateField):
    """A date field read by `journal.dates.parse_date`, the one way the site reads a date."""

    widget = DateInput
    default_error_messages = {"invalid": HINT}

    def to_python(self, value):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


TIME_HINT = "Введите время в виде ЧЧ:ММ, например 08:30."


class TimeField(forms.TimeField):
    """A time typed as ЧЧ:ММ (a text field: a native one shows AM/PM in an English browser)."""

    default_error_messages = {"invalid": TIME_HINT}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(input_formats=["%H:%M", "%H.%M"], widget=forms.TextInput(attrs={
            "class": "form-control time-field", "placeholder": "чч:мм", "inputmode": "numeric",
            "pattern": r"\d{1,2}[:.]\d{2}", "title": TIME_HINT, "autocomplete": "off",
            "maxlength": 5}), **kwargs)

    def prepare_value(self, value):
        return f"{value:%H:%M}" if isinstance(value, dt.time) else value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _plan_item_label(item: PlanItem, used: set[int]) -> str:
    topic = item.topic if len(item.topic) <= 90 else item.topic[:88] + "…"
    return f"{item.number}. {topic}" + (" ✓" if item.pk in used else "")


class LessonRecordForm(forms.Form):
    plan_item = forms.ModelChoiceField(label="Пункт тематического плана (КТП)", required=False,
                                       queryset=PlanItem.objects.none(),
                                       empty_label="— не связан с КТП —")
    topic = forms.CharField(label="Тема урока", max_length=500, required=False,
                            help_text="Если тема пуста, она берётся из выбранного пункта КТП.")
    is_held = forms.BooleanField(label="Урок проведён", required=False)
    assessment_type = forms.ModelChoiceField(label="Вид контроля", required=False,
                                             queryset=AssessmentType.objects.none(),
                                             empty_label="— нет —")
    homework = forms.CharField(label="Домашнее задание", required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    homework_none = forms.BooleanField(label="Не задано", required=False)
    due_lesson = forms.ModelChoiceField(label="К уроку", required=False,
                                        queryset=Lesson.objects.none(),
                                        empty_label="— к следующему уроку —")
    files = MultipleFileField(label="Прикрепить файлы к заданию", required=False,
                              help_text="До 10 МБ каждый: PDF, DOC, DOCX, XLS, XLSX, PPT, PPTX, "
                                        "ODT, TXT, JPG, PNG, ZIP.")
    reason = forms.CharField(label="Причина исправления", max_length=500, required=False,
                             help_text="Сохраняется в истории изменений.")
    lesson_version = forms.IntegerField(widget=forms.HiddenInput)
    homework_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, lesson: Lesson, rights: JournalRights, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment_type"].queryset = AssessmentType.objects.filter(
            school_id=lesson.assignment.year.school_id)
        upcoming = Lesson.objects.filter(assignment_id=lesson.assignment_id,
                                         date__gt=lesson.date).order_by("date", "number")[:12]
        self.fields["due_lesson"].queryset = Lesson.objects.filter(
            pk__in=[x.pk for x in upcoming]).order_by("date", "number")
        self.fields["due_lesson"].label_from_instance = lambda x: f"{x.date:%d.%m.%Y}, {x.number} урок"
        items = PlanItem.objects.filter(plan__assignment_id=lesson.assignment_id)
        used = set(Lesson.objects.filter(assignment_id=lesson.assignment_id,
                                         plan_item__isnull=False).exclude(pk=lesson.pk)
                   .values_list("plan_item_id", flat=True))
        self.fields["plan_item"].queryset = items.order_by("number", "pk")
        self.fields["plan_item"].label_from_instance = lambda item: _plan_item_label(item, used)
        if used:
            self.fields["plan_item"].help_text = "✓ — пункт уже связан с другим уроком."
        if not lesson.assignment.school_class.gets_marks:
            for name in ("homework", "homework_none", "due_lesson", "files"):
                del self.fields[name]
        if rights.is_correction:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]

    def clean_files(self):
        files = self.cleaned_data["files"]
        try:
            check_uploads(files)
        except JournalError as exc:
            raise forms.ValidationError(exc.message) from None
        return files


class SubstituteForm(forms.Form):
    substitute = forms.ModelChoiceField(label="Кто заменяет", queryset=User.objects.none(),
                                        empty_label="— выберите сотрудника —")
    substitute_reason = forms.CharField(label="Причина замены", max_length=200,
                                        help_text="Болезнь, курсы, командировка…")
    lesson_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, lesson: Lesson, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substitute"].queryset = (
            User.objects.filter(staff_roles__school_id=lesson.assignment.year.school_id,
                                is_active=True)
            .exclude(pk=lesson.assignment.teacher_id).distinct()
            .order_by("last_name", "first_name", "patronymic"))
        self.fields["substitute"].label_from_instance = lambda user: user.full_name


FIELD_NAMES = {"number": "number", "section": "section", "topic": "topic", "hours": "hours",
               "planned_on": "planned_on"}


def _small(widget: type[forms.Widget], extra_class: str = "") -> forms.Widget:
    return widget(attrs={"class": f"form-control form-control-sm {extra_class}".strip()})


class PlanItemForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.IntegerField(label="№", required=False, min_value=1, max_value=MAX_NUMBER,
                                widget=_small(forms.NumberInput, extra_class="plan-number"))
    section = forms.CharField(label="Раздел", required=False, max_length=300,
                              widget=_small(forms.TextInput))
    topic = forms.CharField(label="Тема урока", required=False, max_length=500,
                            widget=_small(forms.TextInput))
    hours = forms.IntegerField(label="Часов", required=False, min_value=1,
                               max_value=MAX_ITEM_HOURS, initial=1,
                               widget=_small(forms.NumberInput, extra_class="plan-hours"))
    planned_on = DateField(label="Дата по плану", required=False,
                           widget=DateInput(attrs={"class": "form-control form-control-sm"}))

    def __init__(self, *args, assignment: TeachingAssignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        if "DELETE" in self.fields:
            self.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    @property
    def is_blank(self) -> bool:
        """A new row left empty (its hours may still show the default)."""
        data = getattr(self, "cleaned_data", {})
        return not data.get("id") and not any(
            data.get(name) for name in ("number", "section", "topic", "planned_on"))

    def clean(self):
        data = super().clean()
        if self.errors or data.get("DELETE") or self.is_blank:
            return data
        row = self.plan_row()
        year = self.assignment.year
        for name, message in row_problems(row, year.starts_on, year.ends_on).items():
            self.add_error(FIELD_NAMES[name], message[0].upper() + message[1:] + ".")
        return data

    def plan_row(self) -> PlanRow:
        data = self.cleaned_data
        number = data.get("number")
        where = f"Пункт № {number}" if number else "Новый пункт"
        return PlanRow(topic=data.get("topic") or "", number=number,
                       section=data.get("section") or "", hours=data.get("hours") or 1,
                       planned_on=data.get("planned_on"), item_id=data.get("id"), where=where)


PlanItemFormSet = forms.formset_factory(PlanItemForm, extra=0, can_delete=True)


class PlanImportForm(forms.Form):
    file = forms.FileField(label="Файл XLSX или CSV",
                           help_text="Заполненный шаблон, не больше 5 МБ.",
                           widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}))
    mode = forms.ChoiceField(label="Что сделать с планом", initial=Mode.REPLACE,
                             widget=forms.RadioSelect, choices=[
                                 (Mode.REPLACE, "Заменить план содержимым файла (пункты с теми же "
                                                "номерами обновятся и сохранят связь с уроками, "
                                                "остальные удалятся)"),
                                 (Mode.APPEND, "Дополнить план: строки файла добавятся после "
                                               "последнего пункта"),
                             ])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Файл больше 5 МБ.")
        return upload


XLSX_TYPES = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SchoolImportForm(forms.Form):
    """A class list, staff or curriculum file (`journal.imports`)."""

    file = forms.FileField(label="Файл XLSX", help_text="Заполненный шаблон, не больше 5 МБ.",
                           widget=forms.FileInput(attrs={"accept": XLSX_TYPES}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Файл больше 5 МБ. Разделите его на несколько файлов "
                                        "(например, по параллелям) и загрузите их по очереди.")
        return upload


# The timetable page and the day's substitutions ------------------------------------------

def _small_date(**attrs) -> DateInput:
    return DateInput(attrs={"class": "form-control form-control-sm date-field-narrow", **attrs})


def _small_select() -> forms.Select:
    return forms.Select(attrs={"class": "form-select form-select-sm"})


class TimetableViewForm(forms.Form):
    """Whose timetable the page shows (`c<class id>` or `t<teacher id>`) and on which date."""

    show = forms.RegexField(regex=r"^[ct]\d{1,10}$", required=False)
    on = DateField(required=False, widget=_small_date())


class TimetableSlotForm(forms.Form):
    """One slot of the timetable page: a new one (no `slot`) or a change of one."""

    slot = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Where a new slot goes; a changed slot keeps its place.
    weekday = forms.IntegerField(required=False, min_value=1, max_value=7,
                                 widget=forms.HiddenInput)
    lesson_number = forms.IntegerField(required=False, min_value=0, max_value=12,
                                       widget=forms.HiddenInput)
    assignment = forms.ModelChoiceField(
        label="Журнал", queryset=TeachingAssignment.objects.none(),
        empty_label="— выберите журнал —",
        error_messages={"required": "Выберите журнал.",
                        "invalid_choice": "Такого журнала у этого класса (учителя) нет."})
    room = forms.CharField(label="Кабинет", max_length=20, required=False)

    def __init__(self, *args, journals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = journals


class CopyClassTimetableForm(forms.Form):
    source = forms.ModelChoiceField(label="Из класса", queryset=SchoolClass.objects.none(),
                                    empty_label="— класс —", widget=_small_select())
    target = forms.ModelChoiceField(label="В класс", queryset=SchoolClass.objects.none(),
                                    empty_label="— класс —", widget=_small_select())
    from_date = DateField(label="С даты", widget=_small_date())

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = classes
        self.fields["target"].queryset = classes


class CopyWeekForm(forms.Form):
    source_date = DateField(label="Расписание на дату", widget=_small_date())
    from_date = DateField(label="Ввести с даты", widget=_small_date())


class DaySubstitutionsForm(forms.Form):
    """The teacher who is absent and the day."""

    teacher = forms.ModelChoiceField(label="Отсутствует учитель", queryset=User.objects.none(),
                                     empty_label="— выберите учителя —", widget=_small_select())
    date = DateField(label="Дата", widget=_small_date())

    def __init__(self, *args, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers
        self.fields["teacher"].label_from_instance = lambda user: user.full_name


# Remarks from the journal check ------------------------------------------------------------

class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name


class RemarkForm(forms.Form):
    """A checker's remark; its rules are `journal.services.remarks.make_remark`'s. The hidden
    fields come from a finding of the check page. A journal, class, person or check that is not
    the school's is a crafted request (`crafted`): the page answers 404."""

    assignment = forms.ModelChoiceField(queryset=TeachingAssignment.objects.none(),
                                        required=False, widget=forms.HiddenInput)
    check = forms.ModelChoiceField(queryset=JournalCheck.objects.none(), required=False,
                                   widget=forms.HiddenInput)
    finding = forms.CharField(required=False, widget=forms.HiddenInput)
    link = forms.CharField(required=False, widget=forms.HiddenInput)
    addressee = PersonField(label="Кому", queryset=User.objects.none(),
                            empty_label="— выберите учителя —")
    school_class = forms.ModelChoiceField(label="Класс", required=False,
                                          queryset=SchoolClass.objects.none(),
                                          empty_label="— не указан —")
    text = forms.CharField(label="Замечание", widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="Что найдено и что нужно исправить.")
    due_on = DateField(label="Исправить до")

    CHOSEN = ("assignment", "check", "addressee", "school_class")

    def __init__(self, *args, school, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = remark_queries.school_journals(school)
        self.fields["check"].queryset = remark_queries.school_checks(school)
        self.fields["addressee"].queryset = remark_queries.addressees(year)
        self.fields["school_class"].queryset = remark_queries.school_classes(year)

    @property
    def crafted(self) -> bool:
        return any(self.has_error(name, "invalid_choice") for name in self.CHOSEN)

    def offer_journal_people(self, assignment: TeachingAssignment) -> None:
        """For a remark about a journal: the form offers its teacher and its class teacher,
        and no class (it is the journal's)."""
        people = remark_queries.journal_people(assignment)
        field = self.fields["addressee"]
        field.queryset = field.queryset.filter(pk__in=people)
        field.label_from_instance = lambda user: f"{user.full_name} — {people[user.pk]}"
        del self.fields["school_class"]


class RemarkStepForm(forms.Form):
    """The comment of a step; the step itself is the button pressed (`step`)."""

    comment = forms.CharField(label="Комментарий", required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class RemarkFilterForm(forms.Form):
    """The checker's list of remarks: by state, addressee, class, check, overdue."""

    status = forms.ChoiceField(label="Состояние", required=False,
                               choices=[("", "все"), *Remark.Status.choices])
    addressee = PersonField(label="Кому", required=False, queryset=User.objects.none(),
                            empty_label="все")
    school_class = forms.ModelChoiceField(label="Класс", required=False,
                                          queryset=SchoolClass.objects.none(), empty_label="все")
    check = forms.ModelChoiceField(label="Проверка", required=False,
                                   queryset=JournalCheck.objects.none(), empty_label="все")
    overdue = forms.ChoiceField(label="Срок", required=False,
                                choices=[("", "все"), ("1", "просроченные")])

    CHOSEN = ("addressee", "school_class", "check")

    def __init__(self, data, *, school, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["addressee"].queryset = remark_queries.addressed_in(school)
        self.fields["school_class"].queryset = remark_queries.classes_with_remarks(school)
        self.fields["check"].queryset = remark_queries.school_checks(school)
        for name, field in self.fields.items():
            field.widget.attrs.update({"class": "form-select", "id": f"filter-{name}"})

    @property
    def crafted(self) -> bool:
        return self.is_bound and not self.is_valid() and any(
            self.has_error(name, "invalid_choice") for name in self.CHOSEN)

    def wanted(self) -> remark_queries.RemarkFilter:
        self.is_valid()  # a field with an error filters nothing; the others still do
        data = getattr(self, "cleaned_data", {})
        return remark_queries.RemarkFilter(
            status=data.get("status") or "", addressee=data.get("addressee"),
            school_class=data.get("school_class"), check=data.get("check"),
            overdue_only=data.get("overdue") == "1")
