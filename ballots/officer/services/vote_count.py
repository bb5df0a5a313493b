"""The count: open a closed ballot's sealed votes with its private key, tally them per ward, leave nothing behind.

The server cannot count alone: the private key was handed to the officer (whole, or in
shares among trustees) when the ballot opened and never stored. `ballot_count` takes it,
checks it is this ballot's key, and in ONE transaction opens every sealed vote, writes one
`WardVoteCount` per ward branch, deletes the sealed votes, and rewrites the receipts and the
roll's voted marks in a random order with fresh keys (the shuffle). Afterwards
`vote_storage_compact` rewrites the tables the votes passed through (`VACUUM FULL` on
PostgreSQL, `VACUUM` on SQLite), so that no dead row version of a vote, a receipt or a voted
mark, nor the transaction id they once shared, survives on disk.

Votes that came on paper or at branch meetings are counted in the same transaction from the
confirmed paper batches (ballots/models/paper.py): one `WardVoteCount` per ward and channel.

Checks that refuse the count rather than give a wrong one: a key that is not this ballot's;
a sealed vote that does not open (altered, or moved from another ballot); a number of sealed
votes different from the number of members who voted online; a paper batch still waiting for
its second officer; a ward whose confirmed batches do not add up to the members marked on the
register for that channel.
"""

import datetime as dt
import logging
import random
from collections import Counter

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Count
from django.utils import timezone

from ballots.models import PAPER_CHANNELS, PaperBatch, RollEntry, SealedVote, TriggerBallot, VoteReceipt, WardVoteCount
from ballots.officer.services.ballot_lifecycle import ballot_close_due
from ballots.officer.services.common import (
    Actor,
    BallotStateError,
    Status,
    actor_user,
    ballot_audit_record,
    ballot_lock,
    ballot_state_copy,
)
from ballots.sealing import SealBroken, VoteOpener, key_fingerprint, public_key_of

logger = logging.getLogger(__name__)

# The tables a vote passes through on its way to the count; all are rewritten after it.
VOTE_TABLES = [model._meta.db_table for model in (SealedVote, VoteReceipt, RollEntry, TriggerBallot)]

LOST_KEY_ADVICE = (
    "If the key is lost, and fewer than two of its shares can be found, nobody can count this ballot: "
    "not the officers, not the site's operators. That is the price of sealing the votes. Void the ballot, "
    "saying why, and run it again with a new key."
)


def _count_refuse(ballot: TriggerBallot, now: dt.datetime) -> None:
    if ballot.status == Status.OPEN and ballot.closes_at <= now and ballot.voided_at is None:
        return  # past its closing time: ballot_count closes it first
    if ballot.voided_at is not None:
        raise BallotStateError("This ballot has been voided: its votes are never counted.")
    if ballot.counted_at is not None:
        raise BallotStateError("This ballot's votes have already been counted.")
    if ballot.status != Status.CLOSED:
        raise BallotStateError("Votes are counted once voting has closed: close the ballot first.")
    if not ballot.seal_public_key:
        raise BallotStateError("This ballot has no sealing key, so there are no sealed votes to count.")


def ballot_count_check(*, ballot: TriggerBallot, now: dt.datetime | None = None) -> None:
    """Raise BallotStateError if `ballot` could not be counted now (whatever the key); writes nothing."""
    _count_refuse(ballot, now or timezone.now())
    paper_totals_check(ballot)


def paper_marks_uncovered(ballot: TriggerBallot) -> dict[tuple[int, str], int]:
    """(ward id, channel) -> members marked on the register for it minus the papers in its entered or
    confirmed batches, wherever that is not zero (two queries)."""
    marked = Counter(
        dict(
            ((ward_id, channel), n)
            for ward_id, channel, n in RollEntry.objects.filter(ballot_id=ballot.pk, vote_channel__in=PAPER_CHANNELS)
            .values_list("ward_id", "vote_channel")
            .annotate(n=Count("*"))
            .order_by()
        )
    )
    batched: Counter[tuple[int, str]] = Counter()
    for ward_id, channel, reselect, open_, spoilt in PaperBatch.objects.filter(
        ballot_id=ballot.pk, state__in=[PaperBatch.State.ENTERED, PaperBatch.State.CONFIRMED]
    ).values_list("ward_id", "channel", "reselect", "open", "spoilt"):
        batched[ward_id, channel] += reselect + open_ + spoilt
    return {key: marked[key] - batched[key] for key in marked.keys() | batched.keys() if marked[key] != batched[key]}


def paper_totals_check(ballot: TriggerBallot) -> None:
    """Raise BallotStateError while a paper batch waits for its second officer, or a ward's marked
    paper or meeting votes are not all in batches."""
    waiting = PaperBatch.objects.filter(ballot_id=ballot.pk, state=PaperBatch.State.ENTERED).count()
    if waiting:
        raise BallotStateError(
            f"{waiting:,} paper {'batch is' if waiting == 1 else 'batches are'} waiting for a second officer "
            "to confirm or reject: every batch is checked before the count."
        )
    uncovered = paper_marks_uncovered(ballot)
    if uncovered:
        missing = sum(n for n in uncovered.values() if n > 0)
        raise BallotStateError(
            f"The paper batches do not yet account for every member marked as voting on paper or at a meeting "
            f"({missing:,} marked {'vote is' if missing == 1 else 'votes are'} in no batch, in "
            f"{len(uncovered):,} {'ward' if len(uncovered) == 1 else 'wards'}). Enter the missing batches first."
        )


def _key_check(ballot: TriggerBallot, private_key: bytes) -> None:
    if public_key_of(private_key) != ballot.seal_public_key:
        raise BallotStateError(
            f"That is not this ballot's key: it is key {key_fingerprint(public_key_of(private_key))}, and this "
            f"ballot's is {key_fingerprint(ballot.seal_public_key)}. Check you have the key, or the shares, "
            "given when this ballot opened."
        )


@transaction.atomic
def ballot_count(
    *, ballot: TriggerBallot, private_key: bytes, actor: Actor = None, now: dt.datetime | None = None
) -> int:
    """Count a closed ballot's sealed votes with its private key; return the number of votes counted.

    An open ballot whose closing time has passed is closed first, as the automatic close would.
    """
    now = now or timezone.now()
    if ballot.status == Status.OPEN:
        ballot_close_due(now=now)
    locked = ballot_lock(ballot)
    _count_refuse(locked, now)
    paper_totals_check(locked)
    _key_check(locked, private_key)
    opener = VoteOpener(private_key=private_key, ballot_id=locked.pk)
    tally: Counter[tuple[int, str]] = Counter()
    sealed_votes = SealedVote.objects.filter(ballot_id=locked.pk).values_list("sealed", flat=True)
    try:
        for sealed in sealed_votes.iterator(chunk_size=2000):
            tally[opener.open(sealed)] += 1
    except SealBroken as broken:
        raise BallotStateError(
            "A sealed vote would not open with this ballot's key: the stored votes have been altered. "
            "Nothing has been counted; report this to the regional office."
        ) from broken
    counted = sum(tally.values())
    voted = (
        RollEntry.objects.filter(ballot_id=locked.pk, has_voted=True).exclude(vote_channel__in=PAPER_CHANNELS).count()
    )
    if counted != voted:
        raise BallotStateError(
            f"There are {counted:,} sealed votes but {voted:,} members are marked as having voted online: the "
            "stored votes have been altered. Nothing has been counted; report this to the regional office."
        )
    wards = sorted({ward_id for ward_id, _choice in tally} | set(_roll_wards(locked)))
    WardVoteCount.objects.bulk_create(
        [
            WardVoteCount(
                ballot_id=locked.pk, ward_id=ward_id, reselect=tally[ward_id, "reselect"], open=tally[ward_id, "open"]
            )
            for ward_id in wards
        ]
        + _paper_ward_counts(locked),
        batch_size=1000,
    )
    SealedVote.objects.filter(ballot_id=locked.pk).delete()
    receipts_shuffle(ballot=locked)
    locked.counted_at = now
    locked.counted_by = actor_user(actor)
    locked.save(update_fields=["counted_at", "counted_by"])
    ballot_audit_record(action="votes_counted", actor=actor, ballot=locked, votes_counted=counted)
    ballot_state_copy(target=ballot, source=locked)
    transaction.on_commit(vote_storage_compact)
    return counted


def _paper_ward_counts(ballot: TriggerBallot) -> list[WardVoteCount]:
    """One WardVoteCount per ward and paper channel, summed from the confirmed batches."""
    sums: dict[tuple[int, str], list[int]] = {}
    for ward_id, channel, reselect, open_, spoilt in PaperBatch.objects.filter(
        ballot_id=ballot.pk, state=PaperBatch.State.CONFIRMED
    ).values_list("ward_id", "channel", "reselect", "open", "spoilt"):
        figures = sums.setdefault((ward_id, channel), [0, 0, 0])
        figures[0] += reselect
        figures[1] += open_
        figures[2] += spoilt
    return [
        WardVoteCount(ballot_id=ballot.pk, ward_id=ward_id, channel=channel, reselect=r, open=o, spoilt=sp)
        for (ward_id, channel), (r, o, sp) in sorted(sums.items())
    ]


def _roll_wards(ballot: TriggerBallot) -> list[int]:
    return list(RollEntry.objects.filter(ballot_id=ballot.pk).values_list("ward_id", flat=True).distinct().order_by())


def receipts_shuffle(*, ballot: TriggerBallot) -> int:
    """Rewrite a ballot's receipts and voted marks so no storage detail links them to a voter.

    A vote, its receipt and the voter's voted mark were written in one transaction: on
    PostgreSQL the rows share a transaction id (the hidden `xmin`), and on both engines the
    physical order of the receipts follows the order of voting. This deletes the receipts and
    inserts them again in a random order with fresh random keys, and rewrites every voted
    mark, in the count's transaction: afterwards every such row carries the same transaction
    id and no order. Returns the number of receipts rewritten.
    """
    receipts = list(VoteReceipt.objects.filter(ballot_id=ballot.pk).values_list("receipt_hash", flat=True))
    random.SystemRandom().shuffle(receipts)
    VoteReceipt.objects.filter(ballot_id=ballot.pk).delete()
    VoteReceipt.objects.bulk_create(
        [VoteReceipt(ballot_id=ballot.pk, receipt_hash=value) for value in receipts], batch_size=1000
    )
    RollEntry.objects.filter(ballot_id=ballot.pk, has_voted=True).update(has_voted=True)
    return len(receipts)


def vote_storage_compact() -> bool:
    """Rewrite the vote tables so no dead row version survives; True when done. Never raises.

    Runs after the count's transaction has committed (VACUUM cannot run inside one). On
    PostgreSQL, `VACUUM FULL` must keep a dead version that a transaction still running might
    see (a long report, a `pg_dump` begun before the count): so after it, each table's tuple
    count as rewritten (`pg_class.reltuples`, exact after `VACUUM FULL`) is compared with its
    live rows, and while any were kept the ballots stay pending. If it fails or keeps any, the
    `close_due_ballots` command runs it again: until then the dead versions are only readable
    by someone with the database files, and the sealed ones only with the key.
    """
    if connection.in_atomic_block:
        return False
    pending = list(
        TriggerBallot.objects.filter(counted_at__isnull=False, votes_compacted_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                kept = [table for table in VOTE_TABLES if _dead_versions_kept(cursor, table)]
            else:
                cursor.execute("VACUUM")
                kept = []
    except Exception:
        logger.exception("Rewriting the vote tables after a count failed; close_due_ballots will try again.")
        return False
    if kept:
        logger.warning(
            "Rewriting the vote tables after a count kept old row versions of %s, still visible to a running "
            "transaction; close_due_ballots will rewrite them again.",
            ", ".join(kept),
        )
        return False
    TriggerBallot.objects.filter(pk__in=pending).update(votes_compacted_at=timezone.now())
    return True


def _dead_versions_kept(cursor: CursorWrapper, table: str) -> bool:
    """VACUUM FULL `table`; whether it had to keep row versions that are no longer live."""
    cursor.execute(f'VACUUM FULL "{table}"')  # noqa: S608 - table names from the models
    cursor.execute(
        f'SELECT (SELECT reltuples FROM pg_class WHERE oid = %s::regclass), count(*) FROM "{table}"', [table]
    )  # noqa: S608
    rewritten, live = cursor.fetchone()
    return bool(rewritten > live)


def vote_storage_compact_pending() -> bool:
    """Whether a counted ballot's vote tables still wait to be rewritten (a compaction failed or was cut off)."""
    return TriggerBallot.objects.filter(counted_at__isnull=False, votes_compacted_at__isnull=True).exists()
