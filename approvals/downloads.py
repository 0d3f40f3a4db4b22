"""Files sent to the browser: one helper so every download keeps its Vietnamese name.

A header value outside Latin-1 (a name with "Đ") is RFC 2047-encoded by Django
(``=?utf-8?b?…?=``), which browsers do not read in ``Content-Disposition``: Chromium then
saves the file under the URL's last segment ("document.docx") and may show a PDF inline.
:func:`disposition` gives the RFC 6266 form instead, built by Django's
:func:`~django.utils.http.content_disposition_header` (``filename*=utf-8''…``), preceded by
a plain ASCII ``filename="…"`` for clients that do not read ``filename*``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import IO

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

#: Letters that do not decompose into an ASCII letter and a mark.
_ASCII_LETTERS = str.maketrans({"Đ": "D", "đ": "d", "Ð": "D", "ð": "d"})
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_filename(filename: str) -> str:
    """``filename`` in plain ASCII, for clients that ignore ``filename*``: accents dropped
    ("Kế hoạch Đ.pdf" → "Ke-hoach-D.pdf"), anything else unsafe replaced by "-"."""
    decomposed = unicodedata.normalize("NFKD", filename.translate(_ASCII_LETTERS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = _UNSAFE.sub("-", plain.encode("ascii", "ignore").decode("ascii"))
    cleaned = re.sub(r"-+\.", ".", cleaned).strip("-.")
    return cleaned or "download"


def disposition(filename: str, *, as_attachment: bool = True) -> str:
    """The ``Content-Disposition`` value for ``filename``: ``attachment`` (or ``inline``),
    an ASCII ``filename`` and, when the name is not plain ASCII, the RFC 6266 ``filename*``."""
    header = content_disposition_header(as_attachment, filename) or ""
    if "filename*=" not in header:
        return header
    kind, _, encoded = header.partition("; ")
    return f'{kind}; filename="{ascii_filename(filename)}"; {encoded}'


def file_download(
    data: bytes, filename: str, content_type: str, *, as_attachment: bool = True
) -> HttpResponse:
    """``data`` sent as ``filename`` (downloaded, unless ``as_attachment`` is false for a
    preview the browser shows)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = disposition(filename, as_attachment=as_attachment)
    return response


def stream_download(file: IO[bytes], filename: str, content_type: str) -> FileResponse:
    """An open stored file sent as a download named ``filename``, never shown inline."""
    response = FileResponse(file, as_attachment=True, content_type=content_type)
    response["Content-Disposition"] = disposition(filename)
    return response


__all__ = ["ascii_filename", "disposition", "file_download", "stream_download"]
