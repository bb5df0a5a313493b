"""Deployment checks of our own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Warning, register

PRINTING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register(deploy=True)
def email_backend_sends_mail(app_configs, **kwargs):
    """The console backend prints every voting code it 'sends' into the server's log."""
    if settings.EMAIL_BACKEND in PRINTING_EMAIL_BACKENDS:
        return [
            Warning(
                "EMAIL_BACKEND writes emails to the console or to files, so voting codes sent by email would "
                "land in a log.",
                hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the EMAIL_* settings.",
                id="ballots.W001",
            )
        ]
    return []
