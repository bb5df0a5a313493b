"""Authenticators in the admin: listed, never shown (no secret, no QR code), removed only audited.

django-otp's own admin for TOTP devices would show any officer's secret to every administrator
(who could then make their codes) and let one be edited or deleted without a record. This one
replaces it: a device can be looked at and removed, and removing one is the same audited reset
as `manage.py reset_two_factor` (accounts/two_factor.py, `two_factor_reset`).
"""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import two_factor_reset

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        two_factor_reset(user=obj.user, actor=request.user, reason="removed in the admin")

    def delete_queryset(self, request, queryset):
        for user in {device.user for device in queryset.select_related("user")}:
            two_factor_reset(user=user, actor=request.user, reason="removed in the admin")
