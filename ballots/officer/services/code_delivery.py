"""Voting codes by email through the task queue, the worker's side: the sending itself.

The officer's press only marks roll entries "queued" and enqueues one task with the ballot's
id (`voting_codes_email_queue`, in code_queue.py); a worker then runs
`voting_codes_email_deliver`, which takes the entries one at a time:

1. in one transaction: make a fresh code, store its keyed hash, mark the entry "sending",
   and commit;
2. hand the message to the mail server;
3. mark the entry "sent", or "failed" with the server's refusal (the code is then withdrawn:
   it never reached anyone).

A crash at any point loses nothing. An entry still "queued" was never sent; one left
"sending" had a code made that may or may not have reached the server, so the next run gives
it a fresh code, and its email says it replaces any earlier one. Resuming (the task run
again, or the button pressed again) therefore sends to exactly those not yet known to be sent.

Only one worker sends a ballot's codes at a time (`_delivery_lock`: a PostgreSQL session lock,
or a file lock beside SQLite), so an entry in "sending" is never one that another live
worker is still sending. Both locks die with the process that held them.

Nothing here puts a code in a log, an audit entry, a task's arguments or its result: the
task takes the ballot's id and returns counts, and only membership numbers are logged.
"""

import fcntl
import hashlib
import logging
import smtplib
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ballots.codes import voting_code_generate, voting_code_hash
from ballots.models import CodeReminder, RollEntry, TriggerBallot
from ballots.officer.services.code_bounces import delivery_reference
from ballots.officer.services.code_queue import voting_codes_email_check
from ballots.officer.services.common import BallotStateError, ballot_audit_record, ballot_lock
from ballots.officer.services.voting_code_email import voting_code_message

logger = logging.getLogger(__name__)

State = RollEntry.DeliveryState
Channel = RollEntry.DeliveryChannel
FAILURE_MAX_LENGTH = RollEntry._meta.get_field("delivery_failure").max_length or 200
# Any two numbers of our own: the PostgreSQL advisory lock is (this, the ballot's id).
LOCK_NAMESPACE = 0x7462
# Mail server trouble that says nothing about the one message: the batch stops and the rest
# wait, rather than every member being marked failed because the server is down.
SERVER_TROUBLE = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPHeloError, OSError)


class MailServerUnavailable(Exception):
    """The mail server could not be reached or stopped answering: the batch stopped, nothing lost."""


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    # True when another worker held this ballot's lock: it sends these entries too.
    busy: bool = False
    failed_numbers: list[str] = field(default_factory=list)

    def as_result(self) -> dict[str, int]:
        """What the task returns: counts only."""
        return {"sent": self.sent, "failed": self.failed, "busy": int(self.busy)}


# The worker's side.


@contextmanager
def _delivery_lock(ballot_id: int) -> Iterator[bool]:
    """Yield True if this process now sends `ballot_id`'s codes alone, False if another one does."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, ballot_id])
            held = bool(cursor.fetchone()[0])
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, ballot_id])
        return
    # SQLite: every worker is on this machine, so a lock file keyed by the database and ballot.
    database = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"trigger-ballot-codes-{database}-{ballot_id}.lock"
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def entries_waiting_to_send(ballot_id: int) -> QuerySet[RollEntry]:
    """The ballot's roll entries whose email is queued or being sent."""
    return RollEntry.objects.filter(ballot_id=ballot_id, delivery_state__in=[State.QUEUED, State.SENDING])


def _refusal_reason(error: Exception) -> str:
    """The server's refusal in a few words: its reply code and text (never the message)."""
    reply: tuple[int, Any]
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        reply = next(iter(error.recipients.values()), (0, b""))
    elif isinstance(error, smtplib.SMTPResponseException):
        reply = (error.smtp_code, error.smtp_error)
    else:
        return type(error).__name__
    code, text = reply
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}"[:FAILURE_MAX_LENGTH]


@dataclass
class _Claimed:
    entry: RollEntry
    code: str
    replaces_earlier: bool
    # Queued by a reminder (code_reminders.py): its email is the reminder's.
    reminder: bool


def _claim_next(ballot: TriggerBallot) -> _Claimed | None:
    """The next waiting entry with a fresh code made, stored and COMMITTED; None when none wait."""
    now = timezone.now()
    with transaction.atomic():
        locked = ballot_lock(ballot)
        try:
            voting_codes_email_check(locked, now)
        except BallotStateError:
            # Voting closed under the batch: what was left is not sent, and says why.
            entries_waiting_to_send(ballot.pk).update(
                delivery_state=State.NOT_SENT, delivery_changed_at=now, delivery_failure="Voting closed before sending."
            )
            return None
        next_waiting = (
            entries_waiting_to_send(ballot.pk)
            .select_related("member", "ward")
            .select_for_update(of=("self",))
            .order_by("ward__name", "membership_number")
        )
        # Members who voted, or whose address was removed, since they were queued are skipped.
        skipped = Q(has_voted=True) | Q(member__email="")
        RollEntry.objects.filter(pk__in=entries_waiting_to_send(ballot.pk).filter(skipped).values("pk")).update(
            delivery_state=State.NOT_SENT, delivery_changed_at=now, delivery_failure="Voted or no email address."
        )
        entry = next_waiting.first()
        if entry is None:
            return None
        # An entry with a code already (left "sending", or chosen for a new one) may have had
        # an earlier code reach the member: the email says this one replaces it.
        replaces_earlier = bool(entry.code_hash)
        # A reminder queues its emails at the moment it starts, so the entry's time says whose it is.
        reminder = (
            entry.delivery_state == State.QUEUED
            and CodeReminder.objects.filter(
                ballot_id=ballot.pk, state=CodeReminder.State.SENDING, started_at=entry.delivery_changed_at
            ).exists()
        )
        code = voting_code_generate()
        entry.code_hash = voting_code_hash(ballot_id=ballot.pk, code=code)
        entry.delivery_reference = delivery_reference(entry_id=entry.pk, code_hash=entry.code_hash)
        entry.code_issued_at = entry.delivery_changed_at = now
        entry.delivery_state, entry.delivery_channel, entry.delivery_failure = State.SENDING, Channel.EMAIL, ""
        entry.save(
            update_fields=[
                "code_hash",
                "code_issued_at",
                "delivery_state",
                "delivery_channel",
                "delivery_changed_at",
                "delivery_failure",
                "delivery_reference",
            ]
        )
    return _Claimed(entry, code, replaces_earlier, reminder)


def _record_outcome(entry: RollEntry, report: DeliveryReport, error: Exception | None) -> None:
    # Only if the entry still holds this code: a re-issue in the meantime has replaced it.
    mine = RollEntry.objects.filter(pk=entry.pk, code_hash=entry.code_hash, delivery_state=State.SENDING)
    now = timezone.now()
    if error is None:
        mine.update(delivery_state=State.SENT, delivery_changed_at=now)
        report.sent += 1
        return
    # Refused, so never delivered: the code is withdrawn and a resend makes another.
    mine.update(
        delivery_state=State.FAILED,
        delivery_changed_at=now,
        delivery_failure=_refusal_reason(error),
        code_hash="",
        code_issued_at=None,
    )
    report.failed += 1
    report.failed_numbers.append(entry.membership_number)
    logger.warning("Voting code email to membership number %s was refused", entry.membership_number)


class _Throttle:
    """Waits so that at most EMAIL_MESSAGES_PER_MINUTE messages go in any minute (0: no wait)."""

    sleep = staticmethod(time.sleep)

    def __init__(self) -> None:
        per_minute = settings.EMAIL_MESSAGES_PER_MINUTE
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.last: float | None = None

    def wait(self) -> None:
        if self.interval and self.last is not None:
            self.sleep(max(0.0, self.last + self.interval - time.monotonic()))
        self.last = time.monotonic()


def _server_closing(error: Exception) -> bool:
    """A 421 reply: the server is shutting the connection, whatever the message."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code == 421 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == 421


def _stop_batch(entry: RollEntry, error: Exception) -> NoReturn:
    # Whether this message reached the server is unknown: its entry stays "sending" and gets
    # a fresh code when the batch resumes; the rest stay queued.
    logger.warning(
        "Mail server unavailable (%s) while emailing membership number %s: batch stopped",
        type(error).__name__,
        entry.membership_number,
    )
    raise MailServerUnavailable(
        f"The mail server stopped answering ({type(error).__name__}). "
        "The emails not yet sent are still queued: send again to resume."
    ) from None


def _send_waiting(ballot: TriggerBallot, report: DeliveryReport) -> None:
    # Imported here: code_reminders starts its batches with this module's functions.
    from ballots.officer.services.code_reminders import voting_code_reminder_message

    throttle = _Throttle()
    smtp: Any = mail.get_connection()
    try:
        while (claimed := _claim_next(ballot)) is not None:
            entry, build = claimed.entry, voting_code_reminder_message if claimed.reminder else voting_code_message
            message = build(
                ballot=ballot,
                entry=entry,
                code=claimed.code,
                connection=smtp,
                replaces_earlier=claimed.replaces_earlier,
            )
            throttle.wait()
            try:
                # Opened once and kept: send_messages on a closed connection would open and
                # close one per message.
                smtp.open()
                smtp.send_messages([message])
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
                if _server_closing(error):
                    _stop_batch(entry, error)
                _record_outcome(entry, report, error)
            except SERVER_TROUBLE as error:
                _stop_batch(entry, error)
            else:
                _record_outcome(entry, report, None)
    finally:
        try:
            smtp.close()
        except Exception:  # noqa: BLE001 - closing a dead connection must not hide why it died
            pass


def voting_codes_email_deliver(*, ballot_id: int) -> DeliveryReport:
    """Email every queued entry of the ballot its new code (the worker's side); return the counts."""
    report = DeliveryReport()
    ballot = TriggerBallot.objects.select_related("constituency").get(pk=ballot_id)
    try:
        # Entries queued while the lock was being released are picked up by going round again.
        while True:
            with _delivery_lock(ballot_id) as held:
                if not held:
                    report.busy = True
                    return report
                _send_waiting(ballot, report)
            if not entries_waiting_to_send(ballot_id).exists():
                break
    finally:
        if not report.busy:
            ballot_audit_record(
                action="voting_codes_emailed",
                actor=None,
                ballot=ballot,
                sent=report.sent,
                failed=report.failed,
                still_waiting=entries_waiting_to_send(ballot_id).count(),
                failed_membership_numbers=report.failed_numbers[:100],
            )
    return report
