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
spaces or hyphens inside ("Membership Number" is `membership_number`). Cells are stripped;
membership numbers are stored in their canonical form (members/membership_numbers.py), so
"l 0001" in a file updates the member L0001.
Blank lines are skipped, but keep their place in the line numbers.

This package: `reading.py` (decoding, rows, header, cell checks, the report types),
`kinds.py` (the members and affiliates imports' columns, cleaning and batch writes) and, here,
the two passes and the public `member_import` and `affiliate_import`.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from members.imports.kinds import AffiliateSpec, MemberSpec
from members.imports.reading import (
    AFFILIATES,
    BATCH_SIZE,
    MEMBERS,
    PROGRESS_EVERY,
    FileProblem,
    ImportReport,
    ImportSpec,
    Progress,
    RowError,
    binary_open,
    encoding_detect,
    name_key,
    normalise_header,
    parse_date,
    rows_read,
)
from members.membership_numbers import membership_number_normalise
from members.models import Constituency
from members.services import audit_record

__all__ = [
    "AFFILIATES",
    "MEMBERS",
    "ImportReport",
    "RowError",
    "affiliate_import",
    "member_import",
    "normalise_header",
    "parse_date",
]


def _import(spec: ImportSpec, *, file: Any, actor: Any, progress: Progress | None) -> ImportReport:
    report = ImportReport(kind=spec.kind)
    binary, owned = binary_open(file)
    try:
        report.encoding = encoding_detect(binary)
        columns: set[str] = set()
        try:
            _check_rows(spec, binary, report, columns, progress)
        except FileProblem as problem:
            report.errors.insert(0, problem.error)
        if report.errors:
            return report
        try:
            _write_rows(spec, binary, report, columns, progress, actor)
        except IntegrityError:
            report.created = report.updated = report.unchanged = 0
            report.created_wards = []
            report.errors.append(
                RowError(
                    0,
                    "",
                    "another change to these records was saved at the same moment; nothing was "
                    "imported. Please import the file again.",
                )
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

    for row in rows_read(binary, report.encoding, spec):
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
            key = name_key(key_text) if spec.kind == AFFILIATES else membership_number_normalise(key_text)
            if key in first_seen:
                report.errors.append(
                    RowError(
                        row.line,
                        spec.key_column,
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
        for row in rows_read(binary, report.encoding, spec):
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
    *,
    constituency: Constituency,
    file: Any,
    create_wards: bool = False,
    actor: Any = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import members from CSV (bytes, a binary file or a path) into `constituency`: all rows or none."""
    spec = MemberSpec(constituency, create_wards, timezone.localdate())
    return _import(spec, file=file, actor=actor, progress=progress)


def affiliate_import(
    *,
    constituency: Constituency,
    file: Any,
    actor: Any = None,
    progress: Progress | None = None,
    create_wards: bool = False,
) -> ImportReport:
    """Import affiliates from CSV into `constituency`, matched by name: all rows or none."""
    spec = AffiliateSpec(constituency, False, timezone.localdate())
    return _import(spec, file=file, actor=actor, progress=progress)
