"""How the voting pages are sent: without a session, and closing due ballots after a late refusal.

`sessionless` keeps every voting page away from Django's session: while the view runs,
request.session is an empty store that refuses every write, so nothing a member does while
voting is ever kept on the server or sets a session cookie, and an officer's own session is
neither read nor touched (the voting pages show everyone as not logged in). The real session
is put back before the response leaves the view, for the middleware to leave as it was.

`page` is how the voting views send a page; a POST refused because the ballot's closing time
has passed closes the due ballots once the refusal page has been sent (`_RefusalThenCloseDue`).
"""

import functools

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpResponse

from ballots.language import language_remember
from ballots.voting.services import ballots_close_due_after_refusal


class SessionWriteRefused(RuntimeError):
    """A voting page tried to keep something in the session; they must never do so."""


class _NoSession(SessionBase):
    """Always empty; reading is harmless, any write is a mistake in the code and raises."""

    def __init__(self):
        super().__init__(session_key=None)

    def load(self):
        return {}

    def exists(self, session_key):
        return False

    def _refuse(self, *args, **kwargs):
        raise SessionWriteRefused("The voting pages keep nothing in a session.")

    __setitem__ = __delitem__ = pop = setdefault = update = clear = flush = cycle_key = _refuse
    set_expiry = save = create = delete = _refuse


def sessionless(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        real = getattr(request, "session", None)
        request.session = _NoSession()
        try:
            return view(request, *args, **kwargs)
        finally:
            if real is None:
                del request.session
            else:
                request.session = real

    return wrapped


class _RefusalThenCloseDue(HttpResponse):
    """A refusal page that, once sent, closes the ballots whose closing time has passed.

    The server calls close() after the last byte of the response has gone, so the member
    reads the refusal without waiting for the close (which rewrites the ballot's votes), and
    nothing the close does can change or lose the page: ballots_close_due_after_refusal
    never raises.
    """

    def __init__(self, content, *, status, refusal):
        super().__init__(content, status=status)
        self.refusal = refusal

    def close(self):
        try:
            ballots_close_due_after_refusal(refusal=self.refusal)
        finally:
            super().close()


def page(request, content: str, *, status=200, refusal=None) -> HttpResponse:
    """The page; a POST refused for lateness closes the due ballots after it is sent (never a GET).
    A member who used the language switch has their choice kept in the language cookie."""
    if refusal is not None and refusal.closing_time_passed and request.method == "POST":
        response: HttpResponse = _RefusalThenCloseDue(content, status=status, refusal=refusal)
    else:
        response = HttpResponse(content, status=status)
    return language_remember(request, response)
