"""Extract the text back out of a rendered PDF or DOCX, for tests and verification."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

from workflows.documents.layout import nfc

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import _Cell

NO_BREAK_SPACE = "\u00a0"


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF, NFC-normalised, no-break spaces as spaces."""
    from pypdf import PdfReader  # a test/dev dependency, needed only here

    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return nfc(text).replace(NO_BREAK_SPACE, " ")


def _blocks(container: DocxDocument | _Cell) -> Iterator[str]:
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    # a merged cell appears once per grid column it spans
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    yield from _blocks(cell)
        else:
            yield block.text


def docx_text(data: bytes) -> str:
    """The paragraphs and table cells of a DOCX body in reading order, NFC-normalised."""
    from docx import Document

    document = Document(io.BytesIO(data))
    return nfc("\n".join(_blocks(document)))
