"""A round: the trigger ballots a region runs together, set up from one file (docs/regions.md)."""

from django.conf import settings
from django.db import models

from members.models import Region


class Round(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="round_unique_name_per_region")]

    def __str__(self):
        return f"{self.name} ({self.region})"
