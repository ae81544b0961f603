"""The setup screens for the deputy director, administrator and dispatcher. Saves that change
who keeps a journal, or the timetable, go through the services."""

from __future__ import annotations

from django.contrib import admin, messages

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
    StudyPeriod,
    Subgroup,
    Subject,
    TeachingAssignment,
    TimetableSlot,
)
from journal.services.lessons import add_extra_lesson, generate_lessons
from journal.services.rights import grant_class_rights, grant_journal_rights


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "days_per_week"]


@admin.register(AcademicYear)
class AcademicYearAdmin(admin.ModelAdmin):
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
class StudyPeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "starts_on", "ends_on", "grade_from", "grade_to", "year"]
    list_filter = ["year", "kind"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "grade_from", "grade_to"]
    list_filter = ["year"]


@admin.register(BellSchedule)
class BellScheduleAdmin(admin.ModelAdmin):
    list_display = ["lesson_number", "starts_at", "ends_at", "school"]


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    autocomplete_fields = ["student"]


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ["__str__", "class_teacher", "year"]
    list_filter = ["year", "grade"]
    search_fields = ["letter", "class_teacher__last_name"]
    autocomplete_fields = ["class_teacher"]
    list_select_related = ["class_teacher", "year"]
    inlines = [EnrolmentInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        grant_class_rights(obj)


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["student", "school_class", "enrolled_on", "left_on", "order_number"]
    list_filter = ["school_class__year", "school_class__grade"]
    search_fields = ["student__user__last_name", "student__user__first_name"]
    autocomplete_fields = ["student", "school_class"]
    list_select_related = ["student__user", "school_class"]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "is_elective", "order"]
    search_fields = ["name"]


@admin.register(CurriculumItem)
class CurriculumItemAdmin(admin.ModelAdmin):
    list_display = ["subject", "grade", "school_class", "hours_per_week", "year"]
    list_filter = ["year", "grade"]
    search_fields = ["subject__name"]


@admin.register(Subgroup)
class SubgroupAdmin(admin.ModelAdmin):
    list_display = ["__str__", "school_class", "subject"]
    list_filter = ["school_class__year", "subject"]
    search_fields = ["name", "subject__name"]
    autocomplete_fields = ["students"]


@admin.register(TeachingAssignment)
class TeachingAssignmentAdmin(admin.ModelAdmin):
    list_display = ["school_class", "subject", "subgroup", "teacher", "year"]
    list_filter = ["year", "school_class__grade", "subject"]
    search_fields = ["teacher__last_name", "subject__name"]
    autocomplete_fields = ["teacher"]
    list_select_related = ["school_class", "subject", "subgroup", "teacher", "year"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        grant_journal_rights(obj)


@admin.register(TimetableSlot)
class TimetableSlotAdmin(admin.ModelAdmin):
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
class AssessmentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "weight", "is_written", "school"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    """Lessons are listed here and extra ones added; everything recorded on a lesson is edited
    in the journal, where it is kept in the change history."""

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
