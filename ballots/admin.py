from django.contrib import admin

from ballots.models import AffiliateVote, TriggerBallot


@admin.register(TriggerBallot)
class TriggerBallotAdmin(admin.ModelAdmin):
    list_display = ["constituency", "sitting_mp", "status", "opens_at", "closes_at"]
    list_filter = ["status", "rules"]

    def get_readonly_fields(self, request, obj=None):
        # Rules, settings and state change only through the officer pages' services.
        if obj is not None and obj.status != TriggerBallot.Status.DRAFT:
            return [f.name for f in obj._meta.fields]
        return ["status", "opened_at", "closed_at", "declared_at"]


@admin.register(AffiliateVote)
class AffiliateVoteAdmin(admin.ModelAdmin):
    list_display = ["ballot", "affiliate", "choice", "delegate_name", "recorded_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
