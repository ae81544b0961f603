"""A parent's consent, or refusal, to the processing of personal data, and each person's
consents to be notified by e-mail or SMS (`ContactChannel`, which the messaging reads)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import ContactChannel, Parent, PersonalDataConsent, User
from accounts.queries.family_access import CONSENT_ORDER
from accounts.services.personal_data import (
    CHANNEL_ADDRESS,
    Where,
    channel_label,
    channel_state,
    record_change,
)

CONSENT_LABEL = "Согласие на обработку персональных данных"


def consent_state(consent: PersonalDataConsent | None) -> str:
    if consent is None:
        return "не записано"
    what = "согласие" if consent.given else "отказ"
    return f"{what} от {consent.signed_on:%d.%m.%Y} ({consent.document})"


def consent_in_force(parent: Parent) -> PersonalDataConsent | None:
    return parent.consents.order_by(*CONSENT_ORDER).first()


@transaction.atomic
def record_consent(actor, where: Where, parent: Parent, *, given: bool, signed_on: dt.date,
                   document: str) -> PersonalDataConsent:
    Parent.objects.select_for_update().filter(pk=parent.pk).first()
    before = consent_in_force(parent)
    consent = PersonalDataConsent.objects.create(parent=parent, given=given, signed_on=signed_on,
                                                 document=document.strip(), recorded_by=actor)
    after = consent_in_force(parent)
    # The document is logged even when an older date leaves another one in force.
    label = "Документ о согласии" if given else "Документ об отказе"
    record_change(actor, where, parent.user,
                  {label: ("", f"{consent.document} от {signed_on:%d.%m.%Y}"),
                   CONSENT_LABEL: (consent_state(before), consent_state(after))},
                  what="согласие на обработку ПД" if given else "отказ от обработки ПД")
    return consent


@transaction.atomic
def set_channels(actor, where: Where, person: User,
                 consents: dict[str, tuple[bool, dt.date | None]]) -> list[str]:
    """Records, per channel kind, whether the person agreed to be notified through it and
    since when; the channel's address is the person's e-mail or phone. Returns the labels of
    what changed. A consent to a channel with no address raises ValueError."""
    user = User.objects.select_for_update().get(pk=person.pk)
    parent = Parent.objects.filter(user=user).first()
    existing = {c.kind: c for c in ContactChannel.objects.filter(user=user)}
    changes = {}
    for kind, (consented, since) in consents.items():
        source = user if kind == ContactChannel.Kind.EMAIL else parent
        address = getattr(source, CHANNEL_ADDRESS[kind], "") if source else ""
        channel = existing.get(kind)
        before = channel_state(channel)
        if consented and not address:
            raise ValueError(kind)
        if consented:
            channel = channel or ContactChannel(user=user, kind=kind)
            channel.address, channel.consented = address, True
            channel.consented_on = since
            channel.save()
        elif channel is not None:
            channel.consented, channel.consented_on = False, None
            channel.address = address or channel.address
            channel.save()
        after = channel_state(channel if consented or channel is not None else None)
        if before != after:
            changes[channel_label(kind)] = (before, after)
    record_change(actor, where, user, changes, what="согласия на уведомления")
    return list(changes)
