"""Trigger ballots: the ballot, its frozen roll, votes, receipts and the audit trail.

The rule set and its options are choices that the counting registry supplies: the models
name no rule set and copy none of their words.

Secrecy is a property of the schema: `SealedVote` and `VoteReceipt` carry no link to a
member or roll entry, no timestamp and no ordered key (random UUIDs), so nothing stored
ties a vote to a voter. While voting runs, each vote is stored sealed to the ballot's public
key, which nobody on the server can open; the count opens them with the private key the
officer kept, writes one `WardVoteCount` per ward and deletes the sealed votes
(ballots/officer/services/vote_count.py).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

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

    class DeliveryState(models.TextChoices):
        NOT_SENT = "not_sent", "Not sent"
        QUEUED = "queued", "Queued"
        # A code has been made and its hash stored, but nobody knows yet whether the message
        # reached the mail server: a resumed batch gives such an entry a fresh code.
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        BOUNCED = "bounced", "Bounced"

    class DeliveryChannel(models.TextChoices):
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        HAND = "hand", "By hand"

    # How the member's code is reaching them (docs/ballots.md, "Delivery state"). The failure
    # reason is the mail server's refusal in a few words, never the message: it holds a code.
    delivery_state = models.CharField(max_length=16, choices=DeliveryState.choices, default=DeliveryState.NOT_SENT)
    delivery_channel = models.CharField(max_length=16, choices=DeliveryChannel.choices, blank=True)
    delivery_changed_at = models.DateTimeField(null=True, blank=True)
    delivery_failure = models.CharField(max_length=200, blank=True)
    # The latest email's reference, echoed back by the mail provider's bounce reports: a keyed
    # hash of the entry and that email's code hash (ballots/officer/services/code_bounces.py),
    # so the provider learns neither the entry's id nor anything about the code.
    delivery_reference = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "member"], name="roll_one_entry_per_member"),
            models.UniqueConstraint(fields=["ballot", "membership_number"], name="roll_unique_number"),
        ]
        indexes = [
            models.Index(fields=["ballot", "ward", "has_voted"], name="roll_turnout_idx"),
            models.Index(fields=["ballot", "delivery_state"], name="roll_delivery_idx"),
        ]

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
    """The members' votes of one ward branch in one ballot, written by the count."""

    ballot = models.ForeignKey(TriggerBallot, on_delete=models.PROTECT, related_name="ward_counts")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="+")
    reselect = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "ward"], name="ward_vote_count_once")]

    def __str__(self):
        return f"ward {self.ward_id} in ballot {self.ballot_id}: {self.reselect} to {self.open}"


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


class LetterPack(models.Model):
    """A PDF of voting-code letters, made by the task worker and downloaded once by an officer.

    The PDF holds codes, so it is kept only until it is downloaded, and only encrypted
    (ballots/officer/services/code_letters.py): `pdf` is emptied at the download, and a pack
    not downloaded within a day is emptied by `close_due_ballots` (its codes withdrawn).
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Being made"
        READY = "ready", "Ready to download"
        DOWNLOADED = "downloaded", "Downloaded"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired, not downloaded"

    class Selection(models.TextChoices):
        NO_EMAIL = "no_email", "Every member yet to vote without an email address"
        NOT_VOTED = "not_voted", "Every member yet to vote, with or without an email address"
        UNDELIVERED = "undelivered", "Members whose email failed or bounced"
        MEMBER = "member", "One member, by membership number"

    ballot = models.ForeignKey(TriggerBallot, on_delete=models.CASCADE, related_name="letter_packs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    selection = models.CharField(max_length=16, choices=Selection.choices, default=Selection.NO_EMAIL)
    membership_number = models.CharField(max_length=32, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    member_count = models.PositiveIntegerField(default=0)
    # When the codes in it were made: every entry in the pack has this as its code_issued_at.
    built_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    downloaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    failure = models.CharField(max_length=200, blank=True)
    # The PDF sealed with a key derived from SECRET_KEY (nonce and ciphertext); b"" once gone.
    pdf = models.BinaryField(default=b"", editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "ready", "downloaded", "failed", "expired"]),
                name="letter_pack_state_valid",
            ),
        ]

    def __str__(self):
        return f"letter pack {self.pk} of ballot {self.ballot_id}"


class CodeReminder(models.Model):
    """A reminder to every member yet to vote, by email with a fresh code: sent now or at `send_at`.

    Sent through the voting-code email machinery (ballots/officer/services/code_reminders.py):
    the task queue runs it at `send_at`, and `close_due_ballots` starts any it missed, once
    only (the row is locked). The counts are of who was reminded, never of how anyone voted.
    """

    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"

    ballot = models.ForeignKey(TriggerBallot, on_delete=models.CASCADE, related_name="code_reminders")
    send_at = models.DateTimeField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.SCHEDULED)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when its emails are queued; every email of the reminder is queued at this moment.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    queued = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    no_email = models.PositiveIntegerField(default=0)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why it was cancelled, in words for the officer.
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["send_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["scheduled", "sending", "sent", "cancelled"]), name="code_reminder_state_valid"
            ),
        ]
        indexes = [models.Index(fields=["state", "send_at"], name="code_reminder_due_idx")]

    def __str__(self):
        return f"reminder {self.pk} of ballot {self.ballot_id}"
