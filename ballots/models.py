"""Trigger ballots: the ballot, its frozen roll, votes, receipts and the audit trail.

Secrecy is a property of the schema: `MemberVote` and `VoteReceipt` carry no link to a
member or roll entry, no timestamp and no ordered key (random UUIDs), so nothing stored
ties a vote to a voter.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from members.models import Affiliate, Constituency, Member, Ward


class TriggerBallot(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        DECLARED = "declared", "Declared"

    class MemberCounting(models.TextChoices):
        BRANCH = "branch", "Ward branches as equal units"
        INDIVIDUAL = "individual", "One member, one vote"

    class AffiliateCounting(models.TextChoices):
        UNIT = "unit", "Each affiliate an equal unit"
        WEIGHTED = "weighted", "Weighted by affiliated membership"

    class TiedBranch(models.TextChoices):
        EXCLUDE = "exclude", "Excluded (no preference)"
        SPLIT = "split", "Split half each way"
        RESELECT = "reselect", "Counts for reselection"
        OPEN = "open", "Counts for open selection"

    constituency = models.ForeignKey(Constituency, on_delete=models.PROTECT, related_name="ballots")
    sitting_mp = models.CharField("sitting MP", max_length=200)
    rules = models.CharField("rule set", max_length=40, default="labour-2021")
    member_counting = models.CharField(
        max_length=12, choices=MemberCounting.choices, default=MemberCounting.BRANCH
    )
    affiliate_counting = models.CharField(
        max_length=12, choices=AffiliateCounting.choices, default=AffiliateCounting.UNIT
    )
    tied_branch = models.CharField(max_length=12, choices=TiedBranch.choices, default=TiedBranch.EXCLUDE)
    freeze_date = models.DateField()
    min_membership_months = models.PositiveSmallIntegerField(default=6)
    arrears_allowed = models.BooleanField(default=False)
    affiliate_min_days = models.PositiveIntegerField("affiliates' minimum affiliation (days)", default=0)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="ballot_closes_after_opening"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "closed", "declared"]), name="ballot_status_valid"
            ),
        ]

    def __str__(self):
        return f"Trigger ballot for {self.sitting_mp}, {self.constituency}"

    @property
    def options(self) -> dict:
        return {
            "member_counting": self.member_counting,
            "affiliate_counting": self.affiliate_counting,
            "tied_branch": self.tied_branch,
        }


class RollEntry(models.Model):
    """One eligible member on a ballot's frozen roll, and their voting credential."""

    ballot = models.ForeignKey(TriggerBallot, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="roll_entries")
    # Snapshots taken when the roll froze: later membership edits change neither.
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="+")
    membership_number = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64, blank=True)
    code_issued_at = models.DateTimeField(null=True, blank=True)
    has_voted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "member"], name="roll_one_entry_per_member"),
            models.UniqueConstraint(fields=["ballot", "membership_number"], name="roll_unique_number"),
        ]
        indexes = [models.Index(fields=["ballot", "ward", "has_voted"], name="roll_turnout_idx")]

    def __str__(self):
        return f"{self.membership_number} on {self.ballot_id}"


class BallotAffiliate(models.Model):
    """An affiliate eligible to vote in a ballot, frozen when the ballot opens."""

    ballot = models.ForeignKey(TriggerBallot, on_delete=models.CASCADE, related_name="eligible_affiliates")
    affiliate = models.ForeignKey(Affiliate, on_delete=models.PROTECT, related_name="+")
    affiliated_members = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "affiliate"], name="ballot_affiliate_once"),
        ]

    def __str__(self):
        return f"{self.affiliate} in ballot {self.ballot_id}"


class Choice(models.TextChoices):
    RESELECT = "reselect", "Reselect the sitting MP"
    OPEN = "open", "Hold an open selection"


class MemberVote(models.Model):
    """A member's secret vote: which ballot, which ward branch, which way. Nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(TriggerBallot, on_delete=models.PROTECT, related_name="member_votes")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=Choice.choices)

    class Meta:
        indexes = [models.Index(fields=["ballot", "ward", "choice"], name="member_vote_tally_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(choice__in=["reselect", "open"]), name="member_vote_choice_valid"),
        ]

    def __str__(self):
        return "member vote"


class VoteReceipt(models.Model):
    """Proof that a vote was counted: the hash of the receipt code shown to the voter.

    Written in the same transaction as the vote, with no link to the vote, the member or
    the time, so it proves inclusion without revealing the choice or the voter.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(TriggerBallot, on_delete=models.CASCADE, related_name="receipts")
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
