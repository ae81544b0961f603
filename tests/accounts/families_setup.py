"""Shared by the tests of families' access: time frozen on a school day, the staff who issue
logins, and reading the PDFs the site hands out (poppler's pdftotext and pdffonts).

Fixtures are imported by their function names (`school_day_fixture`) and used by their
fixture names (`school_day`); the staff are tests/conftest.py's."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import (
    ContactChannel,
    CredentialIssue,
    DiaryApplication,
    ExternalIdentity,
    PersonalDataConsent,
    Termination,
    User,
)

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=MOSCOW)  # a Monday of the second quarter
TODAY = NOW.date()
PDFTOTEXT, PDFFONTS = shutil.which("pdftotext"), shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(not (PDFTOTEXT and PDFFONTS),
                                   reason="poppler-utils is not installed")
LOOK_ALIKES = set("0O1lI")


@pytest.fixture(name="school_day")
def school_day_fixture():
    with time_machine.travel(NOW, tick=False):
        yield


def _poppler(command: list[str], content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(content)
        *tool, last = command  # pdftotext writes to "-" (stdout), given after the file
        arguments = [*tool, str(path), last] if last == "-" else [*command, str(path)]
        done = subprocess.run(arguments, capture_output=True, text=True,  # noqa: S603
                              check=True)
        return done.stdout


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF"), "not a PDF"
    return _poppler([PDFTOTEXT, "-layout", "-"], content)


def assert_fonts_embedded(content: bytes) -> None:
    """Every font of the PDF is embedded (pdffonts' «emb» column), so it prints the same
    anywhere."""
    lines = _poppler([PDFFONTS], content).splitlines()[2:]
    assert lines, "the PDF has no fonts"
    for line in lines:
        # name type encoding emb sub uni object ID
        columns = line.split()
        assert columns[-5] == "yes", f"font not embedded: {line}"


def slip_passwords(text: str) -> dict[str, str]:
    """{login: password} from the slips' text."""
    logins = re.findall(r"Логин\s+([a-z0-9.]+)", text)
    passwords = re.findall(r"Пароль\s+([A-Za-z0-9]{6,})", text)
    assert len(logins) == len(passwords)
    return dict(zip(logins, passwords, strict=True))


def record_application(parent_user: User, by: User, day: dt.date = TODAY) -> DiaryApplication:
    """An application entered straight into the table (the services' tests do it properly)."""
    application = DiaryApplication.objects.create(parent=parent_user.parent, received_on=day,
                                                  passport_checked_by=by, recorded_by=by)
    if not parent_user.is_active:
        User.objects.filter(pk=parent_user.pk).update(is_active=True)
    return application


def record_consent(parent_user: User, by: User, *, given: bool,
                   day: dt.date = TODAY) -> PersonalDataConsent:
    return PersonalDataConsent.objects.create(parent=parent_user.parent, given=given,
                                              signed_on=day, document="№ 1", recorded_by=by)


def make_family_records(parent_user: User, by: User) -> None:
    """One row of each record the families' pages keep, straight into the tables."""
    record_application(parent_user, by)
    record_consent(parent_user, by, given=True)
    ContactChannel.objects.create(user=parent_user, kind=ContactChannel.Kind.SMS,
                                  address="+7 900 111-22-33", consented=True, consented_on=TODAY)
    CredentialIssue.objects.create(user=parent_user, kind=CredentialIssue.Kind.ISSUED,
                                   issued_by=by)
    Termination.objects.create(user=parent_user, applicant_name=parent_user.full_name,
                               applicant_address="ул. Липовая, д. 3, кв. 14",
                               reason="Заявление родителя", recorded_by=by)
    ExternalIdentity.objects.create(user=parent_user, provider="esia", subject="1000299353")
