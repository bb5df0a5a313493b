"""The frozen roll of a ballot: one entry per eligible member (credential, delivery, how they voted)
and one row per eligible affiliate."""

from django.conf import settings
from django.db import models

from ballots.models.ballot import TriggerBallot
from members.models import Affiliate, Member, Ward


class VoteChannel(models.TextChoices):
    """How a member's vote came in."""

    ONLINE = "online", "Online"
    PAPER = "paper", "By post or on paper"
    MEETING = "meeting", "At a branch meeting"


# The channels counted on paper, in batches (ballots/models/paper.py), rather than sealed online.
PAPER_CHANNELS = (VoteChannel.PAPER, VoteChannel.MEETING)


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
    # How the member voted: online (set by the cast, with has_voted), or marked on the register
    # by an officer when a paper or meeting vote came in. A mark names its officer and a keyed
    # hash of their login session, so that only they, in that session, can undo it.
    vote_channel = models.CharField(max_length=10, choices=VoteChannel.choices, blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_session = models.CharField(max_length=64, blank=True)

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
        # No index holds has_voted or vote_channel: then the cast's UPDATE of them is a HOT
        # update on PostgreSQL (the new row version goes in the same page, which the table's
        # fillfactor leaves room for, and no index is touched), about half the database's work
        # of a vote. Turnout is read by ballot (the ballot index) and counted from the rows.
        indexes = [
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
