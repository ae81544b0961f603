"""The families' records in the setup screens: the administrator looks at what the families'
pages recorded (applications, consents, contact channels, logins issued, terminations, state
sign-in links) and can change none of it there, where no service would run."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import (
    ContactChannel,
    CredentialIssue,
    DiaryApplication,
    ExternalIdentity,
    PersonalDataConsent,
    Termination,
)
from tests.accounts.families_setup import (  # noqa: F401 (fixtures)
    make_family_records,
    school_day_fixture,
)

RECORDS = {  # what a row of each list shows besides the parent's name
    DiaryApplication: "Руднева Анна Павловна",  # who checked the passport
    PersonalDataConsent: "№ 1",
    ContactChannel: "+7 900 111-22-33",
    CredentialIssue: "выдан логин",
    Termination: "16.11.2026",
    ExternalIdentity: "esia",
}


def url(model, action: str, *args) -> str:
    return reverse(f"admin:accounts_{model._meta.model_name}_{action}", args=args)


@pytest.fixture
def records(parent, class_teacher, school_day):
    make_family_records(parent, class_teacher)


@pytest.mark.usefixtures("records")
def test_the_administrator_sees_the_familys_records_in_their_own_section(client,
                                                                         administrator):
    client.force_login(administrator)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Доступ семей и персональные данные" in index
    for model, shown in RECORDS.items():
        listed = client.get(url(model, "changelist"))
        assert listed.status_code == 200, model
        row_text = listed.content.decode().split("<tbody>")[1]
        assert "Петрова Наталья Андреевна" in row_text and shown in row_text, model
        row = model.objects.get()
        page = client.get(url(model, "change", row.pk)).content.decode()
        assert "<h1>Просмотреть " in page, model
        assert 'name="_save"' not in page, model


@pytest.mark.usefixtures("records")
def test_nothing_is_added_changed_or_deleted_there(client, administrator, parent):
    client.force_login(administrator)
    for model in RECORDS:
        row = model.objects.get()
        assert client.get(url(model, "add")).status_code == 403, model
        assert client.post(url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
        client.post(url(model, "changelist"), {"action": "delete_selected",
                                               "_selected_action": [row.pk], "post": "yes"})
        assert model.objects.filter(pk=row.pk).exists(), model
    consent = PersonalDataConsent.objects.get()
    assert client.post(url(PersonalDataConsent, "change", consent.pk), {
        "parent": parent.parent.pk, "given": "", "signed_on": "16.11.2026",
        "document": "подделка"}).status_code == 403
    consent.refresh_from_db()
    assert consent.given and consent.document == "№ 1"


@pytest.mark.usefixtures("records")
@pytest.mark.parametrize("who", ["secretary", "deputy", "director", "class_teacher"])
def test_no_one_else_opens_them(client, request, who):
    client.force_login(request.getfixturevalue(who))
    for model in RECORDS:
        assert client.get(url(model, "changelist")).status_code in (302, 403), (who, model)
