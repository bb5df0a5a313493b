"""Queued work of the members app (django-tasks): the preview and the application of an
import run from the officers' pages (members/import_runs/).

Each task takes the run's id only and returns counts. As with the ballots' tasks, an
unexpected error is replaced by one that names only its type, so the task queue's stored
traceback holds nothing from the file.
"""

import logging

from django_tasks import task

from members.import_runs.worker import import_run_apply, import_run_preview

logger = logging.getLogger(__name__)


class ImportTaskFailed(Exception):
    """The import run could not be previewed or applied; its page says so."""


@task()
def member_import_preview(run_id: int) -> dict[str, int]:
    """Make the preview (a dry run) of import run `run_id`."""
    try:
        return import_run_preview(run_id=run_id)
    except Exception as error:
        logger.error("Previewing import %s stopped on %s", run_id, type(error).__name__)
        raise ImportTaskFailed(f"The preview could not be made ({type(error).__name__}).") from None


@task()
def member_import_apply(run_id: int) -> dict[str, int]:
    """Apply the confirmed import run `run_id`, exactly as previewed."""
    try:
        return import_run_apply(run_id=run_id)
    except Exception as error:
        logger.error("Applying import %s stopped on %s", run_id, type(error).__name__)
        raise ImportTaskFailed(f"The import could not be applied ({type(error).__name__}).") from None
