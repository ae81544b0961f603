from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import families_admin  # noqa: F401 (the families' records, to look at)
from accounts.models import Parent, ParentStudent, StaffRole, Student, User
from accounts.personal_data_admin import LogsPersonalData
from ejournal.admin import Noun, RussianAdmin, RussianInline
from journal.imports.uids import Kind, staff_uid_holder, taken_message

# Roles are `StaffRole` rows held per school (accounts/roles.py); Django's groups are not used,
# and a superuser editing them would change nothing anyone can do.
admin.site.unregister(Group)
# Second factors are set up by their owners and reset by the administrator on «Безопасность
# входа» (accounts/signin); their secrets have no place in the setup screens.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


class StaffRoleInline(RussianInline, admin.TabularInline):
    names = Noun("роль сотрудника", "роли сотрудника", "роли сотрудников", "ролей сотрудников",
                 "f")
    model = StaffRole
    extra = 0


class UserForm(UserChangeForm):
    def clean_staff_portal_uid(self) -> str:
        # A staff member's portal code is unique among the staff of their school.
        uid = self.cleaned_data.get("staff_portal_uid", "")
        holder = staff_uid_holder(self.instance, uid) if uid else None
        if holder is not None:
            raise ValidationError(taken_message(Kind.STAFF, holder))
        return uid


@admin.register(User)
class UserAdmin(LogsPersonalData, RussianAdmin, BaseUserAdmin):
    names = Noun("пользователя", "пользователя", "пользователей", "пользователей", "m",
                 animate=True)
    list_display = ["username", "last_name", "first_name", "patronymic", "email", "is_active"]
    search_fields = ["username", "last_name", "first_name", "patronymic", "email"]
    list_filter = ["is_active", "staff_roles__role"]
    ordering = ["last_name", "first_name"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("ФИО и контакты", {"fields": ["last_name", "first_name", "patronymic", "email"]}),
        ("Доступ", {"fields": ["is_active", "is_superuser", "last_login", "date_joined"]}),
        ("Региональный портал", {"fields": ["staff_portal_uid"]}),
    ]
    form = UserForm
    add_fieldsets = [
        (None, {"classes": ["wide"],
                "fields": ["username", "last_name", "first_name", "patronymic", "email",
                           "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [StaffRoleInline]

    def get_queryset(self, request):
        # Superusers' accounts (and passwords) are out of reach of everyone else.
        users = super().get_queryset(request)
        return users if request.user.is_superuser else users.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes superusers.
        fields = list(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else [*fields, "is_superuser"]


@admin.register(StaffRole)
class StaffRoleAdmin(RussianAdmin, admin.ModelAdmin):
    names = StaffRoleInline.names
    list_display = ["user", "role", "school"]
    list_filter = ["role", "school"]
    search_fields = ["user__last_name", "user__first_name", "user__username"]
    autocomplete_fields = ["user"]


class ParentLinkInline(RussianInline, admin.TabularInline):
    names = Noun("связь родителя и ребёнка", "связи родителя и ребёнка",
                 "связи родителей и детей", "связей родителей и детей", "f")
    model = ParentStudent
    extra = 0
    autocomplete_fields = ["parent", "student"]


@admin.register(Student)
class StudentAdmin(LogsPersonalData, RussianAdmin, admin.ModelAdmin):
    names = Noun("обучающегося", "обучающегося", "обучающихся", "обучающихся", "m", animate=True)
    list_display = ["__str__", "birth_date", "sex", "portal_uid"]
    search_fields = ["user__last_name", "user__first_name", "user__patronymic", "user__username",
                     "portal_uid"]
    list_filter = ["sex", "classes__grade"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    inlines = [ParentLinkInline]


@admin.register(Parent)
class ParentAdmin(LogsPersonalData, RussianAdmin, admin.ModelAdmin):
    names = Noun("родителя (законного представителя)", "родителя (законного представителя)",
                 "родителей (законных представителей)", "родителей (законных представителей)",
                 "m", animate=True)
    list_display = ["__str__", "phone", "portal_uid"]
    search_fields = ["user__last_name", "user__first_name", "user__patronymic", "user__username",
                     "phone", "user__email"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    inlines = [ParentLinkInline]


@admin.register(ParentStudent)
class ParentStudentAdmin(LogsPersonalData, RussianAdmin, admin.ModelAdmin):
    names = ParentLinkInline.names
    list_display = ["parent", "student", "relation", "is_legal_representative"]
    search_fields = ["parent__user__last_name", "student__user__last_name"]
    autocomplete_fields = ["parent", "student"]
    list_select_related = ["parent__user", "student__user"]
