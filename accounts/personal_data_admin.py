"""The setup screens' saves of people's data go to the personal-data log, as the families'
pages' do (accounts.services.personal_data)."""

from __future__ import annotations

from accounts.models import Parent, ParentStudent, Student, User
from accounts.services.personal_data import changes_from_form, display, record_change


def subject_of(obj) -> User | None:
    """Whose personal data a saved object holds."""
    if isinstance(obj, User):
        return obj
    if isinstance(obj, Student | Parent):
        return obj.user
    if isinstance(obj, ParentStudent):
        return obj.parent.user
    return None


def _what(obj, change: bool) -> str:
    return f"Настройка школы: {obj._meta.verbose_name}, {'изменение' if change else 'добавление'}"


class LogsPersonalData:
    """ModelAdmin mixin: every save of a user, student, parent or parent–child link, and of
    the links edited as rows of another screen, is logged with the fields' old and new
    values."""

    def save_model(self, request, obj, form, change):
        changes = changes_from_form(form)
        super().save_model(request, obj, form, change)
        subject = subject_of(obj)
        if subject is not None:
            record_change(request.user, request, subject, changes, what=_what(obj, change))

    def save_formset(self, request, form, formset, change):
        if formset.model is not ParentStudent:
            return super().save_formset(request, form, formset, change)
        deleted = [(f.instance, subject_of(f.instance)) for f in formset.deleted_forms
                   if f.instance.pk]
        changed = [(f, changes_from_form(f)) for f in formset.forms
                   if f.has_changed() and f not in formset.deleted_forms]
        super().save_formset(request, form, formset, change)
        for row, changes in changed:
            record_change(request.user, request, subject_of(row.instance), changes,
                          what=_what(row.instance, bool(row.initial)))
        for link, subject in deleted:
            record_change(request.user, request, subject,
                          {"Связь с ребёнком": (display(link), "удалена")},
                          what=_what(link, True))
