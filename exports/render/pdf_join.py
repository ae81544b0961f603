"""PDF files joined into one (pypdf): a long report is laid out and written a chunk of pages at
a time, then its chunks are put together. The pages are copied as they are (content, fonts,
the first chunk's bookmarks and language); the joined file holds their compressed bytes until
it is written, so it costs about the file's size, not the pages' layout."""

from __future__ import annotations

from collections.abc import Iterable
from hashlib import md5
from typing import IO

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject


def join_pdfs(parts: Iterable[IO[bytes]], target, title: str) -> None:
    """`parts`: open binary files of PDFs, in order; `target`: a path or a binary file."""
    joined = PdfWriter()
    for number, part in enumerate(parts):
        first_page = len(joined.pages)
        part.seek(0)
        reader = PdfReader(part)
        joined.append(reader)
        if number:
            _retag_fonts(joined.pages[first_page:], number)
        elif "/Lang" in reader.root_object:  # the text's language, for screen readers
            joined.root_object[NameObject("/Lang")] = TextStringObject(reader.root_object["/Lang"])
    joined.add_metadata({"/Title": title})
    joined.write(target)


def _retag(name: str, number: int) -> str:
    """«ABCDEF+DejaVu-Sans» with a tag of the part's own; a name that is not a subset's as is."""
    tag, plus, font = name.lstrip("/").partition("+")
    if not plus or len(tag) != 6:
        return name
    digest = md5(f"{tag}{number}".encode(), usedforsecurity=False).digest()
    return "/" + "".join(chr(65 + byte % 26) for byte in digest[:6]) + "+" + font


def _retag_fonts(pages, number: int) -> None:
    """WeasyPrint names a font's subset after the font, not after its glyphs, so every part
    brings a different subset under the same name; a PDF wants a name per subset (ISO 32000-1,
    9.6.4), or a viewer may draw one part's text with another part's glyphs."""
    done: set[int] = set()
    for page in pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {}).get_object()
        for reference in fonts.values():
            if reference.idnum not in done:
                done.add(reference.idnum)
                _retag_font(reference.get_object(), number)


def _retag_font(font, number: int) -> None:
    for key in ("/BaseFont", "/FontName"):
        if key in font:
            font[NameObject(key)] = NameObject(_retag(font[key], number))
    for descendant in font.get("/DescendantFonts", []):
        _retag_font(descendant.get_object(), number)
    if "/FontDescriptor" in font:
        _retag_font(font["/FontDescriptor"].get_object(), number)
