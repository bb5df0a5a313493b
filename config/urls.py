"""The site's addresses. The admin asks for the officer login (and its code) like every officer page."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.admin_site import TwoFactorAdminSite
from accounts.views import admin_login
from config import views
from config.auth_views import RateLimitedLoginView

# Django's default admin site becomes the two-factor one, keeping every registered model.
admin.site.__class__ = TwoFactorAdminSite

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Early, and the voting pages first within it: Django tries every pattern before the one that
    # matches, and the members' pages are what the site serves most (ballots/urls.py).
    path("", include("ballots.urls")),
    path("accounts/login/", RateLimitedLoginView.as_view(), name="login"),
    path("accounts/", include("accounts.urls")),
    # Before the admin's own: its login would skip the officer login's rate limit and code.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("", include("members.urls")),
]

# The mail provider's bounce reports (ballots/officer/services/code_bounces.py): served only
# with a webhook secret set, so the webhook never takes unauthenticated reports.
if settings.ANYMAIL_WEBHOOK_SECRET:
    urlpatterns.append(path("anymail/", include("anymail.urls")))

handler400 = "django.views.defaults.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
