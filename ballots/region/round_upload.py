"""A round set up from one file: the CSV read and checked against the region, then every draft made at once.

The file (docs/regions.md): a header row, then one row per constituency. Columns, in any order
and any case: constituency, sitting_mp, wards, freeze_date, opens_at, closes_at. Any other
column is refused, by name, rather than dropped.

- `round_file_decode(data)`: the bytes as text (UTF-8 with or without a byte-order mark, else
  Windows-1252, as the member imports read them), or the reason the file is not a list at all.
- `round_file_check(region=..., text=...)`: every row as it would be created (`PlannedRow`), or
  every problem, each with its line; three queries, whatever the number of rows.
- `round_create_from_file(...)`: the service. It checks the file again from the start, under a
  lock on the region, and then creates the round, the new constituencies and wards, and one
  draft ballot per row through `ballot_create`, in one transaction: all of it or none of it.

Wards are only ever added here, never deleted: a ward listed for an existing constituency that
it does not have is created, and its wards that the file leaves out are kept as they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ballots.models import Round, TriggerBallot
from ballots.officer.services.ballot_lifecycle import ballot_create
from ballots.officer.services.ballot_settings import ballot_settings_errors
from ballots.officer.services.common import Actor, actor_user
from ballots.officer.services.letter_pdf import uk_time
from ballots.region.round_values import (
    NAME_MAX,
    SAME_AS_BEFORE,
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
from members.models import Constituency, Region, Ward
from members.services import audit_record

COLUMNS = ("constituency", "sitting_mp", "wards", "freeze_date", "opens_at", "closes_at")
MAX_ROWS = 1000
MAX_BYTES = 512 * 1024
ROUND_NAME_MAX: int = Round._meta.get_field("name").max_length or 200
_COLUMN_KEYS = {header_key(name): name for name in COLUMNS}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_BUSY = (TriggerBallot.Status.DRAFT, TriggerBallot.Status.OPEN)
_LIST = "list its wards, separated by “;”."
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


class RoundRefused(Exception):
    """Nothing was created: `problems` say why, in words fit for the regional officer."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(problem.reason for problem in problems))
        self.problems = problems


def round_file_decode(data: bytes) -> tuple[str, Problem | None]:
    """The file as text, or the problem that stops it being read at all (too large, not text)."""
    if len(data) > MAX_BYTES:
        reason = f"the file is larger than {MAX_BYTES // 1024} KB: a round has at most {MAX_ROWS:,} rows."
        return "", Problem(0, "", reason)
    encoding, _digest, problem = file_scan(io.BytesIO(data))
    if problem:
        return "", Problem(0, "", problem.reason)
    return data.decode(encoding, errors="replace"), None


def round_name_problem(*, region: Region, name: str) -> str | None:
    """Why `name` cannot name a new round of `region`, or None."""
    if not name:
        return "Give the round a name."
    if len(name) > ROUND_NAME_MAX:
        return f"A round's name has at most {ROUND_NAME_MAX} characters."
    if Round.objects.filter(region=region, name__iexact=name).exists():
        return f"{region.name} already has a round called “{name}”: choose another name."
    return None


# --- reading the rows ------------------------------------------------------------------------


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


def _records(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
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


def _row_read(line: int, cells: dict[str, str], problems: list[Problem]) -> PlannedRow | None:
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


def round_file_check(*, region: Region, text: str) -> RoundFile:
    """Every row of `text` as it would be created in `region`, or every problem, each with its line."""
    records, problems = _records(text)
    result = RoundFile(problems=problems)
    first_line: dict[str, int] = {}
    for line, cells in records:
        row = _row_read(line, cells, problems)
        key = name_key(cells["constituency"])
        if key and key in first_line:
            earlier = first_line[key]
            reason = (
                f"“{shown(cells['constituency'])}” is already on line {earlier}: a constituency is in a round once."
            )
            problems.append(Problem(line, "constituency", reason))
            continue
        if key:
            first_line[key] = line
        if row is not None:
            result.rows.append(row)
    _rows_match(region, result)
    result.problems.sort(key=lambda problem: problem.line)
    if result.problems:
        result.rows = []
    return result


def _rows_match(region: Region, result: RoundFile) -> None:
    """Match the rows to the stored constituencies, wards and ballots (three queries)."""
    if not result.rows:
        return
    stored = {name_key(c.name): c for c in Constituency.objects.only("pk", "name", "sitting_mp", "region_id")}
    matched = {row.line: stored.get(name_key(row.name)) for row in result.rows}
    ids = [c.pk for c in matched.values() if c is not None]
    wards: dict[int, list[str]] = {}
    busy: dict[int, str] = {}
    if ids:
        for constituency_id, ward_name in Ward.objects.filter(constituency_id__in=ids).values_list(
            "constituency_id", "name"
        ):
            wards.setdefault(constituency_id, []).append(ward_name)
        busy = dict(
            TriggerBallot.objects.filter(constituency_id__in=ids, status__in=_BUSY, voided_at__isnull=True)
            .order_by("status")
            .values_list("constituency_id", "status")
        )
    problems = result.problems
    for row in result.rows:
        constituency = matched[row.line]
        if constituency is None:
            if row.same_as_before:
                reason = f"“{row.name}” is a new constituency, so there is nothing to keep “{SAME_AS_BEFORE}”: {_LIST}"
                problems.append(Problem(row.line, "wards", reason))
            continue
        if constituency.region_id != region.pk:
            reason = (
                f"“{constituency.name}” already exists and is not a constituency of {region.name}, "
                "so its ballot cannot be part of this round."
            )
            problems.append(Problem(row.line, "constituency", reason))
            continue
        if constituency.pk in busy:
            state = "a draft" if busy[constituency.pk] == TriggerBallot.Status.DRAFT else "an open"
            reason = (
                f"{constituency.name} already has {state} ballot: "
                "finish or void it first, or leave the constituency out of this round."
            )
            problems.append(Problem(row.line, "constituency", reason))
            continue
        row.constituency = constituency
        existing = {name_key(name): name for name in wards.get(constituency.pk, [])}
        if row.same_as_before:
            if not existing:
                reason = (
                    f"{constituency.name} has no wards yet, so there is nothing to keep “{SAME_AS_BEFORE}”: {_LIST}"
                )
                problems.append(Problem(row.line, "wards", reason))
            row.wards_kept = sorted(existing.values(), key=str.casefold)
            continue
        listed = {name_key(name) for name in row.wards_new}
        row.wards_kept = [existing[name_key(name)] for name in row.wards_new if name_key(name) in existing]
        row.wards_new = [name for name in row.wards_new if name_key(name) not in existing]
        row.wards_not_listed = sorted((n for k, n in existing.items() if k not in listed), key=str.casefold)


# --- the service ---------------------------------------------------------------------------


def round_create_from_file(*, actor: Actor, region: Region, name: str, text: str) -> Round:
    """Create round `name` of `region` from the file's `text`: every row's draft ballot, or nothing.

    Raises RoundRefused (nothing created) when the name or any row cannot be used, including
    when something changed since the preview, or when another change got there at the same moment.
    """
    try:
        return _round_create(actor=actor, region=region, name=name_clean(name), text=text)
    except IntegrityError as error:
        reason = (
            "another change to this region's rounds or constituencies was saved at the same moment, so nothing "
            "was created. Upload the file again."
        )
        raise RoundRefused([Problem(0, "", reason)]) from error


@transaction.atomic
def _round_create(*, actor: Actor, region: Region, name: str, text: str) -> Round:
    # One round of a region at a time: a second waits here, then sees what the first made.
    Region.objects.select_for_update().filter(pk=region.pk).first()
    if (problem := round_name_problem(region=region, name=name)) is not None:
        raise RoundRefused([Problem(0, "", problem)])
    checked = round_file_check(region=region, text=text)
    if not checked.ok:
        raise RoundRefused(checked.problems)
    round_ = Round.objects.create(region=region, name=name, created_by=actor_user(actor))
    made = Constituency.objects.bulk_create(
        [Constituency(name=row.name, sitting_mp=row.sitting_mp, region=region) for row in checked.rows if row.is_new]
    )
    by_name = {name_key(constituency.name): constituency for constituency in made}
    for row in checked.rows:
        if row.constituency is None:
            row.constituency = by_name[name_key(row.name)]
    Ward.objects.bulk_create(
        [Ward(constituency=row.constituency, name=ward) for row in checked.rows for ward in row.wards_new]
    )
    ballots = []
    for row in checked.rows:
        assert row.constituency is not None  # every row is matched or made above
        try:
            ballots.append(
                ballot_create(
                    actor=actor,
                    constituency=row.constituency,
                    sitting_mp=row.sitting_mp,
                    freeze_date=row.freeze_date,
                    opens_at=row.opens_at,
                    closes_at=row.closes_at,
                )
            )
        except ValidationError as error:
            raise RoundRefused([Problem(row.line, "", " ".join(error.messages))]) from error
    TriggerBallot.objects.filter(pk__in=[ballot.pk for ballot in ballots]).update(round=round_)
    for ballot in ballots:
        ballot.round = round_
    audit_record(
        action="round_created",
        actor=actor,
        detail={
            "region": region.name,
            "round": name,
            "round_id": round_.pk,
            "ballots": len(ballots),
            "constituencies": [row.name for row in checked.rows],
            "constituencies_created": [constituency.name for constituency in made],
            "wards_created": {row.name: row.wards_new for row in checked.rows if row.wards_new},
        },
    )
    return round_
