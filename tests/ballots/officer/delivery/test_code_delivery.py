"""Voting codes by email through a real mail server and the database worker: refusals are
recorded per member, a server that dies mid-batch loses nobody, and a resumed batch leaves
every member exactly one working code, the one in their latest email."""

import threading

import pytest
from django import db
from django_tasks_db.models import DBTaskResult

from ballots.models import RollEntry
from ballots.officer import selectors, services
from ballots.officer.services import code_delivery
from ballots.tasks import voting_codes_email_send
from members.models import AuditEvent, Member
from tests.ballots.officer.delivery.delivery_checks import (
    assert_each_member_has_a_delivered_code_or_is_listed_as_not_sent,
    assert_every_member_has_exactly_one_working_code_the_latest,
    run_db_worker,
)

pytestmark = pytest.mark.django_db(transaction=True)


def stored_task_text():
    """Everything the task queue stored: arguments, results, errors and tracebacks."""
    return repr(list(DBTaskResult.objects.values()))


def test_pressing_email_queues_one_task_with_the_ballot_id_and_sends_nothing_yet(
    open_ballot, officer, smtp_server, database_tasks
):
    queued = services.voting_codes_email_queue(ballot=open_ballot, actor=officer)

    assert queued == 9
    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [open_ballot.pk], "kwargs": {}}
    assert smtp_server.count() == 0
    assert selectors.delivery_counts(open_ballot)["queued"] == 9
    assert not RollEntry.objects.filter(ballot=open_ballot).exclude(code_hash="").exists()  # made at sending


def test_the_worker_sends_each_member_a_working_code_and_marks_them_sent(
    open_ballot, officer, smtp_server, database_tasks
):
    services.voting_codes_email_queue(ballot=open_ballot, actor=officer)

    run_db_worker()

    assert smtp_server.count() == 9
    assert_every_member_has_exactly_one_working_code_the_latest(open_ballot, smtp_server)
    task = DBTaskResult.objects.get()
    assert task.status == "SUCCESSFUL"
    assert task.return_value == {"sent": 9, "failed": 0, "busy": 0}
    text = stored_task_text()
    assert not any(code in text or code.replace("-", "") in text for code in smtp_server.all_codes())


def test_refused_recipients_are_failed_with_the_servers_reason_and_the_others_sent(
    open_ballot, officer, smtp_server, database_tasks
):
    refused = list(RollEntry.objects.filter(ballot=open_ballot).select_related("member")[:2])
    smtp_server.refused = {entry.member.email for entry in refused}

    services.voting_codes_email_queue(ballot=open_ballot, actor=officer)
    run_db_worker()

    counts = selectors.delivery_counts(open_ballot)
    assert (counts["sent"], counts["failed"]) == (7, 2)
    attention = list(selectors.deliveries_needing_attention(open_ballot))
    assert {entry.pk for entry in attention} == {entry.pk for entry in refused}
    for entry in attention:
        assert entry.delivery_failure == "550 5.1.1 No such mailbox here"
        assert entry.code_hash == ""  # never delivered, so withdrawn
    assert_each_member_has_a_delivered_code_or_is_listed_as_not_sent(open_ballot, smtp_server)
    event = AuditEvent.objects.get(action="voting_codes_emailed")
    assert (event.detail["sent"], event.detail["failed"]) == (7, 2)

    # Mended addresses, then "Resend to these": each gets a code and nothing else is sent.
    for entry in refused:
        Member.objects.filter(pk=entry.member_id).update(email=f"mended-{entry.pk}@example.org")
    assert services.voting_codes_email_queue(ballot=open_ballot, actor=officer, resend_failed=True) == 2
    run_db_worker()
    assert smtp_server.count() == 9
    assert_every_member_has_exactly_one_working_code_the_latest(open_ballot, smtp_server)


def test_a_server_that_dies_mid_batch_loses_nobody_and_the_rerun_batch_finishes(
    open_ballot, officer, smtp_server, database_tasks
):
    smtp_server.hang_up_after = 3  # the fourth message reaches it, then it hangs up unanswered

    services.voting_codes_email_queue(ballot=open_ballot, actor=officer)
    run_db_worker()

    counts = selectors.delivery_counts(open_ballot)
    assert (counts["sent"], counts["sending"], counts["queued"]) == (3, 1, 5)
    assert_each_member_has_a_delivered_code_or_is_listed_as_not_sent(open_ballot, smtp_server)
    task = DBTaskResult.objects.get()
    assert task.status == "FAILED"
    assert task.exception_class_path.endswith("MailServerUnavailable")
    assert "still queued" in task.traceback
    text = stored_task_text()
    assert not any(code in text or code.replace("-", "") in text for code in smtp_server.all_codes())

    # The server is back; the same batch run again sends to exactly those not yet sent.
    smtp_server.hang_up_after = None
    voting_codes_email_send.enqueue(open_ballot.pk)
    run_db_worker()

    assert smtp_server.count() == 4 + 6
    assert_every_member_has_exactly_one_working_code_the_latest(open_ballot, smtp_server)
    caught = smtp_server.messages[3][0]
    assert len(smtp_server.codes_for(caught)) == 2
    latest_to_caught = [body for to, body in smtp_server.messages if to == caught][-1]
    assert "This code replaces any voting code sent to you earlier" in latest_to_caught


def test_a_fresh_press_after_a_stopped_batch_resumes_it(open_ballot, officer, smtp_server, database_tasks):
    smtp_server.hang_up_after = 5
    services.voting_codes_email_queue(ballot=open_ballot, actor=officer)
    run_db_worker()
    smtp_server.hang_up_after = None

    assert services.voting_codes_email_queue(ballot=open_ballot, actor=officer) == 4  # one caught sending, 3 queued
    run_db_worker()

    assert_every_member_has_exactly_one_working_code_the_latest(open_ballot, smtp_server)
    assert selectors.delivery_counts(open_ballot)["sent"] == 9


def test_throttling_waits_between_messages_and_loses_none(
    open_ballot, officer, smtp_server, database_tasks, settings, monkeypatch
):
    settings.EMAIL_MESSAGES_PER_MINUTE = 120
    waits = []
    monkeypatch.setattr(code_delivery._Throttle, "sleep", staticmethod(waits.append))

    services.voting_codes_email_queue(ballot=open_ballot, actor=officer)
    run_db_worker()

    assert len(waits) == 8  # before every message but the first
    assert all(0 <= wait <= 0.5 for wait in waits)
    assert_every_member_has_exactly_one_working_code_the_latest(open_ballot, smtp_server)


def test_no_limit_means_no_wait(open_ballot, officer, smtp_server, database_tasks, settings, monkeypatch):
    settings.EMAIL_MESSAGES_PER_MINUTE = 0
    waits = []
    monkeypatch.setattr(code_delivery._Throttle, "sleep", staticmethod(waits.append))

    services.voting_codes_email_queue(ballot=open_ballot, actor=officer)
    run_db_worker()

    assert waits == []
    assert smtp_server.count() == 9


def test_while_another_worker_sends_a_ballots_codes_a_second_one_leaves_them_to_it(
    open_ballot, officer, smtp_server, database_tasks
):
    holding, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with code_delivery._delivery_lock(open_ballot.pk) as held:
                assert held
                holding.set()
                release.wait(timeout=30)
        finally:
            db.connection.close()

    other = threading.Thread(target=other_worker)
    other.start()
    try:
        assert holding.wait(timeout=30)
        services.voting_codes_email_queue(ballot=open_ballot, actor=officer)
        run_db_worker()
        assert smtp_server.count() == 0
        assert DBTaskResult.objects.get().return_value == {"sent": 0, "failed": 0, "busy": 1}
    finally:
        release.set()
        other.join(timeout=30)

    voting_codes_email_send.enqueue(open_ballot.pk)
    run_db_worker()
    assert_every_member_has_exactly_one_working_code_the_latest(open_ballot, smtp_server)
