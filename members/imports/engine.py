"""The import's passes: check every row, then compare (a dry run) or write (all rows or none).

1. **Check.** Every row is read and validated; every problem is recorded in the report (capped,
   grouped). Only what cross-row checks need is kept: the keys seen and the line each was first
   seen on, one short string per row.
2. **Compare or write.** Only if there was no error: the file is read again in batches of
   `BATCH_SIZE` rows, each compared with the stored records (created, updated with its field
   changes, unchanged). A dry run stops there; otherwise the same pass writes, in one
   transaction, after checking that the file, options and stored records still give the
   fingerprint the preview showed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from members.imports.headers import column_map_clean, missing_columns_error
from members.imports.kinds import AffiliateSpec, ImportSpec, MemberSpec
from members.imports.reading import (
    BATCH_SIZE,
    PROGRESS_EVERY,
    FileProblem,
    Progress,
    binary_open,
    columns_ignored,
    file_scan,
    header_only,
    rows_read,
)
from members.imports.report import AFFILIATES, MEMBERS, HeaderReading, ImportReport, RowError
from members.imports.values import ErrorCount, value_map_clean
from members.models import Constituency
from members.services import audit_record

STALE = (
    "the file, its settings or the stored records have changed since the preview, so nothing was imported. "
    "Preview the import again."
)
RACE = (
    "another change to these records was saved at the same moment; nothing was imported. Please import the file again."
)


def header_read(*, kind: str, file: Any, column_map: dict[str, str] | None = None) -> HeaderReading:
    """How the header row of `file` is read: each column's field, what is missing, what is not recognised."""
    reading = HeaderReading(encoding="", columns=[], missing_required=[], unrecognised=[], error=None)
    mapping, reading.error = column_map_clean(kind, column_map)
    if reading.error:
        return reading
    binary, owned = binary_open(file)
    try:
        reading.encoding, _, reading.error = file_scan(binary)
        if reading.error:
            return reading
        try:
            plan, unrecognised = header_only(binary, reading.encoding, kind, mapping)
        except FileProblem as problem:
            reading.error = problem.error
            return reading
        if plan is None:  # not reached: rows_read raises for a file without a header
            return reading
        reading.columns, reading.missing_required, reading.unrecognised = (
            plan.columns,
            plan.missing_required,
            unrecognised,
        )
    finally:
        if owned:
            binary.close()
    return reading


def run_import(
    spec_class: type[ImportSpec],
    *,
    constituency: Constituency,
    file: Any,
    create_wards: bool,
    actor: Any,
    progress: Progress | None,
    column_map: dict | None,
    value_map: dict | None,
    dry_run: bool,
    missing: str,
    expected_fingerprint: str | None,
    on_change: Any,
) -> ImportReport:
    report = ImportReport(kind=spec_class.kind, dry_run=dry_run)
    mapping, problem = column_map_clean(spec_class.kind, column_map)
    words, words_problem = value_map_clean(value_map)
    if problem is None and words_problem:
        problem = RowError(0, "", words_problem)
    if problem is None and missing not in ("leave", "lapse"):
        problem = RowError(0, "", f"“{missing}” is not a choice for members not in the file: use leave or lapse.")
    if problem:
        report.error_add(problem.line, problem.column, problem.reason)
        report.errors_finish()
        return report
    spec = spec_class(constituency, create_wards, timezone.localdate(), words)
    binary, owned = binary_open(file)
    try:
        report.encoding, file_digest, problem = file_scan(binary)
        if problem:
            report.error_add(problem.line, problem.column, problem.reason)
            report.errors_finish()
            return report
        options = json.dumps(
            [sorted(mapping.items(), key=str), sorted((k, sorted(v.items())) for k, v in words.items())]
            + [create_wards, missing],
            default=str,
        )
        seen: dict[str, int] = {}
        try:
            _check_rows(spec, binary, report, mapping, seen, progress)
        except FileProblem as file_problem:
            error = file_problem.error
            report.error_add(error.line, error.column, error.reason)
        report.errors_finish()
        if report.errors:
            return report
        try:
            _compare_rows(
                spec, binary, report, mapping, seen, progress, actor, dry_run, missing, on_change,
                lambda state: hashlib.sha256(f"{file_digest}|{options}|{state}".encode()).hexdigest(),
                expected_fingerprint,
            )  # fmt: skip
        except _Stale:
            report.counts_clear()
            report.stale = True
            report.error_add(0, "", STALE)
        except IntegrityError:
            report.counts_clear()
            report.error_add(0, "", RACE)
        if report.errors_total:
            report.changes, report.changes_total = [], 0
            report.errors_finish()
    finally:
        if owned:
            binary.close()
    return report


class _Stale(Exception):
    pass


def _check_rows(spec, binary, report, mapping, seen, progress):
    pending: list[tuple[str, int]] = []  # (key, line) awaiting the cross-constituency check
    filled: set[str] = set()

    def on_header(plan, unrecognised):
        report.columns = plan.columns
        report.ignored_columns = columns_ignored(plan.columns)
        spec.present = set(plan.positions)
        if plan.missing_required:
            raise FileProblem(missing_columns_error(spec.kind, plan))

    def flush():
        if pending:
            taken = spec.foreign_keys([key for key, _ in pending])
            for key, line in pending:
                if key in taken:
                    report.error_add(line, spec.key_column, spec.foreign_reason.format(key=key))
            pending.clear()

    optional = spec.optional_columns
    for row in rows_read(binary, report.encoding, spec.kind, mapping, on_header):
        report.rows += 1
        if progress and report.rows % PROGRESS_EVERY == 0:
            progress("checked", report.rows)
        if row.problem:
            report.error_add(row.problem.line, row.problem.column, row.problem.reason)
            continue
        cells = row.cells
        for name in optional:
            if name not in filled and cells.get(name):
                filled.add(name)
        values = spec.clean(row, report)
        key_text = cells.get(spec.key_column, "")
        if not key_text:
            continue
        key = spec.key_of(key_text)
        if key in seen:
            report.error_add(
                row.line,
                spec.key_column,
                f"“{key_text[:100]}” appears more than once in the file (first on line {seen[key]}).",
                value=key_text[:100],
                group_reason="appears more than once in the file.",
            )
            continue
        seen[key] = row.line
        if values is not None and spec.kind == MEMBERS:
            pending.append((key, row.line))
            if len(pending) >= 1000:
                flush()
    flush()
    report.empty_fields = [name for name in optional if name in spec.present and name not in filled]
    if spec.kind == MEMBERS and spec.new_wards:
        report.created_wards = sorted(spec.new_wards.values(), key=str.casefold)


def _compare_rows(
    spec, binary, report, mapping, seen, progress, actor, dry_run, missing, on_change, fingerprint_of, expected
):
    with transaction.atomic():
        if not dry_run:
            # One import of a constituency at a time: a second waits here, then sees the first's result.
            Constituency.objects.select_for_update().filter(pk=spec.constituency.pk).first()
        state, missing_pks = spec.state_read(seen, report)
        report.fingerprint = fingerprint_of(state)
        if not dry_run and expected and expected != report.fingerprint:
            raise _Stale
        if not dry_run:
            spec.prepare_write(report)
        phase = "compared" if dry_run else "written"
        scratch = ErrorCount()
        batch: list[tuple] = []
        done = 0
        for row in rows_read(binary, report.encoding, spec.kind, mapping, lambda plan, unrecognised: None):
            values = None if row.problem else spec.clean(row, scratch)
            if values is None:
                raise IntegrityError("the file changed while importing")
            batch.append(values)
            if len(batch) >= BATCH_SIZE:
                spec.compare_batch(batch, report, not dry_run, on_change)
                done += len(batch)
                batch = []
                if progress and done % PROGRESS_EVERY == 0:
                    progress(phase, done)
        if batch:
            spec.compare_batch(batch, report, not dry_run, on_change)
        if missing == "lapse" and not dry_run:
            spec.missing_lapse(missing_pks, report)
        if dry_run:
            return
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
                "changes": report.changes_total,
                "missing": report.missing_total,
                "missing_lapsed": report.missing_lapsed,
                "ignored_columns": len(report.ignored_columns),
            },
        )


def member_import(
    *,
    constituency: Constituency,
    file: Any,
    create_wards: bool = False,
    actor: Any = None,
    progress: Progress | None = None,
    column_map: dict[str, str] | None = None,
    value_map: dict[str, dict[str, str]] | None = None,
    dry_run: bool = False,
    missing: str = "leave",
    expected_fingerprint: str | None = None,
    on_change: Any = None,
) -> ImportReport:
    """Import members from CSV (bytes, a binary file or a path) into `constituency`: all rows or none."""
    return run_import(
        MemberSpec,
        constituency=constituency,
        file=file,
        create_wards=create_wards,
        actor=actor,
        progress=progress,
        column_map=column_map,
        value_map=value_map,
        dry_run=dry_run,
        missing=missing,
        expected_fingerprint=expected_fingerprint,
        on_change=on_change,
    )


def affiliate_import(
    *,
    constituency: Constituency,
    file: Any,
    actor: Any = None,
    progress: Progress | None = None,
    column_map: dict[str, str] | None = None,
    value_map: dict[str, dict[str, str]] | None = None,
    dry_run: bool = False,
    expected_fingerprint: str | None = None,
    on_change: Any = None,
    create_wards: bool = False,
    missing: str = "leave",
) -> ImportReport:
    """Import affiliates from CSV into `constituency`, matched by name: all rows or none."""
    return run_import(
        AffiliateSpec,
        constituency=constituency,
        file=file,
        create_wards=False,
        actor=actor,
        progress=progress,
        column_map=column_map,
        value_map=value_map,
        dry_run=dry_run,
        missing="leave",
        expected_fingerprint=expected_fingerprint,
        on_change=on_change,
    )


__all__ = ["AFFILIATES", "MEMBERS", "affiliate_import", "header_read", "member_import"]
