"""The admin for ballots: read-only, because every change goes through the officer pages' services.

A ballot's life, its roll and its affiliates' votes change only through `ballots.officer.services`,
which check the state, take the row locks and write the audit record. So here ballots, roll
entries, eligible affiliates and affiliates' votes can be looked at, never added, edited or
deleted (deleting would also cascade away a frozen roll). Members' votes and receipts are not
shown at all: they are secret, and nothing in the admin should invite looking at them.
"""

from django.contrib import admin

from ballots.models import AffiliateVote, BallotAffiliate, RollEntry, TriggerBallot


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewing only: no add, change or delete permission, whoever asks (superusers included)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TriggerBallot)
class TriggerBallotAdmin(ReadOnlyAdmin):
    list_display = ["constituency", "sitting_mp", "rules", "status", "opens_at", "closes_at"]
    list_filter = ["status", "rules"]
    list_select_related = ["constituency"]


@admin.register(RollEntry)
class RollEntryAdmin(ReadOnlyAdmin):
    list_display = ["membership_number", "ballot", "ward", "has_voted", "code_issued_at"]
    list_filter = ["has_voted"]
    list_select_related = ["ballot__constituency", "ward"]
    search_fields = ["membership_number"]
    # The keyed hash of a voting code is of no use to a reader and is better not shown.
    exclude = ["code_hash"]


@admin.register(BallotAffiliate)
class BallotAffiliateAdmin(ReadOnlyAdmin):
    list_display = ["affiliate", "ballot", "affiliated_members"]
    list_select_related = ["affiliate", "ballot__constituency"]


@admin.register(AffiliateVote)
class AffiliateVoteAdmin(ReadOnlyAdmin):
    list_display = ["ballot", "affiliate", "choice", "delegate_name", "recorded_at"]
    list_select_related = ["ballot__constituency", "affiliate"]
