"""Results pages: the declared list, a ballot's results page, its JSON and its CSV.

Who sees what:

* declared: everyone; officers of the constituency see every count (``?view=public``
  shows them the public page);
* closed but not declared (or open with its closing time passed): officers of the
  constituency only, marked provisional; officers of other constituencies get 403;
  anyone else 404 (nothing is revealed, not even that a result exists);
* a ward's counts by channel (online, paper, meeting) only in the officers' view, never the
  public one (``?view=public`` included): see ballots/results/channels.py;
* draft or still open: 404, except that the constituency's officers get a short page
  saying the results are available after the ballot closes (the JSON and CSV: 404).

A bilingual ballot's page is in the reader's language, Welsh or English (ballots/language.py:
the switch, ``?lang=``, else the language cookie, else Accept-Language), with a link to the
other; so it varies by the cookie and Accept-Language, and says so (``Vary``). Every other
page, and the JSON and CSV always (identifiers and machine formats), are English.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from ballots.language import language_links, language_remember, language_use
from ballots.models import TriggerBallot
from ballots.results import charts
from ballots.results.exports import csv_header, result_as_dict, result_csv_rows
from ballots.results.presenter import ballot_result, declared_outcomes, pc
from ballots.results.selectors import declared_ballots, votes_counted, voting_has_closed
from members.csv_export import csv_response
from members.selectors import officer_runs_constituency, user_is_officer

DECLARED_PER_PAGE = 25


class _NotYet(Exception):
    def __init__(self, ballot):
        self.ballot = ballot


def _load(request, pk):
    """The ballot and whether the request gets the public (withheld) view."""
    ballot = get_object_or_404(TriggerBallot.objects.select_related("constituency", "round"), pk=pk)
    is_officer = user_is_officer(request.user)
    runs_it = is_officer and officer_runs_constituency(request.user, ballot.constituency)
    if ballot.status == TriggerBallot.Status.DECLARED:
        public = not runs_it or request.GET.get("view") == "public"
        return ballot, public
    if not is_officer:
        raise Http404("No declared result for this ballot.")
    if not runs_it:
        raise PermissionDenied("You are not an officer of this constituency.")
    if not votes_counted(ballot):
        raise _NotYet(ballot)  # still voting, or closed with the votes still sealed
    return ballot, request.GET.get("view") == "public"


def _headers(response, ballot):
    if ballot.status != TriggerBallot.Status.DECLARED:
        response["Cache-Control"] = "no-store"
    return response


def _language(request, ballot) -> dict:
    """Make the page's language the reader's (a bilingual ballot) or English; the switch's context."""
    language_use(request, bilingual=ballot.bilingual)
    return {"bilingual": ballot.bilingual, "language_links": language_links(request) if ballot.bilingual else []}


def _in_language(request, response, ballot):
    """Keep the reader's choice of language (the switch), and say the page varies by it."""
    if ballot.bilingual:
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return language_remember(request, response)


@require_GET
def results_page(request, pk):
    try:
        ballot, public = _load(request, pk)
    except _NotYet as not_yet:
        ballot = not_yet.ballot
        context = {**_language(request, ballot), "ballot": ballot, "voting_closed": voting_has_closed(ballot)}
        return _in_language(request, render(request, "ballots/results/not_yet.html", context, status=200), ballot)
    language_context = _language(request, ballot)  # before anything is said: its words are in that language
    br = ballot_result(ballot, public=public)
    context = {
        **language_context,
        "ballot": ballot,
        "br": br,
        "result": br.result,
        "chart": charts.result_chart_svg(br.result),
        "chart_text": charts.result_chart_text(br.result),
        "disclosure_note": br.disclosure_note,
        "unknown_size_note": br.unknown_size_note,
        "officer_view": not public,
        "can_preview_public": not public,
    }
    return _in_language(request, _headers(render(request, "ballots/results/detail.html", context), ballot), ballot)


def _load_data(request, pk):
    try:
        return _load(request, pk)
    except _NotYet:
        raise Http404("The results are available after the ballot closes.") from None


@require_GET
def results_json(request, pk):
    ballot, public = _load_data(request, pk)
    br = ballot_result(ballot, public=public)
    response = JsonResponse(result_as_dict(br), json_dumps_params={"indent": 2, "ensure_ascii": False})
    return _headers(response, ballot)


@require_GET
def results_csv(request, pk):
    ballot, public = _load_data(request, pk)
    br = ballot_result(ballot, public=public, with_flip=False)
    suffix = "-provisional" if br.provisional else ""
    # A row per ward and per affiliate, made from the result already counted: no query per row.
    return csv_response(f"ballot-{ballot.pk}-results{suffix}.csv", csv_header(br), result_csv_rows(br))


@require_GET
def declared_list(request):
    paginator = Paginator(declared_ballots(), DECLARED_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    ballots = list(page.object_list)
    outcomes = declared_outcomes(ballots)
    rows = []
    for ballot in ballots:
        result = outcomes.get(ballot.pk)
        share = "" if result is None or result.open_share is None else pc(result.open_share)
        rows.append((ballot, result, share))
    return render(request, "ballots/results/declared_list.html", {"rows": rows, "page_obj": page})
