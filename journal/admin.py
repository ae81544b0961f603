"""The setup screens for the deputy director, administrator and dispatcher. Saves that change
who keeps or reads a journal, or the timetable, go through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist

from ejournal.admin import Noun, RussianAdmin, RussianInline
from journal.models import (
    AcademicYear,
    AssessmentType,
    BellSchedule,
    CurriculumItem,
    Enrolment,
    Holiday,
    Lesson,
    School,
    SchoolClass,
    SchoolClassUserObjectPermission,
    StudyPeriod,
    Subgroup,
    Subject,
    SubjectUserObjectPermission,
    TeachingAssignment,
    TeachingAssignmentUserObjectPermission,
    TimetableSlot,
)
from journal.models.rights import (
    CHECK_CLASS_JOURNALS,
    CHECK_SUBJECT_JOURNALS,
    CO_KEEP_JOURNAL,
    INSPECT_JOURNAL,
)
from journal.rules import JournalError
from journal.services.lessons import add_extra_lesson, generate_lessons
from journal.services.rights import (
    RIGHTS,
    check_grant,
    check_grantee,
    grant,
    revoke,
    set_class_teacher,
    set_teacher,
)

# Rights no key carries: inlines on the journal, the class and the subject -------------------

class GrantForm(forms.ModelForm):
    """One right: which, to whom, until when. `rights` are the codenames the inline offers."""

    rights: tuple[str, ...] = ()
    right = forms.ChoiceField(label="Право")

    class Meta:
        fields = ["right", "user", "expires_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["right"]
        field.choices = [(codename, RIGHTS[codename].label) for codename in self.rights]
        field.initial = self.instance.permission.codename if self.instance.pk else self.rights[0]
        if len(self.rights) == 1:
            field.widget = forms.HiddenInput()


class JournalGrantForm(GrantForm):
    rights = (CO_KEEP_JOURNAL, INSPECT_JOURNAL)


class ClassGrantForm(GrantForm):
    rights = (CHECK_CLASS_JOURNALS,)


class SubjectGrantForm(GrantForm):
    rights = (CHECK_SUBJECT_JOURNALS,)


class GrantFormSet(forms.BaseInlineFormSet):
    """Refuses what the rights service would refuse, on the row that asks it."""

    def clean(self):
        super().clean()
        for form in self.forms:
            if form in self.deleted_forms or not form.has_changed() or form.errors:
                continue
            data = form.cleaned_data
            try:
                check_grant(data["right"], self.instance, data["user"], data.get("expires_on"))
            except ObjectDoesNotExist:
                return  # the object's own form is invalid and says why
            except JournalError as exc:
                form.add_error(None, exc.message)


class GrantInline(RussianInline, admin.TabularInline):
    fk_name = "content_object"
    formset = GrantFormSet
    extra = 0
    fields = ["right", "user", "expires_on", "granted_by", "granted_at"]
    readonly_fields = ["granted_by", "granted_at"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return (super().get_queryset(request).filter(permission__codename__in=self.form.rights)
                .select_related("user", "permission", "granted_by"))

    @admin.display(description="Право")
    def right(self, row) -> str:
        """The right as a reader of the page (no change permission) sees it."""
        return RIGHTS[row.permission.codename].label


class JournalGrantInline(GrantInline):
    model = TeachingAssignmentUserObjectPermission
    form = JournalGrantForm
    verbose_name = "доступ к журналу"
    verbose_name_plural = "Второй учитель и проверяющие журнала (проверяющему — дата окончания)"
    names = Noun("доступ к журналу", "доступа к журналу", "доступы к журналу", "доступов к журналу",
                 "m")


class ClassGrantInline(GrantInline):
    model = SchoolClassUserObjectPermission
    form = ClassGrantForm
    verbose_name = "проверяющий журналы класса"
    verbose_name_plural = "Проверяющие журналы класса (только просмотр журналов и посещаемости)"
    names = Noun("проверяющего журналы класса", "проверяющего журналы класса",
                 "проверяющих журналы класса", "проверяющих журналы класса", "m", animate=True)


class SubjectGrantInline(GrantInline):
    model = SubjectUserObjectPermission
    form = SubjectGrantForm
    verbose_name = "проверяющий журналы по предмету"
    verbose_name_plural = "Проверяющие журналы по предмету (только просмотр)"
    names = Noun("проверяющего журналы по предмету", "проверяющего журналы по предмету",
                 "проверяющих журналы по предмету", "проверяющих журналы по предмету", "m",
                 animate=True)


class GrantsThroughService:
    """ModelAdmin mixin: the rows of a `GrantInline` are given and taken by the rights service,
    which writes them in the change history."""

    def save_formset(self, request, form, formset, change):
        if not isinstance(formset, GrantFormSet):
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row_form in formset.forms:
            deleted = row_form in formset.deleted_forms
            if not deleted and not row_form.has_changed():
                continue
            rows = type(row_form.instance).objects.select_related("user", "permission")
            before = rows.filter(pk=row_form.instance.pk).first() if row_form.instance.pk else None
            data = row_form.cleaned_data
            if before is not None and (deleted or (before.user_id, before.permission.codename)
                                       != (data["user"].pk, data["right"])):
                revoke(request.user, before)
                formset.deleted_objects.append(before)
            if not deleted:
                row = grant(request.user, data["right"], formset.instance, data["user"],
                            expires_on=data.get("expires_on"))
                formset.new_objects.append(row)


@admin.register(School)
class SchoolAdmin(RussianAdmin, admin.ModelAdmin):
    names = Noun("школу", "школы", "школы", "школ", "f")
    list_display = ["short_name", "name", "days_per_week"]


@admin.register(AcademicYear)
class AcademicYearAdmin(RussianAdmin, admin.ModelAdmin):
    names = Noun("учебный год", "учебного года", "учебные годы", "учебных лет", "m")
    list_display = ["name", "starts_on", "ends_on", "is_current", "school"]
    actions = ["regenerate_lessons"]

    @admin.action(description="Сформировать уроки по расписанию", permissions=["change"])
    def regenerate_lessons(self, request, queryset):
        for year in queryset.select_related("school"):
            result = generate_lessons(year, user=request.user)
            self.message_user(request, f"{year}: создано уроков {result.created}, удалено "
                                       f"{result.deleted}, сохранено с данными "
                                       f"{result.kept_with_data}.", messages.SUCCESS)


@admin.register(StudyPeriod)
class StudyPeriodAdmin(RussianAdmin, admin.ModelAdmin):
    names = Noun("учебный период", "учебного периода", "учебные периоды", "учебных периодов", "m")
    list_display = ["__str__", "starts_on", "ends_on", "grade_from", "grade_to", "year"]
    list_filter = ["year", "kind"]


@admin.register(Holiday)
class HolidayAdmin(RussianAdmin, admin.ModelAdmin):
    names = Noun("каникулы или праздник", "каникул или праздника", "каникулы и праздники",
                 "каникул и праздников", "pl")
    list_display = ["name", "starts_on", "ends_on", "grade_from", "grade_to"]
    list_filter = ["year"]


@admin.register(BellSchedule)
class BellScheduleAdmin(RussianAdmin, admin.ModelAdmin):
    names = Noun("время урока", "времени урока", "строки расписания звонков",
                 "строк расписания звонков", "n")
    list_display = ["lesson_number", "starts_at", "ends_at", "school"]


class EnrolmentInline(RussianInline, admin.TabularInline):
    names = Noun("зачисление в класс", "зачисления в класс", "зачисления в классы",
                 "зачислений в классы", "n")
    model = Enrolment
    extra = 0
    autocomplete_fields = ["student"]


class SchoolClassForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        # Only a new class teacher is checked: a class whose teacher left stays editable.
        if data.get("class_teacher") and data.get("year") and "class_teacher" in self.changed_data:
            try:
                check_grantee(data["class_teacher"], data["year"].school_id)
            except JournalError as exc:
                self.add_error("class_teacher", exc.message)
        return data


@admin.register(SchoolClass)
class SchoolClassAdmin(RussianAdmin, GrantsThroughService, admin.ModelAdmin):
    names = Noun("класс", "класса", "классы", "классов", "m")
    form = SchoolClassForm
    list_display = ["__str__", "class_teacher", "year"]
    list_filter = ["year", "grade"]
    search_fields = ["letter", "class_teacher__last_name"]
    autocomplete_fields = ["class_teacher"]
    list_select_related = ["class_teacher", "year"]
    inlines = [EnrolmentInline, ClassGrantInline]

    def save_model(self, request, obj, form, change):
        class_teacher = obj.class_teacher
        # The service moves the key together with the right that follows it.
        obj.class_teacher_id = form.initial.get("class_teacher") if change else None
        super().save_model(request, obj, form, change)
        set_class_teacher(request.user, obj, class_teacher)


@admin.register(Enrolment)
class EnrolmentAdmin(RussianAdmin, admin.ModelAdmin):
    names = EnrolmentInline.names
    list_display = ["student", "school_class", "enrolled_on", "left_on", "order_number"]
    list_filter = ["school_class__year", "school_class__grade"]
    search_fields = ["student__user__last_name", "student__user__first_name"]
    autocomplete_fields = ["student", "school_class"]
    list_select_related = ["student__user", "school_class"]


@admin.register(Subject)
class SubjectAdmin(RussianAdmin, GrantsThroughService, admin.ModelAdmin):
    names = Noun("предмет", "предмета", "предметы", "предметов", "m")
    list_display = ["name", "short_name", "is_elective", "order"]
    search_fields = ["name"]
    inlines = [SubjectGrantInline]


@admin.register(CurriculumItem)
class CurriculumItemAdmin(RussianAdmin, admin.ModelAdmin):
    names = Noun("строку учебного плана", "строки учебного плана", "строки учебного плана",
                 "строк учебного плана", "f")
    list_display = ["subject", "grade", "school_class", "hours_per_week", "year"]
    list_filter = ["year", "grade"]
    search_fields = ["subject__name"]


@admin.register(Subgroup)
class SubgroupAdmin(RussianAdmin, admin.ModelAdmin):
    names = Noun("подгруппу", "подгруппы", "подгруппы", "подгрупп", "f")
    list_display = ["__str__", "school_class", "subject"]
    list_filter = ["school_class__year", "subject"]
    search_fields = ["name", "subject__name"]
    autocomplete_fields = ["students"]


class TeachingAssignmentForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if data.get("teacher") and data.get("year") and "teacher" in self.changed_data:
            try:
                check_grantee(data["teacher"], data["year"].school_id)
            except JournalError as exc:
                self.add_error("teacher", exc.message)
        return data


@admin.register(TeachingAssignment)
class TeachingAssignmentAdmin(RussianAdmin, GrantsThroughService, admin.ModelAdmin):
    names = Noun("журнал", "журнала", "журналы", "журналов", "m")
    form = TeachingAssignmentForm
    list_display = ["school_class", "subject", "subgroup", "teacher", "year"]
    list_filter = ["year", "school_class__grade", "subject"]
    search_fields = ["teacher__last_name", "subject__name"]
    autocomplete_fields = ["teacher"]
    list_select_related = ["school_class", "subject", "subgroup", "teacher", "year"]
    inlines = [JournalGrantInline]
    # The rollover's drafts are confirmed on «Черновики журналов», which grants the journal.
    readonly_fields = ["confirmed"]

    def save_model(self, request, obj, form, change):
        teacher = obj.teacher
        if change:
            # The service moves the key together with the right that follows it; a new
            # assignment needs its key to be saved at all, and gets its right just after.
            obj.teacher_id = form.initial["teacher"]
        super().save_model(request, obj, form, change)
        set_teacher(request.user, obj, teacher)


@admin.register(TimetableSlot)
class TimetableSlotAdmin(RussianAdmin, admin.ModelAdmin):
    names = Noun("урок в расписании", "урока в расписании", "уроки в расписании",
                 "уроков в расписании", "m")
    list_display = ["weekday", "lesson_number", "assignment", "room", "valid_from", "valid_to"]
    autocomplete_fields = ["assignment"]
    list_filter = ["weekday", "assignment__school_class__grade", "assignment__year"]
    search_fields = ["assignment__subject__name", "assignment__teacher__last_name", "room"]
    list_select_related = ["assignment__school_class", "assignment__subject",
                           "assignment__subgroup", "assignment__teacher"]

    def _regenerate(self, request, assignment):
        result = generate_lessons(assignment.year, user=request.user, assignments=[assignment])
        self.message_user(request, f"Уроки по расписанию обновлены: создано {result.created}, "
                                   f"удалено {result.deleted}, сохранено с данными "
                                   f"{result.kept_with_data}.")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._regenerate(request, obj.assignment)

    def delete_model(self, request, obj):
        assignment = obj.assignment
        super().delete_model(request, obj)
        self._regenerate(request, assignment)

    def delete_queryset(self, request, queryset):
        assignments = {slot.assignment for slot in queryset.select_related("assignment__year")}
        super().delete_queryset(request, queryset)
        for assignment in assignments:
            self._regenerate(request, assignment)


@admin.register(AssessmentType)
class AssessmentTypeAdmin(RussianAdmin, admin.ModelAdmin):
    names = Noun("вид контроля", "вида контроля", "виды контроля", "видов контроля", "m")
    list_display = ["name", "weight", "is_written", "school"]


@admin.register(Lesson)
class LessonAdmin(RussianAdmin, admin.ModelAdmin):
    """Lessons are listed here and extra ones added; everything recorded on a lesson is edited
    in the journal, where it is kept in the change history."""

    names = Noun("урок", "урока", "уроки", "уроков", "m")

    list_display = ["date", "number", "assignment", "topic", "is_held", "is_extra", "substitute"]
    list_filter = ["is_extra", "is_held", "assignment__school_class__grade"]
    search_fields = ["assignment__subject__name", "assignment__teacher__last_name", "topic"]
    date_hierarchy = "date"
    fields = ["assignment", "date", "number", "topic"]
    autocomplete_fields = ["assignment"]
    list_select_related = ["assignment__school_class", "assignment__subject",
                           "assignment__subgroup", "assignment__teacher", "substitute"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = add_extra_lesson(request.user, obj.assignment, obj.date, obj.number, obj.topic)
        obj.pk = created.pk
