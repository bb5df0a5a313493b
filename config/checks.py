"""Deployment checks of our own, run by `manage.py check --deploy` (and so by `make serve`).

Each Error is a setting with which the site would start and seem to work, yet do harm: links
to a development address in members' emails, voting codes hashed with the session key,
codes sent over plain-text SMTP, every client counted as the proxy's one address, officers
logging in with a password alone.
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register

PRINTING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
SMTP_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


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


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@register(deploy=True)
def site_url_is_public_https(app_configs, **kwargs):
    """Members' voting links are built on SITE_URL: they must reach the site, and only over https."""
    parts = urlsplit(settings.SITE_URL)
    errors = []
    if parts.scheme != "https":
        errors.append(
            Error(
                f"SITE_URL is {settings.SITE_URL!r}: voting links (which carry the code) would travel over plain http.",
                hint="Set SITE_URL to the site's public https address, e.g. https://ballots.example.org.",
                id="ballots.E001",
            )
        )
    if _is_loopback(parts.hostname or ""):
        errors.append(
            Error(
                f"SITE_URL is {settings.SITE_URL!r}, a loopback address: links in members' emails would lead nowhere.",
                hint="Set SITE_URL to the address members reach the site at.",
                id="ballots.E002",
            )
        )
    return errors


@register(deploy=True)
def voting_code_key_is_its_own(app_configs, **kwargs):
    """Without its own key the codes' hash follows SECRET_KEY: rotating it would void every code sent."""
    if not settings.VOTING_CODE_KEY or settings.VOTING_CODE_KEY == settings.SECRET_KEY:
        return [
            Error(
                "VOTING_CODE_KEY is not set (it falls back to SECRET_KEY).",
                hint="Set VOTING_CODE_KEY to a long random value of its own, and keep it: changing it voids "
                "every voting code already issued.",
                id="ballots.E003",
            )
        ]
    return []


@register(deploy=True)
def smtp_is_encrypted(app_configs, **kwargs):
    """Voting codes travel by email: never over a plain-text connection to the mail server."""
    if settings.EMAIL_BACKEND == SMTP_EMAIL_BACKEND and not (settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL):
        return [
            Error(
                "The SMTP email backend is used without TLS or SSL: voting codes would cross the network in "
                "plain text.",
                hint="Set EMAIL_USE_TLS=1 (STARTTLS, usually port 587) or EMAIL_USE_SSL=1 (usually port 465).",
                id="ballots.E004",
            )
        ]
    return []


@register(deploy=True)
def proxy_is_counted(app_configs, **kwargs):
    """Behind a proxy, REMOTE_ADDR is the proxy's: with no proxy counted, every client shares one rate limit."""
    if settings.BEHIND_PROXY and settings.TRUSTED_PROXY_COUNT == 0:
        return [
            Error(
                "BEHIND_PROXY is on but TRUSTED_PROXY_COUNT is 0: every client would have the proxy's address, so "
                "one client's failed attempts would lock out all the others.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies of your own in front of the app (usually 1).",
                id="ballots.E005",
            )
        ]
    return []


@register(deploy=True)
def proxy_count_has_a_proxy(app_configs, **kwargs):
    """Counting proxies that are not there lets anyone forge X-Forwarded-For and pose as many clients."""
    if settings.TRUSTED_PROXY_COUNT > 0 and not settings.BEHIND_PROXY:
        return [
            Warning(
                f"TRUSTED_PROXY_COUNT is {settings.TRUSTED_PROXY_COUNT} but BEHIND_PROXY is off: if clients can reach "
                "the app without passing through your proxy, they can forge X-Forwarded-For, escape the rate limits "
                "and pose as several clients (enough to lock a membership number).",
                hint="Behind your own proxy set BEHIND_PROXY=1; with no proxy set TRUSTED_PROXY_COUNT=0.",
                id="ballots.W002",
            )
        ]
    return []


@register(deploy=True)
def officer_two_factor_is_on(app_configs, **kwargs):
    """A stolen or guessed password alone would open every officer page and the admin."""
    if not settings.OFFICER_TWO_FACTOR:
        return [
            Error(
                "OFFICER_TWO_FACTOR is off: officers and administrators would log in with a password alone.",
                hint="Unset OFFICER_TWO_FACTOR (it is on by default) or set OFFICER_TWO_FACTOR=1; only the "
                "local demo (make run) turns it off.",
                id="ballots.E006",
            )
        ]
    return []
