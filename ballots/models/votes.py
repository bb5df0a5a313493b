"""Votes: members' sealed votes while voting runs, the count's tallies per ward and channel, receipts,
and affiliates' recorded decisions."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from ballots.models.ballot import TriggerBallot
from ballots.models.roll import VoteChannel
from members.models import Affiliate, Ward


class Choice(models.TextChoices):
    RESELECT = "reselect", "Reselect the sitting MP"
    OPEN = "open", "Hold an open selection"


class SealedVote(models.Model):
    """A member's vote while voting runs: which ballot, and the vote sealed to the ballot's key.

    The ward branch and the choice are inside the sealed bytes (ballots/sealing/seal.py), all
    of one length: the row says nothing of either until the count opens it with the private
    key. The count deletes every sealed vote of its ballot.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(TriggerBallot, on_delete=models.PROTECT, related_name="sealed_votes")
    sealed = models.BinaryField()

    def __str__(self):
        return "sealed vote"


class WardVoteCount(models.Model):
    """The members' votes of one ward branch in one ballot by one channel, written by the count.

    Online rows come from the sealed votes; paper and meeting rows from the confirmed paper
    batches. The ward's tally is the sum over its channels; spoilt papers count in turnout only.
    """

    ballot = models.ForeignKey(TriggerBallot, on_delete=models.PROTECT, related_name="ward_counts")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=VoteChannel.choices, default=VoteChannel.ONLINE)
    reselect = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)
    spoilt = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "ward", "channel"], name="ward_vote_count_once")]

    def __str__(self):
        return f"ward {self.ward_id} in ballot {self.ballot_id} ({self.channel}): {self.reselect} to {self.open}"


class VoteReceipt(models.Model):
    """Proof that a vote was counted: the hash of the receipt code shown to the voter.

    Written in the same transaction as the vote, with no link to the vote, the member or
    the time, so it proves inclusion without revealing the choice or the voter.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: receipt_unique begins with the ballot (one index fewer to write a vote).
    ballot = models.ForeignKey(TriggerBallot, on_delete=models.CASCADE, related_name="receipts", db_index=False)
    receipt_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "receipt_hash"], name="receipt_unique"),
        ]

    def __str__(self):
        return "vote receipt"


class AffiliateVote(models.Model):
    class AffiliateChoice(models.TextChoices):
        RESELECT = "reselect", "Reselect the sitting MP"
        OPEN = "open", "Hold an open selection"
        ABSTAIN = "abstain", "Abstain"

    ballot = models.ForeignKey(TriggerBallot, on_delete=models.PROTECT, related_name="affiliate_votes")
    affiliate = models.ForeignKey(Affiliate, on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(max_length=10, choices=AffiliateChoice.choices)
    delegate_name = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "affiliate"], name="affiliate_votes_once"),
            models.CheckConstraint(
                condition=Q(choice__in=["reselect", "open", "abstain"]), name="affiliate_vote_choice_valid"
            ),
        ]

    def __str__(self):
        return f"{self.affiliate}: {self.choice}"
