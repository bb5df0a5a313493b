"""The receipt check (/vote/receipt/) and /vote/done/, where a receipt would be had it been kept.

Thin views, as ballots/voting/views.py: the check is ballots/voting/services.receipt_check;
no page uses the session (pages.sessionless) and every page is sent with no-store.
"""

from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ballots.models import TriggerBallot
from ballots.voting.forms import ReceiptCheckForm
from ballots.voting.pages import page, sessionless
from ballots.voting.rendering import voting_page_render
from ballots.voting.services import ballots_open_for_voting, receipt_check


@never_cache
@sessionless
@require_GET
def vote_done(request):
    """Where a receipt would be, had the page been kept: it never is, so this says so."""
    bilingual = any(ballot.bilingual for ballot in ballots_open_for_voting())
    return page(
        request, voting_page_render(request, "ballots/voting/done.html", {"receipt": None}, bilingual=bilingual)
    )


@never_cache
@sessionless
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
    content = voting_page_render(
        request,
        "ballots/voting/receipt.html",
        {"form": form, "found": found, "checked_ballot": checked_ballot},
        bilingual=any(ballot.bilingual for ballot in ballots),
    )
    return page(request, content, status=400 if form.errors else 200)
