"""Text that would start a formula stays text in every spreadsheet the app writes."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from ejournal.spreadsheets import csv_value, from_csv_value
from journal.imports.accounts_list import accounts_workbook
from journal.imports.base import NewAccount
from journal.imports.plans import import_plan_file
from journal.models import PlanItem
from journal.services.plans import Mode, PlanRow, save_plan
from tests.journal.journal_setup import TODAY, at

DANGEROUS = ['=HYPERLINK("http://example.com","Открыть")', "+7 задач", "-1 к оценке",
             "@SUM(A1)"]


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture
def plan(teacher, small_school):
    journal = small_school.maths_5a
    save_plan(teacher, journal, [PlanRow(topic=topic, number=i) for i, topic in
                                 enumerate(DANGEROUS, start=1)], expected_version=0)
    return journal


def test_the_plan_as_xlsx_keeps_formula_like_topics_as_text(client, teacher, plan):
    client.force_login(teacher)
    response = client.get(reverse("journal:plan_template", args=[plan.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["КТП"]
    cells = [sheet.cell(row=row, column=3) for row in range(2, 2 + len(DANGEROUS))]
    assert [c.value for c in cells] == DANGEROUS
    assert {c.data_type for c in cells} == {"s"}  # not "f": nothing runs when it is opened


def test_the_plan_as_csv_marks_formula_like_topics_and_reads_them_back(client, teacher, plan):
    client.force_login(teacher)
    response = client.get(reverse("journal:plan_template_csv", args=[plan.pk]))
    data = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert [row[2] for row in rows[1:]] == ["'" + t for t in DANGEROUS]

    result = import_plan_file(teacher, plan, SimpleUploadedFile("ktp.csv", data), Mode.REPLACE)
    assert result.ok, result.errors
    assert list(PlanItem.objects.filter(plan__assignment=plan).order_by("number")
                .values_list("topic", flat=True)) == DANGEROUS


def test_new_accounts_list_keeps_a_formula_like_name_as_text():
    workbook = load_workbook(io.BytesIO(accounts_workbook([
        NewAccount(full_name="=cmd|' /C calc'!A0", who="обучающийся", detail="5А",
                   login="=login", password="-pass"),
    ])))
    row = [cell for cell in workbook.active[2]]
    assert [c.value for c in row] == ["=cmd|' /C calc'!A0", "обучающийся", "5А", "=login",
                                      "-pass"]
    assert {c.data_type for c in row} == {"s"}


@pytest.mark.parametrize("text", [*DANGEROUS, "\t=1+1", "Дроби", "'цитата", "'=A1", "5"])
def test_csv_marking_round_trips(text):
    assert from_csv_value(csv_value(text)) == text
