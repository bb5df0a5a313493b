"""Reading an import file: is it text, its encoding and fingerprint, its header, its rows with line numbers.

Text is decoded as UTF-8 (a byte-order mark is dropped) and, if that fails anywhere in the file,
as Windows-1252. A workbook, PDF, image or UTF-16 file is named as such, not read as CSV. A
row with a control character (other than tab, carriage return and line feed), a NUL byte
among them, or a byte that is text in neither encoding is refused with its line number.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from members.imports.headers import HeaderPlan, header_plan
from members.imports.report import ColumnReading, RowError

BATCH_SIZE = 2000
PROGRESS_EVERY = 10_000
READ_CHUNK = 1 << 16

Progress = Callable[[str, int], None]
"""Called as progress(phase, rows_so_far), phase "checked", "compared" or "written", every PROGRESS_EVERY rows."""


class FileProblem(Exception):
    def __init__(self, error: RowError):
        super().__init__(str(error))
        self.error = error


def binary_open(file: Any) -> tuple[Any, bool]:
    """A seekable binary stream for `file`, and whether we opened it (and so must close it)."""
    if isinstance(file, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(file)), True
    if isinstance(file, str) or (hasattr(file, "open") and not hasattr(file, "read")):  # a path
        return open(file, "rb"), True  # noqa: SIM115 - closed by the caller
    if not isinstance(file, io.IOBase) and hasattr(getattr(file, "file", None), "read"):
        return file.file, False  # a Django UploadedFile: read its underlying file
    return file, False


_MAGIC = [
    (b"PK\x03\x04", "this looks like an Excel workbook (or another zipped file), not a CSV file: save it as CSV"),
    (b"\xd0\xcf\x11\xe0", "this looks like an old Excel workbook (.xls), not a CSV file: save it as CSV"),
    (b"%PDF", "this looks like a PDF document, not a CSV file: export the list as CSV instead"),
    (b"{\\rtf", "this looks like a Word or RTF document, not a CSV file: save the list as CSV"),
    (b"\x89PNG", "this looks like a picture, not a CSV file"),
    (b"\xff\xd8\xff", "this looks like a picture, not a CSV file"),
    (b"GIF8", "this looks like a picture, not a CSV file"),
    (b"\x1f\x8b", "this looks like a compressed (gzip) file: uncompress it first"),
    (b"\xff\xfe", "this file is saved as UTF-16 (“Unicode text”): save it as “CSV UTF-8” instead"),
    (b"\xfe\xff", "this file is saved as UTF-16 (“Unicode text”): save it as “CSV UTF-8” instead"),
]


def file_sniff(start: bytes) -> RowError | None:
    """A plain message when the file's first bytes show it is not text at all."""
    for magic, message in _MAGIC:
        if start.startswith(magic):
            return RowError(1, "", message + ".")
    sample = start[:2000]
    if len(sample) >= 20 and sample.count(b"\x00") * 5 > len(sample):
        return RowError(1, "", "this file is not text (it is mostly NUL bytes): save the list as CSV.")
    return None


def file_scan(binary: Any) -> tuple[str, str, RowError | None]:
    """(encoding, SHA-256 of the bytes, a problem that stops any reading): one pass over the stream."""
    binary.seek(0)
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    problem = None
    first = True
    while chunk := binary.read(READ_CHUNK):
        if first:
            problem = file_sniff(chunk)
            first = False
        digest.update(chunk)
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return ("utf-8-sig" if utf8 else "cp1252"), digest.hexdigest(), problem


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_UNDECODED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def _control_reason(text: str) -> str:
    match = _CONTROL_OR_UNDECODED.search(text)
    found = match.group() if match else ""
    if found == "\ufffd":
        return "a byte here is not text in UTF-8 or Windows-1252: save the file as “CSV UTF-8”."
    if found == "\x00":
        return "a NUL byte (a character that is never text) is in this row: correct or re-export the file."
    return f"a control character (code {ord(found)}) is in this row: remove it from the file."


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]  # field: value, stripped (address lines joined with newlines)
    problem: RowError | None = None  # the row cannot be read at all


def _cell_getter(plan: HeaderPlan) -> Callable[[list[str]], dict[str, str]]:
    single = [(name, positions[0]) for name, positions in plan.positions.items() if len(positions) == 1]
    multi = [(name, positions) for name, positions in plan.positions.items() if len(positions) > 1]

    def cells_of(cells: list[str]) -> dict[str, str]:
        count = len(cells)
        values = {name: (cells[i].strip() if i < count else "") for name, i in single}
        for name, positions in multi:
            values[name] = "\n".join(part for i in positions if i < count and (part := cells[i].strip()))
        return values

    return cells_of


def rows_read(
    binary: Any, encoding: str, kind: str, mapping: dict, on_header: Callable[[HeaderPlan, list[str]], None]
) -> Generator[Row, None, None]:
    """Call on_header(plan, unrecognised) for the header, then yield each non-blank row with its starting line.

    Raises FileProblem for an empty file, a header that cannot be used, or text that is not CSV.
    """
    binary.seek(0)
    text = io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")
    bad = _CONTROL_OR_UNDECODED if encoding == "cp1252" else _CONTROL
    try:
        reader = csv.reader(text, strict=False)
        previous_line = 0
        plan = None
        try:
            for cells in reader:
                line = previous_line + 1
                previous_line = reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                joined = "".join(cells)
                if plan is None:
                    if bad.search(joined):
                        raise FileProblem(RowError(line, "", "the header row: " + _control_reason(joined)))
                    plan, unrecognised, error = header_plan(kind, cells, line, mapping)
                    if error:
                        raise FileProblem(error)
                    on_header(plan, unrecognised)
                    width = plan.width
                    cells_of = _cell_getter(plan)
                    continue
                if bad.search(joined):
                    yield Row(line, {}, RowError(line, "", _control_reason(joined)))
                elif len(cells) > width and any(cell.strip() for cell in cells[width:]):
                    reason = f"this row has {len(cells)} values, more than the header's {width} columns."
                    yield Row(line, {}, RowError(line, "", reason))
                else:
                    yield Row(line, cells_of(cells))
        except csv.Error as exc:
            where = reader.line_num or 1
            reason = f"the file is not valid CSV here ({exc})."
            if "field larger than field limit" in str(exc):
                reason = f"a value here is longer than {csv.field_size_limit():,} characters: this is not a list."
            raise FileProblem(RowError(where, "", reason)) from exc
        if plan is None:
            raise FileProblem(RowError(1, "", "the file is empty: expected a header row naming the columns."))
    finally:
        text.detach()


def header_only(binary: Any, encoding: str, kind: str, mapping: dict) -> tuple[HeaderPlan | None, list[str]]:
    """The header's plan and unrecognised headers, reading no further than the first data row."""
    found: list = []

    def keep(plan: HeaderPlan, unrecognised: list[str]) -> None:
        found.extend([plan, unrecognised])

    rows = rows_read(binary, encoding, kind, mapping, keep)
    try:
        for _ in rows:
            break
    finally:
        rows.close()
    return (found[0], found[1]) if found else (None, [])


def columns_ignored(columns: list[ColumnReading]) -> list[str]:
    return [column.display for column in columns if column.field is None]
