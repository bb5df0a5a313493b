"""Re-issuing every code of an open ballot: one officer asks, a different officer approves.

Replacing every unused code hands whoever holds the new ones the vote of every member who has
not voted yet, so once a ballot is open no officer can do it alone. A `CodeReissueRequest`
holds the ask (with its reason) until another officer of the constituency approves or
refuses it, or the asker withdraws it. The database keeps the rule too: the officer who
decides is never the one who asked, and a ballot has at most one request waiting.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from ballots.models.ballot import TriggerBallot


class CodeReissueRequest(models.Model):
    class How(models.TextChoices):
        CODES = "csv", "New codes to download (CSV)"
        EMAIL = "email", "New codes by email"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for a second officer"
        APPROVED = "approved", "Approved: the codes were re-issued"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    ballot = models.ForeignKey(TriggerBallot, on_delete=models.CASCADE, related_name="code_reissue_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField()
    reason = models.TextField()
    how = models.CharField(max_length=8, choices=How.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # The second officer, who approved or refused; empty while pending and when withdrawn.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refuse_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="code_reissue_has_reason"),
            models.CheckConstraint(condition=Q(how__in=["csv", "email"]), name="code_reissue_how_valid"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "approved", "refused", "withdrawn"]),
                name="code_reissue_state_valid",
            ),
            # The two-person rule: whoever asked cannot be the one who decides.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="code_reissue_decided_by_another",
            ),
            models.CheckConstraint(
                condition=Q(state="pending", decided_at__isnull=True)
                | (~Q(state="pending") & Q(decided_at__isnull=False)),
                name="code_reissue_decided_when_decided",
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(refuse_reason=""), name="code_reissue_refusal_has_reason"
            ),
            models.UniqueConstraint(
                fields=["ballot"], condition=Q(state="pending"), name="code_reissue_one_pending_per_ballot"
            ),
        ]

    def __str__(self):
        return f"code re-issue request {self.pk} of ballot {self.ballot_id}"
