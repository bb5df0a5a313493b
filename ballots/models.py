"""Trigger ballots: the ballot, its frozen roll, votes, receipts and the audit trail.

The rule set and its options are choices that the counting registry supplies: the models
name no rule set and copy none of their words.

Secrecy is a property of the schema: `MemberVote` and `VoteReceipt` carry no link to a
member or roll entry, no timestamp and no ordered key (random UUIDs), so nothing stored
ties a vote to a voter.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from ballots import counting
from members.models import Affiliate, Constituency, Member, Ward


# Choices are callables so that the registered rule sets decide them (a rule set registered
# later, a plug-in or a test's, is offered too) and no name or label is copied here.
def rule_set_choices() -> list[tuple[str, str]]:
    """(name, title) of every registered rule set."""
    return counting.rule_set_choices()


def option_choices(name: str) -> list[tuple[str, str]]:
    """Every value a registered rule set allows for the option `name`, in the rule set's words."""
    choices: dict[str, str] = {}
    for rule_set in counting.RULE_SETS.values():
        option = rule_set.option(name)
        if option is not None:
            for value in option.choices:
                choices.setdefault(value, option.choice_label(value))
    return list(choices.items())


def option_default(name: str) -> str:
    """The default of the option `name`: the default rule set's, else the first rule set's that has it."""
    rule_sets = [counting.get_rule_set(counting.DEFAULT_RULES), *counting.RULE_SETS.values()]
    for rule_set in rule_sets:
        option = rule_set.option(name)
        if option is not None:
            return option.default
    raise LookupError(f"no registered rule set has an option {name!r}")


def member_counting_choices() -> list[tuple[str, str]]:
    return option_choices("member_counting")


def affiliate_counting_choices() -> list[tuple[str, str]]:
    return option_choices("affiliate_counting")


def tied_branch_choices() -> list[tuple[str, str]]:
    return option_choices("tied_branch")


class TriggerBallot(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        DECLARED = "declared", "Declared"

    constituency = models.ForeignKey(Constituency, on_delete=models.PROTECT, related_name="ballots")
    sitting_mp = models.CharField("sitting MP", max_length=200)
    rules = models.CharField("rule set", max_length=40, choices=rule_set_choices, default=counting.DEFAULT_RULES)
    # The options' values and words are the rule sets' own (counting.Option); the defaults are
    # those of the default rule set.
    member_counting = models.CharField(
        max_length=12, choices=member_counting_choices, default=option_default("member_counting")
    )
    affiliate_counting = models.CharField(
        max_length=12, choices=affiliate_counting_choices, default=option_default("affiliate_counting")
    )
    tied_branch = models.CharField(max_length=12, choices=tied_branch_choices, default=option_default("tied_branch"))
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
    # A ballot is voided, never deleted: it keeps its status (a voided open ballot is closed
    # first), takes no votes and no transitions, and says on its pages why it was voided.
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.TextField(blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="ballot_closes_after_opening"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "closed", "declared"]), name="ballot_status_valid"
            ),
            # A voided ballot always says why; one that is not voided has no reason.
            models.CheckConstraint(
                condition=(Q(voided_at__isnull=True) & Q(void_reason=""))
                | (Q(voided_at__isnull=False) & ~Q(void_reason="")),
                name="ballot_void_has_reason",
            ),
            # Voting ends when a ballot is voided: an open ballot is closed first.
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(status="open"), name="ballot_voided_not_open"
            ),
        ]

    def __str__(self):
        return f"Trigger ballot for {self.sitting_mp}, {self.constituency}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

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
    """An affiliate eligible to vote in a ballot, frozen when the ballot opens.

    `affiliated_members` is the affiliate's size copied at that moment: weighted counting reads
    only this copy, so editing the affiliate during the ballot changes no result.
    """

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
