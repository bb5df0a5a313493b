"""The admin for constituencies, wards, members, affiliates and the audit log.

The audit log is append-only here too (no add, change or delete), and its list reads each
row's actor and constituency in the same query. A constituency's officers are picked from
the Officers group only: anyone else named there would get no officer access anyway.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model

from members.models import OFFICERS_GROUP, Affiliate, AuditEvent, Constituency, Member, Ward


@admin.register(Constituency)
class ConstituencyAdmin(admin.ModelAdmin):
    list_display = ["name", "sitting_mp"]
    search_fields = ["name", "sitting_mp"]
    filter_horizontal = ["officers"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "officers":
            kwargs["queryset"] = get_user_model().objects.filter(groups__name=OFFICERS_GROUP).order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["name", "constituency"]
    list_filter = ["constituency"]
    search_fields = ["name"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["membership_number", "last_name", "first_name", "ward", "joined_on", "status"]
    list_filter = ["status", "ward__constituency"]
    search_fields = ["membership_number", "last_name", "first_name", "email"]
    list_select_related = ["ward"]
    raw_id_fields = ["ward"]


@admin.register(Affiliate)
class AffiliateAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "constituency", "affiliated_on", "affiliated_members"]
    list_filter = ["kind", "constituency"]
    search_fields = ["name"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "constituency", "ballot_id"]
    list_filter = ["action"]
    list_select_related = ["actor", "constituency"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
