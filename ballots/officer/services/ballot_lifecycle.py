"""A ballot's life: create and edit the draft, open it (freezing roll and affiliates, sealed to its key), close,
declare, void. Counting the sealed votes between close and declare is vote_count.py's.

Each transition re-reads the ballot under a row lock, checks the state it starts from and
raises `BallotStateError` with words fit for an officer when it cannot go ahead. The same
checks, without the lock and without writing, are `ballot_open_check`, `ballot_close_check`
and `ballot_declare_check`: the confirmation pages use them so that an officer is never
asked to confirm what would be refused.

A ballot is never deleted: it is voided, with a reason. A voided ballot keeps its status
(an open one is closed first, so voting ends), and takes no edits and no transitions.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from ballots import counting
from ballots.models import BallotAffiliate, RollEntry, TriggerBallot
from ballots.officer.selectors import ballot_member_rules
from ballots.officer.services.ballot_settings import (
    BALLOT_FIELDS,
    ballot_settings_check,
    ballot_settings_detail,
)
from ballots.officer.services.code_reminders import code_reminders_cancel_for_ballot
from ballots.officer.services.common import (
    Actor,
    BallotStateError,
    Status,
    actor_user,
    ballot_audit_record,
    ballot_lock,
    ballot_state_copy,
)
from ballots.sealing import key_fingerprint
from members.models import Constituency
from members.selectors import affiliates_eligible, members_eligible

# The option value under which affiliates count by their affiliated membership.
WEIGHTED = "weighted"


@transaction.atomic
def ballot_create(*, actor: Actor, constituency: Constituency, **values: Any) -> TriggerBallot:
    """A draft ballot for `constituency` (values: BALLOT_FIELDS; sitting MP defaults to the constituency's)."""
    fields = {name: values[name] for name in BALLOT_FIELDS if name in values}
    fields.setdefault("sitting_mp", constituency.sitting_mp)
    ballot_settings_check(fields)
    creator = actor_user(actor)
    ballot = TriggerBallot(constituency=constituency, created_by=creator, **fields)
    ballot.full_clean()
    ballot.save()
    ballot_audit_record(action="ballot_created", actor=actor, ballot=ballot, **ballot_settings_detail(ballot))
    return ballot


def _voided_refuse(ballot: TriggerBallot) -> None:
    if ballot.voided_at is not None:
        raise BallotStateError("This ballot has been voided: nothing more can be done with it.")


@transaction.atomic
def ballot_update(*, actor: Actor, ballot: TriggerBallot, **values: Any) -> TriggerBallot:
    """Change a draft ballot's settings; records which fields changed, from what to what."""
    locked = ballot_lock(ballot)
    _voided_refuse(locked)
    if locked.status != Status.DRAFT:
        raise BallotStateError("Only a draft ballot can be edited: this one has been opened.")
    before = ballot_settings_detail(locked)
    for name in BALLOT_FIELDS:
        if name in values:
            setattr(locked, name, values[name])
    ballot_settings_check({name: getattr(locked, name) for name in BALLOT_FIELDS})
    locked.full_clean()
    after = ballot_settings_detail(locked)
    changes = {name: {"from": before[name], "to": after[name]} for name in BALLOT_FIELDS if before[name] != after[name]}
    if changes:
        locked.save()
        ballot_audit_record(action="ballot_updated", actor=actor, ballot=locked, changes=changes)
    for name in BALLOT_FIELDS:
        setattr(ballot, name, getattr(locked, name))
    return ballot


def ballot_counts_affiliates_by_size(ballot: TriggerBallot) -> bool:
    """Whether the ballot's rule set, with its options, weighs affiliates by their affiliated membership."""
    applied, _ignored = counting.get_rule_set(ballot.rules).resolve_options(ballot.options)
    return applied.get("affiliate_counting") == WEIGHTED


def _unknown_sizes_refuse(affiliates: list[tuple[int, str, int | None]]) -> None:
    unknown = sorted(name for _pk, name, size in affiliates if size is None)
    if unknown:
        raise BallotStateError(
            "Affiliates' votes are weighted by their affiliated membership, but the size of "
            f"{_names(unknown)} is not known. Enter it (0 if they have no members) before opening the ballot."
        )


def _names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _open_refuse(ballot: TriggerBallot, now: dt.datetime) -> list[tuple[int, str, int | None]]:
    """Raise BallotStateError unless `ballot` can open at `now`; else its eligible affiliates (pk, name, size)."""
    _voided_refuse(ballot)
    if ballot.status != Status.DRAFT:
        raise BallotStateError("This ballot has already been opened.")
    if ballot.closes_at <= now:
        raise BallotStateError("The closing time has passed: edit the dates before opening the ballot.")
    ballot_settings_check({name: getattr(ballot, name) for name in BALLOT_FIELDS})
    affiliates = list(
        affiliates_eligible(
            constituency=ballot.constituency,
            freeze_date=ballot.freeze_date,
            min_affiliation_days=ballot.affiliate_min_days,
        ).values_list("pk", "name", "affiliated_members")
    )
    if ballot_counts_affiliates_by_size(ballot):
        _unknown_sizes_refuse(affiliates)
    return affiliates


def ballot_open_check(*, ballot: TriggerBallot, now: dt.datetime | None = None) -> None:
    """Raise BallotStateError (or ValidationError) if `ballot` could not be opened now; writes nothing."""
    _open_refuse(ballot, now or timezone.now())


def _seal_key_check(public_key: str, key_custody: str, key_holders: list[str]) -> None:
    try:
        valid = len(bytes.fromhex(public_key)) == 32
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise BallotStateError("A ballot opens with the public half of its sealing key (64 hex digits).")
    if key_custody not in TriggerBallot.KeyCustody.values:
        raise BallotStateError("Say who keeps the ballot's key: the officer, or trustees holding shares.")
    if key_custody == TriggerBallot.KeyCustody.SHARES and len(key_holders) < 2:
        raise BallotStateError("Name each trustee who holds a share of the key.")


@transaction.atomic
def ballot_open(
    *,
    ballot: TriggerBallot,
    public_key: str,
    key_custody: str = TriggerBallot.KeyCustody.WHOLE,
    key_holders: list[str] | None = None,
    actor: Actor = None,
    now: dt.datetime | None = None,
) -> TriggerBallot:
    """Open a draft ballot, sealed to `public_key`: freeze its rules, settings and roll (members with their ward, now).

    `public_key` is the public half of the ballot's sealing key (ballots/sealing/keys.py):
    every vote is stored sealed to it, and only the private half, which the caller has handed
    to the officer (whole, `key_custody` "whole") or to the trustees named in `key_holders`
    (in shares, "shares"), can open them at the count. The server keeps only the public half.

    The roll is one RollEntry per eligible member, with the ward and membership number
    copied, and one BallotAffiliate per eligible affiliate with its affiliated membership
    copied: later edits to the membership or to an affiliate change neither, and the count
    reads only the copies. A ballot that weighs affiliates by size is refused while any
    eligible affiliate's size is unknown, so that no result depends on a guess. Two officers
    pressing "open" at once: the row lock makes the second wait and then find the ballot
    already open.
    """
    now = now or timezone.now()
    key_holders = [holder.strip() for holder in key_holders or [] if holder.strip()]
    _seal_key_check(public_key, key_custody, key_holders)
    locked = ballot_lock(ballot)
    affiliates = _open_refuse(locked, now)
    members = members_eligible(constituency=locked.constituency, rules=ballot_member_rules(locked)).values_list(
        "pk", "ward_id", "membership_number"
    )
    RollEntry.objects.bulk_create(
        [
            RollEntry(ballot=locked, member_id=pk, ward_id=ward_id, membership_number=number)
            for pk, ward_id, number in members.iterator(chunk_size=2000)
        ],
        batch_size=1000,
    )
    BallotAffiliate.objects.bulk_create(
        [BallotAffiliate(ballot=locked, affiliate_id=pk, affiliated_members=size) for pk, _name, size in affiliates],
        batch_size=1000,
    )
    locked.status = Status.OPEN
    locked.opened_at = now
    locked.seal_public_key = public_key
    locked.key_custody = key_custody
    locked.key_holders = key_holders if key_custody == TriggerBallot.KeyCustody.SHARES else []
    locked.save(update_fields=["status", "opened_at", "seal_public_key", "key_custody", "key_holders"])
    ballot_audit_record(
        action="ballot_opened",
        actor=actor,
        ballot=locked,
        roll_size=RollEntry.objects.filter(ballot=locked).count(),
        affiliates_eligible=len(affiliates),
        rules=locked.rules,
        options=locked.options,
        key=key_fingerprint(public_key),
        key_custody=key_custody,
        key_holders=locked.key_holders,
    )
    ballot_state_copy(target=ballot, source=locked)
    return ballot


def _close(locked: TriggerBallot, *, actor: Actor, now: dt.datetime, automatic: bool) -> None:
    locked.status = Status.CLOSED
    locked.closed_at = min(now, locked.closes_at)
    locked.save(update_fields=["status", "closed_at"])
    code_reminders_cancel_for_ballot(ballot=locked)  # no reminder goes out after the close
    # The votes stay sealed: the count (vote_count.py) opens them with the officer's key.
    ballot_audit_record(
        action="ballot_closed_automatically" if automatic else "ballot_closed",
        actor=None if automatic else actor,
        ballot=locked,
        votes_cast=RollEntry.objects.filter(ballot=locked, has_voted=True).count(),
        roll_size=RollEntry.objects.filter(ballot=locked).count(),
    )


def _close_refuse(ballot: TriggerBallot) -> None:
    _voided_refuse(ballot)
    if ballot.status != Status.OPEN:
        raise BallotStateError(f"Only an open ballot can be closed: this one is {ballot.get_status_display().lower()}.")


def ballot_close_check(*, ballot: TriggerBallot) -> None:
    """Raise BallotStateError if `ballot` could not be closed by hand; writes nothing."""
    _close_refuse(ballot)


@transaction.atomic
def ballot_close(*, ballot: TriggerBallot, actor: Actor = None, now: dt.datetime | None = None) -> TriggerBallot:
    """Close an open ballot by hand. Votes in flight finish first (they hold the row FOR SHARE)."""
    now = now or timezone.now()
    locked = ballot_lock(ballot)
    _close_refuse(locked)
    _close(locked, actor=actor, now=now, automatic=now >= locked.closes_at)
    ballot_state_copy(target=ballot, source=locked)
    return ballot


def ballot_close_due(*, now: dt.datetime | None = None) -> int:
    """Close every open ballot whose closing time has passed; return how many were closed.

    Run by the `close_due_ballots` command and when a vote is refused for lateness; never by
    a page being read.
    """
    now = now or timezone.now()
    closed = 0
    due = TriggerBallot.objects.filter(status=Status.OPEN, closes_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            locked = TriggerBallot.objects.select_for_update().select_related("constituency").get(pk=pk)
            if locked.status == Status.OPEN and locked.closes_at <= now:
                _close(locked, actor=None, now=now, automatic=True)
                closed += 1
    return closed


def _declare_refuse(ballot: TriggerBallot, now: dt.datetime) -> None:
    """Refuse unless `ballot` is closed and its votes counted."""
    _voided_refuse(ballot)
    if ballot.status == Status.DECLARED:
        raise BallotStateError("This ballot has already been declared.")
    if ballot.status != Status.CLOSED:
        raise BallotStateError("Only a closed ballot can be declared: close it, then count the votes.")
    if ballot.counted_at is None:
        raise BallotStateError("The votes are still sealed: count them with the ballot's key before declaring.")


def ballot_declare_check(*, ballot: TriggerBallot, now: dt.datetime | None = None) -> None:
    """Raise BallotStateError if `ballot` could not be declared now; writes nothing."""
    _declare_refuse(ballot, now or timezone.now())


@transaction.atomic
def ballot_declare(*, ballot: TriggerBallot, actor: Actor = None, now: dt.datetime | None = None) -> TriggerBallot:
    """Declare a closed, counted ballot: its result becomes public."""
    now = now or timezone.now()
    locked = ballot_lock(ballot)
    _declare_refuse(locked, now)
    locked.status = Status.DECLARED
    locked.declared_at = now
    locked.save(update_fields=["status", "declared_at"])
    ballot_audit_record(action="ballot_declared", actor=actor, ballot=locked)
    ballot_state_copy(target=ballot, source=locked)
    return ballot


# Long enough for a paragraph of explanation, short enough to show in full on every page.
VOID_REASON_MAX_LENGTH = 2000


@transaction.atomic
def ballot_void(
    *, ballot: TriggerBallot, reason: str, actor: Actor = None, now: dt.datetime | None = None
) -> TriggerBallot:
    """Void `ballot` for `reason`, in any state: it is never deleted, and takes no votes or transitions after.

    An open ballot is closed first, as a close by hand would (the close in the audit), so that
    voting ends at once and the database constraint "a voided ballot is
    not open" holds. A declared ballot stays declared: its results page says it was voided.
    """
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise BallotStateError("Give the reason for voiding the ballot: it is shown on the ballot's pages.")
    if len(reason) > VOID_REASON_MAX_LENGTH:
        raise BallotStateError(f"Keep the reason to {VOID_REASON_MAX_LENGTH:,} characters or fewer.")
    locked = ballot_lock(ballot)
    if locked.voided_at is not None:
        raise BallotStateError("This ballot has already been voided.")
    status_before = locked.status
    if locked.status == Status.OPEN:
        _close(locked, actor=actor, now=now, automatic=now >= locked.closes_at)
    locked.voided_at = now
    locked.void_reason = reason
    locked.voided_by = actor_user(actor)
    locked.save(update_fields=["voided_at", "void_reason", "voided_by"])
    ballot_audit_record(action="ballot_voided", actor=actor, ballot=locked, reason=reason, status=status_before)
    ballot_state_copy(target=ballot, source=locked)
    for name in ("voided_at", "void_reason", "voided_by"):
        setattr(ballot, name, getattr(locked, name))
    return ballot
