"""Voting codes by email, the officer's side: choosing whom to send to and queueing them.

The officer's press only marks roll entries "queued" (re-issuing every code first, with a second
officer's approval, once the ballot is open) and enqueues one task with the ballot's id, after
the transaction commits; the worker's sending is in code_delivery.py.
"""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ballots.models import CodeReissueRequest, RollEntry, TriggerBallot
from ballots.officer.services.common import Actor, BallotStateError, Status, ballot_audit_record, ballot_lock
from ballots.officer.services.voting_codes import (
    voting_codes_check_issuable,
    voting_codes_check_reissue_all,
    voting_codes_reissued_record,
)

logger = logging.getLogger(__name__)

State = RollEntry.DeliveryState
Channel = RollEntry.DeliveryChannel


def _with_email(entries: QuerySet[RollEntry]) -> QuerySet[RollEntry]:
    return entries.exclude(member__email="")


def _mark_queued(*, ballot: TriggerBallot, resend_failed: bool, entry_ids: list[int] | None, now: dt.datetime) -> int:
    entries = _with_email(RollEntry.objects.filter(ballot=ballot, has_voted=False))
    if entry_ids is not None:
        # Chosen members are sent a new code whatever their state: their old code stops working.
        entries = entries.filter(pk__in=entry_ids)
    else:
        waiting = Q(delivery_state__in=[State.QUEUED, State.SENDING]) | Q(delivery_state=State.NOT_SENT, code_hash="")
        if resend_failed:
            waiting |= Q(delivery_state__in=[State.FAILED, State.BOUNCED])
        entries = entries.filter(waiting)
    count = entries.count()
    # An entry in "sending" stays so: the worker knows it needs a fresh code.
    entries.exclude(delivery_state=State.SENDING).update(
        delivery_state=State.QUEUED, delivery_channel=Channel.EMAIL, delivery_changed_at=now, delivery_failure=""
    )
    return count


def _enqueue_after_commit(ballot_id: int) -> None:
    # Imported here: the task module imports these services, so a module-level import would loop.
    from ballots.tasks import voting_codes_email_send

    def enqueue() -> None:
        try:
            voting_codes_email_send.enqueue(ballot_id)
        except Exception as error:  # noqa: BLE001 - the entries stay queued: the next press enqueues them
            logger.error("Could not enqueue the voting-code emails of ballot %s: %s", ballot_id, type(error).__name__)

    # After commit, so the worker finds the entries already marked "queued".
    transaction.on_commit(enqueue)


def voting_codes_email_check(ballot: TriggerBallot, now: dt.datetime) -> None:
    """Raise BallotStateError unless codes can be emailed for `ballot` now (issuable, and it is open)."""
    voting_codes_check_issuable(ballot=ballot, now=now)
    if ballot.status != Status.OPEN:
        raise BallotStateError("Codes are emailed only while the ballot is open.")


@transaction.atomic
def voting_codes_email_queue(
    *,
    ballot: TriggerBallot,
    actor: Actor,
    resend_failed: bool = False,
    entry_ids: list[int] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Queue voting-code emails; return how many members are queued.

    Chosen: members yet to vote with an email address who have no code and none on its way,
    and any batch left unfinished (queued, or caught mid-send); with `resend_failed`, also
    those whose email failed or bounced; with `entry_ids`, exactly those roll entries (each
    then gets a new code). Members without an email address are left out: give them their
    code another way. One task is enqueued for the ballot once this commits.
    """
    now = now or timezone.now()
    locked = ballot_lock(ballot)
    voting_codes_email_check(locked, now)
    count = _mark_queued(ballot=locked, resend_failed=resend_failed, entry_ids=entry_ids, now=now)
    ballot_audit_record(
        action="voting_codes_email_queued",
        actor=actor,
        ballot=locked,
        queued=count,
        resend_failed=resend_failed,
        chosen=len(entry_ids) if entry_ids is not None else None,
    )
    if count:
        _enqueue_after_commit(locked.pk)
    return count


@transaction.atomic
def voting_codes_email_reissue_all(
    *,
    ballot: TriggerBallot,
    actor: Actor,
    approval: CodeReissueRequest | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Withdraw every code not yet used, then queue a new one by email to everyone yet to vote.

    The ballot is open, so this needs `approval`, a second officer's (code_reissue_approval.py).
    Each member whose code is withdrawn or queued is an audit event naming their membership number.
    """
    now = now or timezone.now()
    locked = ballot_lock(ballot)
    voting_codes_email_check(locked, now)
    voting_codes_check_reissue_all(ballot=locked, approval=approval)
    # Whose code changes: those yet to vote with a code (withdrawn) or an email address (queued).
    affected = list(
        RollEntry.objects.filter(ballot=locked, has_voted=False)
        .filter(~Q(code_hash="") | ~Q(member__email=""))
        .order_by("ward__name", "membership_number")
        .values_list("membership_number", "member__email")
    )
    withdrawn = (
        RollEntry.objects.filter(ballot=locked, has_voted=False)
        .exclude(code_hash="")
        .update(code_hash="", code_issued_at=None)
    )
    RollEntry.objects.filter(ballot=locked, has_voted=False).exclude(delivery_state=State.SENDING).update(
        delivery_state=State.NOT_SENT, delivery_changed_at=now, delivery_failure=""
    )
    count = _mark_queued(ballot=locked, resend_failed=True, entry_ids=None, now=now)
    ballot_audit_record(
        action="voting_codes_reissued_all_by_email",
        actor=actor,
        ballot=locked,
        codes_withdrawn=withdrawn,
        queued=count,
        request=approval.pk if approval is not None else None,
    )
    voting_codes_reissued_record(
        ballot=locked, actor=actor, members=((number, bool(email)) for number, email in affected), by_email=True
    )
    if count:
        _enqueue_after_commit(locked.pk)
    return count


def voting_code_send(*, roll_entry: RollEntry, actor: Actor, now: dt.datetime | None = None) -> int:
    """Queue a new code by email for one member (their old code stops working when it is made)."""
    entry = RollEntry.objects.select_related("member").get(pk=roll_entry.pk)
    if not entry.member.email.strip():
        raise BallotStateError("This member has no email address: re-issue the code and give it to them another way.")
    if entry.has_voted:
        raise BallotStateError("This member has already voted: a new code would be of no use.")
    return voting_codes_email_queue(ballot=entry.ballot, actor=actor, entry_ids=[entry.pk], now=now)
