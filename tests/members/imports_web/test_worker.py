"""The preview and the import made by the real database worker: the page returns at once with
the task queued, the tasks hold the run's id only, and their results only counts."""

import pytest
from django_tasks_db.models import DBTaskResult

from members.models import Member, MemberImport
from tests.ballots.officer.delivery.delivery_checks import DATABASE_TASKS, run_db_worker
from tests.members.imports_web.conftest import export_bytes, latest_run, run_url

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_database_worker_previews_then_applies_from_the_run_id_alone(
    officer_client, constituency, existing, upload, settings
):
    settings.TASKS = DATABASE_TASKS
    response = upload(officer_client, constituency, export_bytes())
    run = latest_run()
    assert response["Location"] == run_url(run)
    assert run.state == MemberImport.State.PREVIEWING
    assert "Making the preview of export.csv" in officer_client.get(run_url(run)).content.decode()
    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [run.pk], "kwargs": {}}

    run_db_worker()

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.return_value == {"rows": 4, "changes": 2}
    run.refresh_from_db()
    assert run.state == MemberImport.State.PREVIEWED
    assert not Member.objects.filter(membership_number="L0003").exists()

    officer_client.post(run_url(run, "import_confirm"))
    run.refresh_from_db()
    assert run.state == MemberImport.State.APPLYING
    assert "Importing export.csv" in officer_client.get(run_url(run)).content.decode()

    run_db_worker()

    run.refresh_from_db()
    assert run.state == MemberImport.State.APPLIED
    assert Member.objects.filter(membership_number="L0003").exists()
    applied = DBTaskResult.objects.exclude(pk=task.pk).get()
    assert applied.return_value == {"created": 2, "updated": 1, "unchanged": 1}
    stored = repr(list(DBTaskResult.objects.values()))
    assert "bob.new@example.org" not in stored and "Archer" not in stored
