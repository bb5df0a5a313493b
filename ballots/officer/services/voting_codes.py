"""Voting codes: issue them to the roll, re-issue one member's, and the personal voting link.

Codes issued here go to the officer (a CSV download, or one code shown once), so their
delivery is recorded as "sent, by hand"; codes by email go through code_queue.py and code_delivery.py.

Re-issuing every code of an open ballot needs a second officer's approval
(code_reissue_approval.py), and each member's new code is an audit event naming their
membership number.

No voting code is ever written to an audit entry, a log or the database: codes are returned
once to the caller (for the CSV or the email) and only their keyed hash is stored.
"""

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from ballots.codes import code_normalise, voting_code_generate, voting_code_hash
from ballots.models import CodeReissueRequest, RollEntry, TriggerBallot
from ballots.officer.services.common import (
    Actor,
    BallotStateError,
    Status,
    actor_user,
    ballot_audit_record,
    ballot_lock,
)
from ballots.state import VOTING_CLOSED, ballot_voting_state
from members.models import AuditEvent

# A bulk re-issue's per-member audit events are written in batches of this many rows.
AUDIT_BATCH = 500
SECOND_OFFICER_NEEDED = (
    "Once the ballot is open, every code can be re-issued only with a second officer's approval: "
    "ask for it on the voting codes page."
)


def personal_voting_link(*, ballot: TriggerBallot, membership_number: str, code: str) -> str:
    """The one-time link that carries a member's code; its page stores it and redirects to /vote/."""
    query = urlencode({"ballot": ballot.pk, "member": membership_number, "code": code_normalise(code)})
    return f"{settings.SITE_URL}{reverse('ballots:vote_link')}?{query}"


def voting_codes_check_issuable(*, ballot: TriggerBallot, now: dt.datetime) -> None:
    """Raise BallotStateError unless codes can be issued for `ballot` at `now`."""
    if ballot.status == Status.DRAFT:
        raise BallotStateError("Voting codes are issued once the ballot is open and its roll is frozen.")
    if ballot_voting_state(ballot, now) == VOTING_CLOSED:
        raise BallotStateError("Voting has closed: no more codes can be issued.")


def voting_codes_generate(
    *, ballot_id: int, entries: Iterable[RollEntry], now: dt.datetime
) -> list[tuple[RollEntry, str]]:
    """A new code for each roll entry, its hash stored at once; returns [(entry, plain code)]."""
    issued = []
    for entry in entries:
        code = voting_code_generate()
        entry.code_hash = voting_code_hash(ballot_id=ballot_id, code=code)
        entry.code_issued_at = now
        issued.append((entry, code))
    _store_hashes([entry for entry, _ in issued], now)
    return issued


def _store_hashes(entries: list[RollEntry], now: dt.datetime) -> None:
    """Write each entry's code hash and issue time, and mark it handed over by the officer
    (delivery "sent", by hand: the download or the page is the officer's to pass on):
    one prepared UPDATE run for every row.

    (bulk_update builds a CASE of every row per batch, which takes seconds for a 2,000-member roll.)
    """
    if not entries:
        return
    table = connection.ops.quote_name(RollEntry._meta.db_table)
    issued_at = connection.ops.adapt_datetimefield_value(now)
    sent, by_hand = RollEntry.DeliveryState.SENT, RollEntry.DeliveryChannel.HAND
    for entry in entries:
        entry.delivery_state, entry.delivery_channel, entry.delivery_changed_at = sent, by_hand, now
        entry.delivery_failure = ""
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET code_hash = %s, code_issued_at = %s, delivery_state = %s, "  # noqa: S608 - no user input
            "delivery_channel = %s, delivery_changed_at = %s, delivery_failure = '' WHERE id = %s",
            [(entry.code_hash, issued_at, sent.value, by_hand.value, issued_at, entry.pk) for entry in entries],
        )


def roll_waiting_for_codes(*, ballot: TriggerBallot, reissue_all: bool) -> QuerySet[RollEntry]:
    """Roll entries yet to vote without a code (or, re-issuing, all yet to vote), by ward and number.

    Without re-issuing, members whose code is queued for email or being sent are left to it.
    """
    entries = RollEntry.objects.filter(ballot=ballot, has_voted=False).select_related("member", "ward")
    if not reissue_all:
        on_its_way = [RollEntry.DeliveryState.QUEUED, RollEntry.DeliveryState.SENDING]
        entries = entries.filter(code_hash="").exclude(delivery_state__in=on_its_way)
    return entries.order_by("ward__name", "membership_number")


def voting_codes_check_reissue_all(*, ballot: TriggerBallot, approval: CodeReissueRequest | None) -> None:
    """Raise BallotStateError if every code of `ballot` (locked) would be re-issued by one officer alone.

    Once the ballot is open, `approval` must be its request as a second officer approved it.
    """
    if ballot.status != Status.OPEN:
        return
    approved = CodeReissueRequest.State.APPROVED
    if approval is None or approval.ballot_id != ballot.pk or approval.state != approved or not approval.decided_by_id:
        raise BallotStateError(SECOND_OFFICER_NEEDED)


def voting_codes_reissued_record(
    *, ballot: TriggerBallot, actor: Actor, members: Iterable[tuple[str, bool]], by_email: bool
) -> None:
    """One audit event per member whose code a bulk re-issue replaced, written in a few bulk inserts.

    `members` is [(membership number, a new code queued by email)]. The events name the roll
    entry by its membership number, never the code.
    """
    who = actor_user(actor)
    events = (
        AuditEvent(
            action="voting_code_reissued_in_bulk",
            actor=who,
            constituency=ballot.constituency,
            ballot_id=ballot.pk,
            detail={"membership_number": number, "by_email": by_email, "queued": queued},
        )
        for number, queued in members
    )
    AuditEvent.objects.bulk_create(events, batch_size=AUDIT_BATCH)


@transaction.atomic
def voting_codes_issue(
    *,
    ballot: TriggerBallot,
    actor: Actor = None,
    reissue_all: bool = False,
    approval: CodeReissueRequest | None = None,
    now: dt.datetime | None = None,
) -> list[tuple[RollEntry, str]]:
    """Issue codes to every roll entry without one (or, re-issuing, to everyone yet to vote).

    Returns [(roll entry, plain code)], ONCE: only the keyed hash is stored, so the caller must
    hand the codes on (CSV, email) in the same request. Re-issued codes replace the old ones.
    Re-issuing on an open ballot needs `approval`, a second officer's (code_reissue_approval.py).
    """
    now = now or timezone.now()
    locked = ballot_lock(ballot)
    voting_codes_check_issuable(ballot=locked, now=now)
    if reissue_all:
        voting_codes_check_reissue_all(ballot=locked, approval=approval)
    entries = list(roll_waiting_for_codes(ballot=locked, reissue_all=reissue_all))
    issued = voting_codes_generate(ballot_id=locked.pk, entries=entries, now=now)
    if not reissue_all:
        ballot_audit_record(action="voting_codes_issued", actor=actor, ballot=locked, count=len(issued))
        return issued
    ballot_audit_record(
        action="voting_codes_reissued_all",
        actor=actor,
        ballot=locked,
        count=len(issued),
        request=approval.pk if approval is not None else None,
    )
    voting_codes_reissued_record(
        ballot=locked, actor=actor, members=((entry.membership_number, False) for entry, _ in issued), by_email=False
    )
    return issued


@transaction.atomic
def voting_code_reissue(*, roll_entry: RollEntry, actor: Actor = None, now: dt.datetime | None = None) -> str:
    """A new code for one member (the old one stops working). Refused once they have voted."""
    now = now or timezone.now()
    ballot = ballot_lock(roll_entry.ballot)
    voting_codes_check_issuable(ballot=ballot, now=now)
    entry = RollEntry.objects.select_for_update().get(pk=roll_entry.pk)
    if entry.has_voted:
        raise BallotStateError("This member has already voted: a new code would be of no use.")
    ((_, code),) = voting_codes_generate(ballot_id=ballot.pk, entries=[entry], now=now)
    roll_entry.code_hash, roll_entry.code_issued_at = entry.code_hash, entry.code_issued_at
    ballot_audit_record(
        action="voting_code_reissued", actor=actor, ballot=ballot, membership_number=entry.membership_number
    )
    return code
