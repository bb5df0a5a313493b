"""The admin site, asking for the same verified session as every officer page.

config/urls.py turns Django's default admin site into this class (as django-otp's OTPAdminSite
is installed), so every model registered with `admin.site` stays registered. With
OFFICER_TWO_FACTOR on, a staff session that has not passed the code is not let in; the admin's
login page itself is replaced by the officer login (accounts/views.py, `admin_login`).
"""

from django.contrib.admin import AdminSite

from members.access import session_is_verified


class TwoFactorAdminSite(AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and session_is_verified(request)
