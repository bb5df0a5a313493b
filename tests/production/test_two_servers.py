"""Two app servers, one database: a ballot paper sent to both at once counts once (in the
sealed votes and in the count made with the ballot's key), and the rate limit counts failed
attempts made on either server.

Runs real gunicorn processes against the PostgreSQL test database (skips on SQLite, saying why).
"""

import threading

import pytest

from ballots.models import RollEntry, SealedVote, VoteReceipt, WardVoteCount
from ballots.officer.services import ballot_close, ballot_open, voting_codes_issue
from bench.voter_client import Voter
from tests.factories import (
    BALLOT_PUBLIC_KEY,
    MemberFactory,
    TriggerBallotFactory,
    WardFactory,
    ballot_count_with_key,
)
from tests.production.conftest import requires_postgresql

pytestmark = [requires_postgresql, pytest.mark.django_db(transaction=True)]

ROUNDS = 12


@pytest.fixture
def open_ballot_with_codes(constituency):
    ward = WardFactory(constituency=constituency, name="Barton")
    MemberFactory.create_batch(ROUNDS + 2, ward=ward)
    ballot = TriggerBallotFactory(constituency=constituency)
    ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=ballot)
    codes = {entry.membership_number: code for entry, code in voting_codes_issue(ballot=ballot)}
    return ballot, codes


def cast_together(tabs, confirmations, choice):
    """Press "Cast my vote" in every tab at the same moment; return the replies in tab order."""
    start = threading.Barrier(len(tabs))
    replies = [None] * len(tabs)

    def cast(index):
        start.wait()
        replies[index] = tabs[index].cast(confirmations[index], choice)

    threads = [threading.Thread(target=cast, args=(index,)) for index in range(len(tabs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return replies


def test_the_same_ballot_paper_sent_to_two_servers_at_once_counts_once(two_servers, open_ballot_with_codes):
    ballot, codes = open_ballot_with_codes
    numbers = sorted(codes)[:ROUNDS]
    outcomes = []
    for round_number, number in enumerate(numbers):
        choice = "keep" if round_number % 3 == 0 else "open"
        # The member has the paper open in two tabs, one on each server, and presses "Cast my vote" in both.
        tabs = [Voter(server.url) for server in two_servers]
        confirmations = []
        for tab in tabs:
            paper = tab.sign_in(ballot_id=ballot.pk, membership_number=number, code=codes[number])
            assert paper.status == 200
            assert paper.is_paper
            confirmation = tab.choose(paper, choice)
            assert confirmation.status == 200
            assert confirmation.offers_cast
            confirmations.append(confirmation)
        replies = cast_together(tabs, confirmations, choice)
        receipts = [reply.receipt for reply in replies if reply.receipt]
        refusals = [reply for reply in replies if not reply.receipt]
        assert len(receipts) == 1, [reply.status for reply in replies]
        assert refusals[0].status == 409
        assert "already voted" in refusals[0].body
        outcomes.append(receipts[0])

    assert SealedVote.objects.filter(ballot=ballot).count() == ROUNDS
    assert RollEntry.objects.filter(ballot=ballot, has_voted=True).count() == ROUNDS
    assert VoteReceipt.objects.filter(ballot=ballot).count() == ROUNDS
    assert len(set(outcomes)) == ROUNDS
    # Counted with the ballot's key, each member's one vote is there, as they chose it.
    ballot_close(ballot=ballot)
    assert ballot_count_with_key(ballot) == ROUNDS
    assert list(WardVoteCount.objects.filter(ballot=ballot).values_list("reselect", "open")) == [
        (ROUNDS // 3, ROUNDS - ROUNDS // 3)
    ]
    assert SealedVote.objects.filter(ballot=ballot).count() == 0


def test_the_rate_limit_counts_failures_made_on_both_servers(two_servers, open_ballot_with_codes, settings):
    ballot, codes = open_ballot_with_codes
    number = sorted(codes)[-1]
    limit = settings.VOTE_RATE_LIMIT
    first, second = two_servers
    for attempt in range(limit):
        server = first if attempt % 2 == 0 else second
        reply = Voter(server.url).sign_in(ballot_id=ballot.pk, membership_number=number, code="WRONG-CODE-0000-0000")
        assert "could not match" in reply.body, reply.body[:500]
    # Both servers now refuse even the right code: half the failures were seen by each.
    for server in two_servers:
        reply = Voter(server.url).sign_in(ballot_id=ballot.pk, membership_number=number, code=codes[number])
        assert "Too many attempts. You can try again after" in reply.body
        assert reply.status == 429
        assert not reply.is_paper
    assert not RollEntry.objects.get(ballot=ballot, membership_number=number).has_voted
    assert SealedVote.objects.filter(ballot=ballot).count() == 0


def test_a_ballot_paper_with_an_altered_token_gets_the_sites_own_page_under_production_settings(
    two_servers, open_ballot_with_codes
):
    ballot, codes = open_ballot_with_codes
    number = sorted(codes)[0]
    voter = Voter(two_servers[0].url)
    paper = voter.sign_in(ballot_id=ballot.pk, membership_number=number, code=codes[number])
    altered = voter.submit("/vote/confirm/", {"token": paper.token[:-4] + "AAAA", "choice": "open", "cast": "1"})
    assert altered.status == 400
    assert "We could not read your ballot paper" in altered.body
    assert "<h1>Bad Request (400)</h1>" not in altered.body
    assert not RollEntry.objects.get(ballot=ballot, membership_number=number).has_voted
