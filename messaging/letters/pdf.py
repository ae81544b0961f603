"""Information letters as PDF (WeasyPrint): one document per student from one template, on the
project's print stylesheet (`accounts.pdf`: A4, the DejaVu fonts that carry Cyrillic, embedded)
and the letter's own. A class's letters become one PDF, each student from a new page, or a ZIP
with one PDF per student.

Each student is laid out on their own, so that the job can say how far it has got; WeasyPrint
then joins the students' pages into one file (its documented way to merge documents), which
`accounts.pdf.render_pdf`, one template to one file, cannot do.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from django.template.loader import render_to_string
from weasyprint import HTML, Document
from weasyprint.text.fonts import FontConfiguration

from accounts.pdf import BASE_URL, print_stylesheets
from messaging.letters.queries import ClassLetters, StudentLetter

TEMPLATE = "messaging/letters/pdf.html"
LETTER_STYLESHEET = "css/letter-pdf.css"


class Renderer:
    """Lays out the students' letters one by one with the same fonts and stylesheets."""

    def __init__(self, letters: ClassLetters):
        self.letters = letters
        # One font configuration for every student: the merged file's fonts must outlive them.
        self.font_config = FontConfiguration()
        self.stylesheets = print_stylesheets(LETTER_STYLESHEET, font_config=self.font_config)

    def document(self, letter: StudentLetter) -> Document:
        html = render_to_string(TEMPLATE, {"letters": self.letters, "letter": letter})
        return HTML(string=html, base_url=BASE_URL).render(
            stylesheets=self.stylesheets, font_config=self.font_config)


def student_filename(number: int, letter: StudentLetter) -> str:
    user = letter.student.user
    return f"{number:02d} {user.last_name} {user.first_name}.pdf"


def render_letters(letters: ClassLetters, *, one_file: bool,
                   progress: Callable[[int], None] = lambda done: None) -> tuple[bytes, str]:
    """The letters as one PDF, or as a ZIP of one PDF per student, and its extension
    ("pdf", "zip"); `progress` hears how many students are done after each one."""
    renderer = Renderer(letters)
    documents = []
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for number, letter in enumerate(letters.students, start=1):
            document = renderer.document(letter)
            if one_file:
                documents.append(document)
            else:
                zipped.writestr(student_filename(number, letter), document.write_pdf())
            progress(number)
    if not one_file:
        return archive.getvalue(), "zip"
    if len(documents) == 1:
        return documents[0].write_pdf(), "pdf"
    merged = documents[0].copy([page for document in documents for page in document.pages])
    merged.metadata.title = f"Информационные письма, {letters.school_class} класс"
    return merged.write_pdf(), "pdf"
