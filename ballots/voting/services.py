"""Members voting: checking credentials, casting a secret vote once, checking a receipt.

How secrecy and once-only are guaranteed is written up for a sceptical reader in
docs/voting.md. In short:

* `vote_cast` writes atomically: it re-reads the ballot's state (locking the ballot row
  FOR SHARE on PostgreSQL, so an officer closing the ballot waits for votes in flight and no
  vote lands after the close commits), matches the code in constant time, flips the roll
  entry's `has_voted` with a conditional UPDATE (`... WHERE NOT has_voted`: of two
  submissions racing, the database lets exactly one update the row), then writes the
  `SealedVote` (the ballot, and the ward and choice sealed to the ballot's public key, which
  nobody on the server can open: ballots/sealing/) and the `VoteReceipt` (a keyed hash of a
  random receipt code). On PostgreSQL the state check under its lock, the code's check against
  its stored hash, the guard and both inserts are ONE statement (a data-modifying WITH),
  atomic by itself: with the `RollPlace` the credential check found (the voting pages carry
  it in their sealed token), a vote costs one round trip and no explicit transaction; without
  it, one read finds it first. On SQLite the same steps run in one transaction. Any refusal
  raises, and nothing is written: no half-written vote.
* Nothing here logs the code, the membership number with a choice, or anything else that
  would tie a voter to a vote.
* A vote refused because the closing time has passed says so (`closing_time_passed`); the
  caller then closes the due ballots with `ballots_close_due_after_refusal`, after the
  refusal has been given, so closing never holds up or replaces it.
"""

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ballots.codes import code_normalise, receipt_code_generate, receipt_hash, voting_code_hash, voting_code_matches
from ballots.models import Choice, RollEntry, SealedVote, TriggerBallot, VoteChannel, VoteReceipt
from ballots.officer.services import ballot_close_due
from ballots.sealing import vote_seal
from ballots.state import VOTING_OPEN, ballot_voting_state
from ballots.voting.tokens import RollPlace
from members.membership_numbers import membership_number_lookup_values

MESSAGES = {
    "not_open_yet": _("Voting in this ballot has not opened yet. Come back when it opens."),
    "closed": _("Voting in this ballot has closed. No more votes can be cast."),
    "unknown_or_wrong": _("We could not match that membership number and voting code. Check both and try again."),
    "already_voted": _(
        "This membership number has already voted in this ballot. Your vote was counted; each member votes once."
    ),
    "bad_choice": _("Choose one of the two options on the ballot paper."),
    "not_online": _(
        "This ballot is not taking votes online. Your local party will tell you how to vote: "
        "by post, on paper, or at a branch meeting."
    ),
}

# Hashed when no roll entry matches, so a stranger cannot time the difference between
# "not on the roll" and "wrong code".
_DUMMY_HASH = "0" * 64

logger = logging.getLogger(__name__)


class VoteRefused(Exception):
    """A vote (or a credential check) refused, with words fit to show the person voting.

    `closing_time_passed` is true when the refusal is because an open ballot's closing time
    has passed, i.e. the ballot is due to be closed (see ballots_close_due_after_refusal).
    """

    def __init__(self, reason: str, message: str | None = None, *, closing_time_passed: bool = False):
        self.reason = reason
        self.message = message or MESSAGES[reason]
        self.closing_time_passed = closing_time_passed
        super().__init__(self.message)


@dataclass(frozen=True)
class VoteCastResult:
    receipt_code: str


def ballots_open_for_voting(now=None):
    """Ballots a member can vote in right now, by constituency name."""
    now = now or timezone.now()
    return (
        TriggerBallot.objects.filter(status=TriggerBallot.Status.OPEN, opens_at__lte=now, closes_at__gt=now)
        .select_related("constituency")
        .order_by("constituency__name", "pk")
    )


def _state_refusal(ballot, now):
    state = ballot_voting_state(ballot, now)
    if state != VOTING_OPEN:
        due = ballot.status == TriggerBallot.Status.OPEN and now >= ballot.closes_at
        raise VoteRefused(state if state in MESSAGES else "closed", closing_time_passed=due)
    if not ballot.online_voting:
        raise VoteRefused("not_online")


def ballots_close_due_after_refusal(*, refusal: VoteRefused) -> int:
    """Close every ballot past its closing time, when `refusal` found one; never raises.

    Call it after the refusal has been given (the voting pages do so once the refusal page
    has been sent), outside the refused vote's transaction. The `close_due_ballots` command
    closes due ballots too, so a failure here (the ballot locked by an officer closing it at
    the same moment, say) is logged and left to it: the member's refusal stands either way.
    Returns how many ballots were closed.
    """
    if not refusal.closing_time_passed:
        return 0
    try:
        return ballot_close_due()
    except Exception:
        logger.exception("Closing due ballots after a late vote failed; close_due_ballots will close them.")
        return 0


class _EntryFound(NamedTuple):
    pk: int
    ward_id: int
    code_hash: str
    has_voted: bool


def _roll_entry_matching(*, ballot_id: int, membership_number: str, code: str) -> _EntryFound:
    """The roll entry whose number and code match, or VoteRefused('unknown_or_wrong').

    Every sign-in step asks this, so it is one plain statement through a cursor rather than an
    ORM query (whose building cost more than the read itself: bench/vote_load.py)."""
    values = membership_number_lookup_values(membership_number)
    # As typed or canonical, the number as typed preferred: both use the (ballot, number) unique index.
    query = (
        f'SELECT id, ward_id, code_hash, has_voted FROM "{RollEntry._meta.db_table}"'  # noqa: S608 - names from the model
        f" WHERE ballot_id = %s AND membership_number IN ({', '.join(['%s'] * len(values))})"
        " ORDER BY CASE WHEN membership_number = %s THEN 0 ELSE 1 END LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [ballot_id, *values, values[0]])
        row = cursor.fetchone()
    entry = _EntryFound(row[0], row[1], row[2], bool(row[3])) if row else None
    if entry is None:
        # Same work as a real check, so the answer takes as long either way.
        voting_code_matches(ballot_id=ballot_id, code=code, code_hash=_DUMMY_HASH)
        raise VoteRefused("unknown_or_wrong")
    if not voting_code_matches(ballot_id=ballot_id, code=code, code_hash=entry.code_hash):
        raise VoteRefused("unknown_or_wrong")
    return entry


def vote_credentials_check(
    *, ballot: TriggerBallot, membership_number: str, code: str, now: dt.datetime | None = None
) -> RollPlace:
    """Check, without writing anything, that this member may vote now; raise VoteRefused if not.

    Returns where the member's vote would go, for `vote_cast`.

    Order matters for what a stranger can learn: the ballot's state is public; whether a number
    is on the roll is not, so "already voted" is only said once the code has matched.
    """
    now = now or timezone.now()
    _state_refusal(ballot, now)
    entry = _roll_entry_matching(ballot_id=ballot.pk, membership_number=membership_number, code=code)
    if entry.has_voted:
        raise VoteRefused("already_voted")
    return RollPlace(roll_entry_id=entry.pk, ward_id=entry.ward_id, seal_public_key=ballot.seal_public_key)


def _ballot_for_casting(ballot_id):
    """The ballot re-read inside the vote's transaction (SQLite: one writer at a time anyway)."""
    return TriggerBallot.objects.only("id", "status", "opens_at", "closes_at", "online_voting", "seal_public_key").get(
        pk=ballot_id
    )


def vote_cast(
    *,
    ballot: TriggerBallot,
    membership_number: str,
    code: str,
    choice: str,
    now: dt.datetime | None = None,
    place: RollPlace | None = None,
) -> VoteCastResult:
    """Cast one member's secret vote, once. Raise VoteRefused (and write nothing) if it cannot be cast.

    Atomically: re-read the ballot's state, match the code, flip the roll entry's `has_voted`
    with a conditional UPDATE (the once-only guard), write the sealed vote and the receipt.
    `place` is what `vote_credentials_check` returned for these credentials, if at hand; it is
    trusted only as far as the write confirms it (see _cast_postgresql). On PostgreSQL the
    cast is one statement given `place`, two without.
    """
    if choice not in Choice.values:
        raise VoteRefused("bad_choice")
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        return _cast_postgresql(
            ballot_id=ballot.pk, membership_number=membership_number, code=code, choice=choice, now=now, place=place
        )
    return _cast_in_one_transaction(
        ballot_id=ballot.pk, membership_number=membership_number, code=code, choice=choice, now=now, place=place
    )


@transaction.atomic
def _cast_in_one_transaction(
    *, ballot_id: int, membership_number: str, code: str, choice: str, now: dt.datetime, place: RollPlace | None
) -> VoteCastResult:
    """The cast through the ORM, in one transaction (SQLite serialises writers, so no lock is needed)."""
    ballot = TriggerBallot(pk=ballot_id)
    current = _ballot_for_casting(ballot.pk)
    _state_refusal(current, now)
    entry = _roll_entry_matching(ballot_id=ballot.pk, membership_number=membership_number, code=code)
    # As the PostgreSQL statement does: a place from an earlier check must still be the member's.
    if place is not None and place != RollPlace(
        roll_entry_id=entry.pk, ward_id=entry.ward_id, seal_public_key=current.seal_public_key
    ):
        raise VoteRefused("unknown_or_wrong")
    # The once-only guard: of any number of concurrent submissions, exactly one flips the flag.
    if not RollEntry.objects.filter(pk=entry.pk, has_voted=False).update(
        has_voted=True, vote_channel=VoteChannel.ONLINE
    ):
        raise VoteRefused("already_voted")
    sealed = vote_seal(public_key=current.seal_public_key, ballot_id=ballot.pk, ward_id=entry.ward_id, choice=choice)
    SealedVote.objects.create(ballot_id=ballot.pk, sealed=sealed)
    receipt = receipt_code_generate()
    VoteReceipt.objects.create(ballot_id=ballot.pk, receipt_hash=receipt_hash(ballot_id=ballot.pk, receipt=receipt))
    return VoteCastResult(receipt_code=receipt)


_BALLOT = TriggerBallot._meta.db_table
_ROLL = RollEntry._meta.db_table
_VOTE = SealedVote._meta.db_table
_RECEIPT = VoteReceipt._meta.db_table

# 1. Only when the caller has no RollPlace: the ballot's public key and the roll entry, in one
#    round trip, with no lock: enough to check the code and seal the vote. The ballot's state
#    is checked again, under its lock, by the write.
_READ = f"""
    SELECT b.status, b.opens_at, b.closes_at, b.online_voting, b.seal_public_key, r.id, r.ward_id, r.code_hash
    FROM "{_BALLOT}" b
    LEFT JOIN "{_ROLL}" r ON r.ballot_id = b.id AND r.membership_number = ANY(%s)
    WHERE b.id = %s
    ORDER BY r.membership_number = %s DESC
"""  # noqa: S608 - table names from the models, values as parameters

# 2. Every check that matters and every write as ONE statement, atomic by itself (autocommit:
#    no BEGIN or COMMIT round trip). The place (entry, ward, key) came from a check made
#    earlier, so the statement confirms all of it as it stands now: the entry is the ballot's,
#    in that ward, its code's hash is that of the code given (so a code replaced since, by a
#    resend or a reminder, casts nothing), and the ballot is sealed to that key.
#    `open_ballot` re-reads the ballot's state and locks its row FOR SHARE: any number of votes
#    proceed side by side, but closing the ballot (an UPDATE of that row) waits until the votes
#    in flight are written, and a vote whose statement starts after the close committed finds it
#    closed and writes nothing: no vote lands after the close. The UPDATE flips has_voted only if
#    it was false (of concurrent submissions, PostgreSQL lets exactly one do so; the others wait
#    for its row lock, re-check the condition and match nothing), and the sealed vote and the
#    receipt are inserted only from the row it returned. No row back: nothing written, and
#    _cast_refusal says why.
_WRITE = f"""
    WITH open_ballot AS (
        SELECT id FROM "{_BALLOT}"
        WHERE id = %(ballot)s AND status = 'open' AND opens_at <= %(now)s AND closes_at > %(now)s
          AND online_voting AND seal_public_key = %(public_key)s
        FOR SHARE
    ), marked AS (
        UPDATE "{_ROLL}" SET has_voted = true, vote_channel = 'online'
        WHERE id = %(entry)s AND ballot_id = %(ballot)s AND ward_id = %(ward)s AND code_hash = %(code_hash)s
          AND NOT has_voted AND EXISTS (SELECT 1 FROM open_ballot)
        RETURNING id
    ), vote AS (
        INSERT INTO "{_VOTE}" (id, ballot_id, sealed) SELECT %(vote_id)s, %(ballot)s, %(sealed)s FROM marked
    )
    INSERT INTO "{_RECEIPT}" (id, ballot_id, receipt_hash)
    SELECT %(receipt_id)s, %(ballot)s, %(receipt_hash)s FROM marked
    RETURNING 1
"""  # noqa: S608


def _place_read(*, cursor: Any, ballot_id: int, membership_number: str, code: str, now: dt.datetime) -> RollPlace:
    """The member's RollPlace, found with one read; VoteRefused if the ballot or the credentials refuse."""
    values = membership_number_lookup_values(membership_number)
    # values[0] is the number as typed: an exact match is preferred (as _roll_entry_matching's).
    cursor.execute(_READ, [values, ballot_id, values[0]])
    row = cursor.fetchone()
    if row is None:
        raise VoteRefused("unknown_or_wrong")
    status, opens_at, closes_at, online_voting, public_key, entry_id, ward_id, code_hash = row
    _state_refusal(
        TriggerBallot(pk=ballot_id, status=status, opens_at=opens_at, closes_at=closes_at, online_voting=online_voting),
        now,
    )
    if not voting_code_matches(ballot_id=ballot_id, code=code, code_hash=code_hash or _DUMMY_HASH) or not entry_id:
        raise VoteRefused("unknown_or_wrong")
    return RollPlace(roll_entry_id=entry_id, ward_id=ward_id, seal_public_key=public_key)


def _cast_postgresql(
    *, ballot_id: int, membership_number: str, code: str, choice: str, now: dt.datetime, place: RollPlace | None
) -> VoteCastResult:
    with connection.cursor() as cursor:
        if place is None:
            place = _place_read(
                cursor=cursor, ballot_id=ballot_id, membership_number=membership_number, code=code, now=now
            )
        code_hash = voting_code_hash(ballot_id=ballot_id, code=code)
        receipt = receipt_code_generate()
        sealed = vote_seal(public_key=place.seal_public_key, ballot_id=ballot_id, ward_id=place.ward_id, choice=choice)
        cursor.execute(
            _WRITE,
            {
                "ballot": ballot_id,
                "now": now,
                "public_key": place.seal_public_key,
                "entry": place.roll_entry_id,
                "ward": place.ward_id,
                "code_hash": code_hash,
                "vote_id": uuid.uuid4(),
                "sealed": sealed,
                "receipt_id": uuid.uuid4(),
                "receipt_hash": receipt_hash(ballot_id=ballot_id, receipt=receipt),
            },
        )
        if cursor.fetchone() is None:
            raise _cast_refusal(ballot_id, now, place=place, code_hash=code_hash)
    return VoteCastResult(receipt_code=receipt)


# Only when the write wrote nothing: the ballot as it is now, and the roll entry the place names.
_WHY = f"""
    SELECT b.status, b.opens_at, b.closes_at, b.online_voting, b.seal_public_key, r.code_hash
    FROM "{_BALLOT}" b
    LEFT JOIN "{_ROLL}" r ON r.id = %s AND r.ballot_id = b.id AND r.ward_id = %s
    WHERE b.id = %s
"""  # noqa: S608


def _cast_refusal(ballot_id: int, now: dt.datetime, *, place: RollPlace, code_hash: str) -> VoteRefused:
    """Why the write found nothing to write: the ballot closed, was voided or was sealed to another
    key since the check; the code was replaced; or the member has voted. One read: a replayed
    cast is refused here, so it should cost little more than a vote."""
    with connection.cursor() as cursor:
        cursor.execute(_WHY, [place.roll_entry_id, place.ward_id, ballot_id])
        row = cursor.fetchone()
    if row is None:
        return VoteRefused("unknown_or_wrong")
    status, opens_at, closes_at, online_voting, public_key, entry_code_hash = row
    try:
        _state_refusal(
            TriggerBallot(
                pk=ballot_id, status=status, opens_at=opens_at, closes_at=closes_at, online_voting=online_voting
            ),
            now,
        )
    except VoteRefused as refusal:
        return refusal
    if entry_code_hash is None or public_key != place.seal_public_key or entry_code_hash != code_hash:
        return VoteRefused("unknown_or_wrong")
    return VoteRefused("already_voted")


def receipt_check(*, ballot: TriggerBallot, receipt_code: str) -> bool:
    """Whether a vote with this receipt code was recorded in the ballot. Never says which way it went."""
    if not code_normalise(receipt_code):
        return False
    return VoteReceipt.objects.filter(
        ballot_id=ballot.pk, receipt_hash=receipt_hash(ballot_id=ballot.pk, receipt=receipt_code)
    ).exists()


__all__ = [
    "MESSAGES",
    "VoteCastResult",
    "VoteRefused",
    "ballots_close_due_after_refusal",
    "ballots_open_for_voting",
    "receipt_check",
    "vote_cast",
    "vote_credentials_check",
]
