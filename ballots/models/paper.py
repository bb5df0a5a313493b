"""Votes that come on paper or at branch meetings: counted batches of ballot papers, and meeting sessions.

A `PaperBatch` is one ballot box or one meeting's papers for one ward, counted by hand: the
figures only, never a name or a number, so nothing ties a paper to its voter. One officer
enters it and a different officer confirms it (the two-person rule, a database constraint
too); only confirmed batches count. A `MeetingSession` is a branch meeting at which members
vote online, on their phones or on one shared device (ballots/meeting_devices.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from ballots.models.ballot import TriggerBallot
from ballots.models.roll import PAPER_CHANNELS
from members.models import Ward

PAPER_CHANNEL_CHOICES = [(channel.value, channel.label) for channel in PAPER_CHANNELS]


class PaperBatch(models.Model):
    class State(models.TextChoices):
        ENTERED = "entered", "Waiting for a second officer to confirm"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    ballot = models.ForeignKey(TriggerBallot, on_delete=models.PROTECT, related_name="paper_batches")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=PAPER_CHANNEL_CHOICES)
    # What the batch is, in the officers' words: "Postal votes, first box", "Meeting of 3 March".
    label = models.CharField("batch", max_length=120)
    reselect = models.PositiveIntegerField()
    open = models.PositiveIntegerField()
    spoilt = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ENTERED)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField()
    # The second officer, who confirmed or rejected the batch.
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["entered_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=["paper", "meeting"]), name="paper_batch_channel_valid"),
            models.CheckConstraint(
                condition=Q(state__in=["entered", "confirmed", "rejected"]), name="paper_batch_state_valid"
            ),
            # The two-person rule: whoever entered a batch cannot be the one who checks it.
            models.CheckConstraint(
                condition=Q(checked_by__isnull=True) | ~Q(checked_by=F("entered_by")),
                name="paper_batch_checked_by_another",
            ),
            models.CheckConstraint(
                condition=Q(state="entered", checked_at__isnull=True)
                | (~Q(state="entered") & Q(checked_at__isnull=False)),
                name="paper_batch_checked_when_decided",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(reject_reason=""), name="paper_batch_rejection_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["ballot", "ward", "channel", "state"], name="paper_batch_ward_idx")]

    def __str__(self):
        return f"{self.label} ({self.ward_id}, ballot {self.ballot_id})"

    @property
    def total(self) -> int:
        return self.reselect + self.open + self.spoilt


class MeetingSession(models.Model):
    """A branch meeting at which a ward's members vote online, on their phones or on one shared device.

    While it runs, the per-client rate limit is lifted for the meeting's devices (the room shares
    one network address) and the per-member limit stays. The device cookie is kept only as a
    keyed hash.
    """

    ballot = models.ForeignKey(TriggerBallot, on_delete=models.PROTECT, related_name="meeting_sessions")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("meeting", max_length=120)
    shared_device = models.BooleanField("members vote on one shared device", default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    # A keyed hash of the network address the meeting was opened from (the room), or blank.
    room_address_hash = models.CharField(max_length=64, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opened_at")), name="meeting_closes_after_opening"),
        ]

    def __str__(self):
        return f"{self.title} (ballot {self.ballot_id})"
