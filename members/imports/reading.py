"""Reading an import file: decoding, rows with their line numbers, the header, each cell's checks.

Shared by both kinds of import (members/imports/kinds.py); the report types live here too.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

BATCH_SIZE = 2000
PROGRESS_EVERY = 10_000
READ_CHUNK = 1 << 16

MEMBERS = "members"
AFFILIATES = "affiliates"

Progress = Callable[[str, int], None]
"""Called as progress(phase, rows_so_far), phase "checked" or "written", every PROGRESS_EVERY rows."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self):
        where = f"line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}"


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    created_wards: list[str] = field(default_factory=list)
    encoding: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            count = len(self.errors)
            return (
                f"Nothing was imported: {count} problem{'s' if count != 1 else ''} found. "
                "Correct the file and import it again."
            )
        noun = "member" if self.kind == MEMBERS else "affiliate"
        text = (
            f"Imported {self.rows} {noun}{'s' if self.rows != 1 else ''}: {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged."
        )
        if self.created_wards:
            text += f" New wards: {', '.join(self.created_wards)}."
        return text


class FileProblem(Exception):
    def __init__(self, error: RowError):
        super().__init__(str(error))
        self.error = error


# --- reading -----------------------------------------------------------------------------


def binary_open(file: Any) -> tuple[Any, bool]:
    """A seekable binary stream for `file`, and whether we opened it (and so must close it)."""
    if isinstance(file, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(file)), True
    if isinstance(file, str) or (hasattr(file, "open") and not hasattr(file, "read")):  # a path
        return open(file, "rb"), True  # noqa: SIM115 - closed by _import
    if not isinstance(file, io.IOBase) and hasattr(getattr(file, "file", None), "read"):
        return file.file, False  # a Django UploadedFile: read its underlying file
    return file, False


def encoding_detect(binary: Any) -> str:
    """'utf-8-sig' when the whole stream is valid UTF-8, else 'cp1252'."""
    binary.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := binary.read(READ_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().strip("\ufeff").strip().lower())


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]


def rows_read(binary: Any, encoding: str, spec: ImportSpec) -> Iterator[Row]:
    """Yield each non-blank data row with its physical starting line; raise FileProblem on a bad header."""
    binary.seek(0)
    text = io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")
    try:
        reader = csv.reader(text)
        previous_line = 0
        header = None
        try:
            for cells in reader:
                line = previous_line + 1
                previous_line = reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                if header is None:
                    header = header_check(cells, line, spec)
                    width = len(header)
                    continue
                if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                    yield Row(line, {"__width__": f"{len(cells)}"})
                    continue
                yield Row(line, {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)})
        except csv.Error as exc:
            raise FileProblem(RowError(reader.line_num or 1, "", f"the file is not valid CSV here ({exc}).")) from exc
        if header is None:
            raise FileProblem(RowError(1, "", "the file is empty: expected a header row naming the columns."))
    finally:
        text.detach()


def header_check(cells: list[str], line: int, spec: ImportSpec) -> list[str]:
    header = [normalise_header(cell) for cell in cells]
    seen = set()
    for name in header:
        if name and name in seen:
            raise FileProblem(RowError(line, name, "this column appears twice in the header."))
        seen.add(name)
    missing = [name for name in spec.required_columns if name not in seen]
    if missing:
        allowed = ", ".join(spec.required_columns + spec.optional_columns)
        raise FileProblem(
            RowError(
                line,
                ", ".join(missing),
                f"missing column{'s' if len(missing) > 1 else ''}. The header must name: {allowed} "
                f"(optional: {', '.join(spec.optional_columns)}).",
            )
        )
    return header


# --- cleaning ----------------------------------------------------------------------------


def parse_date(text: str) -> date:
    """YYYY-MM-DD or DD/MM/YYYY; ValueError otherwise."""
    if "/" in text:
        day, month, year = text.split("/")  # ValueError unless exactly three parts
        if not (
            text.isascii()
            and day.isdigit()
            and month.isdigit()
            and year.isdigit()
            and len(year) == 4
            and len(day) <= 2
            and len(month) <= 2
        ):
            raise ValueError(text)
        return date(int(year), int(month), int(day))
    if len(text) != 10:
        raise ValueError(text)
    return date.fromisoformat(text)


def date_cell(row: Row, column: str, errors: list, today: date) -> date | None:
    value = row.cells.get(column, "")
    if not value:
        errors.append(RowError(row.line, column, "required, but empty."))
        return None
    try:
        day = parse_date(value)
    except ValueError:
        errors.append(RowError(row.line, column, f"“{value}” is not a date: use YYYY-MM-DD or DD/MM/YYYY."))
        return None
    if day > today:
        errors.append(RowError(row.line, column, f"{day:%d/%m/%Y} is in the future."))
        return None
    return day


def required_cell(row: Row, column: str, errors: list, max_length: int) -> str:
    value = row.cells.get(column, "")
    if not value:
        errors.append(RowError(row.line, column, "required, but empty."))
    elif len(value) > max_length:
        errors.append(RowError(row.line, column, f"too long: at most {max_length} characters."))
    return value


def optional_cell(row: Row, column: str, errors: list, max_length: int) -> str:
    value = row.cells.get(column, "")
    if len(value) > max_length:
        errors.append(RowError(row.line, column, f"too long: at most {max_length} characters."))
    return value


_SIMPLE_EMAIL = re.compile(r"^[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$")


def email_cell(row: Row, column: str, errors: list) -> str:
    value = row.cells.get(column, "")
    if value and not _SIMPLE_EMAIL.match(value):  # the common case skips Django's slower validator
        try:
            validate_email(value)
        except ValidationError:
            errors.append(RowError(row.line, column, f"“{value}” is not a valid email address."))
    return value


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class ImportSpec:
    kind: str
    required_columns: list[str]
    optional_columns: list[str]
    key_column: str
