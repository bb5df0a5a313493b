"""CSV responses that are safe to open in a spreadsheet.

A cell beginning with =, +, -, @ (or a tab or carriage return) would be run as a formula by
Excel or LibreOffice; such cells are prefixed with an apostrophe so they show as text.

The rows are streamed: taken from an iterable as they come and sent a few hundred lines at a
time, so an export of any size holds only one batch in memory.
"""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST_CHARACTERS = frozenset(FORMULA_PREFIXES)
# Lines per piece of the streamed body: one piece per line cost more than making the lines.
LINES_PER_PIECE = 500


def spreadsheet_safe(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        # Plain negative numbers are data, not formulas.
        if text[0] == "-" and text[1:].replace(".", "", 1).isdigit():
            return text
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def _safe_cells(row: Iterable) -> list[str]:
    # Most cells are text that cannot start a formula: keep those as they are without a call.
    return [
        cell if type(cell) is str and cell[:1] not in _FORMULA_FIRST_CHARACTERS else spreadsheet_safe(cell)
        for cell in row
    ]


def csv_rows(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """Yield the CSV text in pieces, the header first, every cell made spreadsheet-safe."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(_safe_cells(header))
    piece = []
    for row in rows:
        piece.append(writer.writerow(_safe_cells(row)))
        if len(piece) == LINES_PER_PIECE:
            yield "".join(piece)
            piece = []
    if piece:
        yield "".join(piece)


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """A streamed CSV download (UTF-8 with BOM so Excel reads accents right)."""
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
