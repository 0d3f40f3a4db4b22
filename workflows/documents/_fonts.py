"""Liberation Serif (SIL OFL 1.1), metric-compatible with Times New Roman, with every
Vietnamese letter. Vendored so that rendering needs no system font."""

from __future__ import annotations

import functools
import struct
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "LiberationSerif"
FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bold_italic": "LiberationSerif-BoldItalic.ttf",
}


def font_path(style: str) -> Path:
    """The TTF file of ``style`` (regular, bold, italic, bold_italic)."""
    return FONT_DIR / FILES[style]


@functools.cache
def single_line_factor() -> float:
    """Height of a single-spaced line as a multiple of the font size, from the hhea table.

    Word's "single" spacing is ascender + descender + line gap of the font.
    """
    data = font_path("regular").read_bytes()
    (num_tables,) = struct.unpack(">H", data[4:6])
    tables: dict[bytes, int] = {}
    for i in range(num_tables):
        entry = data[12 + 16 * i : 28 + 16 * i]
        tables[entry[:4]] = struct.unpack(">I", entry[8:12])[0]
    (units_per_em,) = struct.unpack(">H", data[tables[b"head"] + 18 : tables[b"head"] + 20])
    ascender, descender, line_gap = struct.unpack(
        ">hhh", data[tables[b"hhea"] + 4 : tables[b"hhea"] + 10]
    )
    return float(ascender - descender + line_gap) / float(units_per_em)
