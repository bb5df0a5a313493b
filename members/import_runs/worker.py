"""The task worker's side of an import run: the preview (a dry run) and the application.

Both call the import engine (members/imports/) with the run's stored file, mapping and
choices. The preview stores what the officer reads (members/import_runs/__init__.py explains
the whole flow); the application passes the preview's fingerprint, so it writes exactly what
was previewed, or nothing and the run is "stale".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from members import imports as engine
from members.models import ImportMapping, MemberImport, MemberImportChange, MemberImportMissing

State = MemberImport.State
Kind = MemberImport.Kind
CHANGES_BATCH = 1000
ERROR_GROUPS_KEPT = 50
FAILURE_MAX_LENGTH = MemberImport._meta.get_field("failure").max_length or 500
STALE_MESSAGE = (
    "Nothing was imported: the file, its mapping or this constituency's records changed after the "
    "preview was made. Preview the import again, check it, then confirm."
)


def mapping_remember(run: MemberImport) -> None:
    """Merge the run's column and value mappings into the ones remembered for its constituency."""
    mapping, _ = ImportMapping.objects.get_or_create(constituency=run.constituency, kind=run.kind)
    mapping.column_map = {**mapping.column_map, **run.column_map}
    merged = {field: dict(words) for field, words in mapping.value_map.items()}
    for field, words in run.value_map.items():
        merged.setdefault(field, {}).update(words)
    mapping.value_map = merged
    mapping.save()


def _progress(run_id: int) -> Callable[[str, int], None]:
    def report(phase: str, rows: int) -> None:
        MemberImport.objects.filter(pk=run_id).update(progress_phase=phase, progress_rows=rows)

    return report


class _ChangeWriter:
    """Takes the engine's field-level changes one by one and stores them in batches."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.batch: list[MemberImportChange] = []

    def __call__(self, change: Any) -> None:
        self.batch.append(
            MemberImportChange(
                run_id=self.run_id,
                line=change.line,
                key=str(change.key)[:200],
                name=str(change.name or "")[:400],
                field=str(change.field)[:40],
                old="" if change.old is None else str(change.old),
                new="" if change.new is None else str(change.new),
            )
        )
        if len(self.batch) >= CHANGES_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            MemberImportChange.objects.bulk_create(self.batch)
            self.batch = []


def _run_engine(run: MemberImport, **options: Any) -> Any:
    common = {
        "constituency": run.constituency,
        "file": bytes(run.file),
        "column_map": run.column_map or None,
        "value_map": run.value_map or None,
        "progress": _progress(run.pk),
        **options,
    }
    if run.kind == Kind.MEMBERS:
        return engine.member_import(create_wards=run.create_wards, missing=run.missing, **common)
    return engine.affiliate_import(**common)


def _summary(report: Any) -> dict[str, Any]:
    groups = list(report.error_groups)
    return {
        "ok": bool(report.ok),
        "text": report.summary(),
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "created_wards": list(report.created_wards),
        "encoding": report.encoding,
        "columns": [
            {
                "position": column.position,
                "header": column.header or f"column {column.position + 1} (no heading)",
                "field": column.field,
                "how": column.how,
            }
            for column in report.columns
        ],
        "ignored_columns": list(report.ignored_columns),
        "empty_fields": list(report.empty_fields),
        "unknown_values": {field: dict(words) for field, words in report.unknown_values.items()},
        "error_groups": [
            {
                "column": group.column,
                "value": getattr(group, "value", ""),
                "count": group.count,
                "lines": group.lines,
                "text": str(group),
            }
            for group in groups[:ERROR_GROUPS_KEPT]
        ],
        "error_groups_total": len(groups),
        "errors_total": getattr(report, "errors_total", len(report.errors)),
        "changes_total": report.changes_total,
        "missing_total": getattr(report, "missing_total", len(report.missing)),
        "missing_lapsed": getattr(report, "missing_lapsed", 0),
    }


def _failed(run_id: int, reason: str) -> None:
    MemberImport.objects.filter(pk=run_id).update(state=State.FAILED, failure=reason[:FAILURE_MAX_LENGTH])


def import_run_preview(*, run_id: int) -> dict[str, int]:
    """The dry run of a queued preview: counts, errors, changes and missing members stored."""
    run = MemberImport.objects.select_related("constituency").get(pk=run_id)
    if run.state != State.PREVIEWING:
        return {}  # a task run twice, or a preview started again since
    writer = _ChangeWriter(run.pk)
    try:
        report = _run_engine(run, dry_run=True, on_change=writer)
        writer.flush()
        MemberImportMissing.objects.bulk_create(
            (
                MemberImportMissing(run_id=run.pk, membership_number=number[:32], name=name[:400])
                for number, name in report.missing
            ),
            batch_size=CHANGES_BATCH,
        )
    except Exception as error:
        _failed(run.pk, f"The preview could not be made ({type(error).__name__}). Try again, or upload the file again.")
        raise
    MemberImport.objects.filter(pk=run.pk, state=State.PREVIEWING).update(
        state=State.PREVIEWED,
        summary=_summary(report),
        errors=[list(row) for row in report.errors_csv_rows()],
        fingerprint=report.fingerprint,
        previewed_at=timezone.now(),
    )
    return {"rows": report.rows, "changes": report.changes_total}


def _is_stale(report: Any, expected: str) -> bool:
    stale = getattr(report, "stale", None)
    if stale is not None:
        return bool(stale)
    return bool(report.errors) and report.fingerprint != expected


def import_run_apply(*, run_id: int) -> dict[str, int]:
    """Apply a confirmed import, exactly as previewed; stale when anything changed since."""
    run = MemberImport.objects.select_related("constituency", "applied_by").get(pk=run_id)
    if run.state != State.APPLYING:
        return {}
    try:
        report = _run_engine(run, dry_run=False, actor=run.applied_by, expected_fingerprint=run.fingerprint)
    except Exception as error:
        _failed(run.pk, f"The import could not be applied ({type(error).__name__}); nothing was changed.")
        raise
    if report.ok:
        summary = {**run.summary, **_summary(report)}
        MemberImport.objects.filter(pk=run.pk).update(
            state=State.APPLIED, summary=summary, file=b"", file_deleted_at=timezone.now(), applied_at=timezone.now()
        )
        with transaction.atomic():
            mapping_remember(run)
        return {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
    if _is_stale(report, run.fingerprint):
        MemberImport.objects.filter(pk=run.pk).update(state=State.STALE, failure=STALE_MESSAGE)
    else:
        _failed(run.pk, f"Nothing was imported: {report.errors[0].reason}")
    return {"created": 0, "updated": 0, "unchanged": 0}
