"""Sample documents and images for the signing tests."""

from __future__ import annotations

import io

from PIL import Image
from reportlab.pdfgen import canvas

SIGNER_BOX = (330.0, 120.0, 530.0, 200.0)
SEAL_BOX = (300.0, 110.0, 400.0, 210.0)


def sample_pdf(pages: int = 1, *, title: str = "KE HOACH") -> bytes:
    """A small plan-like PDF with the number and date text fields the clerk fills later."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pageCompression=0)
    for page in range(pages):
        pdf.drawString(72, 780, f"{title} {page + 1}")
        if page == 0:
            pdf.acroForm.textfield(name="so", x=72, y=740, width=160, height=18, borderWidth=0)
            pdf.acroForm.textfield(name="ngay", x=300, y=740, width=220, height=18, borderWidth=0)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def png(colour: tuple[int, int, int]) -> bytes:
    """A transparent PNG with a coloured stroke, like a signature or a seal image."""
    image = Image.new("RGBA", (240, 90), (0, 0, 0, 0))
    for x in range(20, 220):
        image.putpixel((x, 45 + (x % 9) - 4), (*colour, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def signature_dicts(pdf: bytes) -> list[dict]:
    """The signature dictionaries of the PDF (pypdf), in field order."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    found = []
    for field in reader.get_fields().values():
        value = field.get("/V")
        if field.get("/FT") == "/Sig" and value is not None:
            found.append(value.get_object())
    return found
