"""A round's forecast page: the assumption form, and each draft ballot's chance of open selection.

Thin: the scenarios come from ballots/region/forecast.py (drafts from their roll preview, open
ballots from their frozen roll, counted ones as known outcomes; a constant number of queries), the
figures from ballots/simulation/round_forecast.py, the table's rows from forecast_rows, the chart
from forecast_charts.py. For the
regional officers of the round's region (members/access.py, region_access_check). Reading only:
nothing is written, so nothing is audited.
"""

from django.shortcuts import get_object_or_404, render

from ballots.counting import CountingError
from ballots.models import Round
from ballots.region.forecast import KNOWN, forecast_rows, forecast_targets, round_ballots, round_entries
from ballots.region.forecast_charts import open_count_chart_svg, open_count_chart_text
from ballots.region.forecast_forms import RoundForecastForm
from ballots.simulation.round_forecast import round_forecast
from members.access import region_access_check


def round_forecast_view(request, round_pk):
    round_ = get_object_or_404(Round.objects.select_related("region"), pk=round_pk)
    refusal = region_access_check(request, region=round_.region)
    if refusal is not None:
        return refusal
    ballots = round_ballots(round_.pk)
    form = RoundForecastForm(request.GET if "trials" in request.GET else None, ballots=forecast_targets(ballots))
    context = {"round": round_, "form": form, "ballots": ballots, "rows": None}
    status = 200
    if form.is_bound:
        if not form.is_valid():
            status = 400
        elif ballots:
            overrides = form.overrides()
            try:
                entries = round_entries(ballots, form.assumption(), overrides)
                result = round_forecast(
                    [e.item for e in entries], form.cleaned_data["trials"], form.cleaned_data["seed"]
                )
            except CountingError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                rows = forecast_rows(entries, result, overrides)
                context.update(
                    result=result,
                    overridden=len(overrides),
                    rows=rows,
                    known=sum(1 for e in entries if e.kind == KNOWN),
                    chart_svg=open_count_chart_svg(result.distribution, result.trials),
                    chart_text=open_count_chart_text(result.distribution, result.trials),
                    p10=result.quantile(0.1),
                    p90=result.quantile(0.9),
                )
    return render(request, "ballots/region/forecast.html", context, status=status)
