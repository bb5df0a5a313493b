"""The public overview of a round: the page, its JSON and its CSV (ballots/results/round_overview.py)."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from ballots.models import Round
from ballots.results.round_overview import (
    CSV_HEADER,
    overview_as_dict,
    overview_charts,
    overview_csv_rows,
    round_overview,
)
from members.csv_export import csv_response


def _overview(round_pk):
    return round_overview(get_object_or_404(Round.objects.select_related("region"), pk=round_pk))


@require_GET
def round_overview_page(request, round_pk):
    overview = _overview(round_pk)
    context = {"overview": overview, "round": overview.round, "charts": overview_charts(overview)}
    return render(request, "ballots/results/round_overview.html", context)


@require_GET
def round_overview_json(request, round_pk):
    data = overview_as_dict(_overview(round_pk), absolute=request.build_absolute_uri)
    return JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})


@require_GET
def round_overview_csv(request, round_pk):
    overview = _overview(round_pk)
    filename = f"{slugify(overview.round.region.name)}-{slugify(overview.round.name)}-results.csv"
    return csv_response(filename, CSV_HEADER, overview_csv_rows(overview))
