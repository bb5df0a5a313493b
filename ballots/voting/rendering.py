"""How a voting page is drawn: in the member's language, told of the meeting device it is on.

`voting_page_render` draws every voting page (ballots/voting/views.py and receipt_views.py),
from a kept copy where the page names one (ballots/voting/kept_pages.py); `ballot_bilingual`
says whether a ballot's pages offer Welsh, and `ballot_shown` is what any voting page shows of
a ballot, as part of a kept page's key.
"""

from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from ballots.language import WELSH, language_links, language_use
from ballots.meeting_devices import PAPER_IDLE_SECONDS, RECEIPT_IDLE_SECONDS, meeting_lookup
from ballots.voting.kept_pages import kept_page
from ballots.wording import ballot_question


def ballot_bilingual(request, ballot) -> bool:
    """Whether a ballot's pages offer Welsh. A ballot named only by its token (the receipt, or a
    vote not confirmed) has no setting to read: it keeps the language its form carried, which
    the page before chose."""
    bilingual = getattr(ballot, "bilingual", None)
    return request.POST.get("language") == WELSH if bilingual is None else bool(bilingual)


def voting_page_render(
    request, template, context, *, bilingual: bool = False, switch_action: str = "", kept=None, blanks=None
):
    """A voting page in the member's language (ballots/language.py), told of the meeting device it
    is shown on (None on any other browser). A bilingual page offers the other language: as a
    link where the page was reached by one, or as a button of the form (``switch_action``) that
    shows the same step again, so the member keeps their place and their ballot paper.

    With ``kept`` (a key naming what the page is drawn from), the page comes from a kept copy
    with ``blanks`` (the vote token, the receipt code) and the CSRF token put in (kept_pages.py)."""
    language_use(request, bilingual=bilingual)
    device = meeting_lookup(request).device
    context = {
        **context,
        "bilingual": bilingual,
        "switch_action": switch_action,
        "language_links": language_links(request) if bilingual and not switch_action else [],
        "meeting": device,
        "paper_idle_seconds": PAPER_IDLE_SECONDS,
        "receipt_idle_seconds": RECEIPT_IDLE_SECONDS,
    }
    return kept_page(
        request,
        kept,
        lambda drawn: render_to_string(template, drawn, request),
        context,
        {**(blanks or {}), "csrf_token": lambda: get_token(request)},
        template=template,
        bilingual=bilingual,
        switch_action=switch_action,
        meeting=device,
    )


def ballot_shown(ballot) -> tuple:
    """What any voting page shows of a ballot, as part of a kept page's key (kept_pages.py)."""
    return (
        ballot.pk,
        ballot.constituency.name,
        ballot.sitting_mp,
        ballot.opens_at,
        ballot.closes_at,
        ballot.bilingual,
        ballot_question(ballot),
    )
