"""Reminders sent through the real mail server: a fresh code to each member yet to vote, the old
one cancelled, the members without an email counted for a letter, the counts audited."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ballots.codes import voting_code_matches
from ballots.models import CodeReminder, RollEntry
from ballots.officer import services
from ballots.officer.services import BallotStateError
from ballots.officer.services.code_delivery import voting_codes_email_deliver
from ballots.officer.services.code_reminders import (
    code_reminder_cancel,
    code_reminder_schedule,
    code_reminder_send,
    code_reminder_start,
    code_reminders_due,
)
from members.models import AuditEvent

pytestmark = pytest.mark.django_db


def remind_now(ballot, officer, capture):
    with capture(execute=True):
        return code_reminder_schedule(ballot=ballot, actor=officer)


def yet_to_vote_with_email(ballot):
    return RollEntry.objects.filter(ballot=ballot, has_voted=False).exclude(member__email="").select_related("member")


def assert_each_member_yet_to_vote_holds_the_code_of_their_latest_email_only(ballot, mailbox):
    for entry in yet_to_vote_with_email(ballot):
        received = mailbox.codes_for(entry.member.email)
        assert entry.delivery_state == "sent", entry.membership_number
        working = [
            code for code in received if voting_code_matches(ballot_id=ballot.pk, code=code, code_hash=entry.code_hash)
        ]
        assert working == [received[-1]]


def test_a_reminder_now_emails_each_member_yet_to_vote_a_new_code_and_cancels_the_old_one(
    emailed_ballot, officer, smtp_server, django_capture_on_commit_callbacks
):
    first_codes = {
        entry.pk: smtp_server.codes_for(entry.member.email)[-1] for entry in yet_to_vote_with_email(emailed_ballot)
    }

    reminder = remind_now(emailed_ballot, officer, django_capture_on_commit_callbacks)

    for entry in yet_to_vote_with_email(emailed_ballot):
        received = smtp_server.codes_for(entry.member.email)
        assert len(received) == 2
        assert voting_code_matches(ballot_id=emailed_ballot.pk, code=received[-1], code_hash=entry.code_hash)
        assert not voting_code_matches(
            ballot_id=emailed_ballot.pk, code=first_codes[entry.pk], code_hash=entry.code_hash
        )
        assert entry.delivery_state == "sent"
    reminders = [body for _, body in smtp_server.messages[9:]]
    assert len(reminders) == 7
    assert all("you have not voted yet" in body for body in reminders)
    assert all("The code we sent you before has been cancelled: it no longer works" in body for body in reminders)
    reminder.refresh_from_db()
    assert (reminder.state, reminder.queued, reminder.sent, reminder.failed, reminder.no_email) == ("sent", 7, 7, 0, 1)
    assert_each_member_yet_to_vote_holds_the_code_of_their_latest_email_only(emailed_ballot, smtp_server)


def test_a_member_who_has_voted_is_not_reminded(
    emailed_ballot, officer, smtp_server, django_capture_on_commit_callbacks
):
    voted = RollEntry.objects.select_related("member").get(pk=emailed_ballot.voted_entry.pk)

    remind_now(emailed_ballot, officer, django_capture_on_commit_callbacks)

    assert len(smtp_server.codes_for(voted.member.email)) == 1


def test_the_counts_are_audited_and_no_audit_entry_holds_a_code(
    emailed_ballot, officer, smtp_server, django_capture_on_commit_callbacks
):
    remind_now(emailed_ballot, officer, django_capture_on_commit_callbacks)

    started = AuditEvent.objects.get(action="code_reminder_started")
    sent = AuditEvent.objects.get(action="code_reminder_sent")
    assert (started.detail["queued"], started.detail["no_email"]) == (7, 1)
    assert (sent.detail["sent"], sent.detail["failed"], sent.detail["no_email"]) == (7, 0, 1)
    stored = repr(list(AuditEvent.objects.values("detail")))
    assert not any(code in stored or code.replace("-", "") in stored for code in smtp_server.all_codes())


def test_refused_reminders_are_counted_failed_and_listed_with_the_servers_reason(
    emailed_ballot, officer, smtp_server, django_capture_on_commit_callbacks
):
    refused = yet_to_vote_with_email(emailed_ballot).first()
    smtp_server.refused.add(refused.member.email)

    reminder = remind_now(emailed_ballot, officer, django_capture_on_commit_callbacks)

    reminder.refresh_from_db()
    assert (reminder.sent, reminder.failed) == (6, 1)
    refused.refresh_from_db()
    assert refused.delivery_state == "failed"
    assert refused.delivery_failure.startswith("550")
    assert refused.code_hash == ""


def test_a_scheduled_reminder_is_a_task_with_its_id_only_to_run_at_its_time(
    emailed_ballot, officer, database_tasks, django_capture_on_commit_callbacks
):
    send_at = emailed_ballot.closes_at - dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        reminder = code_reminder_schedule(ballot=emailed_ballot, actor=officer, send_at=send_at)

    task = DBTaskResult.objects.get(task_path__endswith="voting_code_reminder_send")
    assert task.args_kwargs == {"args": [reminder.pk], "kwargs": {}}
    assert task.run_after == send_at


def test_a_task_run_before_its_time_sends_nothing(emailed_ballot, officer, smtp_server):
    reminder = code_reminder_schedule(
        ballot=emailed_ballot, actor=officer, send_at=timezone.now() + dt.timedelta(hours=1)
    )

    assert code_reminder_send(reminder_id=reminder.pk) == {"started": 0}
    assert smtp_server.count() == 9


def its_time_has_come(reminder):
    CodeReminder.objects.filter(pk=reminder.pk).update(send_at=timezone.now() - dt.timedelta(seconds=1))


def test_close_due_ballots_starts_a_due_reminder_once_only(emailed_ballot, officer, smtp_server):
    reminder = code_reminder_schedule(
        ballot=emailed_ballot, actor=officer, send_at=timezone.now() + dt.timedelta(hours=1)
    )
    its_time_has_come(reminder)

    assert code_reminders_due()["started"] == 1
    assert code_reminders_due()["started"] == 0
    # The task queued for its time then finds it started already.
    assert code_reminder_send(reminder_id=reminder.pk) == {"started": 0}

    assert smtp_server.count() == 9 + 7
    reminder.refresh_from_db()
    assert (reminder.state, reminder.sent) == ("sent", 7)


def test_an_officer_cancels_a_scheduled_reminder_and_nothing_is_sent(emailed_ballot, officer, smtp_server):
    send_at = timezone.now() + dt.timedelta(hours=1)
    reminder = code_reminder_schedule(ballot=emailed_ballot, actor=officer, send_at=send_at)

    code_reminder_cancel(reminder=reminder, actor=officer)
    its_time_has_come(reminder)

    assert code_reminders_due()["started"] == 0
    assert code_reminder_send(reminder_id=reminder.pk) == {"started": 0}
    assert smtp_server.count() == 9
    reminder.refresh_from_db()
    assert (reminder.state, reminder.cancelled_by) == ("cancelled", officer)
    assert AuditEvent.objects.filter(action="code_reminder_cancelled", actor=officer).exists()


def test_a_reminder_that_has_started_cannot_be_cancelled(emailed_ballot, officer):
    reminder = code_reminder_schedule(ballot=emailed_ballot, actor=officer)
    code_reminder_start(reminder_id=reminder.pk)

    with pytest.raises(BallotStateError, match="cannot be cancelled: it is sending"):
        code_reminder_cancel(reminder=reminder, actor=officer)


def test_reminders_still_to_come_are_cancelled_when_the_ballot_closes(emailed_ballot, officer, smtp_server):
    reminder = code_reminder_schedule(
        ballot=emailed_ballot, actor=officer, send_at=timezone.now() + dt.timedelta(hours=1)
    )
    services.ballot_close(ballot=emailed_ballot, actor=officer)

    # Cancelled by the close itself: nothing is left for the periodic backstop to cancel.
    assert code_reminders_due()["cancelled"] == 0
    reminder.refresh_from_db()
    assert (reminder.state, reminder.note) == ("cancelled", "Voting closed before the reminder was sent.")
    assert smtp_server.count() == 9


@pytest.mark.parametrize(
    ("offset", "words"),
    [
        (dt.timedelta(hours=-1), "That time has passed"),
        (dt.timedelta(days=30), "A reminder must go before voting closes"),
    ],
)
def test_a_time_in_the_past_or_after_the_close_is_refused_in_words(emailed_ballot, officer, offset, words):
    with pytest.raises(BallotStateError, match=words):
        code_reminder_schedule(ballot=emailed_ballot, actor=officer, send_at=timezone.now() + offset)
    assert not CodeReminder.objects.exists()


def test_a_reminder_cut_off_by_a_crash_is_resumed_and_then_recorded_by_the_backstop(
    emailed_ballot, officer, smtp_server
):
    reminder = code_reminder_schedule(ballot=emailed_ballot, actor=officer)
    code_reminder_start(reminder_id=reminder.pk)
    # The worker died here: every email is still queued, and the members keep their old codes.
    assert RollEntry.objects.filter(ballot=emailed_ballot, delivery_state="queued").count() == 7
    assert code_reminders_due()["finished"] == 0

    voting_codes_email_deliver(ballot_id=emailed_ballot.pk)

    assert code_reminders_due()["finished"] == 1
    reminder.refresh_from_db()
    assert (reminder.state, reminder.sent) == ("sent", 7)
    assert_each_member_yet_to_vote_holds_the_code_of_their_latest_email_only(emailed_ballot, smtp_server)
