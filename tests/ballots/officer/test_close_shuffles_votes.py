"""Closing a ballot rewrites its votes and receipts, so storage order no longer follows voting order."""

from collections import Counter

import pytest
from django.db import connection

from ballots.models import MemberVote, RollEntry, VoteReceipt
from ballots.officer import services
from ballots.officer.services import votes_shuffle
from ballots.voting.services import receipt_check, vote_cast
from tests.factories import ConstituencyFactory, open_ballot_with_roll, open_ballot_with_voters


def test_closing_rewrites_every_vote_and_receipt_with_the_same_tally(constituency, wards, officer):
    ballot = open_ballot_with_roll(constituency=constituency, wards=wards, per_ward=4)
    codes = dict(
        (entry.membership_number, code) for entry, code in services.voting_codes_issue(ballot=ballot, actor=officer)
    )
    for index, (number, code) in enumerate(sorted(codes.items())[:9]):
        vote_cast(ballot=ballot, membership_number=number, code=code, choice="open" if index % 3 else "reselect")
    ids_before = set(MemberVote.objects.filter(ballot=ballot).values_list("id", flat=True))
    receipts_before = Counter(VoteReceipt.objects.filter(ballot=ballot).values_list("receipt_hash", flat=True))
    tally_before = Counter(MemberVote.objects.filter(ballot=ballot).values_list("ward_id", "choice"))

    services.ballot_close(ballot=ballot, actor=officer)

    ids_after = set(MemberVote.objects.filter(ballot=ballot).values_list("id", flat=True))
    assert len(ids_after) == 9
    assert not ids_before & ids_after, "every vote row is new"
    assert Counter(MemberVote.objects.filter(ballot=ballot).values_list("ward_id", "choice")) == tally_before
    assert Counter(VoteReceipt.objects.filter(ballot=ballot).values_list("receipt_hash", flat=True)) == receipts_before
    assert RollEntry.objects.filter(ballot=ballot, has_voted=True).count() == 9


def test_shuffling_at_close_keeps_every_tally_and_receipt_but_not_the_order_or_keys(constituency):
    ballot, voters = open_ballot_with_voters(constituency, voters=8)
    receipts = [
        vote_cast(
            ballot=ballot, membership_number=v.membership_number, code=v.code, choice="open" if i % 3 else "reselect"
        ).receipt_code
        for i, v in enumerate(voters)
    ]
    before = Counter(MemberVote.objects.values_list("ward_id", "choice"))
    old_ids = set(MemberVote.objects.values_list("id", flat=True))

    assert votes_shuffle(ballot=ballot) == 8

    assert Counter(MemberVote.objects.values_list("ward_id", "choice")) == before
    assert not old_ids & set(MemberVote.objects.values_list("id", flat=True))
    assert all(receipt_check(ballot=ballot, receipt_code=receipt) for receipt in receipts)
    assert RollEntry.objects.filter(ballot=ballot, has_voted=True).count() == 8


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The hidden xmin column (transaction id) is PostgreSQL's; SQLite has none.",
)
@pytest.mark.django_db(transaction=True)
def test_after_shuffling_no_vote_shares_a_transaction_id_with_its_voters_roll_entry():
    ballot, voters = open_ballot_with_voters(ConstituencyFactory(), voters=4)
    for voter in voters:
        vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open")

    def transaction_ids():
        with connection.cursor() as cursor:
            cursor.execute("SELECT xmin::text FROM ballots_membervote WHERE ballot_id = %s", [ballot.pk])
            votes = {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT xmin::text FROM ballots_rollentry WHERE ballot_id = %s AND has_voted", [ballot.pk])
            marks = {row[0] for row in cursor.fetchall()}
        return votes, marks

    votes, marks = transaction_ids()
    assert votes == marks and len(votes) == 4  # before: each vote pairs with its voter's mark

    votes_shuffle(ballot=ballot)

    votes, marks = transaction_ids()
    assert votes == marks and len(votes) == 1  # after: one transaction wrote them all
