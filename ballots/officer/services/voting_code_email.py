"""Voting codes by email: to the whole roll in batches, or to one member; the report of what went.

A message that fails has its code withdrawn (it was never delivered), so sending again
retries that member. Only membership numbers are logged, never a message (it holds a code).
"""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ballots.models import RollEntry, TriggerBallot
from ballots.officer.services.common import Actor, BallotStateError, ballot_audit_record, ballot_lock
from ballots.officer.services.voting_codes import (
    personal_voting_link,
    roll_waiting_for_codes,
    voting_code_reissue,
    voting_codes_check_issuable,
    voting_codes_generate,
)

logger = logging.getLogger(__name__)


@dataclass
class EmailReport:
    sent: int = 0
    failed: int = 0
    skipped_no_email: int = 0
    remaining: int = 0
    failed_numbers: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.skipped_no_email


def voting_code_message(
    *, ballot: TriggerBallot, entry: RollEntry, code: str, connection: Any = None
) -> mail.EmailMessage:
    context = {
        "ballot": ballot,
        "member": entry.member,
        "membership_number": entry.membership_number,
        "ward": entry.ward,
        "code": code,
        "link": personal_voting_link(ballot=ballot, membership_number=entry.membership_number, code=code),
        "vote_url": f"{settings.SITE_URL}{reverse('ballots:vote_start')}",
    }
    return mail.EmailMessage(
        subject=f"Your voting code: trigger ballot in {ballot.constituency.name}",
        body=render_to_string("ballots/officer/email/voting_code.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[entry.member.email],
        connection=connection,
    )


def _send(
    messages: Iterable[tuple[RollEntry, mail.EmailMessage]], connection: Any, report: EmailReport
) -> list[RollEntry]:
    """Send each (roll entry, message); count them; return the entries whose message failed."""
    failed = []
    for entry, message in messages:
        try:
            sent = connection.send_messages([message])
        except Exception:  # noqa: BLE001 - any mail failure counts as failed, never aborts the batch
            sent = 0
        if sent:
            report.sent += 1
        else:
            # The message holds a code: log which member, never the message.
            logger.warning("Voting code email to membership number %s failed", entry.membership_number)
            report.failed += 1
            report.failed_numbers.append(entry.membership_number)
            failed.append(entry)
    return failed


def _revoke(ballot: TriggerBallot, entry_ids: list[int] | None = None) -> int:
    """Forget the code of every roll entry yet to vote (or of the given ones): those codes stop working."""
    entries = RollEntry.objects.filter(ballot=ballot, has_voted=False).exclude(code_hash="")
    if entry_ids is not None:
        entries = entries.filter(pk__in=entry_ids)
    return entries.update(code_hash="", code_issued_at=None)


def voting_codes_email(
    *,
    ballot: TriggerBallot,
    actor: Actor = None,
    batch_size: int = 200,
    limit: int | None = None,
    reissue_all: bool = False,
    now: dt.datetime | None = None,
) -> EmailReport:
    """Email a fresh code to members on the roll who have none, in batches; return the counts.

    Each batch stores its hashes in one transaction, then sends through one mail connection.
    `limit` caps the messages sent in one call (a web request must finish in time): the report's
    `remaining` says how many members with an email address still wait, and calling again sends
    the next ones. A message that fails has its code withdrawn (it was never delivered), so the
    next call tries that member again. Members without an email address are counted and skipped:
    give them their code from the CSV. `reissue_all` first withdraws every code not yet used,
    so every member yet to vote gets a new one.
    """
    now = now or timezone.now()
    ballot = TriggerBallot.objects.select_related("constituency").get(pk=ballot.pk)
    voting_codes_check_issuable(ballot=ballot, now=now)
    revoked = 0
    if reissue_all:
        with transaction.atomic():
            locked = ballot_lock(ballot)
            voting_codes_check_issuable(ballot=locked, now=now)
            revoked = _revoke(locked)
    report = EmailReport()
    with_email = []
    for entry in roll_waiting_for_codes(ballot=ballot, reissue_all=False):
        if (entry.member.email or "").strip():
            with_email.append(entry)
        else:
            report.skipped_no_email += 1
    if limit is not None:
        report.remaining = max(0, len(with_email) - limit)
        with_email = with_email[:limit]
    connection = mail.get_connection()
    for start in range(0, len(with_email), batch_size):
        batch = with_email[start : start + batch_size]
        with transaction.atomic():
            locked = ballot_lock(ballot)
            voting_codes_check_issuable(ballot=locked, now=now)
            # Still waiting? (A CSV download or a vote may have come in between.)
            waiting = set(
                RollEntry.objects.filter(pk__in=[e.pk for e in batch], has_voted=False, code_hash="").values_list(
                    "pk", flat=True
                )
            )
            issued = voting_codes_generate(
                ballot_id=ballot.pk, entries=[entry for entry in batch if entry.pk in waiting], now=now
            )
        with connection:
            messages = [
                (e, voting_code_message(ballot=ballot, entry=e, code=c, connection=connection)) for e, c in issued
            ]
            failed = _send(messages, connection, report)
        if failed:
            _revoke(ballot, [entry.pk for entry in failed])
            report.remaining += len(failed)
    ballot_audit_record(
        action="voting_codes_reissued_all_by_email" if reissue_all else "voting_codes_emailed",
        actor=actor,
        ballot=ballot,
        codes_withdrawn=revoked,
        batch_size=batch_size,
        sent=report.sent,
        failed=report.failed,
        skipped_no_email=report.skipped_no_email,
        still_waiting=report.remaining,
        failed_membership_numbers=report.failed_numbers[:100],
    )
    return report


def voting_code_send(*, roll_entry: RollEntry, actor: Actor = None, now: dt.datetime | None = None) -> bool:
    """Re-issue one member's code and email it to them; True when the email went."""
    entry = RollEntry.objects.select_related("member", "ward", "ballot__constituency").get(pk=roll_entry.pk)
    if not (entry.member.email or "").strip():
        raise BallotStateError("This member has no email address: re-issue the code and give it to them another way.")
    code = voting_code_reissue(roll_entry=entry, actor=actor, now=now)
    report = EmailReport()
    connection = mail.get_connection()
    with connection:
        message = voting_code_message(ballot=entry.ballot, entry=entry, code=code, connection=connection)
        _send([(entry, message)], connection, report)
    ballot_audit_record(
        action="voting_code_emailed",
        actor=actor,
        ballot=entry.ballot,
        membership_number=entry.membership_number,
        sent=bool(report.sent),
    )
    return bool(report.sent)
