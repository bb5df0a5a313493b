"""Reminders: every member yet to vote emailed a fresh code, now or at a time the officer chose.

The officer sends a reminder now or schedules one (`code_reminder_schedule`), for example three
days and one day before the close. At its time the task queue runs `code_reminder_send`:

1. `code_reminder_start`, in one transaction with the reminder's row locked, so that it starts
   once only: every member yet to vote with an email address is queued for a new code by
   email, and those without one are counted as needing a letter;
2. the emails go through the voting-code sending of code_delivery.py (a code made at the
   moment of sending, throttled, resumable after a crash); each reminder email says that the
   code sent earlier has been cancelled, which it is as soon as the new one is made;
3. `code_reminder_finish` records how many went and failed since it started.

`close_due_ballots` is the backstop (`code_reminders_due`): it starts a reminder whose time
has passed (a task lost, or a backend that cannot run a task later), finishes one whose emails
have all gone, and cancels those of a ballot that has closed.

Only whether a member has voted is read, which the roll already holds; nothing about how
anyone voted. No code goes into a log, an audit entry, a task's arguments or its result.
"""

import datetime as dt
import logging
from typing import Any

from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from ballots.language import subject_in_each_language, text_in_each_language
from ballots.models import CodeReminder, RollEntry, TriggerBallot

# The sending is code_delivery's own (its queue of waiting entries too), the checks code_queue's.
from ballots.officer.services.code_delivery import entries_waiting_to_send, voting_codes_email_deliver
from ballots.officer.services.code_queue import voting_codes_email_check
from ballots.officer.services.common import Actor, BallotStateError, Status, ballot_audit_record, ballot_lock
from ballots.officer.services.voting_code_email import voting_code_context, voting_code_message

logger = logging.getLogger(__name__)

ReminderState = CodeReminder.State
State = RollEntry.DeliveryState
NOTE_MAX_LENGTH = CodeReminder._meta.get_field("note").max_length or 200
VOTING_CLOSED_NOTE = "Voting closed before the reminder was sent."


def voting_code_reminder_message(
    *, ballot: TriggerBallot, entry: RollEntry, code: str, connection: Any = None, replaces_earlier: bool = False
) -> mail.EmailMessage:
    """The reminder email of `code` to `entry`'s member: the code email's settings, the reminder's words."""
    message = voting_code_message(ballot=ballot, entry=entry, code=code, connection=connection)
    message.subject = subject_in_each_language(
        ballot.bilingual,
        lambda: gettext("Reminder: you have not voted yet in the trigger ballot in %(constituency)s")
        % {"constituency": ballot.constituency.name},
    )
    context = voting_code_context(ballot=ballot, entry=entry, code=code)
    message.body = text_in_each_language(
        ballot.bilingual, lambda: render_to_string("ballots/officer/email/voting_code_reminder.txt", context)
    )
    return message


def _user(actor: Actor) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def _enqueue_after_commit(reminder: CodeReminder, now: dt.datetime) -> None:
    # Imported here: the task module imports this one.
    from ballots.tasks import voting_code_reminder_send

    reminder_id, send_at = reminder.pk, reminder.send_at

    def enqueue() -> None:
        task = voting_code_reminder_send
        if send_at > now:
            if not task.get_backend().supports_defer:
                return  # close_due_ballots starts it at its time
            task = task.using(run_after=send_at)
        try:
            task.enqueue(reminder_id)
        except Exception as error:  # noqa: BLE001 - close_due_ballots starts it at its time
            logger.error("Could not enqueue reminder %s: %s", reminder_id, type(error).__name__)

    transaction.on_commit(enqueue)


@transaction.atomic
def code_reminder_schedule(
    *, ballot: TriggerBallot, actor: Actor, send_at: dt.datetime | None = None, now: dt.datetime | None = None
) -> CodeReminder:
    """Record a reminder to send at `send_at` (now when None), before voting closes, and enqueue it."""
    now = now or timezone.now()
    locked = ballot_lock(ballot)
    voting_codes_email_check(locked, now)
    send_at = send_at or now
    if send_at < now:
        raise BallotStateError("That time has passed: choose a time still to come, or send the reminder now.")
    if send_at >= locked.closes_at:
        raise BallotStateError("A reminder must go before voting closes: choose an earlier time.")
    reminder = CodeReminder.objects.create(ballot=locked, send_at=send_at, created_at=now, created_by=_user(actor))
    ballot_audit_record(
        action="code_reminder_scheduled",
        actor=actor,
        ballot=locked,
        reminder=reminder.pk,
        send_at=send_at.isoformat(),
        now=send_at == now,
    )
    _enqueue_after_commit(reminder, now)
    return reminder


@transaction.atomic
def code_reminder_cancel(*, reminder: CodeReminder, actor: Actor, now: dt.datetime | None = None) -> CodeReminder:
    """Cancel a reminder that has not started; refused in words once it has."""
    locked = CodeReminder.objects.select_for_update().select_related("ballot__constituency").get(pk=reminder.pk)
    if locked.state != ReminderState.SCHEDULED:
        raise BallotStateError(f"This reminder cannot be cancelled: it is {locked.get_state_display().lower()}.")
    _cancel(locked, actor=actor, note="Cancelled by an officer.")
    return locked


def _cancel(reminder: CodeReminder, *, actor: Actor, note: str) -> None:
    reminder.state, reminder.note, reminder.cancelled_by = ReminderState.CANCELLED, note[:NOTE_MAX_LENGTH], _user(actor)
    reminder.save(update_fields=["state", "note", "cancelled_by"])
    ballot_audit_record(action="code_reminder_cancelled", actor=actor, ballot=reminder.ballot, reminder=reminder.pk)


def code_reminders_cancel_for_ballot(*, ballot: TriggerBallot) -> int:
    """Cancel every reminder of `ballot` not yet started (the ballot has closed); return how many."""
    cancelled = 0
    for reminder in CodeReminder.objects.filter(ballot=ballot, state=ReminderState.SCHEDULED).select_related(
        "ballot__constituency"
    ):
        with transaction.atomic():
            locked = CodeReminder.objects.select_for_update().get(pk=reminder.pk)
            if locked.state == ReminderState.SCHEDULED:
                locked.ballot = reminder.ballot
                _cancel(locked, actor=None, note=VOTING_CLOSED_NOTE)
                cancelled += 1
    return cancelled


# The worker's side.


def code_reminder_start(*, reminder_id: int, now: dt.datetime | None = None) -> CodeReminder | None:
    """Queue the reminder's emails, ONCE; the started reminder, or None if not to start (yet)."""
    now = now or timezone.now()
    with transaction.atomic():
        reminder = CodeReminder.objects.select_for_update().get(pk=reminder_id)
        if reminder.state != ReminderState.SCHEDULED or reminder.send_at > now:
            return None  # started already, cancelled, or early (a task run before its time)
        ballot = ballot_lock(reminder.ballot)
        reminder.ballot = ballot
        try:
            voting_codes_email_check(ballot, now)
        except BallotStateError:
            _cancel(reminder, actor=None, note=VOTING_CLOSED_NOTE)
            return None
        yet_to_vote = RollEntry.objects.filter(ballot=ballot, has_voted=False)
        with_email = yet_to_vote.exclude(member__email="")
        reminder.queued = with_email.count()
        reminder.no_email = yet_to_vote.filter(member__email="").count()
        # Each keeps its code until the new one is made at sending, which cancels it. An entry
        # caught "sending" stays so: the worker gives it a fresh code anyway.
        with_email.exclude(delivery_state=State.SENDING).update(
            delivery_state=State.QUEUED,
            delivery_channel=RollEntry.DeliveryChannel.EMAIL,
            delivery_changed_at=now,
            delivery_failure="",
        )
        reminder.state, reminder.started_at = ReminderState.SENDING, now
        reminder.save(update_fields=["state", "started_at", "queued", "no_email"])
        ballot_audit_record(
            action="code_reminder_started",
            actor=None,
            ballot=ballot,
            reminder=reminder.pk,
            queued=reminder.queued,
            no_email=reminder.no_email,
        )
    return reminder


def code_reminder_finish(*, reminder_id: int, now: dt.datetime | None = None) -> bool:
    """Record a started reminder as sent, with its counts, once none of the ballot's emails wait."""
    now = now or timezone.now()
    with transaction.atomic():
        reminder = CodeReminder.objects.select_for_update().select_related("ballot__constituency").get(pk=reminder_id)
        if reminder.state != ReminderState.SENDING or entries_waiting_to_send(reminder.ballot_id).exists():
            return False
        since = RollEntry.objects.filter(ballot_id=reminder.ballot_id, delivery_changed_at__gte=reminder.started_at)
        emailed = since.filter(delivery_channel=RollEntry.DeliveryChannel.EMAIL)
        reminder.sent = emailed.filter(delivery_state=State.SENT).count()
        reminder.failed = since.filter(delivery_state__in=[State.FAILED, State.BOUNCED]).count()
        reminder.state, reminder.finished_at = ReminderState.SENT, now
        reminder.save(update_fields=["state", "finished_at", "sent", "failed"])
        ballot_audit_record(
            action="code_reminder_sent",
            actor=None,
            ballot=reminder.ballot,
            reminder=reminder.pk,
            sent=reminder.sent,
            failed=reminder.failed,
            no_email=reminder.no_email,
        )
    return True


def code_reminder_send(*, reminder_id: int) -> dict[str, int]:
    """The task's work: start the reminder, send its emails, record the counts; counts only."""
    reminder = code_reminder_start(reminder_id=reminder_id)
    if reminder is None:
        return {"started": 0}
    report = voting_codes_email_deliver(ballot_id=reminder.ballot_id)
    # Busy: another worker is sending this ballot's emails, and close_due_ballots finishes it.
    code_reminder_finish(reminder_id=reminder.pk)
    return {"started": 1, "sent": report.sent, "failed": report.failed, "busy": int(report.busy)}


def code_reminders_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The backstop: cancel a closed ballot's reminders, start those due, finish those done."""
    # Imported here: the task module imports this one.
    from ballots.tasks import voting_codes_email_send

    now = now or timezone.now()
    counts = {"cancelled": 0, "started": 0, "finished": 0}
    not_open = TriggerBallot.objects.exclude(status=Status.OPEN).filter(code_reminders__state=ReminderState.SCHEDULED)
    for ballot in not_open.distinct().select_related("constituency"):
        counts["cancelled"] += code_reminders_cancel_for_ballot(ballot=ballot)
    due = CodeReminder.objects.filter(state=ReminderState.SCHEDULED, send_at__lte=now).values_list("pk", flat=True)
    for reminder_id in list(due):
        started = code_reminder_start(reminder_id=reminder_id, now=now)
        if started is not None:
            counts["started"] += 1
            try:
                voting_codes_email_send.enqueue(started.ballot_id)
            except Exception as error:  # noqa: BLE001 - the emails stay queued: "Email new codes" resumes them
                logger.error("Could not enqueue reminder %s's emails: %s", reminder_id, type(error).__name__)
    sending = CodeReminder.objects.filter(state=ReminderState.SENDING).values_list("pk", flat=True)
    for reminder_id in list(sending):
        counts["finished"] += code_reminder_finish(reminder_id=reminder_id, now=now)
    return counts
