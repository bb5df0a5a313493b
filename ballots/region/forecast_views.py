"""A round's forecast page: the assumption form, and each draft ballot's chance of open selection.

Thin: the scenarios come from ballots/region/forecast.py (two queries for all the drafts), the
figures from ballots/simulation/round_forecast.py, the chart from forecast_charts.py. For the
regional officers of the round's region (members/access.py, region_access_check). Reading only:
nothing is written, so nothing is audited.
"""

from django.shortcuts import get_object_or_404, render

from ballots.models import Round, TriggerBallot
from ballots.region.forecast import draft_scenarios, round_drafts
from ballots.region.forecast_charts import open_count_chart_svg, open_count_chart_text
from ballots.region.forecast_forms import RoundForecastForm
from ballots.simulation.round_forecast import round_forecast
from ballots.simulation.sampling import ForecastError
from members.access import region_access_check


def round_forecast_view(request, round_pk):
    round_ = get_object_or_404(Round.objects.select_related("region"), pk=round_pk)
    refusal = region_access_check(request, region=round_.region)
    if refusal is not None:
        return refusal
    drafts = round_drafts(round_.pk)
    others = TriggerBallot.objects.filter(round=round_).exclude(status=TriggerBallot.Status.DRAFT).count()
    form = RoundForecastForm(request.GET if "trials" in request.GET else None)
    context = {"round": round_, "form": form, "drafts": drafts, "others": others, "rows": None}
    status = 200
    if form.is_bound:
        if not form.is_valid():
            status = 400
        elif drafts:
            try:
                result = round_forecast(
                    draft_scenarios(drafts, form.assumption()), form.cleaned_data["trials"], form.cleaned_data["seed"]
                )
            except ForecastError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                context.update(
                    result=result,
                    rows=[
                        (ballot, f"{f.p_open_selection:.1%}", f"{100 * f.mc_error:.1f} percentage points")
                        for ballot, f in zip(drafts, result.ballots, strict=True)
                    ],
                    chart_svg=open_count_chart_svg(result.distribution, result.trials),
                    chart_text=open_count_chart_text(result.distribution, result.trials),
                    p10=result.quantile(0.1),
                    p90=result.quantile(0.9),
                )
    return render(request, "ballots/region/forecast.html", context, status=status)
