"""The receipt page of a vote just cast, put together from a copy drawn once per ballot and language.

The cast is the request a ballot serves most under load, and its reply is the receipt page, in
which only the receipt code changes from one member to the next. So the page is drawn once, with
a marker where the code goes, for each ballot (its name and sitting MP as the vote token carries
them) and language, and each cast's reply is that copy with the member's code put in: no
template is rendered on the cast itself. That is most of the cast's own time (bench/vote_load.py).

The copy holds nothing of a member or a request: it is drawn as the voting pages always are
(no one logged in: they keep no session, ballots/voting/pages.py) and with no site messages.
A page that can differ in anything else is drawn afresh every time: on a branch meeting's
device (its banner, "Next voter" and the idle return), and for an address with a query string
(the language link repeats it). A marker that the page does not hold exactly once (a
constituency named with it, say) draws the page afresh too.
"""

from collections.abc import Callable
from threading import Lock

from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from django.utils.html import escape

# Never a receipt code (those are digits and capitals in groups) nor ordinary words.
_MARK = "\x1freceipt-code\x1f"
_COPIES_KEPT = 256  # ballots x languages; a server runs far fewer ballots at once

_copies: dict[tuple, str] = {}
_copies_lock = Lock()


def receipt_page(request, *, ballot, receipt: str, meeting, draw: Callable[[dict], str], bilingual: bool) -> str:
    """The receipt page for ``receipt``; ``draw(context)`` renders the page (the view's _render).

    ``ballot`` needs pk, sitting_mp and constituency.name; ``meeting`` is the request's meeting
    device (None on any other browser)."""
    context = {"receipt": receipt, "ballot": ballot}
    if meeting is not None or request.GET:
        return draw(context)
    key = (translation.get_language(), bilingual, ballot.pk, ballot.sitting_mp, ballot.constituency.name)
    copy = _copies.get(key)
    if copy is None:
        anonymous = AnonymousUser()
        copy = draw({**context, "receipt": _MARK, "user": anonymous, "perms": PermWrapper(anonymous), "messages": ()})
        if copy.count(_MARK) != 1:
            return draw(context)
        with _copies_lock:
            if len(_copies) >= _COPIES_KEPT:
                _copies.clear()
            _copies[key] = copy
    return copy.replace(_MARK, escape(receipt))


def receipt_copies_forget() -> None:
    """Drop every kept copy (the tests, after changing a template or a translation)."""
    with _copies_lock:
        _copies.clear()
