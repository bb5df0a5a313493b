"""What every signed-in request passes (config/middleware.py): verified, and not idle too long.

- With OFFICER_TWO_FACTOR on, a signed-in session that has not passed the code (one from before
  the setting was turned on, or whose authenticator was reset since) is logged out.
- A session unused for OFFICER_IDLE_MINUTES is logged out on its next request, which goes to
  the login page with a message saying why (and back to the page afterwards).
- The last use is written at login (`session_started`, on Django's user_logged_in signal) and
  then at most once a minute, so a busy officer does not write the session on every click.

The member's voting pages keep no session and never pass through here (the middleware skips
them), so neither rule touches them.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

from accounts.two_factor import LAST_SEEN_KEY
from members.access import session_is_verified

WRITE_EVERY_SECONDS = 60
IDLE_MESSAGE = "You were logged out because the site had not been used for {minutes} minutes. Log in again to carry on."
UNVERIFIED_MESSAGE = "Your session had not passed the code from your authenticator app: log in again."


def officer_session_check(request):
    """None to carry on; the login redirect when the session has just been ended."""
    if not request.user.is_authenticated:
        return None
    if not session_is_verified(request):
        logout(request)
        messages.info(request, UNVERIFIED_MESSAGE)
        return redirect_to_login(request.get_full_path())
    now = int(time.time())
    last_seen = request.session.get(LAST_SEEN_KEY)
    if isinstance(last_seen, int) and now - last_seen > settings.OFFICER_IDLE_MINUTES * 60:
        logout(request)
        messages.info(request, IDLE_MESSAGE.format(minutes=settings.OFFICER_IDLE_MINUTES))
        return redirect_to_login(request.get_full_path())
    if not isinstance(last_seen, int) or now - last_seen >= WRITE_EVERY_SECONDS:
        request.session[LAST_SEEN_KEY] = now
    return None


def session_started(sender, request, user, **kwargs):
    """At every login (the code step's, the password's with two-factor off, the test client's)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())
