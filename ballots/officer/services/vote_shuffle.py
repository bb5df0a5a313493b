"""The shuffle at close: a ballot's votes, receipts and voted marks rewritten so no storage detail links them.

It belongs to closing (`ballot_lifecycle`), not to voting: voting writes each vote once,
and the close rewrites them all in one transaction.
"""

import random

from django.db import transaction

from ballots.models import MemberVote, RollEntry, TriggerBallot, VoteReceipt


@transaction.atomic
def votes_shuffle(*, ballot: TriggerBallot) -> int:
    """Rewrite a ballot's votes, receipts and voted marks so no storage detail links them. Call at close.

    The vote, the receipt and the roll entry's voted mark are written in one transaction, so
    until this runs the database itself could pair them: on PostgreSQL the rows share a
    transaction id (the hidden `xmin` column), and on both engines the physical order of the
    vote rows (SQLite's hidden rowid, PostgreSQL's ctid) follows the order of voting. This
    deletes the votes and receipts and inserts them again in a random order with fresh
    random keys, and rewrites every voted mark, all in one transaction: afterwards every such
    row carries the same transaction id and no order. The dead row versions remain on disk
    until (auto)VACUUM reclaims them. Returns the number of votes rewritten.
    """
    shuffler = random.SystemRandom()
    votes = list(MemberVote.objects.filter(ballot_id=ballot.pk).values_list("ward_id", "choice"))
    receipts = list(VoteReceipt.objects.filter(ballot_id=ballot.pk).values_list("receipt_hash", flat=True))
    shuffler.shuffle(votes)
    shuffler.shuffle(receipts)
    MemberVote.objects.filter(ballot_id=ballot.pk).delete()
    VoteReceipt.objects.filter(ballot_id=ballot.pk).delete()
    MemberVote.objects.bulk_create(
        [MemberVote(ballot_id=ballot.pk, ward_id=ward_id, choice=choice) for ward_id, choice in votes], batch_size=1000
    )
    VoteReceipt.objects.bulk_create(
        [VoteReceipt(ballot_id=ballot.pk, receipt_hash=value) for value in receipts], batch_size=1000
    )
    RollEntry.objects.filter(ballot_id=ballot.pk, has_voted=True).update(has_voted=True)
    return len(votes)
