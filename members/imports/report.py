"""What an import tells its reader: the row errors (kept, capped and grouped), the changes, the counts.

`ImportReport` is filled by the engine (members/imports/__init__.py) as it reads; it keeps at most
`ERRORS_KEPT` errors, `CHANGES_KEPT` field changes and `GROUPS_KEPT` error groups, so its memory
is bounded on any file, while the totals stay true.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

MEMBERS = "members"
AFFILIATES = "affiliates"

ERRORS_KEPT = 10_000
CHANGES_KEPT = 200
GROUPS_KEPT = 1_000
RANGES_KEPT = 50  # line ranges kept per error group; the rest are counted
MISSING_KEPT = 5_000
UNKNOWN_WORDS_KEPT = 100  # distinct unknown words kept per column

FIELDS_MEMBERS = [
    "membership_number",
    "first_name",
    "last_name",
    "email",
    "ward",
    "joined_on",
    "status",
    "address",
    "postcode",
]
FIELDS_AFFILIATES = ["name", "kind", "affiliated_on", "affiliated_members", "delegate_name", "delegate_email"]
FIELD_LABELS: dict[str, str] = {
    "membership_number": "Membership number",
    "first_name": "First name",
    "last_name": "Surname",
    "email": "Email",
    "ward": "Ward",
    "joined_on": "Date joined",
    "status": "Status",
    "address": "Address",
    "postcode": "Postcode",
    "name": "Organisation",
    "kind": "Type",
    "affiliated_on": "Date of affiliation",
    "affiliated_members": "Affiliated members",
    "delegate_name": "Delegate's name",
    "delegate_email": "Delegate's email",
}


def field_label(column: str) -> str:
    """The plain words for a field (or for several, comma-separated); anything else unchanged."""
    return ", ".join(FIELD_LABELS.get(part.strip(), part.strip()) for part in column.split(",")) if column else ""


@dataclass(frozen=True)
class RowError:
    line: int  # the file's physical line; 0 for a problem with the options or the database
    column: str  # a field name (or names, comma-separated), or ""
    reason: str

    def __str__(self):
        where = f"line {self.line}" if self.line else "the import"
        if self.column:
            where += f", column {field_label(self.column)}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class ErrorGroup:
    """Errors that repeat, summarised once: the same reason (or the same unknown value) in one column."""

    column: str
    reason: str
    count: int
    lines: str  # "line 7" or "lines 2-40, 45, 50-60" (and "and 12 more" past RANGES_KEPT ranges)
    # With one row, `reason` is that row's own (naming any value); with more, said once for all.
    value: str = ""  # the value at fault when the group is about one value, e.g. "Gold"

    def __str__(self):
        label = field_label(self.column)
        if self.count == 1:  # read as the row error itself: its reason names any value
            return f"{self.lines}, column {label}: {self.reason}" if label else f"{self.lines}: {self.reason}"
        if self.value:
            return f"“{self.value}” in {label} on {self.count:,} rows: {self.lines}: {self.reason}"
        if label:
            return f"{label} on {self.count:,} rows: {self.lines}: {self.reason}"
        return f"{self.count:,} rows: {self.lines}: {self.reason}"


@dataclass(frozen=True)
class FieldChange:
    line: int
    key: str  # the membership number or the organisation's name
    name: str  # the member's full name or the organisation's name
    field: str
    old: str
    new: str

    def __str__(self):
        return f"line {self.line}, {self.name} ({self.key}): {field_label(self.field)} “{self.old}” → “{self.new}”"


@dataclass(frozen=True)
class ColumnReading:
    position: int  # 0-based
    header: str  # as written in the file
    field: str | None  # the field it fills, or None (ignored)
    how: str  # "recognised" (an alias), "mapped" (from column_map), "ignored"

    @property
    def display(self) -> str:
        return self.header or f"column {self.position + 1} (no heading)"


@dataclass
class HeaderReading:
    encoding: str
    columns: list[ColumnReading]
    missing_required: list[str]
    unrecognised: list[str]
    error: RowError | None


class _Group:
    __slots__ = ("column", "reason", "value", "count", "ranges", "more", "first_reason")

    def __init__(self, column, reason, value, first_reason):
        self.column, self.reason, self.value, self.first_reason = column, reason, value, first_reason
        self.count = 0
        self.ranges: list[list[int]] = []
        self.more = 0

    def add(self, line: int) -> None:
        self.count += 1
        if self.ranges and self.ranges[-1][0] <= line <= self.ranges[-1][1] + 1:
            self.ranges[-1][1] = max(self.ranges[-1][1], line)
        elif len(self.ranges) < RANGES_KEPT:
            self.ranges.append([line, line])
        else:
            self.more += 1

    def frozen(self) -> ErrorGroup:
        reason = self.first_reason if self.count == 1 else self.reason
        return ErrorGroup(self.column, reason, self.count, lines_compress(self.ranges, self.more), self.value)


def lines_compress(ranges: list[list[int]], more: int = 0) -> str:
    """'line 7', or 'lines 2-40, 45, 50-60' (and 'and N more' for lines past the ranges kept)."""
    parts = [f"{start}-{end}" if end > start else f"{start}" for start, end in ranges]
    single = len(ranges) == 1 and ranges[0][0] == ranges[0][1] and not more
    text = ("line " if single else "lines ") + ", ".join(parts)
    if more:
        text += f" and {more} more"
    return text


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_total: int = 0
    created_wards: list[str] = field(default_factory=list)
    encoding: str = ""
    columns: list[ColumnReading] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    empty_fields: list[str] = field(default_factory=list)
    unknown_values: dict[str, dict[str, int]] = field(default_factory=dict)
    error_groups: list[ErrorGroup] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)
    changes_total: int = 0
    missing: list[tuple[str, str]] = field(default_factory=list)
    missing_total: int = 0
    missing_lapsed: int = 0
    fingerprint: str = ""
    dry_run: bool = False
    stale: bool = False  # refused: the fingerprint differs from the preview's (expected_fingerprint)

    def __post_init__(self):
        self._groups: dict[tuple[str, str, str], _Group] = {}

    @property
    def ok(self) -> bool:
        return not self.errors

    # --- filled by the engine ---------------------------------------------------------------

    def error_add(self, line: int, column: str, reason: str, *, value: str = "", group_reason: str = "") -> None:
        """Record a refused row. With `value`, the group reads “value” in Column … : group_reason."""
        self.errors_total += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(RowError(line, column, reason))
        key = (column, value, group_reason or reason) if value else (column, "", reason)
        group = self._groups.get(key)
        if group is None:
            if len(self._groups) >= GROUPS_KEPT:
                return
            group = self._groups[key] = _Group(column, key[2], value, reason)
        group.add(line)

    def unknown_value_add(self, column: str, word: str) -> None:
        words = self.unknown_values.setdefault(column, {})
        if word in words or len(words) < UNKNOWN_WORDS_KEPT:
            words[word] = words.get(word, 0) + 1

    def change_add(self, change: FieldChange) -> None:
        self.changes_total += 1
        if len(self.changes) < CHANGES_KEPT:
            self.changes.append(change)

    def errors_finish(self) -> None:
        self.errors.sort(key=lambda error: error.line)
        groups = sorted(self._groups.values(), key=lambda group: group.ranges[0][0] if group.ranges else 0)
        self.error_groups = [group.frozen() for group in groups]

    def counts_clear(self) -> None:
        self.created = self.updated = self.unchanged = self.missing_lapsed = 0
        self.created_wards = []

    # --- for readers --------------------------------------------------------------------------

    def summary(self) -> str:
        noun = "member" if self.kind == MEMBERS else "affiliate"
        if self.errors:
            count = self.errors_total or len(self.errors)
            return (
                f"Nothing was imported: {count:,} problem{'s' if count != 1 else ''} found. "
                "Correct the file and import it again."
            )
        plural = "s" if self.rows != 1 else ""
        if self.dry_run:
            text = (
                f"Nothing has been imported yet. The file has {self.rows:,} {noun}{plural}: {self.created:,} would be "
                f"created, {self.updated:,} updated, {self.unchanged:,} unchanged."
            )
            if self.created_wards:
                text += f" New wards would be made: {', '.join(self.created_wards)}."
        else:
            text = (
                f"Imported {self.rows:,} {noun}{plural}: {self.created:,} created, "
                f"{self.updated:,} updated, {self.unchanged:,} unchanged."
            )
            if self.created_wards:
                text += f" New wards: {', '.join(self.created_wards)}."
        if self.missing_total:
            who = f"{self.missing_total:,} member{'s' if self.missing_total != 1 else ''}"
            if self.missing_lapsed:
                lapsed = self.missing_lapsed
                text += f" {lapsed:,} member{'s' if lapsed != 1 else ''} not in the file marked lapsed."
            elif self.dry_run:
                text += f" {who} of the constituency {'is' if self.missing_total == 1 else 'are'} not in the file."
            else:
                text += f" {who} of the constituency not in the file left as they were."
        if self.ignored_columns:
            text += f" Columns not used: {', '.join(self.ignored_columns)}."
        if self.empty_fields:
            text += f" Empty in every row: {', '.join(field_label(name) for name in self.empty_fields)}."
        return text

    def errors_csv_rows(self) -> Iterator[tuple[int, str, str]]:
        """(line, column in plain words, reason) for each error kept, for the downloadable CSV."""
        for error in self.errors:
            yield (error.line, field_label(error.column), error.reason)
