"""The fonts every PDF prints in, and which characters they can print.

fpdf2's built-in fonts encode Windows-1252 only: Welsh's ŵ and ŷ (Tŷ Gwyn, Heol y Dŵr) came out
without their circumflex, and an address holding one could not go on a letter at all. So the
PDFs embed DejaVu Sans and DejaVu Sans Mono, regular and bold, shipped in `ballots/officer/fonts`
with their licence (fpdf2 embeds only the glyphs a document uses). They cover Latin, Greek and
Cyrillic scripts; a character none of them has (an emoji, say) prints as its letter without
the accent, or as "?", and `text_printable` tells beforehand whether a text prints as it is.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
SANS = "DejaVuSans"  # the text
MONO = "DejaVuSansMono"  # codes and links, where each character must be told apart
_FONT_FILES = {
    (SANS, ""): "DejaVuSans.ttf",
    (SANS, "B"): "DejaVuSans-Bold.ttf",
    (MONO, ""): "DejaVuSansMono.ttf",
    (MONO, "B"): "DejaVuSansMono-Bold.ttf",
}


class PdfDocument(FPDF):
    """An fpdf2 document with the project's fonts added, SANS chosen at 11 points."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for (family, style), name in _FONT_FILES.items():
            self.add_font(family, style, str(FONT_DIR / name))
        self.set_font(SANS, "", 11)


@functools.cache
def _printable_codepoints() -> frozenset[int]:
    """The characters every one of the fonts has, so that any text prints in any of them."""
    covered: set[int] | None = None
    for name in _FONT_FILES.values():
        font = TTFont(FONT_DIR / name, lazy=True)
        codepoints = set(font.getBestCmap())
        font.close()
        covered = codepoints if covered is None else covered & codepoints
    return frozenset(covered or ())


def text_printable(text: str) -> bool:
    """Whether the fonts print every character of `text` as it is (line breaks and tabs aside)."""
    codepoints = _printable_codepoints()
    return all(ord(char) in codepoints or char in "\n\t" for char in text)


def printable_text(text: str) -> str:
    """`text` as the fonts print it: a character they lack becomes its unaccented letter, or "?"."""
    if text_printable(text):
        return text
    codepoints = _printable_codepoints()
    out = []
    for char in text:
        if ord(char) not in codepoints and char not in "\n\t":
            plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            char = plain if plain and all(ord(c) in codepoints for c in plain) else "?"
        out.append(char)
    return "".join(out)
