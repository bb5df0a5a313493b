"""Imports run from the officers' pages: upload, map the columns, preview, confirm.

An officer's upload becomes a `MemberImport` holding the file's bytes. Its header is read
(`import_run_header`); when a column is not recognised, or a required field is filled by no
column, the officer maps the columns first. The preview is a dry run of the import engine
(members/imports/) made by the task worker: it stores the counts, the errors, every
field-level change (`MemberImportChange`, written in batches as the engine reports them), the
members missing from the file (`MemberImportMissing`) and the engine's fingerprint. Confirming
enqueues the real import with that fingerprint, so it applies exactly what was previewed or,
when the file, the mapping or the constituency's records changed since, nothing (the run is
then "stale" and can be previewed again).

The column and value mappings an officer chooses are remembered per constituency and kind
(`ImportMapping`) and offered for the next upload.

The uploaded bytes are emptied once the import is applied, and by `member_imports_expire`
(run it from the periodic command) a day after the upload at the latest, with the preview's
rows of changes and missing members.

The task's arguments and results hold the run's id and counts only. The worker's side (the
preview and the application) is in worker.py.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from members import imports as engine
from members.import_runs.worker import mapping_remember
from members.models import Constituency, ImportMapping, MemberImport, MemberImportChange, MemberImportMissing

logger = logging.getLogger(__name__)

State = MemberImport.State
Kind = MemberImport.Kind
UPLOAD_LIFETIME = dt.timedelta(hours=24)
# States from which a new preview may start: the officer changed the mapping or a choice.
PREVIEWABLE = (State.UPLOADED, State.PREVIEWED, State.STALE, State.FAILED)

EXPIRED_MESSAGE = "Nothing was imported: the uploaded file was deleted a day after its upload. Upload it again."


class ImportRunRefused(Exception):
    """What the officer asked for cannot be done now; the message says why, in plain words."""


def upload_cap_bytes() -> int:
    return settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024


def fields_for(kind: str) -> list[str]:
    return list(engine.FIELDS_MEMBERS if kind == Kind.MEMBERS else engine.FIELDS_AFFILIATES)


def field_label(field: str) -> str:
    return engine.FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# --- upload and mapping ----------------------------------------------------------------------


def import_run_create(
    *, constituency: Constituency, kind: str, file_name: str, data: bytes, create_wards: bool, actor: Any
) -> MemberImport:
    """Store an uploaded file as a new run, with the constituency's remembered mapping."""
    if kind not in Kind.values:
        raise ImportRunRefused("Choose whether the file holds members or affiliated organisations.")
    if len(data) > upload_cap_bytes():
        raise ImportRunRefused(upload_too_large_message())
    mapping = ImportMapping.objects.filter(constituency=constituency, kind=kind).first()
    return MemberImport.objects.create(
        constituency=constituency,
        kind=kind,
        file=data,
        file_name=file_name[:255],
        file_size=len(data),
        create_wards=create_wards and kind == Kind.MEMBERS,
        column_map=dict(mapping.column_map) if mapping else {},
        value_map=dict(mapping.value_map) if mapping else {},
        created_by=_user(actor),
    )


def upload_too_large_message() -> str:
    return (
        f"The file is larger than {settings.IMPORT_MAX_UPLOAD_MB} MB, the most this site takes. "
        "Split it into smaller files, or ask whoever runs the site to raise the limit."
    )


def import_run_discard(*, run: MemberImport) -> None:
    """Forget an upload whose header cannot be read at all (the officer is told why)."""
    run.delete()


def import_run_header(run: MemberImport) -> engine.HeaderReading:
    """How the run's file header reads with its column mapping."""
    return engine.header_read(kind=run.kind, file=bytes(run.file), column_map=run.column_map or None)


def header_needs_mapping(reading: engine.HeaderReading) -> bool:
    return bool(reading.missing_required or reading.unrecognised)


@transaction.atomic
def import_run_columns_set(*, run: MemberImport, column_map: dict[str, str]) -> engine.HeaderReading:
    """Save the officer's column mapping (header -> field, "" to ignore), remembered for next time."""
    _check_previewable(run)
    run.column_map = {**run.column_map, **column_map}
    run.save(update_fields=["column_map", "updated_at"])
    mapping_remember(run)
    return import_run_header(run)


@transaction.atomic
def import_run_values_set(*, run: MemberImport, value_map: dict[str, dict[str, str]]) -> None:
    """Add the officer's meanings of unknown words ({"status": {"gold": "active"}}), remembered too."""
    _check_previewable(run)
    merged = {field: dict(words) for field, words in run.value_map.items()}
    for field, words in value_map.items():
        merged.setdefault(field, {}).update({word.casefold(): value for word, value in words.items() if value})
    run.value_map = merged
    run.save(update_fields=["value_map", "updated_at"])
    mapping_remember(run)


@transaction.atomic
def import_run_missing_set(*, run: MemberImport, missing: str) -> None:
    """Choose what the import does with members not in the file: leave them, or mark them lapsed."""
    _check_previewable(run)
    if missing not in MemberImport.Missing.values or run.kind != Kind.MEMBERS:
        raise ImportRunRefused("Choose whether to leave the missing members or mark them lapsed.")
    run.missing = missing
    run.save(update_fields=["missing", "updated_at"])


def _check_previewable(run: MemberImport) -> None:
    if run.file_deleted_at is not None:
        raise ImportRunRefused("The uploaded file has been deleted (files are kept for a day). Upload it again.")
    if run.state not in PREVIEWABLE:
        raise ImportRunRefused(f"This import is {run.get_state_display().lower()}, so it cannot be changed now.")


# --- preview and confirmation: the officer's side ----------------------------------------------


def _enqueue_after_commit(task_name: str, run_id: int) -> None:
    from members import tasks  # the task module imports this one

    def enqueue() -> None:
        try:
            getattr(tasks, task_name).enqueue(run_id)
        except Exception as error:  # noqa: BLE001 - the run says so on its page
            logger.error("Could not enqueue import %s: %s", run_id, type(error).__name__)
            MemberImport.objects.filter(pk=run_id).update(
                state=State.FAILED, failure="The import could not be started. Try again in a few minutes."
            )

    transaction.on_commit(enqueue)


def _locked(run: MemberImport) -> MemberImport:
    return MemberImport.objects.select_for_update().get(pk=run.pk)


@transaction.atomic
def import_run_preview_start(*, run: MemberImport) -> MemberImport:
    """Forget any earlier preview and enqueue a new one (a dry run: nothing is written)."""
    locked = _locked(run)
    _check_previewable(locked)
    locked.changes.all().delete()
    locked.missing_members.all().delete()
    locked.state, locked.progress_phase, locked.progress_rows = State.PREVIEWING, "", 0
    locked.summary, locked.errors, locked.fingerprint, locked.failure = {}, [], "", ""
    locked.save()
    _enqueue_after_commit("member_import_preview", locked.pk)
    return locked


def import_run_can_confirm(run: MemberImport) -> bool:
    return (
        run.state == State.PREVIEWED
        and run.file_deleted_at is None
        and bool(run.summary.get("ok"))
        and bool(run.fingerprint)
    )


@transaction.atomic
def import_run_apply_start(*, run: MemberImport, actor: Any) -> MemberImport:
    """Enqueue the previewed import, to be applied only if nothing changed since the preview."""
    locked = _locked(run)
    if not import_run_can_confirm(locked):
        if locked.state in (State.APPLYING, State.APPLIED):
            raise ImportRunRefused("This import has been confirmed already.")
        raise ImportRunRefused("Only a preview without problems can be confirmed.")
    locked.state, locked.progress_phase, locked.progress_rows = State.APPLYING, "", 0
    locked.applied_by = _user(actor)
    locked.save()
    _enqueue_after_commit("member_import_apply", locked.pk)
    return locked


# --- clearing up: run from the periodic command -------------------------------------------------


def member_imports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the uploaded file, changes and missing list of every run over a day old; return how many.

    A run still previewing or applying after a day (its worker stopped) is marked failed.
    """
    now = now or timezone.now()
    due = MemberImport.objects.filter(created_at__lt=now - UPLOAD_LIFETIME, file_deleted_at__isnull=True)
    expired = 0
    for run_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            MemberImportChange.objects.filter(run_id=run_id).delete()
            MemberImportMissing.objects.filter(run_id=run_id).delete()
            MemberImport.objects.filter(pk=run_id, state__in=[State.PREVIEWING, State.APPLYING]).update(
                state=State.FAILED, failure="The import stopped before it finished; nothing was changed."
            )
            MemberImport.objects.filter(pk=run_id).exclude(state__in=[State.APPLIED, State.FAILED]).update(
                state=State.FAILED, failure=EXPIRED_MESSAGE
            )
            MemberImport.objects.filter(pk=run_id).update(file=b"", file_deleted_at=now, errors=[])
        expired += 1
    return expired


# --- reading a run, for its pages -------------------------------------------------------------


def recent_imports(*, constituency: Constituency, limit: int = 5) -> list[MemberImport]:
    """The constituency's latest import runs, without their files."""
    runs = MemberImport.objects.filter(constituency=constituency).defer("file", "errors", "summary")
    return list(runs.select_related("created_by")[:limit])


def import_run_changes_rows(run: MemberImport) -> Iterator[tuple[Any, ...]]:
    """Every stored change as CSV cells: line, key, name, field (in plain words), old, new."""
    for change in (
        run.changes.order_by("line", "pk")
        .values_list("line", "key", "name", "field", "old", "new")
        .iterator(chunk_size=2000)
    ):
        line, key, name, field, old, new = change
        yield (line, key, name, field_label(field), old, new)
