"""Getting codes to members beyond the first email: letter packs and scheduled reminders."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ballots.models.ballot import TriggerBallot


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
