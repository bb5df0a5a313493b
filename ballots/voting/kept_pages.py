"""Voting pages put together from copies drawn once and kept, instead of a template render each time.

The voting pages are what a ballot serves most under load, and most of their cost was the
template engine (bench/vote_load.py): the ballot paper is drawn three times a request and the
confirmation twice, so that every version has one length (equal_length.py). Yet from one member
to the next a page differs only in a few values: the vote token, the CSRF token, the receipt
code. So each page is drawn once with a marker in place of each of those values ("blanks"), kept
under a key naming everything else it was drawn from, and each request's page is that copy with
its own values put in, escaped as the template would escape them.

What a key must name: everything the page shows that is not a blank. The caller names the
ballot's side (its name, MP, question, closing time, the choice ticked...); `kept_page` adds the
template, the page's language, whether the ballot is bilingual, the language switch's action
and the address's name (the header marks the page it is on). A copy holds nothing of a member
or a request: it is drawn as every voting page is, copy or not (no one logged in: they keep no
session, pages.py; and no site messages). A page that could differ in anything else is drawn afresh
every time: on a branch meeting's device (its banner, "Next voter", the idle return), for an
address with a query string (the language link repeats it), and wherever the caller gives no
key (a form with errors, a page with problems to show).

The markers hold a random part made when the process starts, so nothing an officer types (a
constituency's name, say) can be one. The copies are bounded (the oldest are dropped), and the
tests check that a page from a copy is byte for byte the page the template draws.
"""

import secrets
from collections.abc import Callable, Hashable
from threading import Lock

from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from django.utils.html import escape

COPIES_KEPT = 1024  # pages x languages x ballots; a server runs a few ballots at once
_RANDOM = secrets.token_hex(8)

_copies: dict[tuple, str] = {}
_copies_lock = Lock()


def _marker(name: str) -> str:
    return f"\x1f{_RANDOM}:{name}\x1f"


def kept_page(
    request,
    key: tuple[Hashable, ...] | None,
    draw: Callable[[dict], str],
    context: dict,
    blanks: dict[str, str | Callable[[], str]],
    *,
    template: str,
    bilingual: bool,
    switch_action: str,
    meeting,
) -> str:
    """draw(context) with each of `blanks` (context name -> its value, or a function giving it,
    called only if the page shows it) put in: from a kept copy where the page allows one.

    `key` names everything else the page is drawn from, or is None to draw afresh; `meeting` is
    the request's meeting device (None on any other browser)."""
    anonymous = AnonymousUser()
    context = {**context, "user": anonymous, "perms": PermWrapper(anonymous), "messages": ()}
    if key is None or meeting is not None or request.GET:
        return draw({**context, **{name: _value(value) for name, value in blanks.items()}})
    match = getattr(request, "resolver_match", None)
    full_key = (template, translation.get_language(), bilingual, switch_action, getattr(match, "url_name", ""), *key)
    copy = _copies.get(full_key)
    if copy is None:
        copy = draw({**context, **{name: _marker(name) for name in blanks}})
        with _copies_lock:
            while len(_copies) >= COPIES_KEPT:
                del _copies[next(iter(_copies))]  # the oldest kept
            _copies[full_key] = copy
    page = copy
    for name, value in blanks.items():
        marker = _marker(name)
        if marker in page:
            page = page.replace(marker, escape(_value(value)))
    return page


def _value(value: str | Callable[[], str]) -> str:
    return value() if callable(value) else value


def kept_pages_forget() -> None:
    """Drop every kept copy (the tests, so that one test's ballot never meets another's copy)."""
    with _copies_lock:
        _copies.clear()
