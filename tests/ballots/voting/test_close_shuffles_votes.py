"""Closing a ballot rewrites its votes and receipts, so storage order no longer follows voting order."""

from collections import Counter

from ballots.models import MemberVote, RollEntry, VoteReceipt
from ballots.officer import services
from ballots.voting.services import vote_cast
from tests.factories import open_ballot_with_roll


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
