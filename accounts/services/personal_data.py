"""The personal-data log (152-ФЗ), and changes of students' and parents' data.

This module is the only writer of `PersonalDataEvent`:
- `record_change`: a change of a person's data — who, when, from which address, the fields with
  their old and new values (the families' pages here, the setup screens through
  `changes_from_form`);
- `record_view`: a member of staff opened a family's diary or personal data (the family's own
  views are the diary's activity records, not this log);
- `record_access`: a login issued or reset, an account activated, the service ended.
`update_person` is the one way the site's pages change a student's or parent's data.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import capfirst

from accounts.models import ContactChannel, Parent, ParentStudent, PersonalDataEvent, Student, User
from accounts.signin.addresses import client_address

__all__ = ["changes_from_form", "client_address", "display", "label_of", "record_access",
           "record_change", "record_view", "update_person"]

Where = HttpRequest | str | None
Kind = PersonalDataEvent.Kind
WHAT_MAX = PersonalDataEvent._meta.get_field("what").max_length


def _address(where: Where) -> str | None:
    address = client_address(where) if isinstance(where, HttpRequest) else where
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None


def _actor(user) -> User | None:
    return user if user is not None and user.is_authenticated else None


def display(value: Any) -> str:
    """A value as the log shows it: dates as ДД.ММ.ГГГГ, yes/no in Russian, objects by name."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%d.%m.%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, list | tuple | set | models.QuerySet):
        return ", ".join(display(v) for v in value)
    return str(value)


def label_of(model: type[models.Model], name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _choice(model: type[models.Model], name: str, value: Any) -> str:
    return str(dict(model._meta.get_field(name).flatchoices).get(value, value))


def record_change(actor, where: Where, subject: User, changes: dict[str, tuple[Any, Any]],
                  what: str = "") -> PersonalDataEvent | None:
    """Logs the fields of `subject`'s data that changed ({label: (old, new)}); nothing when
    none did."""
    changed = {label: [display(old), display(new)] for label, (old, new) in changes.items()
               if display(old) != display(new)}
    if not changed:
        return None
    return PersonalDataEvent.objects.create(
        actor=_actor(actor), address=_address(where), subject=subject, kind=Kind.CHANGE,
        what=what[:WHAT_MAX], changes=changed)


def record_view(actor, address: Where, subject: User, kind: str, what: str) -> PersonalDataEvent:
    """A member of staff opened `subject`'s diary (`Kind.VIEW_DIARY`) or data (`VIEW_DATA`)."""
    if kind not in (Kind.VIEW_DATA, Kind.VIEW_DIARY):
        raise ValueError(f"not a view: {kind}")
    return PersonalDataEvent.objects.create(
        actor=_actor(actor), address=_address(address), subject=subject, kind=kind,
        what=what[:WHAT_MAX])


def record_access(actor, where: Where, subject: User, what: str) -> PersonalDataEvent:
    """A login issued or reset, an account activated or annulled."""
    return PersonalDataEvent.objects.create(
        actor=_actor(actor), address=_address(where), subject=subject, kind=Kind.ACCESS,
        what=what[:WHAT_MAX])


def changes_from_form(form) -> dict[str, tuple[Any, Any]]:
    """{label: (old, new)} of what a bound, valid model form changes (passwords left out):
    for the setup screens, before they save."""
    changes = {}
    for name in form.changed_data:
        if "password" in name or name in ("id", "DELETE"):
            continue
        field = form.fields[name]
        old, new = form.initial.get(name), form.cleaned_data.get(name)
        queryset = getattr(field, "queryset", None)
        if queryset is not None and old is not None and not isinstance(old, models.Model):
            old = (list(queryset.filter(pk__in=old)) if isinstance(old, list | tuple)
                   else queryset.filter(pk=old).first())
        choices = dict(getattr(field, "flatchoices", None) or getattr(field, "choices", None)
                       or []) if queryset is None else {}
        if choices:
            old, new = choices.get(old, old), choices.get(new, new)
        changes[str(field.label or name)] = (old, new)
    return changes


# Changing a person's data ------------------------------------------------------------------

USER_FIELDS = ("last_name", "first_name", "patronymic", "email")
STUDENT_FIELDS = ("birth_date", "sex")
PARENT_FIELDS = ("phone", "address")
CHANNEL_ADDRESS = {ContactChannel.Kind.EMAIL: "email", ContactChannel.Kind.SMS: "phone"}


def _diff(obj: models.Model, names: tuple[str, ...], data: dict) -> dict[str, tuple[Any, Any]]:
    changes = {}
    for name in names:
        if name not in data:
            continue
        old, new = getattr(obj, name), data[name]
        if old != new:
            field = obj._meta.get_field(name)
            shown = (_choice(type(obj), name, old), _choice(type(obj), name, new)) \
                if field.choices else (old, new)
            changes[label_of(type(obj), name)] = shown
            setattr(obj, name, new)
    return changes


def relation_label(link: ParentStudent) -> str:
    return f"Кем приходится ({link.student.user.full_name})"


@transaction.atomic
def update_person(actor, where: Where, person: User, data: dict,
                  relations: dict[int, str] | None = None) -> dict[str, tuple[Any, Any]]:
    """Saves the changed fields of a student's or parent's data (`data`: names of
    `USER_FIELDS`, `STUDENT_FIELDS`, `PARENT_FIELDS`; `relations`: link id → relation, for
    the links given) and logs them; a changed e-mail or phone moves its notification channel
    with it, and an emptied one drops the channel. Returns what changed."""
    user = User.objects.select_for_update().get(pk=person.pk)
    changes = _diff(user, USER_FIELDS, data)
    if changes:
        user.save(update_fields=[n for n in USER_FIELDS if n in data])
    student = Student.objects.filter(user=user).first()
    if student is not None:
        student_changes = _diff(student, STUDENT_FIELDS, data)
        if student_changes:
            student.save(update_fields=[n for n in STUDENT_FIELDS if n in data])
            changes.update(student_changes)
    parent = Parent.objects.filter(user=user).first()
    if parent is not None:
        parent_changes = _diff(parent, PARENT_FIELDS, data)
        if parent_changes:
            parent.save(update_fields=[n for n in PARENT_FIELDS if n in data])
            changes.update(parent_changes)
        links = parent.links.filter(pk__in=list(relations or {})).select_related("student__user")
        for link in links:
            new = relations[link.pk]
            if new != link.relation:
                changes[relation_label(link)] = (link.get_relation_display(),
                                                 _choice(ParentStudent, "relation", new))
                link.relation = new
                link.save(update_fields=["relation"])
    changes.update(_follow_addresses(user, parent))
    record_change(actor, where, user, changes, what="изменение данных")
    return changes


def channel_label(kind: str) -> str:
    return ("Согласие на уведомления по электронной почте" if kind == ContactChannel.Kind.EMAIL
            else "Согласие на уведомления по SMS")


def channel_state(channel: ContactChannel | None) -> str:
    if channel is None or not channel.consented:
        return "нет"
    since = f" с {channel.consented_on:%d.%m.%Y}" if channel.consented_on else ""
    return f"да{since} ({channel.address})"


def _follow_addresses(user: User, parent: Parent | None) -> dict[str, tuple[str, str]]:
    """Channels take the address from the person's e-mail and phone, the one place they are
    kept; a channel whose address is gone is dropped (its consent went with it)."""
    changes = {}
    for channel in ContactChannel.objects.filter(user=user).select_for_update():
        source = user if channel.kind == ContactChannel.Kind.EMAIL else parent
        address = getattr(source, CHANNEL_ADDRESS[channel.kind], "") if source else ""
        if address == channel.address:
            continue
        before = channel_state(channel)
        if address:
            channel.address = address
            channel.save(update_fields=["address", "updated_at"])
            after = channel_state(channel)
        else:
            channel.delete()
            after = "нет"
        if before != after:
            changes[channel_label(channel.kind)] = (before, after)
    return changes
