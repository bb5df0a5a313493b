"""CSV imports of members and affiliates: every row checked, then all written or nothing.

The file is read twice, as a stream:

1. **Check.** Every row is parsed and validated; every problem is collected as a `RowError`
   (physical line number, column, reason). Only what cross-row checks need is kept in
   memory: the membership numbers (or affiliate names) seen so far and the line each was
   first seen on, so memory grows with the number of rows by one short string each, never
   with the whole parsed file.
2. **Write.** Only if there was no error: the file is read again and written in one
   transaction, in batches of `BATCH_SIZE` rows (one query finds the batch's existing
   records, then `bulk_create` for the new and `bulk_update` for the changed ones).

Text is decoded as UTF-8 (a byte-order mark is dropped) and, if that fails anywhere in the
file, as Windows-1252. Header names are matched ignoring case, surrounding spaces, and
spaces or hyphens inside ("Membership Number" is `membership_number`). Cells are stripped.
Blank lines are skipped, but keep their place in the line numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import Affiliate, Constituency, Member, Ward
from members.services import audit_record

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


class _FileProblem(Exception):
    def __init__(self, error: RowError):
        super().__init__(str(error))
        self.error = error


# --- reading -----------------------------------------------------------------------------


def _binary(file) -> tuple[io.IOBase, bool]:
    """A seekable binary stream for `file`, and whether we opened it (and so must close it)."""
    if isinstance(file, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(file)), True
    if isinstance(file, str) or (hasattr(file, "open") and not hasattr(file, "read")):  # a path
        return open(file, "rb"), True  # noqa: SIM115 - closed by _import
    if not isinstance(file, io.IOBase) and hasattr(getattr(file, "file", None), "read"):
        return file.file, False  # a Django UploadedFile: read its underlying file
    return file, False


def _detect_encoding(binary) -> str:
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
class _Row:
    line: int
    cells: dict[str, str]


def _rows(binary, encoding: str, spec: _Spec) -> Iterator[_Row]:
    """Yield each non-blank data row with its physical starting line; raise _FileProblem on a bad header."""
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
                    header = _check_header(cells, line, spec)
                    width = len(header)
                    continue
                if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                    yield _Row(line, {"__width__": f"{len(cells)}"})
                    continue
                yield _Row(line, {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)})
        except csv.Error as exc:
            raise _FileProblem(RowError(reader.line_num or 1, "", f"the file is not valid CSV here ({exc}).")) from exc
        if header is None:
            raise _FileProblem(RowError(1, "", "the file is empty: expected a header row naming the columns."))
    finally:
        text.detach()


def _check_header(cells: list[str], line: int, spec: _Spec) -> list[str]:
    header = [normalise_header(cell) for cell in cells]
    seen = set()
    for name in header:
        if name and name in seen:
            raise _FileProblem(RowError(line, name, "this column appears twice in the header."))
        seen.add(name)
    missing = [name for name in spec.required_columns if name not in seen]
    if missing:
        allowed = ", ".join(spec.required_columns + spec.optional_columns)
        raise _FileProblem(
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
        if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4 and len(day) <= 2
                and len(month) <= 2):
            raise ValueError(text)
        return date(int(year), int(month), int(day))
    if len(text) != 10:
        raise ValueError(text)
    return date.fromisoformat(text)


def _date(row: _Row, column: str, errors: list, today: date) -> date | None:
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


def _required(row: _Row, column: str, errors: list, max_length: int) -> str:
    value = row.cells.get(column, "")
    if not value:
        errors.append(RowError(row.line, column, "required, but empty."))
    elif len(value) > max_length:
        errors.append(RowError(row.line, column, f"too long: at most {max_length} characters."))
    return value


def _optional(row: _Row, column: str, errors: list, max_length: int) -> str:
    value = row.cells.get(column, "")
    if len(value) > max_length:
        errors.append(RowError(row.line, column, f"too long: at most {max_length} characters."))
    return value


_SIMPLE_EMAIL = re.compile(r"^[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$")


def _email(row: _Row, column: str, errors: list) -> str:
    value = row.cells.get(column, "")
    if value and not _SIMPLE_EMAIL.match(value):  # the common case skips Django's slower validator
        try:
            validate_email(value)
        except ValidationError:
            errors.append(RowError(row.line, column, f"“{value}” is not a valid email address."))
    return value


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


# --- the two kinds -----------------------------------------------------------------------


class _Spec:
    kind: str
    required_columns: list[str]
    optional_columns: list[str]
    key_column: str


class _MemberSpec(_Spec):
    kind = MEMBERS
    required_columns = ["membership_number", "first_name", "last_name", "ward", "joined_on"]
    optional_columns = ["email", "status"]
    key_column = "membership_number"
    statuses = {"active": "active", "arrears": "arrears", "in arrears": "arrears", "lapsed": "lapsed"}

    def __init__(self, constituency, create_wards, today):
        self.constituency = constituency
        self.create_wards = create_wards
        self.today = today
        self.wards = self._ward_ids()
        self.new_wards: dict[str, str] = {}

    def clean(self, row: _Row, errors: list) -> tuple | None:
        """(membership_number, first_name, last_name, email, ward key, joined_on, status); None if invalid."""
        before = len(errors)
        number = _required(row, "membership_number", errors, 32)
        first = _required(row, "first_name", errors, 150)
        last = _required(row, "last_name", errors, 150)
        email = _email(row, "email", errors)
        if len(email) > 254:
            errors.append(RowError(row.line, "email", "too long: at most 254 characters."))
        ward_name = _required(row, "ward", errors, 200)
        ward_key = _key(ward_name)
        if ward_name and ward_key not in self.wards:
            if self.create_wards:
                self.new_wards.setdefault(ward_key, " ".join(ward_name.split()))
            else:
                errors.append(
                    RowError(
                        row.line,
                        "ward",
                        f"unknown ward “{ward_name}” in {self.constituency.name}. Add the ward first, "
                        "or tick “create missing wards”.",
                    )
                )
        joined = _date(row, "joined_on", errors, self.today)
        status_text = row.cells.get("status", "")
        status = self.statuses.get(" ".join(status_text.lower().split()) or "active")
        if status is None:
            errors.append(
                RowError(row.line, "status", f"“{status_text}” is not a status: use active, arrears or lapsed.")
            )
        if len(errors) > before:
            return None
        return (number, first, last, email, ward_key, joined, status)

    def foreign_keys(self, keys: list[str]) -> set[str]:
        """Of these membership numbers, those that belong to another constituency's members."""
        return set(
            Member.objects.filter(membership_number__in=keys)
            .exclude(ward__constituency=self.constituency)
            .values_list("membership_number", flat=True)
        )

    foreign_reason = "membership number {key} already belongs to a member in another constituency."

    def prepare_write(self, report: ImportReport):
        if self.new_wards:
            names = sorted(self.new_wards.values(), key=str.casefold)
            Ward.objects.bulk_create([Ward(constituency=self.constituency, name=name) for name in names])
            report.created_wards = names
            self.wards = self._ward_ids()

    def _ward_ids(self) -> dict[str, int]:
        wards = Ward.objects.filter(constituency=self.constituency).values_list("pk", "name")
        return {_key(name): pk for pk, name in wards}

    def write_batch(self, batch: list[tuple], columns: set[str], report: ImportReport):
        existing = Member.objects.filter(membership_number__in=[values[0] for values in batch]).in_bulk(
            field_name="membership_number"
        )
        to_create, to_update = [], []
        for number, first, last, email, ward_key, joined, status in batch:
            ward_id = self.wards[ward_key]
            member = existing.get(number)
            if member is None:
                to_create.append(
                    Member(
                        membership_number=number, first_name=first, last_name=last, email=email,
                        ward_id=ward_id, joined_on=joined, status=status,
                    )
                )
                continue
            # A column left out of the file leaves that field as it was.
            new = {"first_name": first, "last_name": last, "ward_id": ward_id, "joined_on": joined}
            if "email" in columns:
                new["email"] = email
            if "status" in columns:
                new["status"] = status
            if all(getattr(member, name) == value for name, value in new.items()):
                report.unchanged += 1
                continue
            for name, value in new.items():
                setattr(member, name, value)
            to_update.append(member)
        Member.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        if to_update:
            Member.objects.bulk_update(
                to_update, ["first_name", "last_name", "email", "ward", "joined_on", "status"], batch_size=500
            )
        report.created += len(to_create)
        report.updated += len(to_update)


class _AffiliateSpec(_Spec):
    kind = AFFILIATES
    required_columns = ["name", "kind", "affiliated_on"]
    optional_columns = ["affiliated_members", "delegate_name", "delegate_email"]
    key_column = "name"
    kinds = {
        "trade_union": "trade_union", "union": "trade_union",
        "socialist_society": "socialist_society",
        "cooperative": "cooperative", "co_operative": "cooperative", "co_operative_party": "cooperative",
        "other": "other",
    }

    def __init__(self, constituency, create_wards, today):
        self.constituency = constituency
        self.today = today

    def clean(self, row: _Row, errors: list) -> tuple | None:
        before = len(errors)
        name = " ".join(_required(row, "name", errors, 200).split())
        kind_text = row.cells.get("kind", "")
        kind = self.kinds.get(normalise_header(kind_text))
        if not kind_text:
            errors.append(RowError(row.line, "kind", "required, but empty."))
        elif kind is None:
            errors.append(
                RowError(
                    row.line, "kind",
                    f"“{kind_text}” is not a kind: use trade_union, socialist_society, cooperative or other.",
                )
            )
        affiliated_on = _date(row, "affiliated_on", errors, self.today)
        members_text = row.cells.get("affiliated_members", "").replace(",", "").replace(" ", "")
        affiliated_members = None
        if members_text:
            if members_text.isdigit() and len(members_text) < 10:
                affiliated_members = int(members_text)
            else:
                errors.append(
                    RowError(
                        row.line, "affiliated_members",
                        f"“{row.cells['affiliated_members']}” is not a whole number of members.",
                    )
                )
        delegate_name = _optional(row, "delegate_name", errors, 200)
        delegate_email = _email(row, "delegate_email", errors)
        if len(errors) > before:
            return None
        return (name, kind, affiliated_on, affiliated_members, delegate_name, delegate_email)

    def foreign_keys(self, keys):
        return set()

    foreign_reason = ""

    def prepare_write(self, report):
        pass

    def write_batch(self, batch, columns, report):
        existing = {
            _key(affiliate.name): affiliate
            for affiliate in Affiliate.objects.filter(constituency=self.constituency)
        }
        to_create, to_update = [], []
        for name, kind, affiliated_on, affiliated_members, delegate_name, delegate_email in batch:
            affiliate = existing.get(_key(name))
            if affiliate is None:
                to_create.append(
                    Affiliate(
                        constituency=self.constituency, name=name, kind=kind, affiliated_on=affiliated_on,
                        affiliated_members=affiliated_members, delegate_name=delegate_name,
                        delegate_email=delegate_email,
                    )
                )
                continue
            new = {"name": name, "kind": kind, "affiliated_on": affiliated_on}
            for column, value in (
                ("affiliated_members", affiliated_members),
                ("delegate_name", delegate_name),
                ("delegate_email", delegate_email),
            ):
                if column in columns:
                    new[column] = value
            if all(getattr(affiliate, key) == value for key, value in new.items()):
                report.unchanged += 1
                continue
            for key, value in new.items():
                setattr(affiliate, key, value)
            to_update.append(affiliate)
        Affiliate.objects.bulk_create(to_create)
        if to_update:
            Affiliate.objects.bulk_update(
                to_update,
                ["name", "kind", "affiliated_on", "affiliated_members", "delegate_name", "delegate_email"],
            )
        report.created += len(to_create)
        report.updated += len(to_update)


# --- the import --------------------------------------------------------------------------


def _import(spec: _Spec, *, file, actor, progress: Progress | None) -> ImportReport:
    report = ImportReport(kind=spec.kind)
    binary, owned = _binary(file)
    try:
        report.encoding = _detect_encoding(binary)
        columns: set[str] = set()
        try:
            _check_rows(spec, binary, report, columns, progress)
        except _FileProblem as problem:
            report.errors.insert(0, problem.error)
        if report.errors:
            return report
        try:
            _write_rows(spec, binary, report, columns, progress, actor)
        except IntegrityError:
            report.created = report.updated = report.unchanged = 0
            report.created_wards = []
            report.errors.append(
                RowError(0, "", "another change to these records was saved at the same moment; nothing was "
                                "imported. Please import the file again.")
            )
            return report
    finally:
        if owned:
            binary.close()
    return report


def _check_rows(spec, binary, report, columns, progress):
    first_seen: dict[str, int] = {}
    pending: list[tuple[str, int]] = []  # (key, line) awaiting the cross-constituency check

    def flush():
        if pending:
            taken = spec.foreign_keys([key for key, _ in pending])
            for key, line in pending:
                if key in taken:
                    report.errors.append(RowError(line, spec.key_column, spec.foreign_reason.format(key=key)))
            pending.clear()

    for row in _rows(binary, report.encoding, spec):
        report.rows += 1
        if not columns:
            columns.update(row.cells)
        if "__width__" in row.cells:
            report.errors.append(
                RowError(row.line, "", f"this row has {row.cells['__width__']} values, more than the header's columns.")
            )
            continue
        values = spec.clean(row, report.errors)
        key_text = row.cells.get(spec.key_column, "")
        if key_text:
            key = _key(key_text) if spec.kind == AFFILIATES else key_text
            if key in first_seen:
                report.errors.append(
                    RowError(
                        row.line, spec.key_column,
                        f"“{key_text}” appears more than once in the file (first on line {first_seen[key]}).",
                    )
                )
            else:
                first_seen[key] = row.line
                if values is not None and spec.kind == MEMBERS:
                    pending.append((key, row.line))
                    if len(pending) >= 1000:
                        flush()
        if progress and report.rows % PROGRESS_EVERY == 0:
            progress("checked", report.rows)
    flush()
    report.errors.sort(key=lambda error: error.line)


def _write_rows(spec, binary, report, columns, progress, actor):
    written = 0
    with transaction.atomic():
        spec.prepare_write(report)
        batch: list[tuple] = []
        scratch: list[RowError] = []
        for row in _rows(binary, report.encoding, spec):
            batch.append(spec.clean(row, scratch))
            if len(batch) >= BATCH_SIZE:
                spec.write_batch(batch, columns, report)
                written += len(batch)
                batch = []
                if progress and written % PROGRESS_EVERY == 0:
                    progress("written", written)
        if batch:
            spec.write_batch(batch, columns, report)
        if scratch:  # the file changed between the two readings
            raise IntegrityError("file changed while importing")
        audit_record(
            action=f"{spec.kind}.imported",
            actor=actor,
            constituency=spec.constituency,
            detail={
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "created_wards": len(report.created_wards),
            },
        )


def member_import(
    *, constituency: Constituency, file, create_wards: bool = False, actor=None, progress: Progress | None = None
) -> ImportReport:
    """Import members from CSV (bytes, a binary file or a path) into `constituency`: all rows or none."""
    spec = _MemberSpec(constituency, create_wards, timezone.localdate())
    return _import(spec, file=file, actor=actor, progress=progress)


def affiliate_import(
    *, constituency: Constituency, file, actor=None, progress: Progress | None = None, create_wards: bool = False
) -> ImportReport:
    """Import affiliates from CSV into `constituency`, matched by name: all rows or none."""
    spec = _AffiliateSpec(constituency, False, timezone.localdate())
    return _import(spec, file=file, actor=actor, progress=progress)
