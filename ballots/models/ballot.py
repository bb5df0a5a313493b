"""The trigger ballot: its rule set and options, eligibility, channels, times, status, voiding and sealing key.

The rule set and its options are choices that the counting registry supplies: the model
names no rule set and copies none of their words.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from ballots import counting
from members.models import Constituency


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


QUESTION_MAX_LENGTH = 500


class TriggerBallot(models.Model):
    class Status(models.TextChoices):
        # Translated where shown: a bilingual ballot's results page names its status in Welsh.
        DRAFT = "draft", gettext_lazy("Draft")
        OPEN = "open", gettext_lazy("Open")
        CLOSED = "closed", gettext_lazy("Closed")
        DECLARED = "declared", gettext_lazy("Declared")

    constituency = models.ForeignKey(Constituency, on_delete=models.PROTECT, related_name="ballots")
    # The region's round this ballot belongs to, when it was set up as one of many (round.py).
    round = models.ForeignKey("ballots.Round", null=True, blank=True, on_delete=models.PROTECT, related_name="ballots")
    sitting_mp = models.CharField("sitting MP", max_length=200)
    # A bilingual ballot offers its members Welsh and English: its voting pages (with a switch),
    # emails, letters, ballot papers and results (ballots/language.py). The question may be
    # given in each language; blank is the standard wording (ballots/wording.py).
    bilingual = models.BooleanField("Welsh and English", default=False)
    question_en = models.TextField("the question in English", blank=True, max_length=QUESTION_MAX_LENGTH)
    question_cy = models.TextField("the question in Welsh", blank=True, max_length=QUESTION_MAX_LENGTH)
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
    # The ways members may vote (docs/ballots.md, "Channels"). Online votes are taken until
    # closes_at; paper (postal) votes and branch-meeting votes are marked on the register until
    # their own closing time, or the ballot's when none is set.
    online_voting = models.BooleanField("members vote online", default=True)
    paper_voting = models.BooleanField("members vote by post or on paper", default=False)
    meeting_voting = models.BooleanField("members vote at branch meetings", default=False)
    paper_closes_at = models.DateTimeField("paper votes received until", null=True, blank=True)
    meeting_closes_at = models.DateTimeField("branch meetings held until", null=True, blank=True)
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

    class KeyCustody(models.TextChoices):
        WHOLE = "whole", "One key, kept by the officer"
        SHARES = "shares", "Three shares held by trustees, any two of which open the votes"

    # The public half of the ballot's sealing key (64 hex digits), made when it opens. Votes
    # are sealed to it; only the private half, which the server never keeps, opens them.
    seal_public_key = models.CharField(max_length=64, blank=True, editable=False)
    key_custody = models.CharField(max_length=10, choices=KeyCustody.choices, blank=True, editable=False)
    # Who holds each share, in share order (KeyCustody.SHARES only).
    key_holders = models.JSONField(default=list, blank=True, editable=False)
    counted_at = models.DateTimeField(null=True, blank=True, editable=False)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the tables the votes passed through were rewritten after the count (no dead row left).
    votes_compacted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="ballot_closes_after_opening"),
            models.CheckConstraint(
                condition=Q(online_voting=True) | Q(paper_voting=True) | Q(meeting_voting=True),
                name="ballot_has_a_channel",
            ),
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
            # Votes are only ever taken sealed to the ballot's key.
            models.CheckConstraint(
                condition=~Q(status="open") | ~Q(seal_public_key=""), name="ballot_open_has_seal_key"
            ),
            # A result is declared only once the sealed votes have been counted.
            models.CheckConstraint(
                condition=~Q(status="declared") | Q(counted_at__isnull=False), name="ballot_declared_counted"
            ),
            models.CheckConstraint(
                condition=Q(counted_at__isnull=True) | Q(status__in=["closed", "declared"]),
                name="ballot_counted_after_close",
            ),
        ]

    def __str__(self):
        return f"Trigger ballot for {self.sitting_mp}, {self.constituency}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def is_counted(self) -> bool:
        return self.counted_at is not None

    def channel_closes_at(self, channel: str):
        """Until when votes come by `channel` (a VoteChannel value): its own time, else the ballot's."""
        own = {"paper": self.paper_closes_at, "meeting": self.meeting_closes_at}.get(channel)
        return own or self.closes_at

    def channel_allowed(self, channel: str) -> bool:
        return {"online": self.online_voting, "paper": self.paper_voting, "meeting": self.meeting_voting}.get(
            channel, False
        )

    @property
    def options(self) -> dict:
        return {
            "member_counting": self.member_counting,
            "affiliate_counting": self.affiliate_counting,
            "tied_branch": self.tied_branch,
        }
