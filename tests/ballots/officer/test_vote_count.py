"""The count: sealed votes opened with the ballot's key, tallied per ward, receipts shuffled, nothing left behind."""

import time
from collections import Counter

import pytest
from django.db import connection

from ballots.models import RollEntry, SealedVote, TriggerBallot, VoteReceipt, WardVoteCount
from ballots.officer import services
from ballots.officer.services import BallotStateError, ballot_count, vote_storage_compact
from ballots.sealing import SEALED_LENGTH, ballot_key_generate, key_recover, key_share_texts, public_key_of
from ballots.voting.services import receipt_check, vote_cast
from members.models import AuditEvent
from tests.factories import (
    BALLOT_KEY,
    ConstituencyFactory,
    WardFactory,
    ballot_count_with_key,
    make_ballot_with_votes,
    open_ballot_with_voters,
)


def _cast_all(ballot, voters, choices):
    return [
        vote_cast(ballot=ballot, membership_number=v.membership_number, code=v.code, choice=choice).receipt_code
        for v, choice in zip(voters, choices, strict=True)
    ]


def _closed_with_votes(constituency, choices, wards=None):
    ballot, voters = open_ballot_with_voters(constituency, voters=len(choices), wards=wards)
    receipts = _cast_all(ballot, voters, choices)
    services.ballot_close(ballot=ballot)
    return ballot, voters, receipts


def test_counting_with_the_key_tallies_each_ward_exactly_and_deletes_the_sealed_votes(constituency):
    wards = [WardFactory(constituency=constituency, name=name) for name in ("Barton", "Northgate")]
    # open_ballot_with_voters alternates wards: voters 0, 2, 4 in Barton; 1, 3 in Northgate.
    choices = ["reselect", "open", "open", "open", "reselect"]
    ballot, _voters, _receipts = _closed_with_votes(constituency, choices, wards=wards)

    assert ballot_count_with_key(ballot) == 5

    counts = {c.ward.name: (c.reselect, c.open) for c in WardVoteCount.objects.filter(ballot=ballot)}
    assert counts == {"Barton": (2, 1), "Northgate": (0, 2)}
    assert not SealedVote.objects.filter(ballot=ballot).exists()
    ballot.refresh_from_db()
    assert ballot.counted_at is not None
    event = AuditEvent.objects.get(action="votes_counted")
    assert event.detail["votes_counted"] == 5


def test_the_count_shuffles_receipts_with_new_keys_and_every_receipt_still_checks(constituency):
    ballot, _voters, receipts = _closed_with_votes(constituency, ["open", "reselect", "open", "open"])
    ids_before = set(VoteReceipt.objects.filter(ballot=ballot).values_list("id", flat=True))
    hashes_before = Counter(VoteReceipt.objects.filter(ballot=ballot).values_list("receipt_hash", flat=True))

    ballot_count_with_key(ballot)

    assert not ids_before & set(VoteReceipt.objects.filter(ballot=ballot).values_list("id", flat=True))
    assert Counter(VoteReceipt.objects.filter(ballot=ballot).values_list("receipt_hash", flat=True)) == hashes_before
    assert all(receipt_check(ballot=ballot, receipt_code=receipt) for receipt in receipts)
    assert RollEntry.objects.filter(ballot=ballot, has_voted=True).count() == 4


def test_every_sealed_vote_has_one_length_and_holds_no_choice_in_clear(constituency):
    ballot, voters = open_ballot_with_voters(constituency, voters=4)
    _cast_all(ballot, voters, ["reselect", "open", "reselect", "open"])

    sealed = [bytes(row) for row in SealedVote.objects.filter(ballot=ballot).values_list("sealed", flat=True)]
    assert {len(row) for row in sealed} == {SEALED_LENGTH}
    assert not any(b"reselect" in row or b"open" in row for row in sealed)
    assert len(set(sealed)) == 4  # sealing is randomised: equal votes do not look equal


def test_a_key_that_is_not_the_ballots_is_refused_and_nothing_is_counted(constituency):
    ballot, _voters, _receipts = _closed_with_votes(constituency, ["open", "open"])

    with pytest.raises(BallotStateError, match="not this ballot's key"):
        ballot_count(ballot=ballot, private_key=ballot_key_generate())

    ballot.refresh_from_db()
    assert ballot.counted_at is None
    assert SealedVote.objects.filter(ballot=ballot).count() == 2
    assert not WardVoteCount.objects.filter(ballot=ballot).exists()


def test_any_two_of_three_shares_recover_the_key_and_count(constituency):
    ballot, _voters, _receipts = _closed_with_votes(constituency, ["reselect", "open", "reselect"])
    shares = key_share_texts(BALLOT_KEY)

    key = key_recover([shares[2], shares[0]])

    assert ballot_count(ballot=ballot, private_key=key) == 3


def test_a_lost_key_leaves_the_ballot_uncountable_and_undeclarable_but_it_can_be_voided(constituency):
    ballot, _voters, _receipts = _closed_with_votes(constituency, ["open"])

    with pytest.raises(BallotStateError):
        ballot_count(ballot=ballot, private_key=ballot_key_generate())
    with pytest.raises(BallotStateError, match="still sealed"):
        services.ballot_declare(ballot=ballot)
    services.ballot_void(ballot=ballot, reason="The key was lost; the ballot will be run again.")

    ballot.refresh_from_db()
    assert ballot.is_voided and ballot.counted_at is None
    with pytest.raises(BallotStateError, match="voided"):
        ballot_count_with_key(ballot)


def test_an_altered_sealed_vote_refuses_the_count(constituency):
    ballot, _voters, _receipts = _closed_with_votes(constituency, ["open", "reselect"])
    row = SealedVote.objects.filter(ballot=ballot).first()
    altered = bytearray(row.sealed)
    altered[-1] ^= 1
    SealedVote.objects.filter(pk=row.pk).update(sealed=bytes(altered))

    with pytest.raises(BallotStateError, match="altered"):
        ballot_count_with_key(ballot)
    assert not WardVoteCount.objects.filter(ballot=ballot).exists()


def test_a_sealed_vote_added_without_a_voter_refuses_the_count(constituency):
    ballot, voters, _receipts = _closed_with_votes(constituency, ["open", "reselect"])
    copy = SealedVote.objects.filter(ballot=ballot).first()
    SealedVote.objects.create(ballot=ballot, sealed=bytes(copy.sealed))

    with pytest.raises(BallotStateError, match="3 sealed votes but 2 members"):
        ballot_count_with_key(ballot)


def test_a_sealed_vote_moved_from_another_ballot_with_the_same_key_does_not_open(constituency):
    ballot, _voters, _receipts = _closed_with_votes(constituency, ["open"])
    other, other_voters = open_ballot_with_voters(ConstituencyFactory(), voters=1)
    _cast_all(other, other_voters, ["reselect"])
    SealedVote.objects.filter(ballot=other).update(ballot=ballot)
    RollEntry.objects.filter(ballot=ballot, has_voted=False).update(has_voted=True)  # hide the count check

    with pytest.raises(BallotStateError):
        ballot_count_with_key(ballot)


def test_an_open_ballot_cannot_be_counted_until_its_closing_time(constituency):
    ballot, voters = open_ballot_with_voters(constituency, voters=1)
    _cast_all(ballot, voters, ["open"])

    with pytest.raises(BallotStateError, match="close the ballot first"):
        ballot_count_with_key(ballot)


def test_an_open_ballot_past_its_closing_time_is_closed_then_counted(constituency):
    ballot, voters = open_ballot_with_voters(constituency, voters=2)
    _cast_all(ballot, voters, ["open", "open"])

    assert ballot_count_with_key(ballot, now=ballot.closes_at) == 2

    ballot.refresh_from_db()
    assert ballot.status == TriggerBallot.Status.CLOSED and ballot.counted_at is not None


def test_a_ballot_is_counted_once(constituency):
    ballot = make_ballot_with_votes(constituency=constituency, status=TriggerBallot.Status.CLOSED)

    with pytest.raises(BallotStateError, match="already been counted"):
        ballot_count_with_key(ballot)


def test_a_ballot_made_with_sealed_votes_counts_to_the_same_tallies(constituency):
    ballot = make_ballot_with_votes(
        constituency=constituency, status=TriggerBallot.Status.CLOSED, counted_at=None, wards=(("Barton", 3, 2, 9),)
    )

    assert ballot_count_with_key(ballot) == 5
    assert WardVoteCount.objects.get(ballot=ballot).open == 2


def test_the_ballots_key_is_what_counts_its_public_half_is_all_the_server_keeps(constituency):
    ballot, _voters, _receipts = _closed_with_votes(constituency, ["open"])

    assert ballot.seal_public_key == public_key_of(BALLOT_KEY)
    assert bytes(BALLOT_KEY).hex() not in str(TriggerBallot.objects.filter(pk=ballot.pk).values().first())


@pytest.mark.django_db(transaction=True)
def test_compacting_after_the_count_marks_the_ballot_and_leaves_nothing_pending():
    ballot, voters = open_ballot_with_voters(ConstituencyFactory(), voters=3)
    _cast_all(ballot, voters, ["open", "reselect", "open"])
    services.ballot_close(ballot=ballot)

    ballot_count_with_key(ballot)  # outside a test transaction, the count compacts once it commits

    ballot.refresh_from_db()
    assert ballot.votes_compacted_at is not None
    assert not services.vote_storage_compact_pending()
    assert vote_storage_compact() is True


def _tuples_on_disk(table):
    """Every tuple version in the table's pages, live or dead (PostgreSQL's pageinspect)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table])
        pages = cursor.fetchone()[0]
        versions = 0
        for page in range(pages):
            cursor.execute(
                "SELECT count(*) FROM heap_page_items(get_raw_page(%s, %s)) WHERE lp_flags = 1", [table, page]
            )
            versions += cursor.fetchone()[0]
    return versions


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Row versions on disk are read with PostgreSQL's pageinspect."
)
@pytest.mark.django_db(transaction=True)
def test_after_the_count_no_dead_row_version_of_a_vote_receipt_or_voted_mark_is_left_on_disk():
    ballot, voters = open_ballot_with_voters(ConstituencyFactory(), voters=6)
    _cast_all(ballot, voters, ["open", "reselect", "open", "open", "reselect", "open"])
    services.ballot_close(ballot=ballot)
    assert _tuples_on_disk(SealedVote._meta.db_table) >= 6

    ballot_count_with_key(ballot)
    # A transaction elsewhere on the server that began before the count can make VACUUM keep a
    # dead version for a moment; the compaction then stays pending and is run again (as
    # close_due_ballots does), so what is asserted is: once it says done, nothing is left.
    for _attempt in range(20):
        if not services.vote_storage_compact_pending():
            break
        time.sleep(0.25)
        vote_storage_compact()
    assert not services.vote_storage_compact_pending()

    assert _tuples_on_disk(SealedVote._meta.db_table) == SealedVote.objects.count() == 0
    assert _tuples_on_disk(VoteReceipt._meta.db_table) == VoteReceipt.objects.count()
    assert _tuples_on_disk(RollEntry._meta.db_table) == RollEntry.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(DISTINCT xmin::text) FROM "{VoteReceipt._meta.db_table}" WHERE ballot_id = %s', [ballot.pk]
        )
        assert cursor.fetchone()[0] == 1  # one transaction wrote every receipt
