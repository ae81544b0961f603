"""Families' paperwork and sign-in identities in the setup screens, to look at only.

Each of these records is written by its service on the families' pages, which does what the
record means: an application opens the parent's account, a refusal closes it, a termination
annuls the account and ends its sessions, a new password is hashed and printed on a slip, a
link to the state sign-in is made after the provider's check — and every change goes to the
personal-data log. A row added or edited here would do none of that, so none is."""

from __future__ import annotations

from django.contrib import admin

from accounts.models import (
    ContactChannel,
    CredentialIssue,
    DiaryApplication,
    ExternalIdentity,
    PersonalDataConsent,
    Termination,
)
from ejournal.admin import Noun, ReadOnlyAdmin

PERSON_SEARCH = ["user__last_name", "user__first_name", "user__patronymic", "user__username"]
PARENT_SEARCH = [f"parent__{field}" for field in PERSON_SEARCH]


@admin.register(DiaryApplication)
class DiaryApplicationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    names = Noun("заявление на электронный дневник", "заявления на электронный дневник",
                 "заявления на электронный дневник", "заявлений на электронный дневник", "n")
    list_display = ["parent", "received_on", "passport_checked_by", "recorded_by", "recorded_at"]
    search_fields = PARENT_SEARCH
    list_select_related = ["parent__user", "passport_checked_by", "recorded_by"]


@admin.register(PersonalDataConsent)
class PersonalDataConsentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    names = Noun("согласие на обработку персональных данных",
                 "согласия на обработку персональных данных",
                 "согласия на обработку персональных данных",
                 "согласий на обработку персональных данных", "n")
    list_display = ["parent", "given", "signed_on", "document", "recorded_by"]
    list_filter = ["given"]
    search_fields = [*PARENT_SEARCH, "document"]
    list_select_related = ["parent__user", "recorded_by"]


@admin.register(ContactChannel)
class ContactChannelAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    names = Noun("канал связи", "канала связи", "каналы связи", "каналов связи", "m")
    list_display = ["user", "kind", "address", "consented", "consented_on", "updated_at"]
    list_filter = ["kind", "consented"]
    search_fields = ["address", *PERSON_SEARCH]
    list_select_related = ["user"]


@admin.register(CredentialIssue)
class CredentialIssueAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    names = Noun("выдачу логина", "выдачи логина", "выдачи логинов", "выдач логинов", "f")
    list_display = ["user", "kind", "issued_by", "issued_at"]
    list_filter = ["kind"]
    search_fields = PERSON_SEARCH
    list_select_related = ["user", "issued_by"]


@admin.register(Termination)
class TerminationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    names = Noun("прекращение предоставления услуги", "прекращения предоставления услуги",
                 "прекращения предоставления услуги", "прекращений предоставления услуги", "n")
    list_display = ["applicant_name", "user", "terminated_on", "recorded_by", "notice_sent_at"]
    search_fields = ["applicant_name", *PERSON_SEARCH]
    list_select_related = ["user", "recorded_by"]


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    names = Noun("внешний вход", "внешнего входа", "внешние входы", "внешних входов", "m")
    list_display = ["user", "provider", "linked_at", "last_used_at"]
    list_filter = ["provider"]
    search_fields = PERSON_SEARCH
    list_select_related = ["user"]
