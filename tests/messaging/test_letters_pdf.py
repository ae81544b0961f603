"""The letter made in the background: one task after the order's commit, progress saved after
each student, the page's bar that polls until the download link; the PDF itself (A4, fonts
embedded, text extractable, each student of a class from a new page) and the ZIP of one PDF
per student; failures recorded in Russian. And how long a class of 30 takes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from journal.services.rights import set_class_teacher
from messaging.letters import services
from messaging.letters.services import make_letter, order_letter
from messaging.models import InformationLetter
from tests.accounts.families_setup import assert_fonts_embedded, needs_poppler, pdf_text
from tests.messaging.letters_setup import (  # noqa: F401 (fixtures)
    Q2_END,
    Q2_START,
    built_fixture,
    frozen_time_fixture,
    make_big_class,
)

pytestmark = [pytest.mark.django_db, needs_poppler]
PDFINFO = shutil.which("pdfinfo")
PDFFONTS = shutil.which("pdffonts")


def status_url(letter) -> str:
    return reverse("messaging:letter_status", args=[letter.pk])


def ordered(built, *, student=None, one_file=True, school_class=None) -> InformationLetter:
    """A letter of the 2nd quarter ordered by the class teacher; its task not yet run."""
    return order_letter(built.class_teacher, school_class or built.class_5a, student=student,
                        date_from=Q2_START, date_to=Q2_END,
                        note="Просим проверить дневник.", one_file=one_file)


def downloaded(client, built, letter) -> bytes:
    client.force_login(built.class_teacher)
    response = client.get(reverse("messaging:letter_download", args=[letter.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _poppler(tool: str, content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "letter.pdf"
        path.write_bytes(content)
        return subprocess.run([tool, str(path)], capture_output=True, text=True,  # noqa: S603
                              check=True).stdout


def pdf_info(content: bytes) -> str:
    return _poppler(PDFINFO, content)


def font_names(content: bytes) -> list[str]:
    """The PDF's fonts as pdffonts names them, without the subset's tag («ABCDEF+»)."""
    lines = _poppler(PDFFONTS, content).splitlines()[2:]
    return [line.split()[0].split("+")[-1] for line in lines]


def test_ordering_on_the_page_makes_the_letter_once_the_order_commits(
        client, built, django_capture_on_commit_callbacks):
    client.force_login(built.class_teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("messaging:letters_class", args=[built.class_5a.pk]), {
            "student": built.vasya.pk, "period": built.q2.pk, "note": "Молодец!",
            "files": "one"})

    letter = InformationLetter.objects.get()
    assert response.status_code == 302
    assert (letter.status, letter.done, letter.total, letter.error) == ("done", 1, 1, "")
    assert letter.finished_at is not None
    page = client.get(response.url).content.decode()
    assert f'href="{reverse("messaging:letter_download", args=[letter.pk])}"' in page
    assert "Петров Василий" in page and "05.11.2026–28.12.2026" in page


def test_the_pdf_is_a4_with_embedded_fonts_and_the_letters_text(client, built):
    letter = ordered(built, student=built.vasya)
    make_letter(letter.pk)
    content = downloaded(client, built, InformationLetter.objects.get(pk=letter.pk))

    assert_fonts_embedded(content)
    # Only the DejaVu fonts, which carry Cyrillic: no fallback font stood in for a letter.
    fonts = font_names(content)
    assert fonts and all(name.startswith("DejaVu") for name in fonts), fonts
    info = pdf_info(content)
    assert "(A4)" in info and re.search(r"Pages:\s+1\n", info)
    text = " ".join(pdf_text(content).split())
    for expected in ["Информационное письмо", "«Средняя школа № 7»", "Петров Василий Класс 5А",
                     "2-я четверть, с 05.11.2026 по 28.12.2026",
                     "Математика 5 09.11 4 16.11 3 23.11 ×3 3,60 4 4 Матвеева О. И.",
                     "Русский язык 4 10.11 5 17.11 4,50 5* — Руднева А. П.",
                     "Английский язык 5 11.11 5,00 5* — 1 группа, Матвеева О. И.",
                     "Пропущено уроков 6 3 1 2", "Пропущено дней 3 2 0 1",
                     "Опозданий: 1 (всего 10 мин)", "Просим проверить дневник.",
                     "Классный руководитель", "Руднева А. П.", "подпись родителя"]:
        assert expected in text, expected
    assert "Козлов" not in text  # nothing of another child


def test_the_progress_is_saved_after_each_student(built, monkeypatch):
    seen = []
    render = services.render_letters

    def watched(letters, *, one_file, progress):
        def step(done):
            progress(done)
            letter = InformationLetter.objects.get(pk=order.pk)
            seen.append((letter.status, letter.done, letter.total))
        return render(letters, one_file=one_file, progress=step)

    monkeypatch.setattr(services, "render_letters", watched)
    order = ordered(built)
    make_letter(order.pk)

    assert seen == [("running", 1, 3), ("running", 2, 3), ("running", 3, 3)]
    assert InformationLetter.objects.get(pk=order.pk).status == "done"


def test_the_page_polls_the_progress_until_the_download_link(client, built):
    letter = ordered(built)
    client.force_login(built.deputy)
    waiting = client.get(status_url(letter)).content.decode()

    assert f'hx-get="{status_url(letter)}" hx-trigger="every 1s" hx-swap="outerHTML"' in waiting
    assert "В очереди" in waiting and 'data-progress="0"' in waiting
    InformationLetter.objects.filter(pk=letter.pk).update(status="running", done=1, total=3)
    running = client.get(status_url(letter)).content.decode()
    assert "Готовится: 1 из 3" in running and 'data-progress="33"' in running

    InformationLetter.objects.filter(pk=letter.pk).update(status="queued", done=0, total=0)
    make_letter(letter.pk)
    done = client.get(status_url(letter)).content.decode()
    assert "hx-trigger" not in done
    assert reverse("messaging:letter_download", args=[letter.pk]) in done
    assert "Скачать PDF" in done


def test_a_class_pdf_starts_each_student_on_a_new_page(client, built):
    letter = ordered(built)
    make_letter(letter.pk)
    content = downloaded(client, built, InformationLetter.objects.get(pk=letter.pk))

    assert_fonts_embedded(content)
    pages = pdf_text(content).split("\f")
    starts = [page for page in pages if "Информационное письмо" in page]
    assert len(starts) == 3
    names = ["Козлов Николай", "Новикова Ева", "Петров Василий"]
    for page, name in zip(starts, names, strict=True):
        assert [n for n in names if n in page] == [name]


def test_a_long_letter_breaks_between_rows_and_keeps_the_attendance_whole(client, built):
    school_class = make_big_class(built, size=1, subjects=16)
    letter = ordered(built, school_class=school_class)
    make_letter(letter.pk)
    pages = pdf_text(downloaded(client, built, InformationLetter.objects.get(pk=letter.pk))
                     ).split("\f")

    assert len([page for page in pages if page.strip()]) == 2
    [attendance] = [page for page in pages if "Посещаемость" in page]
    assert "Пропущено уроков" in attendance and "Пропущено дней" in attendance
    for page in pages:  # a subject's row is never cut: its name and its average on one page
        for name in re.findall(r"Предмет \d+", page):
            assert re.search(rf"{name}\s+(нет отметок|.*\d,\d\d)", page), name


def test_per_student_files_come_in_a_zip(client, built):
    letter = ordered(built, one_file=False)
    make_letter(letter.pk)
    client.force_login(built.class_teacher)
    response = client.get(reverse("messaging:letter_download", args=[letter.pk]))
    content = b"".join(response.streaming_content)

    assert response["Content-Type"] == "application/zip"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert names == ["01 Козлов Николай.pdf", "02 Новикова Ева.pdf", "03 Петров Василий.pdf"]
        for name in names:
            pdf = archive.read(name)
            assert_fonts_embedded(pdf)
            assert name[3:-4] in " ".join(pdf_text(pdf).split())


def test_a_failure_is_recorded_in_russian_and_shown(client, built, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("диск переполнен")

    monkeypatch.setattr(services, "render_letters", broken)
    letter = ordered(built)

    assert make_letter(letter.pk) == "failed"
    letter.refresh_from_db()
    assert (letter.status, bool(letter.file)) == ("failed", False)
    assert letter.error.startswith("Не удалось подготовить письмо")
    client.force_login(built.class_teacher)
    assert letter.error in client.get(status_url(letter)).content.decode()
    assert client.get(reverse("messaging:letter_download", args=[letter.pk])).status_code == 404


def test_a_requester_who_no_longer_leads_the_class_gets_no_letter(built):
    letter = ordered(built)
    set_class_teacher(None, built.class_5a, built.class_teacher_5b)

    assert make_letter(letter.pk) == "failed"
    letter.refresh_from_db()
    assert letter.error == "У заказавшего письмо больше нет прав на этот класс: письмо не подготовлено."


def test_a_letter_is_made_once(built, monkeypatch):
    letter = ordered(built, student=built.kolya)
    assert make_letter(letter.pk) == "done"
    monkeypatch.setattr(services, "render_letters", pytest.fail)

    assert make_letter(letter.pk) == ""  # a second run of the task finds it taken


def test_a_class_of_eight_makes_one_pdf_of_eight_letters(client, built):
    school_class = make_big_class(built, size=8)
    letter = ordered(built, school_class=school_class)

    make_letter(letter.pk)

    letter.refresh_from_db()
    assert (letter.status, letter.done, letter.total) == ("done", 8, 8)
    content = downloaded(client, built, letter)
    pages = int(re.search(r"Pages:\s+(\d+)", pdf_info(content))[1])
    assert 8 <= pages <= 16
