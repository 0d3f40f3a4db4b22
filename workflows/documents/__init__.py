"""Administrative documents in the Decree 30/2020 layout, rendered to PDF and DOCX.

A plain Python package (no models): build a :class:`DocumentLayout`, get the measurements
from the regulation ``document_work`` with :func:`layout_spec_from_rules`, then
:func:`render_pdf` / :func:`render_docx`. Signing stores :func:`sha256_hex` of the
rendered revision; :func:`pdf_text` and :func:`docx_text` read the text back.
"""

from __future__ import annotations

import hashlib

from workflows.documents.docx import render_docx
from workflows.documents.layout import (
    DRAFT_MARKER,
    MOTTO,
    NATIONAL_TITLE,
    RECIPIENTS_HEADING,
    AnnexCitation,
    DocumentLayout,
    Item,
    LayoutRuleMissing,
    LayoutSpec,
    RuleSource,
    Section,
    layout_spec_from_rules,
    nfc,
)
from workflows.documents.pdf import render_pdf
from workflows.documents.text import docx_text, pdf_text


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of rendered bytes, as 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


__all__ = [
    "DRAFT_MARKER",
    "MOTTO",
    "NATIONAL_TITLE",
    "RECIPIENTS_HEADING",
    "AnnexCitation",
    "DocumentLayout",
    "Item",
    "LayoutRuleMissing",
    "LayoutSpec",
    "RuleSource",
    "Section",
    "docx_text",
    "layout_spec_from_rules",
    "nfc",
    "pdf_text",
    "render_docx",
    "render_pdf",
    "sha256_hex",
]
