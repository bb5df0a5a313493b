"""Once only under concurrency, on PostgreSQL: the same ballot paper fired from many threads at the
same instant counts once, many members at once give exactly as many votes as voted marks, and a
ballot closed while votes are in flight takes no vote after the close.

Each thread has its own database connection (Django's connections are per thread), as two app
servers would. SQLite serialises every writer on one file lock, so it cannot show these races:
the module skips there and runs in CI's PostgreSQL pass.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from ballots.models import RollEntry, SealedVote, TriggerBallot, VoteReceipt
from ballots.voting.services import VoteRefused, vote_cast
from tests.factories import ConstituencyFactory, open_ballot_with_voters

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Concurrent writers need PostgreSQL: SQLite serialises all writes, so these races cannot occur "
        "there. Run with DATABASE_URL=postgres://... (CI does).",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 8


def cast_in_own_connection(ballot, voter, choice, barrier=None):
    """vote_cast from a worker thread; 'ok' or the refusal reason."""
    try:
        if barrier is not None:
            barrier.wait(timeout=30)
        vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice=choice)
        return "ok"
    except VoteRefused as refusal:
        return refusal.reason
    finally:
        connections.close_all()


def test_one_ballot_paper_submitted_from_many_threads_at_once_counts_exactly_once_every_time():
    constituency = ConstituencyFactory()
    rounds = 25
    ballot, voters = open_ballot_with_voters(constituency, voters=rounds)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for voter in voters:
            barrier = threading.Barrier(THREADS)
            outcomes = list(
                pool.map(
                    lambda i, v=voter, b=barrier: cast_in_own_connection(ballot, v, "open" if i % 2 else "reselect", b),
                    range(THREADS),
                )
            )
            assert sorted(outcomes) == ["already_voted"] * (THREADS - 1) + ["ok"]

    assert SealedVote.objects.filter(ballot=ballot).count() == rounds
    assert VoteReceipt.objects.filter(ballot=ballot).count() == rounds
    assert RollEntry.objects.filter(ballot=ballot, has_voted=True).count() == rounds


def test_many_members_voting_at_once_leave_as_many_votes_as_roll_entries_marked_voted():
    constituency = ConstituencyFactory()
    ballot, voters = open_ballot_with_voters(constituency, voters=120)
    # Every member once, and every fourth member a second time from another "server".
    submissions = [(voter, "open" if i % 3 else "reselect") for i, voter in enumerate(voters)]
    submissions += [(voter, "open") for voter in voters[::4]]
    barrier = threading.Barrier(THREADS)

    def worker(offset):
        barrier.wait(timeout=30)
        try:
            return [cast_one(voter, choice) for voter, choice in submissions[offset::THREADS]]
        finally:
            connections.close_all()

    def cast_one(voter, choice):
        try:
            vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice=choice)
            return "ok"
        except VoteRefused as refusal:
            return refusal.reason

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = [outcome for chunk in pool.map(worker, range(THREADS)) for outcome in chunk]

    voted = RollEntry.objects.filter(ballot=ballot, has_voted=True).count()
    assert outcomes.count("ok") == len(voters) == voted
    assert outcomes.count("already_voted") == len(voters[::4])
    assert SealedVote.objects.filter(ballot=ballot).count() == voted
    assert VoteReceipt.objects.filter(ballot=ballot).count() == voted


def test_a_vote_in_flight_when_the_ballot_is_closed_waits_and_is_refused_after_the_close():
    constituency = ConstituencyFactory()
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    closing = threading.Event()
    committing = threading.Event()
    result = {}

    def close_slowly():
        from django.db import transaction

        try:
            with transaction.atomic():
                TriggerBallot.objects.filter(pk=ballot.pk).update(status=TriggerBallot.Status.CLOSED)
                closing.set()
                time.sleep(0.5)  # the vote below starts while the close is uncommitted
                committing.set()  # the last step before the commit
        finally:
            connections.close_all()

    def vote():
        closing.wait(timeout=10)
        result["outcome"] = cast_in_own_connection(ballot, voter, "open")
        # A vote that slipped in beside the uncommitted close would be back before this is set.
        result["returned_after_the_close"] = committing.is_set()

    threads = [threading.Thread(target=close_slowly), threading.Thread(target=vote)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert result["outcome"] == "closed"
    assert result["returned_after_the_close"]  # it waited for the close to commit
    assert not SealedVote.objects.filter(ballot=ballot).exists()
