"""Images of the demo's signatures: a blue handwritten-looking signature per person and a red
round seal per agency, drawn here (transparent PNG), marked as test images.

Decree 30/2020 Phụ lục I: the signer's image is blue on a transparent background; the seal's
image is red, transparent, at its real size. A real site uploads scans of real ones; these
only make the demo's documents look like issued documents.
"""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont

from workflows.documents._fonts import font_path

BLUE = (20, 50, 170, 255)
RED = (210, 20, 30, 235)
#: Pixels per millimetre of the drawn images (300 dpi).
PX_PER_MM = 300 / 25.4


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def signature_png(name: str) -> bytes:
    """A signature in blue italics: the person's given name over a flourish."""
    given = name.split()[-1] if name.split() else name
    font = ImageFont.truetype(str(font_path("bold_italic")), 150)
    left, top, right, bottom = font.getbbox(given)
    width, height = round(right - left) + 120, round(bottom - top) + 110
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.text((60 - left, 20 - top), given, font=font, fill=BLUE)
    base = bottom - top + 45
    draw.line([(30, base), (width // 2, base + 25), (width - 20, base - 15)], fill=BLUE, width=9)
    return _png(image)


def seal_png(agency: str, *, diameter_mm: float) -> bytes:
    """A round red seal ``diameter_mm`` across: two rings, the agency's name around, a star."""
    size = round(diameter_mm * PX_PER_MM)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    ring = max(size // 45, 3)
    draw.ellipse([ring, ring, size - ring, size - ring], outline=RED, width=ring)
    inner = size * 0.30
    centre = size / 2
    draw.ellipse(
        [centre - inner, centre - inner, centre + inner, centre + inner], outline=RED, width=ring
    )
    _star(draw, centre, centre, inner * 0.55)
    _text_around(image, agency.upper(), radius=size * 0.40, size=size)
    return _png(image)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.4
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=RED)


def _text_around(image: Image.Image, text: str, *, radius: float, size: int) -> None:
    """``text`` along the upper part of a circle of ``radius``, letter by letter."""
    text = text if len(text) <= 48 else text[:47] + "…"
    font = ImageFont.truetype(str(font_path("bold")), max(size // 14, 10))
    sweep = math.radians(min(300, 8 * len(text)))
    start = -math.pi / 2 - sweep / 2
    step = sweep / max(len(text) - 1, 1)
    for i, letter in enumerate(text):
        angle = start + i * step
        left, top, right, bottom = font.getbbox(letter)
        glyph = Image.new("RGBA", (round(right - left) + 8, round(bottom - top) + 8), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((4 - left, 4 - top), letter, font=font, fill=RED)
        turned = glyph.rotate(
            -math.degrees(angle) - 90, expand=True, resample=Image.Resampling.BICUBIC
        )
        x = size / 2 + radius * math.cos(angle) - turned.width / 2
        y = size / 2 + radius * math.sin(angle) - turned.height / 2
        image.alpha_composite(turned, (round(x), round(y)))


__all__ = ["seal_png", "signature_png"]
