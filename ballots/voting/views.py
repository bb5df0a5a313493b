"""Members' voting pages: /vote/ (number and code) -> the ballot paper -> /vote/confirm/ -> the
receipt, and the personal link /vote/link/ (the receipt check /vote/receipt/ and /vote/done/
are in ballots/voting/receipt_views.py).

Thin views: every check and write is in ballots/voting/services.py; failed credential checks
are rate limited (ballots/ratelimit.py). No page uses the session (pages.sessionless): once
the number and code are checked, each page carries them to the next in a sealed, expiring
token (ballots/voting/tokens.py), and each form post is answered with the next page itself,
never a redirect. The choice is only ever in the form; pages that hold it are padded to one
length (ballots/voting/equal_length.py). The pages a member meets on the way come from copies
drawn once and kept, their tokens and receipt code filled in (ballots/voting/kept_pages.py).
Every page is sent with Cache-Control: no-store.

No page writes on GET. When a POST is refused because the ballot's closing time has passed,
the due ballots are closed once the refusal page has been sent (pages.page).

Branch meetings (ballots/meeting_devices.py): whether a request comes from an open meeting's
device or room is asked in one place, `meeting_lookup`, once per request. It lifts the client's
rate limit in `_credentials_verify`, and `voting_page_render` (ballots/voting/rendering.py) gives
every page the meeting device, for its
banner and, on a shared device, the "Next voter" button and the return to a blank start page.
"""

from types import SimpleNamespace

from django.db import DatabaseError, InterfaceError, OperationalError
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ballots.language import WELSH, language_use
from ballots.meeting_devices import meeting_lookup
from ballots.models import TriggerBallot
from ballots.ratelimit import client_address, rate_limit_message, vote_rate_limit_check, vote_rate_limit_failure
from ballots.voting.equal_length import page_of_equal_length
from ballots.voting.forms import CHOICE_OF_VALUE, BallotPaperForm, VoteStartForm
from ballots.voting.pages import page, sessionless
from ballots.voting.rendering import ballot_bilingual, ballot_shown, voting_page_render
from ballots.voting.services import (
    VoteRefused,
    ballots_open_for_voting,
    vote_cast,
    vote_credentials_check,
)
from ballots.voting.tokens import TOKEN_LIFETIME_MINUTES, VoteTokenInvalid, vote_token_make, vote_token_read
from ballots.wording import ballot_question, choice_labels

START_AGAIN = {
    "missing": gettext_lazy("To see your ballot paper, enter your membership number and voting code."),
    "expired": gettext_lazy(
        "Your ballot paper was open for more than %(minutes)s minutes, so it has expired. "
        "No vote was cast. Enter your membership number and voting code again."
    ),
    "invalid": gettext_lazy(
        "We could not read your ballot paper: the page may be incomplete or out of date. "
        "No vote was cast. Enter your membership number and voting code again."
    ),
}
BAD_LINK = gettext_lazy(
    "This voting link is not complete. Check you copied all of it, "
    "or enter your membership number and voting code below."
)
# Choices a page can show, in the order of the ballot paper; None is a paper with nothing ticked.
PAPER_VALUES = (None, *CHOICE_OF_VALUE)


def _ballot(ballot_id):
    return TriggerBallot.objects.select_related("constituency").filter(pk=ballot_id).first()


def _start(request, *, form=None, problems=(), status=200, refusal=None):
    open_ballots = ballots_open_for_voting()
    if form is None:
        form = VoteStartForm(open_ballots=open_ballots)
    else:
        form.show_open_ballots(open_ballots)
    # A blank start page (no answers, no problems) is the same for everyone: kept, for its ballots.
    listed = tuple(ballot_shown(ballot) for ballot in open_ballots)
    content = voting_page_render(
        request,
        "ballots/voting/start.html",
        {"form": form, "open_ballots": open_ballots, "problems": list(problems)},
        bilingual=any(ballot.bilingual for ballot in open_ballots),
        kept=None if form.is_bound or problems else ("start", listed),
    )
    return page(request, content, status=status, refusal=refusal)


class _StartAgain:
    """Why the member must start again, in the page's language when it is drawn."""

    def __init__(self, reason):
        self.reason = reason

    def __str__(self):
        return str(START_AGAIN[self.reason]) % {"minutes": TOKEN_LIFETIME_MINUTES}


def _start_again(request, reason, *, status):
    return _start(request, problems=[_StartAgain(reason)], status=status)


def _posted_token(request):
    """The token posted with the form, or VoteTokenInvalid("invalid")."""
    return vote_token_read(request.POST.get("token", ""))


def _token_for(ballot, *, membership_number, code, place):
    return vote_token_make(
        ballot_id=ballot.pk,
        membership_number=membership_number,
        code=code,
        constituency_name=ballot.constituency.name,
        sitting_mp=ballot.sitting_mp,
        place=place,
    )


def _credentials_verify(request, *, ballot, membership_number, code, personal_link=False):
    """vote_credentials_check behind the rate limits (failures count against number and client); its RollPlace.

    At an open branch meeting of this ballot (its device or its room) the client's limit is lifted."""
    client = client_address(request)
    meeting = meeting_lookup(request, ballot_id=ballot.pk).lifts_client_limit
    state = vote_rate_limit_check(
        membership_number=membership_number, client=client, personal_link=personal_link, meeting=meeting
    )
    if state.limited:
        raise VoteRefused("rate_limited", rate_limit_message(state))
    try:
        return vote_credentials_check(ballot=ballot, membership_number=membership_number, code=code)
    except VoteRefused as refusal:
        if refusal.reason == "unknown_or_wrong":
            vote_rate_limit_failure(membership_number=membership_number, client=client, meeting=meeting)
        raise


def _refused(request, ballot, refusal, *, status=409, maybe_receipt=False):
    bilingual = bool(ballot is not None and ballot.bilingual) or request.POST.get("language") == WELSH
    # Kept like the other pages (a replayed cast is refused on this page), under the refusal's words.
    shown = None if ballot is None else ballot_shown(ballot)
    content = voting_page_render(
        request,
        "ballots/voting/refused.html",
        {"ballot": ballot, "refusal": refusal, "maybe_receipt": maybe_receipt},
        bilingual=bilingual,
        kept=("refused", refusal.reason, str(refusal.message), maybe_receipt, shown),
    )
    return page(request, content, status=status, refusal=refusal)


def _paper(request, ballot, token, *, form=None, selected=None, status=200, from_link=False):
    """The ballot paper, padded so that which choice is ticked (if any) does not change its length."""
    form = form or BallotPaperForm()
    language_use(request, bilingual=ballot.bilingual)  # the question and choices in the page's language
    labels = choice_labels(ballot.sitting_mp)

    def render(value):
        context = {
            "ballot": ballot,
            "form": form,
            "minutes": TOKEN_LIFETIME_MINUTES,
            "question": ballot_question(ballot),
            "choices": [(option, labels[option]) for option in CHOICE_OF_VALUE],
            "selected": value,
            "from_link": from_link,
        }
        return voting_page_render(
            request,
            "ballots/voting/paper.html",
            context,
            bilingual=ballot.bilingual,
            switch_action=reverse("ballots:vote_paper"),
            kept=None if form.errors else ("paper", ballot_shown(ballot), value, from_link),
            blanks={"token": token},
        )

    return page(request, page_of_equal_length(render, selected, PAPER_VALUES), status=status)


def _token_rechecked(request, token):
    """(ballot, a fresh token, None) once the token's credentials check again; else (None, None, the reply)."""
    ballot = _ballot(token.ballot_id)
    if ballot is None:
        return None, None, _start_again(request, "invalid", status=400)
    try:
        place = vote_credentials_check(ballot=ballot, membership_number=token.membership_number, code=token.code)
    except VoteRefused as refusal:
        return None, None, _refused(request, ballot, refusal)
    return ballot, _token_for(ballot, membership_number=token.membership_number, code=token.code, place=place), None


def _paper_after_check(request, token, form, *, selected=None, status=200):
    """Check the token's credentials again and show the paper, or the refusal, or the start again."""
    ballot, fresh, refused = _token_rechecked(request, token)
    if refused is not None:
        return refused
    return _paper(request, ballot, fresh, form=form, selected=selected, status=status)


@never_cache
@sessionless
@require_http_methods(["GET", "POST"])
def vote_start(request):
    if request.method == "GET":
        return _start(request)
    open_ballots = ballots_open_for_voting()
    form = VoteStartForm(request.POST, open_ballots=open_ballots)
    if not form.is_valid():
        return _start(request, form=form, status=400)
    ballot = form.cleaned_data["ballot"]
    number = form.cleaned_data["membership_number"]
    code = form.cleaned_data["code"]
    try:
        place = _credentials_verify(request, ballot=ballot, membership_number=number, code=code)
    except VoteRefused as refusal:
        form.add_error(None, refusal.message)
        # 409 for "already voted", as the cast says it: a member whose receipt was lost (the
        # reply cut off) and who starts again is told their vote was counted, not that the
        # request was bad.
        status = {"rate_limited": 429, "already_voted": 409}.get(refusal.reason, 400)
        return _start(request, form=form, status=status, refusal=refusal)
    return _paper(request, ballot, _token_for(ballot, membership_number=number, code=code, place=place))


@never_cache
@sessionless
@require_http_methods(["GET", "POST"])
def vote_paper(request):
    """The ballot paper again: a POST here is "Go back and change", the choice ticked as it was."""
    if request.method == "GET":
        return _start_again(request, "missing", status=200)
    try:
        token = _posted_token(request)
    except VoteTokenInvalid as invalid:
        return _start_again(request, invalid.reason, status=400)
    form = BallotPaperForm(request.POST)
    return _paper_after_check(request, token, BallotPaperForm(), selected=form.posted_value())


@never_cache
@sessionless
@require_http_methods(["GET", "POST"])
def vote_confirm(request):
    """POST with a choice: show it back with "Cast my vote". POST with `cast` too: cast the vote."""
    if request.method == "GET":
        return _start_again(request, "missing", status=200)
    try:
        token = _posted_token(request)
    except VoteTokenInvalid as invalid:
        return _start_again(request, invalid.reason, status=400)
    form = BallotPaperForm(request.POST)
    if not form.is_valid():
        return _paper_after_check(request, token, form, status=400)
    if "cast" in request.POST:
        return _cast(request, token, form)
    ballot, fresh, refused = _token_rechecked(request, token)
    if refused is not None:
        return refused
    return _choice_page(request, "ballots/voting/confirm.html", fresh, ballot, form.posted_value())


def _choice_page(request, template, token, ballot, value, *, status=200):
    """A page that shows the choice back: padded to one length whichever it is."""
    bilingual = ballot_bilingual(request, ballot)
    language_use(request, bilingual=bilingual)
    labels = choice_labels(ballot.sitting_mp)
    switch = reverse("ballots:vote_confirm") if template == "ballots/voting/confirm.html" else ""

    def render(option):
        context = {
            "ballot": ballot,
            "minutes": TOKEN_LIFETIME_MINUTES,
            "question": ballot_question(ballot),
            "choice": option,
            "choice_label": labels[option],
        }
        # The confirmation is kept; the page asking to cast again (a database failure) is rare.
        kept = ("confirm", ballot_shown(ballot), option) if template == "ballots/voting/confirm.html" else None
        return voting_page_render(
            request, template, context, bilingual=bilingual, switch_action=switch, kept=kept, blanks={"token": token}
        )

    return page(request, page_of_equal_length(render, value, CHOICE_OF_VALUE), status=status)


def _ballot_named_by(token):
    """The ballot as the token names it: enough to make a page with no database at hand."""
    return SimpleNamespace(
        pk=token.ballot_id, sitting_mp=token.sitting_mp, constituency=SimpleNamespace(name=token.constituency_name)
    )


def _cast(request, token, form):
    # vote_cast re-reads the ballot itself, inside its transaction: the id is all it needs (so no
    # model instance is made: the ballot as the token names it).
    # Everything the reply needs is in the token, so once the vote is written no query can
    # fail between it and the member's receipt: the meeting device (if any) is asked first.
    meeting_lookup(request)
    named = _ballot_named_by(token)
    try:
        result = vote_cast(
            ballot=named,
            membership_number=token.membership_number,
            code=token.code,
            choice=form.cleaned_data["choice"],
            place=token.place,
        )
    except (OperationalError, InterfaceError):
        # The connection failed mid-vote: perhaps the vote was committed, perhaps not. The
        # same token and choice go back in the form; a second press casts it or says it was.
        return _choice_page(
            request,
            "ballots/voting/unconfirmed.html",
            request.POST["token"],
            named,
            form.posted_value(),
            status=503,
        )
    except VoteRefused as refusal:
        try:
            ballot = _ballot(token.ballot_id)
        except DatabaseError:
            ballot = None  # the refusal's own words are enough
        return _refused(request, ballot, refusal, maybe_receipt=refusal.reason == "already_voted")
    # The receipt keeps the language the confirmation was shown in (the form carries it).
    bilingual = request.POST.get("language") == WELSH
    content = voting_page_render(
        request,
        "ballots/voting/done.html",
        {"ballot": named},
        bilingual=bilingual,
        kept=("receipt", named.pk, named.sitting_mp, named.constituency.name),
        blanks={"receipt": result.receipt_code},
    )
    return page(request, content)


@never_cache
@sessionless
@require_GET
def vote_link(request):
    """The personal link from the email: check it and show the ballot paper at once."""
    ballot_id = request.GET.get("ballot", "")
    number = request.GET.get("member", "")
    code = request.GET.get("code", "")
    ballot = _ballot(int(ballot_id)) if ballot_id.isascii() and ballot_id.isdigit() and len(ballot_id) < 12 else None
    try:
        if ballot is None or not number or not code or len(number) > 40 or len(code) > 40:
            raise VoteRefused("bad_link", BAD_LINK)
        place = _credentials_verify(request, ballot=ballot, membership_number=number, code=code, personal_link=True)
    except VoteRefused as refusal:
        status = {"rate_limited": 429, "already_voted": 409}.get(refusal.reason, 400)
        response = _start(request, problems=[refusal.message], status=status, refusal=refusal)
    else:
        token = _token_for(ballot, membership_number=number, code=code, place=place)
        response = _paper(request, ballot, token, from_link=True)
    # The code is in this page's address: no request made from it may name it in a Referer.
    response["Referrer-Policy"] = "no-referrer"
    return response
