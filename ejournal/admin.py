"""Russian for the setup screens (Django's admin).

Django's admin knows one form of a model's name, the nominative `verbose_name`, and builds every
title, button and message from it: «Выберите школа для изменения», «Добавить пользователь»,
«школа … был успешно добавлен». Each setup screen declares its model's name in the other forms
Russian needs (`Noun`), and `RussianAdmin` says everything in those forms instead. The templates
under templates/admin/ read them from the context (`names`) or from `cl.model_admin.names`.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from django.contrib import messages
from django.contrib.admin import display, helpers, widgets
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext


@dataclass(frozen=True)
class Noun:
    """A model's name in the cases the setup screens use; the nominative is its `verbose_name`.
    `gender` is "pl" for a noun with no singular (каникулы); `animate` changes the accusative
    of the words that agree with it (выбранного пользователя, but выбранный класс)."""

    accusative: str  # Изменить школу
    genitive: str  # Удаление школы
    plural_accusative: str  # Удалить выбранные школы / выбранных пользователей
    plural_genitive: str  # Всего школ: 5
    gender: Literal["m", "f", "n", "pl"]
    animate: bool = False

    def agree(self, m: str, f: str, n: str, pl: str) -> str:
        return {"m": m, "f": f, "n": n, "pl": pl}[self.gender]

    @property
    def another(self) -> str:
        """«ещё одну школу», as in «Добавить ещё одну школу»."""
        one = self.agree("одного" if self.animate else "один", "одну", "одно", "одни")
        return f"ещё {one} {self.accusative}"

    @property
    def selected_plural(self) -> str:
        """«выбранные школы», «выбранных пользователей»."""
        return f"{'выбранных' if self.animate else 'выбранные'} {self.plural_accusative}"

    @property
    def every_plural(self) -> str:
        """«все школы», «всех пользователей»."""
        return f"{'всех' if self.animate else 'все'} {self.plural_accusative}"

    def selected(self, count: int) -> str:
        """What the delete-selected page asks about: «выбранную школу», «выбранные школы»."""
        if count != 1:
            return self.selected_plural
        adjective = self.agree("выбранного" if self.animate else "выбранный", "выбранную",
                               "выбранное", "выбранные")
        return f"{adjective} {self.accusative}"

    def selected_genitive(self, count: int) -> str:
        """«выбранной школы», «выбранных школ»."""
        if count != 1:
            return f"выбранных {self.plural_genitive}"
        return f"{self.agree('выбранного', 'выбранной', 'выбранного', 'выбранных')} {self.genitive}"


class RussianInlineAdminFormSet(helpers.InlineAdminFormSet):
    """Names the inline's «add a row» link with its accusative (`RussianInline.names`), and each
    field of a row by its label: a tabular inline shows labels only as column headings, which
    do not name the fields (WCAG 1.3.1, 4.1.2)."""

    def __iter__(self):
        for inline_form in super().__iter__():
            for name, field in inline_form.form.fields.items():
                # A related field's wrapper shares its attributes with the widget it was copied
                # from, not with the one it renders: name the inner widget.
                widget = getattr(field.widget, "widget", field.widget)
                widget.attrs.setdefault("aria-label", str(field.label or name))
            yield inline_form

    def inline_formset_data(self) -> str:
        data = json.loads(super().inline_formset_data())
        names = getattr(self.opts, "names", None)
        if names is not None:
            data["options"]["addText"] = f"Добавить {names.another}"
        return json.dumps(data)


class RussianRelatedFieldWidgetWrapper(widgets.RelatedFieldWidgetWrapper):
    """The links beside a related field («изменить», «добавить», «просмотреть»), titled with the
    related model's `names`. The admin's own Russian titles put the name in straight quotes,
    which end the HTML attribute early: «Изменить выбранный объект типа »."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        try:
            names = getattr(self.admin_site.get_model_admin(self.rel.model), "names", None)
        except NotRegistered:
            names = None
        if names is None:
            one = f"запись «{self.rel.model._meta.verbose_name}»"
            selected = f"выбранную {one}"
        else:
            one, selected = names.accusative, names.selected(1)
        context.update(change_title=f"Изменить {selected}", add_title=f"Добавить {one}",
                       delete_title=f"Удалить {selected}", view_title=f"Просмотреть {selected}")
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates, where templates/admin/widgets/ overrides the links; the form
        # renderer looks only in the applications' templates.
        return mark_safe(render_to_string(self.template_name,  # noqa: S308 (the engine escaped it)
                                          self.get_context(name, value, attrs)))


class RussianForms:
    """The fields of a setup form or of an inline's rows: related fields get Russian links."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        wrapper = formfield.widget if formfield is not None else None
        if type(wrapper) is widgets.RelatedFieldWidgetWrapper:
            formfield.widget = RussianRelatedFieldWidgetWrapper(
                wrapper.widget, wrapper.rel, wrapper.admin_site,
                can_add_related=wrapper.can_add_related,
                can_change_related=wrapper.can_change_related,
                can_delete_related=wrapper.can_delete_related,
                can_view_related=wrapper.can_view_related)
        return formfield


class RussianInline(RussianForms):
    """InlineModelAdmin mixin; `names` is the inline's row (its `verbose_name`) in other cases."""

    names: Noun


class RussianAdmin(RussianForms):
    """ModelAdmin mixin: titles, buttons, breadcrumbs and messages agree with `names`."""

    names: Noun

    # Titles and the context the templates read ----------------------------------------------

    def setup_context(self) -> dict:
        return {"names": self.names, "setup_section": self.admin_site.section_of(self.model)}

    def changelist_view(self, request, extra_context=None):
        if IS_POPUP_VAR in request.GET:
            title = f"Выберите {self.names.accusative}"
        elif self.has_change_permission(request):
            title = f"Выберите {self.names.accusative} для изменения"
        else:
            title = f"Выберите {self.names.accusative} для просмотра"
        return super().changelist_view(
            request, {"title": title, **self.setup_context(), **(extra_context or {})})

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if add:
            verb = "Добавить"
        elif self.has_change_permission(request, obj):
            verb = "Изменить"
        else:
            verb = "Просмотреть"
        context.update(title=f"{verb} {self.names.accusative}", **self.setup_context())
        return super().render_change_form(request, context, add, change, form_url, obj)

    def render_delete_form(self, request, context):
        refused = context["perms_lacking"] or context["protected"]
        context.update(title=f"{'Нельзя удалить' if refused else 'Удалить'} "
                             f"{self.names.accusative}", **self.setup_context())
        return super().render_delete_form(request, context)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id,
                                        {**self.setup_context(), **(extra_context or {})})
        if isinstance(response, TemplateResponse):
            for entry in response.context_data["action_list"]:
                entry.message_in_russian = change_message(entry)
        return response

    def get_list_display(self, request):
        return [self._dated(name) for name in super().get_list_display(request)]

    @cached_property
    def _dated_columns(self) -> dict:
        return {}

    def _dated(self, name):
        """A date column as dd.mm.yyyy (the admin would write «24 октября 2026 г.»). The same
        function each time: the change list finds its sortable columns by identity."""
        if not isinstance(name, str):
            return name
        if name not in self._dated_columns:
            self._dated_columns[name] = self._dated_column(name)
        return self._dated_columns[name]

    def _dated_column(self, name):
        try:
            field = self.opts.get_field(name)
        except FieldDoesNotExist:
            return name
        if not isinstance(field, models.DateField):
            return name
        with_time = isinstance(field, models.DateTimeField)
        empty = self.get_empty_value_display()

        @display(description=field.verbose_name, ordering=name)
        def column(obj):
            value = getattr(obj, name)
            if value is None:
                return empty
            return date_format(localtime(value), "d.m.Y H:i") if with_time \
                else date_format(value, "d.m.Y")

        column.__name__ = name  # the column keeps the field's CSS class
        return column

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_formset in inline_formsets:
            # Only the «add a row» text differs; the class is swapped rather than the admin's
            # long method that builds these copied.
            inline_formset.__class__ = RussianInlineAdminFormSet
        return inline_formsets

    # Actions ----------------------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            description = f"Удалить {self.names.selected_plural}".replace("%", "%%")
            actions["delete_selected"] = (type(self).delete_selected_in_russian,
                                          "delete_selected", description)
        return actions

    def delete_selected_in_russian(self, request, queryset):
        """The admin's own «delete selected», with its confirmation and message in Russian."""
        count = len(queryset) if request.POST.get("post") else None
        with self.stock_messages_off(request):
            response = delete_selected(self, request, queryset)
        if isinstance(response, TemplateResponse):
            context = response.context_data
            count = len(queryset)
            refused = context["perms_lacking"] or context["protected"]
            context.update(title=f"{'Нельзя удалить' if refused else 'Удалить'} "
                                 f"{self.names.selected(count)}",
                           selected=self.names.selected(count),
                           selected_genitive=self.names.selected_genitive(count),
                           **self.setup_context())
        elif count:
            self.message_user(request, f"Удалено {self.names.plural_genitive}: {count}.",
                              messages.SUCCESS)
        return response

    # Messages ---------------------------------------------------------------------------------

    @contextmanager
    def stock_messages_off(self, request):
        """Drops the messages the admin's own code sends meanwhile; the caller says its own."""
        request.setup_stock_messages_off = True
        try:
            yield
        finally:
            del request.setup_stock_messages_off

    def message_user(self, request, message, *args, **kwargs):
        if not getattr(request, "setup_stock_messages_off", False):
            super().message_user(request, message, *args, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        with self.stock_messages_off(request):
            response = super().response_add(request, obj, post_url_continue)
        self._say_saved(request, obj, added=True)
        return response

    def response_change(self, request, obj):
        with self.stock_messages_off(request):
            response = super().response_change(request, obj)
        self._say_saved(request, obj, added="_saveasnew" in request.POST)
        return response

    def response_delete(self, request, obj_display, obj_id):
        with self.stock_messages_off(request):
            response = super().response_delete(request, obj_display, obj_id)
        if IS_POPUP_VAR not in request.POST:
            deleted = self.names.agree("удалён", "удалена", "удалено", "удалены")
            self.message_user(request, f"{capfirst(self.opts.verbose_name)} «{obj_display}» "
                                       f"{deleted}.", messages.SUCCESS)
        return response

    def _say_saved(self, request, obj, *, added: bool) -> None:
        if IS_POPUP_VAR in request.POST:
            return
        names = self.names
        if added:
            done = names.agree("добавлен", "добавлена", "добавлено", "добавлены")
        else:
            done = names.agree("изменён", "изменена", "изменено", "изменены")
        may_change = self.has_change_permission(request, obj)
        if may_change:
            url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                          args=[quote(obj.pk)], current_app=self.admin_site.name)
            shown = format_html('<a href="{}">{}</a>', url, obj)
        else:
            shown = str(obj)
        if may_change and ("_continue" in request.POST or "_saveasnew" in request.POST):
            then = " Ниже можно продолжить редактирование."
        elif "_addanother" in request.POST:
            then = f" Ниже можно добавить {names.another}."
        else:
            then = ""
        self.message_user(request, format_html("{} «{}» успешно {}.{}",
                                               capfirst(self.opts.verbose_name), shown, done, then),
                          messages.SUCCESS)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        found = self.names.agree("найден", "найдена", "найдено", "найдены")
        it = self.names.agree("его", "её", "его", "их")
        self.message_user(request, f"{capfirst(opts.verbose_name)} с номером «{unquote(object_id)}» "
                                   f"не {found}: возможно, {it} уже удалили.", messages.WARNING)
        return HttpResponseRedirect(reverse("admin:index", current_app=self.admin_site.name))



class ReadOnlyAdmin(RussianAdmin):
    """A record the system writes through its services: shown in the setup screens, never added,
    changed or deleted there (a row edited here would skip what its service does)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

def field_label(label: str) -> str:
    """A changed field as the history stores it: Django's own fields by their English label
    («Last name»), which its catalogue knows by the lower-case verbose name («last name»)."""
    translated = gettext(label)
    if translated == label and label[:1].isupper():
        lowered = label[:1].lower() + label[1:]
        if gettext(lowered) != lowered:
            return capfirst(gettext(lowered))
    return translated


def change_message(entry) -> str:
    """A history entry (`LogEntry`) in Russian. The admin's own text puts the changed row's name
    in the nominative after a verb that agrees with nothing («Добавлен роль сотрудника»); here the
    verb is impersonal and the name follows a colon."""
    if not entry.change_message.startswith("["):
        return entry.change_message
    try:
        parts = json.loads(entry.change_message)
    except json.JSONDecodeError:
        return entry.change_message
    sentences = []
    for part in parts:
        if "added" in part:
            row = part["added"]
            sentences.append(f"Добавлено: {gettext(row['name'])} «{row['object']}»." if row
                             else "Добавлено.")
        elif "changed" in part:
            row = part["changed"]
            fields = ", ".join(field_label(label) for label in row["fields"])
            if "name" in row:
                sentences.append(f"Изменено: {fields} ({gettext(row['name'])} "
                                 f"«{row['object']}»).")
            else:
                sentences.append(f"Изменено: {fields}.")
        elif "deleted" in part:
            row = part["deleted"]
            sentences.append(f"Удалено: {gettext(row['name'])} «{row['object']}».")
    return " ".join(sentences) or "Ни одно поле не изменено."
