"""The officer account pages under accounts/ besides the password step (config/urls.py, from
config/auth_views.py): the code, logout, password change and reset. The names are Django's own
(logout, password_reset_confirm...), so its views and templates find them."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.password_reset import AuditedPasswordResetConfirmView, RateLimitedPasswordResetView

urlpatterns = [
    path("two-factor/", views.TwoFactorCodeView.as_view(), name="two_factor"),
    path("two-factor/set-up/", views.TwoFactorEnrolView.as_view(), name="two_factor_enrol"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password_reset/", RateLimitedPasswordResetView.as_view(), name="password_reset"),
    path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", AuditedPasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
