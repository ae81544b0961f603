"""Every registered report, run by the deputy director through its page where there is nothing
to report: dates in the summer holidays, a class with no marks yet (1А), a class with nobody in
it (10А). The page answers, never with a server error; an empty report says why under it; a
figure over no students is «—»; the files are made too (a PDF in the background, to the end)."""

from __future__ import annotations

import io

import pytest
from django import forms
from django.urls import reverse
from openpyxl import load_workbook

from exports.models import ReportRun
from exports.registry import CLASS, GRADE, SCHOOL, exporters
from tests.exports.reports_setup import (  # noqa: F401 (fixtures)
    built_fixture,
    frozen_time_fixture,
)

pytestmark = pytest.mark.django_db
SUMMER = {"period": "", "date_from": "01.07.2027", "date_to": "31.07.2027"}
Q2_DATES = {"period": "", "date_from": "05.11.2026", "date_to": "28.12.2026"}
EVERY_REPORT = [exporter.key for exporter in exporters()]


@pytest.fixture(autouse=True)
def _files_in_a_folder_of_the_test(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def own_fields(key: str) -> dict:
    """The report's own fields as its form offers them first."""
    [exporter] = [e for e in exporters() if e.key == key]
    chosen = {}
    for name, field in exporter.fields.items():
        if isinstance(field, forms.ChoiceField):
            chosen[name] = field.initial or field.choices[0][0]
        elif field.initial is not None:
            chosen[name] = field.initial
    return chosen


def cases(built, key: str) -> list[tuple[str, dict]]:
    [exporter] = [e for e in exporters() if e.key == key]
    found = [("the class with no marks yet", {"scope": CLASS, "school_class": built.small.class_1a.pk,
                                               "period": built.q2.pk}),
             ("a class with nobody", {"scope": CLASS, "school_class": built.small.class_10a.pk,
                                      **Q2_DATES}),
             ("the class in the summer", {"scope": CLASS, "school_class": built.class_5a.pk,
                                          **SUMMER})]
    if GRADE in exporter.scopes:
        found.append(("the grade in the summer", {"scope": GRADE, "grade": 5, **SUMMER}))
    if SCHOOL in exporter.scopes:
        found.append(("the school in the summer", {"scope": SCHOOL, **SUMMER}))
    return found


def post(client, key: str, fields: dict, file_format: str):
    return client.post(reverse("exports:report", args=[key]),
                       {**own_fields(key), **fields, "format": file_format})


@pytest.mark.parametrize("key", EVERY_REPORT)
def test_nothing_to_report_is_told_on_the_page(client, built, key):
    client.force_login(built.deputy)

    for case, fields in cases(built, key):
        response = post(client, key, fields, "screen")
        page = response.content.decode()
        assert response.status_code == 200, case
        assert 'data-testid="report-result"' in page, (case, response.context["form"].errors)
        if 'data-testid="report-empty"' in page:
            assert 'data-testid="report-note"' in page, f"{key}: {case} is empty with no reason"


@pytest.mark.parametrize("key", EVERY_REPORT)
def test_the_files_of_a_class_with_nobody_are_made(client, built, key,
                                                   django_capture_on_commit_callbacks):
    client.force_login(built.deputy)
    nobody = {"scope": CLASS, "school_class": built.small.class_10a.pk, **Q2_DATES}

    response = post(client, key, nobody, "xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    response = post(client, key, nobody, "csv")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbf")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, key, nobody, "pdf")
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert (run.status, run.error) == (ReportRun.Status.DONE, "")
