"""Reading a round file on its own: the text, the header, each row's values, with every problem named.

The file (docs/regions.md): a header row, then one row per constituency. Columns, in any order
and any case: constituency, sitting_mp, wards, freeze_date, opens_at, closes_at. Any other
column is refused, by name, rather than dropped. Nothing here looks at the database: matching
the rows to the region's constituencies, and creating them, is round_upload.py's.

- `round_file_decode(data)`: the bytes as text (UTF-8 with or without a byte-order mark, else
  Windows-1252, as the member imports read them), or the reason the file is not a list at all.
- `round_records(text)`: the data rows as {column: value} with their lines, and the problems of
  the file's shape (header, widths, characters that are not text, size).
- `round_row_read(line, cells, problems)`: one row's values read and checked on their own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from ballots.officer.services.ballot_settings import ballot_settings_errors
from ballots.officer.services.letter_pdf import uk_time
from ballots.region.round_values import (
    NAME_MAX,
    CellProblem,
    date_read,
    name_clean,
    shown,
    uk_moment_read,
    wards_read,
)
from members.imports.headers import header_key
from members.imports.reading import file_scan
from members.imports.values import name_key
from members.models import Constituency

COLUMNS = ("constituency", "sitting_mp", "wards", "freeze_date", "opens_at", "closes_at")
MAX_ROWS = 1000
MAX_BYTES = 512 * 1024
_COLUMN_KEYS = {header_key(name): name for name in COLUMNS}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_SETTING_COLUMNS = {"freeze_date": "freeze_date", "opens_at": "opens_at", "closes_at": "closes_at"}


@dataclass(frozen=True)
class Problem:
    """Why the file, or one of its rows, cannot be used: line 0 is the file as a whole."""

    line: int
    column: str
    reason: str


@dataclass
class PlannedRow:
    """One row as it will be created."""

    line: int
    name: str
    sitting_mp: str
    freeze_date: dt.date
    opens_at: dt.datetime
    closes_at: dt.datetime
    constituency: Constituency | None = None  # None: a new constituency of the region
    wards_new: list[str] = field(default_factory=list)
    wards_kept: list[str] = field(default_factory=list)
    wards_not_listed: list[str] = field(default_factory=list)  # the constituency's, not in the file: kept
    same_as_before: bool = False

    @property
    def is_new(self) -> bool:
        return self.constituency is None

    @property
    def mp_on_record(self) -> str:
        """The constituency's recorded MP, when it differs from the file's (the ballot names the file's)."""
        recorded = self.constituency.sitting_mp if self.constituency else ""
        return recorded if recorded and name_key(recorded) != name_key(self.sitting_mp) else ""

    @property
    def opens_shown(self) -> str:
        return uk_time(self.opens_at)

    @property
    def closes_shown(self) -> str:
        return uk_time(self.closes_at)


@dataclass
class RoundFile:
    """The file read: its rows as they will be created, or its problems (then nothing may be created)."""

    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def round_file_decode(data: bytes) -> tuple[str, Problem | None]:
    """The file as text, or the problem that stops it being read at all (too large, not text)."""
    if len(data) > MAX_BYTES:
        reason = f"the file is larger than {MAX_BYTES // 1024} KB: a round has at most {MAX_ROWS:,} rows."
        return "", Problem(0, "", reason)
    encoding, _digest, problem = file_scan(io.BytesIO(data))
    if problem:
        return "", Problem(0, "", problem.reason)
    return data.decode(encoding, errors="replace"), None


def _header_read(cells: list[str], line: int) -> tuple[dict[str, int], list[int], list[Problem]]:
    """{column: position}, the positions with no heading, and the header's problems."""
    positions: dict[str, int] = {}
    blank: list[int] = []
    problems: list[Problem] = []
    for position, raw in enumerate(cells):
        heading = raw.replace("\ufeff", "").strip()
        if not heading:
            blank.append(position)
            continue
        column = _COLUMN_KEYS.get(header_key(heading))
        if column is None:
            reason = f"the column “{shown(heading)}” is not one this file can have: use {', '.join(COLUMNS)}."
            problems.append(Problem(line, "", reason))
        elif column in positions:
            problems.append(Problem(line, column, f"two columns are headed {column}: keep one of them."))
        else:
            positions[column] = position
    missing = [name for name in COLUMNS if name not in positions]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        problems.append(Problem(line, "", f"missing column{plural}: {', '.join(missing)}."))
    return positions, blank, problems


def round_records(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """The data rows (line, {column: value}) of `text`, and the problems of the file and its rows."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    records: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    positions: dict[str, int] | None = None
    blank: list[int] = []
    width = 0
    previous = 0
    try:
        for cells in reader:
            line, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if positions is None:
                if _CONTROL.search("".join(cells)):
                    return [], [Problem(line, "", "the header row holds a character that is not text.")]
                positions, blank, header_problems = _header_read(cells, line)
                if header_problems:
                    return [], header_problems
                width = len(cells)
                continue
            if len(records) >= MAX_ROWS:
                reason = f"the file has more than {MAX_ROWS:,} rows: split the round into smaller files."
                return [], [Problem(0, "", reason)]
            if _CONTROL.search("".join(cells)):
                problems.append(Problem(line, "", "this row holds a character that is not text: correct the file."))
            elif len(cells) > width and any(cell.strip() for cell in cells[width:]):
                reason = f"this row has {len(cells)} values, more than the header's {width} columns."
                problems.append(Problem(line, "", reason))
            elif any(i < len(cells) and cells[i].strip() for i in blank):
                problems.append(Problem(line, "", "this row has a value in a column with no heading."))
            values = {name: (cells[i].strip() if i < len(cells) else "") for name, i in positions.items()}
            records.append((line, values))
    except csv.Error as error:
        return [], [Problem(reader.line_num or 1, "", f"the file is not valid CSV here ({error}).")]
    if positions is None:
        reason = "the file is empty: expected a header row naming the columns, then one row per constituency."
        return [], [Problem(0, "", reason)]
    if not records:
        return [], [Problem(0, "", "the file has a header row but no constituencies under it.")]
    return records, problems


def round_row_read(line: int, cells: dict[str, str], problems: list[Problem]) -> PlannedRow | None:
    """The row's values checked on their own; None (with its problems added) when any is wrong."""
    before = len(problems)

    def required(column: str) -> str:
        value = cells[column]
        if not value:
            problems.append(Problem(line, column, "required, but empty."))
        return value

    name, mp = name_clean(required("constituency")), name_clean(required("sitting_mp"))
    for column, value in (("constituency", name), ("sitting_mp", mp)):
        if len(value) > NAME_MAX:
            problems.append(Problem(line, column, f"too long: at most {NAME_MAX} characters."))
    values: dict[str, object] = {}
    readers = (("wards", wards_read), ("freeze_date", date_read), ("opens_at", uk_moment_read))
    for column, read in (*readers, ("closes_at", uk_moment_read)):
        if text := required(column):
            try:
                values[column] = read(text)
            except CellProblem as problem:
                problems.append(Problem(line, column, str(problem)))
    if len(problems) > before:
        return None
    row = PlannedRow(line, name, mp, values["freeze_date"], values["opens_at"], values["closes_at"])  # type: ignore[arg-type]
    wards = values["wards"]
    row.same_as_before = wards is None
    row.wards_new = list(wards or [])  # type: ignore[call-overload]
    settings = {"sitting_mp": mp, "freeze_date": row.freeze_date, "opens_at": row.opens_at, "closes_at": row.closes_at}
    for setting, messages in ballot_settings_errors(settings).items():
        for message in messages:
            problems.append(Problem(line, _SETTING_COLUMNS.get(setting, ""), message))
    if row.closes_at <= dt.datetime.now(dt.UTC):
        problems.append(Problem(line, "closes_at", f"{row.closes_shown} has already passed."))
    return None if len(problems) > before else row
