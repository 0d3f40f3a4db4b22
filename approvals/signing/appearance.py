"""Where a signature goes on the page and what it shows.

The caller (the document's layout) decides the field's page and box, the image (the signer's
handwritten signature in blue, or the agency's seal in red, transparent PNG) and any text
lines; sizes and colours are the caller's layout rules, not constants of this layer.

Text lines may use ``{signer}`` (the certificate's CN), ``{organisation}`` (its O) and
``{time}`` (the signing time, ISO 8601 in Vietnam's time zone).
"""

from __future__ import annotations

import functools
import hashlib
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import BaseStampStyle, StaticStampStyle, TextStampStyle

from approvals.signing.exceptions import FieldInvalid

Box = tuple[float, float, float, float]
Colour = tuple[float, float, float]


@dataclass(frozen=True)
class FieldSpec:
    """A signature field: its name, its page (0 = first, -1 = last) and its box in points.

    ``box`` is ``(x1, y1, x2, y2)`` from the bottom-left corner of the page. A field that
    already exists in the PDF (put there by the renderer) is used as it is; then ``box``
    may be omitted.
    """

    name: str
    page: int = 0
    box: Box | None = None


@dataclass(frozen=True)
class Appearance:
    """What the signature shows: an image, text lines over it, or both."""

    image_png: bytes | None = None
    lines: tuple[str, ...] = ()
    font_path: str | None = None
    font_size: int = 8
    text_colour: Colour | None = None
    image_opacity: float = 1.0

    @classmethod
    def text_stamp(cls, *lines: str) -> Appearance:
        """The fallback where no image was uploaded: the signer's name and the time."""
        return cls(lines=lines or ("{signer}", "{time}"))


#: pyHanko writes a font's glyph widths (/W) in the font's own units, which PDF readers
#: take as thousandths of an em: a TrueType font of 2,048 units per em prints every letter
#: twice as far apart. Fonts are handed to pyHanko scaled to this many units per em.
PDF_GLYPH_UNITS = 1000


def default_font_path() -> str:
    configured = getattr(settings, "SIGNING_STAMP_FONT", None)
    return str(configured) if configured else ""


#: OpenType layout tables dropped from the copy: stamps and filled fields are short lines of
#: precomposed (NFC) Vietnamese letters and digits that need no ligatures or kerning, and
#: parsing these tables took most of a signature's time.
_DROPPED_TABLES = ("GSUB", "GPOS", "GDEF", "kern", "FFTM")


@functools.cache
def pdf_ready_font(path: str) -> str:
    """A copy of the font at ``path`` scaled to :data:`PDF_GLYPH_UNITS` units per em,
    without its layout tables.

    The copy is made once per font under ``SIGNING_FONT_CACHE`` (default: a folder in the
    system's temporary directory), named by the font's SHA-256.
    """
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    data = Path(path).read_bytes()
    folder = Path(
        getattr(settings, "SIGNING_FONT_CACHE", None)
        or Path(tempfile.gettempdir()) / "approvals-signing-fonts"
    )
    target = folder / f"{hashlib.sha256(data).hexdigest()[:32]}-{PDF_GLYPH_UNITS}.ttf"
    if not target.is_file():
        font = TTFont(io.BytesIO(data))
        for table in _DROPPED_TABLES:
            if table in font:
                del font[table]
        if font["head"].unitsPerEm != PDF_GLYPH_UNITS:
            scale_upem(font, PDF_GLYPH_UNITS)
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{id(font)}.tmp")
        font.save(str(partial))
        partial.replace(target)  # atomic: a concurrent process sees a whole file or none
    return str(target)


def render_lines(appearance: Appearance, *, signer: str, organisation: str, time: str) -> str:
    """The appearance's text with its placeholders filled (``%`` escaped for pyHanko)."""
    values = {"signer": signer, "organisation": organisation, "time": time}
    try:
        text = "\n".join(line.format_map(values) for line in appearance.lines)
    except (KeyError, ValueError, IndexError) as exc:
        raise FieldInvalid(
            _("The signature's text has an unknown placeholder: %(error)s") % {"error": exc}
        ) from exc
    return text.replace("%", "%%")


def _image(png: bytes, opacity: float) -> PdfImage:
    from PIL import Image, UnidentifiedImageError

    try:
        picture = Image.open(io.BytesIO(png))
        picture.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise FieldInvalid(_("The signature image is not a readable PNG file.")) from exc
    return PdfImage(picture, opacity=opacity)


def stamp_style(appearance: Appearance | None, text: str) -> BaseStampStyle | None:
    """pyHanko's style for the appearance; ``None`` for an invisible signature."""
    if appearance is None:
        return None
    background = (
        _image(appearance.image_png, appearance.image_opacity) if appearance.image_png else None
    )
    fit = layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MID,
        y_align=layout.AxisAlignment.ALIGN_MID,
        margins=layout.Margins.uniform(0),
    )
    if not text:
        return StaticStampStyle(
            background=background,
            background_opacity=appearance.image_opacity,
            border_width=0,
            background_layout=fit,
        )
    font_path = appearance.font_path or default_font_path()
    if not font_path or not Path(font_path).is_file():
        raise FieldInvalid(
            _("The font for the signature's text is not configured (SIGNING_STAMP_FONT).")
        )
    return TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(pdf_ready_font(font_path)),
            font_size=appearance.font_size,
            text_color=appearance.text_colour,
        ),
        background=background,
        background_opacity=appearance.image_opacity,
        background_layout=fit,
        border_width=0,
    )


__all__ = [
    "PDF_GLYPH_UNITS",
    "Appearance",
    "FieldSpec",
    "default_font_path",
    "pdf_ready_font",
    "render_lines",
    "stamp_style",
]
