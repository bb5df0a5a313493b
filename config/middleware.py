"""Security headers Django does not set itself, the officer session rules on every request, and English
as every page's language unless a bilingual ballot's page chooses (ballots/language.py)."""

from functools import cache

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.sessions import officer_session_check

# No inline script or style anywhere: every script and stylesheet is a file the project serves.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.setdefault("X-Content-Type-Options", "nosniff")
        return response


@cache
def _voting_prefix() -> str:
    return reverse("ballots:vote_start")


class OfficerSessionMiddleware:
    """Ends an officer's session when it is idle too long or has not passed the code
    (accounts/sessions.py). The voting pages keep no session and are skipped untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(_voting_prefix()):
            ended = officer_session_check(request)
            if ended is not None:
                return ended
        return self.get_response(request)


class EnglishUnlessChosenMiddleware:
    """Every page is English unless its view chooses the member's language (ballots/language.py).

    LocaleMiddleware, just before this, has found the language the browser asks for; it is kept
    as ``request.requested_language`` and English made the page's language, so officer pages and
    every page of a ballot that is not bilingual stay English whatever the browser says (even
    Django's own messages, which it would otherwise give in Welsh).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.requested_language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)
