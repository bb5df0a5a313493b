"""The mark and the online vote race, on PostgreSQL: an officer marking a member at the very moment the
member votes online leaves exactly one of the two, every time; and a mark in flight when the ballot is
closed waits for the close and is refused.

Each thread has its own database connection (Django's are per thread), as two app servers would.
SQLite serialises every writer on one file lock, so it cannot show these races: the module skips
there and runs in CI's PostgreSQL pass (as tests/ballots/voting/test_vote_concurrency.py does).
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction

from ballots.models import RollEntry, SealedVote, TriggerBallot, VoteReceipt
from ballots.officer.services import BallotStateError
from ballots.officer.services.marked_register import vote_mark
from ballots.voting.services import VoteRefused, vote_cast
from members.models import AuditEvent
from tests.factories import ConstituencyFactory, OfficerFactory, open_ballot_with_voters

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Concurrent writers need PostgreSQL: SQLite serialises all writes, so these races cannot occur "
        "there. Run with DATABASE_URL=postgres://... (CI does).",
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 20


def in_own_connection(work, barrier=None):
    """Run `work` in this worker thread's own connection: 'marked', 'voted', or the refusal."""
    try:
        if barrier is not None:
            barrier.wait(timeout=30)
        return work()
    except VoteRefused as refusal:
        return f"vote refused: {refusal.reason}"
    except BallotStateError as error:
        return f"mark refused: {error}"
    finally:
        connections.close_all()


def test_a_mark_and_an_online_vote_for_the_same_member_at_once_leave_exactly_one_every_time():
    constituency = ConstituencyFactory()
    officer = OfficerFactory(constituencies=[constituency])
    ballot, voters = open_ballot_with_voters(constituency, voters=ROUNDS, paper_voting=True)
    winners = {"marked": 0, "voted": 0}

    def mark(voter):
        vote_mark(ballot=ballot, entry_id=voter.entry.pk, channel="paper", actor=officer, session_key="s")
        return "marked"

    def vote(voter):
        vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open")
        return "voted"

    with ThreadPoolExecutor(max_workers=2) as pool:
        for voter in voters:
            barrier = threading.Barrier(2)
            marking = pool.submit(in_own_connection, lambda v=voter: mark(v), barrier)
            voting = pool.submit(in_own_connection, lambda v=voter: vote(v), barrier)
            outcomes = {marking.result(timeout=60), voting.result(timeout=60)}
            won = outcomes & {"marked", "voted"}
            assert len(won) == 1, outcomes
            loser = (outcomes - won).pop()
            assert loser in ("vote refused: already_voted", f"mark refused: {mark_refusal(voter)}"), outcomes
            winners[won.pop()] += 1
            entry = RollEntry.objects.get(pk=voter.entry.pk)
            assert entry.has_voted
            assert entry.vote_channel == ("paper" if "marked" in outcomes else "online")

    # Every member voted exactly once, by one channel or the other; the sealed votes and receipts
    # are exactly the online winners', and the audit log has exactly the marks that won.
    assert sum(winners.values()) == ROUNDS
    assert RollEntry.objects.filter(ballot=ballot, has_voted=True).count() == ROUNDS
    assert SealedVote.objects.filter(ballot=ballot).count() == winners["voted"]
    assert VoteReceipt.objects.filter(ballot=ballot).count() == winners["voted"]
    assert RollEntry.objects.filter(ballot=ballot, vote_channel="paper").count() == winners["marked"]
    assert AuditEvent.objects.filter(action="vote_marked").count() == winners["marked"]


def mark_refusal(voter):
    member = voter.entry.member
    return f"{member.full_name} ({voter.membership_number}) has already voted online: each member votes once."


def test_a_mark_in_flight_when_the_ballot_is_closed_waits_and_is_refused_after_the_close():
    constituency = ConstituencyFactory()
    officer = OfficerFactory(constituencies=[constituency])
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1, paper_voting=True)
    closing = threading.Event()
    committing = threading.Event()
    result = {}

    def close_slowly():
        try:
            with transaction.atomic():
                TriggerBallot.objects.filter(pk=ballot.pk).update(status=TriggerBallot.Status.CLOSED)
                closing.set()
                time.sleep(0.5)  # the mark below starts while the close is uncommitted
                committing.set()  # the last step before the commit
        finally:
            connections.close_all()

    def mark():
        closing.wait(timeout=10)
        result["outcome"] = in_own_connection(
            lambda: vote_mark(ballot=ballot, entry_id=voter.entry.pk, channel="paper", actor=officer, session_key="s")
        )
        # A mark that slipped in beside the uncommitted close would be back before this is set.
        result["returned_after_the_close"] = committing.is_set()

    threads = [threading.Thread(target=close_slowly), threading.Thread(target=mark)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert result["outcome"] == "mark refused: Voting in this ballot has closed: no more votes can be marked."
    assert result["returned_after_the_close"]  # it waited for the close to commit
    assert not RollEntry.objects.get(pk=voter.entry.pk).has_voted
