"""Members' voting pages: /vote/ -> /vote/ballot/ -> /vote/confirm/ -> /vote/done/, the personal
link /vote/link/ and the receipt check /vote/receipt/.

Thin views: every check and write is in ballots/voting/services.py; failed credential checks
are rate limited (ballots/ratelimit.py). Between steps the verified credentials wait in the
server-side session (never in a page or a URL) and are removed when the vote is cast. Every
page is sent with Cache-Control: no-store.

No page writes on GET. When a POST is refused because the ballot's closing time has passed,
the due ballots are closed once the refusal page has been sent (`_RefusalThenCloseDue`).
"""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ballots.models import Choice, TriggerBallot
from ballots.ratelimit import client_address, rate_limit_message, vote_rate_limit_check, vote_rate_limit_failure
from ballots.voting.forms import BallotPaperForm, ReceiptCheckForm, VoteStartForm
from ballots.voting.services import (
    VoteRefused,
    ballots_close_due_after_refusal,
    ballots_open_for_voting,
    receipt_check,
    vote_cast,
    vote_credentials_check,
)

SESSION_VOTE = "voting"
SESSION_RECEIPT = "voting_receipt"
SESSION_ERROR = "voting_error"
# Voting sessions of members (who have no accounts) end an hour after the last step.
VOTING_SESSION_SECONDS = 60 * 60
# Refusals after which this ballot paper can never be cast: the session forgets it.
FINAL_REFUSALS = {"already_voted", "closed", "unknown_or_wrong"}


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


def _page(request, template, context, *, status=200, refusal=None):
    """The page; a POST refused for lateness closes the due ballots after it is sent (never a GET)."""
    if refusal is not None and refusal.closing_time_passed and request.method == "POST":
        content = render_to_string(template, context, request)
        return _RefusalThenCloseDue(content, status=status, refusal=refusal)
    return render(request, template, context, status=status)


def _see_other(name):
    response = redirect(reverse(f"ballots:{name}"))
    response.status_code = 303
    return response


def _credentials_verify(request, *, ballot, membership_number, code):
    """vote_credentials_check behind the rate limits; failures count against number and client."""
    client = client_address(request)
    state = vote_rate_limit_check(membership_number=membership_number, client=client)
    if state.limited:
        raise VoteRefused("rate_limited", rate_limit_message(state))
    try:
        vote_credentials_check(ballot=ballot, membership_number=membership_number, code=code)
    except VoteRefused as refusal:
        if refusal.reason == "unknown_or_wrong":
            vote_rate_limit_failure(membership_number=membership_number, client=client)
        raise


def _session_start(request, *, ballot, membership_number, code):
    if request.session.session_key:
        request.session.cycle_key()  # a fresh session id once credentials are verified (no fixation)
    request.session[SESSION_VOTE] = {"ballot": ballot.pk, "number": membership_number, "code": code}
    request.session.pop(SESSION_RECEIPT, None)
    if not request.user.is_authenticated:
        request.session.set_expiry(VOTING_SESSION_SECONDS)


def _session_vote(request):
    """(ballot, verified credentials) from the session, or (None, None)."""
    data = request.session.get(SESSION_VOTE)
    if not data:
        return None, None
    ballot = TriggerBallot.objects.select_related("constituency").filter(pk=data["ballot"]).first()
    if ballot is None:
        request.session.pop(SESSION_VOTE, None)
        return None, None
    return ballot, data


def _start_again(request):
    request.session[SESSION_ERROR] = (
        "Enter your membership number and voting code to see your ballot paper. "
        "If you had started, your session ended or your vote was already cast."
    )
    return _see_other("vote_start")


def _refused(request, ballot, refusal, *, status=409):
    if refusal.reason in FINAL_REFUSALS:
        request.session.pop(SESSION_VOTE, None)
    return _page(
        request, "ballots/voting/refused.html", {"ballot": ballot, "refusal": refusal}, status=status, refusal=refusal
    )


def _question(ballot):
    return (
        f"Do you want {ballot.sitting_mp} to be automatically reselected as the Labour candidate for "
        f"{ballot.constituency.name}, or should there be an open selection?"
    )


def _choice_labels(ballot):
    return {
        Choice.RESELECT: f"Reselect {ballot.sitting_mp} automatically",
        Choice.OPEN: "Hold an open selection",
    }


@never_cache
@require_http_methods(["GET", "POST"])
def vote_start(request):
    open_ballots = ballots_open_for_voting()
    problems = []
    status = None
    refusal = None
    if request.method == "POST":
        form = VoteStartForm(request.POST, open_ballots=open_ballots)
        if form.is_valid():
            ballot = form.cleaned_data["ballot"]
            number = form.cleaned_data["membership_number"]
            code = form.cleaned_data["code"]
            try:
                _credentials_verify(request, ballot=ballot, membership_number=number, code=code)
            except VoteRefused as refused:
                refusal = refused
                form.add_error(None, refusal.message)
                if refusal.reason == "rate_limited":
                    status = 429
            else:
                _session_start(request, ballot=ballot, membership_number=number, code=code)
                return _see_other("vote_paper")
        form.show_open_ballots(open_ballots)
    else:
        form = VoteStartForm(open_ballots=open_ballots)
        message = request.session.pop(SESSION_ERROR, None)
        if message:
            problems.append(message)
    return _page(
        request,
        "ballots/voting/start.html",
        {"form": form, "open_ballots": open_ballots, "problems": problems},
        status=status or (400 if form.errors else 200),
        refusal=refusal,
    )


def _paper(request, ballot, form, *, status=200):
    labels = _choice_labels(ballot)
    return render(
        request,
        "ballots/voting/paper.html",
        {
            "ballot": ballot,
            "form": form,
            "question": _question(ballot),
            "choices": [(value, labels[value]) for value in (Choice.RESELECT, Choice.OPEN)],
            "selected": form["choice"].value() if form.is_bound else None,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def vote_paper(request):
    """The ballot paper. Its form posts to /vote/confirm/; a POST here is "Go back and change"."""
    ballot, data = _session_vote(request)
    if ballot is None:
        return _start_again(request)
    try:
        vote_credentials_check(ballot=ballot, membership_number=data["number"], code=data["code"])
    except VoteRefused as refusal:
        return _refused(request, ballot, refusal)
    form = BallotPaperForm(request.POST) if request.method == "POST" else BallotPaperForm()
    return _paper(request, ballot, form)


@never_cache
@require_http_methods(["GET", "POST"])
def vote_confirm(request):
    """POST with a choice: show it back with "Cast my vote". POST with `cast` too: cast the vote.

    The choice travels in the form, never in the session: nothing stored on the server ever
    holds a membership number and a choice together, even for a moment.
    """
    data = request.session.get(SESSION_VOTE)
    if not data:
        return _start_again(request)
    if request.method == "GET":
        return _see_other("vote_paper")
    form = BallotPaperForm(request.POST)
    if "cast" in request.POST and form.is_valid():
        return _cast(request, data, form.cleaned_data["choice"])
    ballot, data = _session_vote(request)
    if ballot is None:
        return _start_again(request)
    if not form.is_valid():
        return _paper(request, ballot, form, status=400)
    try:
        vote_credentials_check(ballot=ballot, membership_number=data["number"], code=data["code"])
    except VoteRefused as refusal:
        return _refused(request, ballot, refusal)
    choice = form.cleaned_data["choice"]
    return render(
        request,
        "ballots/voting/confirm.html",
        {
            "ballot": ballot,
            "question": _question(ballot),
            "choice": choice,
            "choice_label": _choice_labels(ballot)[choice],
        },
    )


def _cast(request, data, choice):
    # vote_cast re-reads the ballot itself, inside its transaction: the id is all it needs.
    try:
        result = vote_cast(
            ballot=TriggerBallot(pk=data["ballot"]), membership_number=data["number"], code=data["code"], choice=choice
        )
    except VoteRefused as refusal:
        ballot = TriggerBallot.objects.select_related("constituency").filter(pk=data["ballot"]).first()
        if refusal.reason == "already_voted":
            # Perhaps this very paper, a moment ago, in another tab or by a double click:
            # leave the session alone so that request's receipt is not overwritten.
            return _page(
                request,
                "ballots/voting/refused.html",
                {"ballot": ballot, "refusal": refusal, "maybe_receipt": True},
                status=409,
                refusal=refusal,
            )
        return _refused(request, ballot, refusal)
    request.session.pop(SESSION_VOTE, None)
    request.session[SESSION_RECEIPT] = {"receipt": result.receipt_code, "ballot": data["ballot"]}
    return _see_other("vote_done")


@never_cache
@require_GET
def vote_done(request):
    # Shown once: the receipt code leaves the session as this page is made.
    receipt = request.session.pop(SESSION_RECEIPT, None)
    ballot = (
        TriggerBallot.objects.select_related("constituency").filter(pk=receipt["ballot"]).first() if receipt else None
    )
    return render(request, "ballots/voting/done.html", {"receipt": receipt, "ballot": ballot})


@never_cache
@require_GET
def vote_link(request):
    """The personal link from the email: check it, keep it in the session, move to a clean URL."""
    ballot_id = request.GET.get("ballot", "")
    number = request.GET.get("member", "")
    code = request.GET.get("code", "")
    ballot = (
        TriggerBallot.objects.select_related("constituency").filter(pk=int(ballot_id)).first()
        if ballot_id.isascii() and ballot_id.isdigit() and len(ballot_id) < 12
        else None
    )
    try:
        if ballot is None or not number or not code:
            raise VoteRefused(
                "bad_link",
                "This voting link is not complete. Check you copied all of it, "
                "or enter your membership number and voting code below.",
            )
        _credentials_verify(request, ballot=ballot, membership_number=number, code=code)
    except VoteRefused as refusal:
        request.session[SESSION_ERROR] = refusal.message
        response = _see_other("vote_start")
    else:
        _session_start(request, ballot=ballot, membership_number=number, code=code)
        response = _see_other("vote_paper")
    # The code is in this request's URL: make sure no later request names it in a Referer.
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def vote_receipt_check(request):
    ballots = (
        TriggerBallot.objects.exclude(status=TriggerBallot.Status.DRAFT)
        .select_related("constituency")
        .order_by("constituency__name", "-opens_at")
    )
    found = checked_ballot = None
    if request.method == "POST":
        form = ReceiptCheckForm(request.POST, ballots=ballots)
        if form.is_valid():
            checked_ballot = form.cleaned_data["ballot"]
            found = receipt_check(ballot=checked_ballot, receipt_code=form.cleaned_data["receipt_code"])
    else:
        # Preselect the ballot named in the address (the receipt page links here with it), or the only one.
        wanted = request.GET.get("ballot", "")
        listed = list(ballots)
        initial = next((b.pk for b in listed if str(b.pk) == wanted), listed[0].pk if len(listed) == 1 else None)
        form = ReceiptCheckForm(ballots=ballots, initial={"ballot": initial})
    return render(
        request,
        "ballots/voting/receipt.html",
        {"form": form, "found": found, "checked_ballot": checked_ballot},
        status=400 if form.errors else 200,
    )
