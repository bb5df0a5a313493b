"""Re-issuing every code of an open ballot with two officers: one asks, a different one approves.

Whoever holds a fresh set of codes can vote for every member who has not voted yet, so once
a ballot is open the bulk re-issue (voting_codes.py, code_queue.py) refuses to run
without an approved `CodeReissueRequest`. Here an officer asks, with a reason; another
officer of the constituency approves it, which runs that same re-issue in the same
transaction (so an approval whose re-issue fails is not recorded as approved), or refuses
it with a reason; the asker may withdraw it. A ballot has one request waiting at most.

Every step is an audit event; the re-issue itself adds one event per member (voting_codes.py).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from ballots.models import CodeReissueRequest, RollEntry, TriggerBallot
from ballots.officer.services.code_queue import voting_codes_email_check, voting_codes_email_reissue_all
from ballots.officer.services.common import (
    Actor,
    BallotStateError,
    actor_user,
    ballot_audit_record,
    ballot_lock,
    officer_name,
)
from ballots.officer.services.voting_codes import voting_codes_check_issuable, voting_codes_issue
from members.access import officer_refusal

How = CodeReissueRequest.How
State = CodeReissueRequest.State
REASON_MAX_LENGTH = 1000


@dataclass
class ReissueDone:
    """What an approval did: the new codes to hand over once (CSV), or how many emails were queued."""

    how: str
    issued: list[tuple[RollEntry, str]] | None = None
    queued: int = 0


def code_reissue_pending(ballot: TriggerBallot) -> CodeReissueRequest | None:
    """The ballot's request waiting for a second officer, with who asked, or None."""
    return CodeReissueRequest.objects.filter(ballot=ballot, state=State.PENDING).select_related("requested_by").first()


def _reason_clean(reason: str, *, what: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise BallotStateError(f"Give a reason {what}.")
    if len(reason) > REASON_MAX_LENGTH:
        raise BallotStateError(f"Keep the reason to {REASON_MAX_LENGTH:,} characters or fewer.")
    return reason


def _pending_locked(reissue_request: CodeReissueRequest) -> tuple[TriggerBallot, CodeReissueRequest]:
    """The ballot and the request re-read under row locks; refused unless the request still waits."""
    ballot = ballot_lock(reissue_request.ballot)
    locked = CodeReissueRequest.objects.select_for_update().get(pk=reissue_request.pk)
    if locked.state != State.PENDING:
        raise BallotStateError(f"This request has already been decided: {locked.get_state_display().lower()}.")
    return ballot, locked


def _name(user: Any) -> str:
    return officer_name(user, gone="an officer no longer on the site")


@transaction.atomic
def code_reissue_request(
    *, ballot: TriggerBallot, actor: Actor, how: str, reason: str, now: dt.datetime | None = None
) -> CodeReissueRequest:
    """Ask a second officer to re-issue every code of an open ballot, `how` a CodeReissueRequest.How."""
    now = now or timezone.now()
    locked = ballot_lock(ballot)
    if how not in How.values:
        raise BallotStateError("Choose how the new codes go out: to download, or by email.")
    if how == How.EMAIL:
        voting_codes_email_check(locked, now)
    else:
        voting_codes_check_issuable(ballot=locked, now=now)
    reason = _reason_clean(reason, what="for re-issuing every code")
    pending = code_reissue_pending(locked)
    if pending is not None:
        raise BallotStateError(
            f"{_name(pending.requested_by)} has already asked for every code to be re-issued: "
            "that request must be approved, refused or withdrawn before another."
        )
    made = CodeReissueRequest.objects.create(
        ballot=locked, requested_by=actor_user(actor), requested_at=now, reason=reason, how=how
    )
    ballot_audit_record(
        action="code_reissue_requested", actor=actor, ballot=locked, request=made.pk, how=how, reason=reason
    )
    return made


@transaction.atomic
def code_reissue_approve(
    *, reissue_request: CodeReissueRequest, actor: Actor, now: dt.datetime | None = None
) -> ReissueDone:
    """Approve the request as a second officer, and re-issue every code as it asked, at once.

    The codes come back ONCE (as voting_codes_issue's do): the caller hands them over in this request.
    """
    now = now or timezone.now()
    ballot, locked = _pending_locked(reissue_request)
    if actor is None or not actor.is_authenticated:
        raise BallotStateError("Only a signed-in officer can approve re-issuing every code.")
    if locked.requested_by_id == actor.pk:
        raise BallotStateError(
            "You asked for this re-issue, so you cannot approve it too: a different officer of the "
            "constituency must approve it."
        )
    refusal = officer_refusal(actor, constituency=ballot.constituency)
    if refusal is not None:
        raise BallotStateError(refusal)
    locked.state, locked.decided_by, locked.decided_at = State.APPROVED, actor_user(actor), now
    locked.save(update_fields=["state", "decided_by", "decided_at"])
    ballot_audit_record(
        action="code_reissue_approved",
        actor=actor,
        ballot=ballot,
        request=locked.pk,
        how=locked.how,
        requested_by=_name(locked.requested_by),
    )
    if locked.how == How.EMAIL:
        queued = voting_codes_email_reissue_all(ballot=ballot, actor=actor, approval=locked, now=now)
        done = ReissueDone(how=locked.how, queued=queued)
    else:
        issued = voting_codes_issue(ballot=ballot, actor=actor, reissue_all=True, approval=locked, now=now)
        done = ReissueDone(how=locked.how, issued=issued)
    reissue_request.state, reissue_request.decided_by, reissue_request.decided_at = (
        locked.state,
        locked.decided_by,
        now,
    )
    return done


@transaction.atomic
def code_reissue_refuse(
    *, reissue_request: CodeReissueRequest, actor: Actor, reason: str, now: dt.datetime | None = None
) -> CodeReissueRequest:
    """Refuse the request, as a second officer, with a reason: no code changes."""
    now = now or timezone.now()
    ballot, locked = _pending_locked(reissue_request)
    if actor is not None and locked.requested_by_id == actor.pk:
        raise BallotStateError("You asked for this re-issue: withdraw it instead of refusing it.")
    reason = _reason_clean(reason, what="for refusing")
    locked.state, locked.decided_by, locked.decided_at = State.REFUSED, actor_user(actor), now
    locked.refuse_reason = reason
    locked.save(update_fields=["state", "decided_by", "decided_at", "refuse_reason"])
    ballot_audit_record(
        action="code_reissue_refused",
        actor=actor,
        ballot=ballot,
        request=locked.pk,
        requested_by=_name(locked.requested_by),
        reason=reason,
    )
    return locked


@transaction.atomic
def code_reissue_withdraw(
    *, reissue_request: CodeReissueRequest, actor: Actor, now: dt.datetime | None = None
) -> CodeReissueRequest:
    """Withdraw the request: only the officer who asked may."""
    now = now or timezone.now()
    ballot, locked = _pending_locked(reissue_request)
    if actor is None or locked.requested_by_id != actor.pk:
        raise BallotStateError("Only the officer who asked can withdraw this request; you can refuse it instead.")
    locked.state, locked.decided_at = State.WITHDRAWN, now
    locked.save(update_fields=["state", "decided_at"])
    ballot_audit_record(action="code_reissue_withdrawn", actor=actor, ballot=ballot, request=locked.pk)
    return locked
