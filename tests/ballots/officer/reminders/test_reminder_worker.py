"""A reminder sent by the real database worker: the task holds the reminder's id only, and
neither its arguments nor its result hold a code."""

import pytest
from django_tasks_db.models import DBTaskResult

from ballots.models import CodeReminder
from ballots.officer.services.code_reminders import code_reminder_schedule
from tests.ballots.officer.delivery.delivery_checks import run_db_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_database_worker_sends_the_reminder_from_its_id_and_stores_no_code(
    open_ballot, officer, smtp_server, database_tasks
):
    reminder = code_reminder_schedule(ballot=open_ballot, actor=officer)

    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [reminder.pk], "kwargs": {}}
    assert smtp_server.count() == 0

    run_db_worker()

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.return_value == {"started": 1, "sent": 9, "failed": 0, "busy": 0}
    assert CodeReminder.objects.get().state == "sent"
    codes = smtp_server.all_codes()
    assert len(codes) == 9
    stored = repr(list(DBTaskResult.objects.values()))
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)
