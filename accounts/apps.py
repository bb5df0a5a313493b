"""The officer accounts app."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Officer accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts.sessions import session_started

        user_logged_in.connect(session_started, dispatch_uid="accounts.session_started")
