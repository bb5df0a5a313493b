"""CSV responses that are safe to open in a spreadsheet.

A cell beginning with =, +, -, @ (or a tab or carriage return) would be run as a formula by
Excel or LibreOffice; such cells are prefixed with an apostrophe so they show as text.
"""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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


def csv_rows(header: Iterable, rows: Iterable[Iterable]):
    """Yield encoded CSV lines, the header first, every cell made spreadsheet-safe."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([spreadsheet_safe(cell) for cell in header])
    for row in rows:
        yield writer.writerow([spreadsheet_safe(cell) for cell in row])


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """A streamed CSV download (UTF-8 with BOM so Excel reads accents right)."""
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
