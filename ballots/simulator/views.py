"""The simulator pages: what-if (count an edited scenario under every rule set) and forecast.

Both are public tools that start from an empty scenario or the demo. Loading a ballot
(its wards, eligible affiliates and, after the close, its real tallies; or its roll for a
forecast) needs an officer of the ballot's constituency. The pages work without
JavaScript: every change is a submit (recount, add rows, download, upload).
"""

from __future__ import annotations

import json
import logging

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ballots import counting, simulation
from ballots.models import TriggerBallot
from ballots.results.presenter import same_count
from ballots.simulator.assumptions import Origin
from ballots.simulator.forecast_context import forecast_context, tie_words
from ballots.simulator.forms import (
    MAX_ROWS,
    AffiliateFormSet,
    BranchFormSet,
    ForecastAffiliateFormSet,
    ForecastBranchFormSet,
    ForecastSettingsForm,
    SettingsForm,
    forecast_data,
    forecast_initial,
    raw_rows,
    whatif_initial,
    whatif_scenario,
)
from ballots.simulator.limits import ScenarioInputError, scenario_json_load
from ballots.simulator.loading import (
    ballot_origin,
    ballot_pk,
    loaded_context,
    marked_rows,
    officer_ballot,
    posted_ballot,
    posted_origin,
    whatif_ballot,
)
from ballots.simulator.selectors import (
    ballots_for_officer,
    demo_forecast,
    demo_scenario,
)
from ballots.simulator.throttle import forecast_run_refusal, simulator_request_refusal
from members.selectors import user_is_officer

logger = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 512 * 1024
ADD_CHOICES = (1, 5, 10)
# A public page: bound the work one request may ask for (trials x entries); how many requests
# and runs a client may make is ballots/simulator/throttle.py's. The simulate command has neither.
WEB_WORK_LIMIT = 4_000_000


class _Refused(Exception):
    """An upload that cannot be read; the message is shown at the top of the page."""


def _read_upload(request) -> dict:
    upload = request.FILES.get("scenario_file")
    if upload is None:
        raise _Refused("Choose a scenario file (JSON) to upload.")
    if upload.size > MAX_UPLOAD_BYTES:
        raise _Refused(f"The file is too large: a scenario file is at most {MAX_UPLOAD_BYTES // 1024} KB.")
    try:
        return scenario_json_load(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _Refused("The file is not UTF-8 text.") from None
    except ScenarioInputError as error:
        message = str(error)
        raise _Refused(("The file " + message.removeprefix("it ")) if message.startswith("it ") else message) from None


def _json_download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _bound(request, settings_class, branch_class, affiliate_class):
    return (
        settings_class(request.POST, prefix="s"),
        branch_class(request.POST, prefix="b"),
        affiliate_class(request.POST, prefix="a"),
    )


def _unbound(settings_class, branch_class, affiliate_class, initial):
    settings_initial, branches, affiliates = initial
    return (
        settings_class(initial=settings_initial, prefix="s"),
        branch_class(initial=branches, prefix="b"),
        affiliate_class(initial=affiliates, prefix="a"),
    )


def _with_more_rows(request, forms, classes, section: str):
    """The same forms, unbound, with the rows as submitted and N blank rows added."""
    settings_form, branches, affiliates = forms
    try:
        extra = int(request.POST.get(f"add_{section}_count", "1"))
    except ValueError:
        extra = 1
    extra = max(1, min(extra, 10))
    branch_rows, affiliate_rows = raw_rows(branches), raw_rows(affiliates)
    if section == "branches":
        branch_rows += [{}] * min(extra, MAX_ROWS - len(branch_rows))
    else:
        affiliate_rows += [{}] * min(extra, MAX_ROWS - len(affiliate_rows))
    settings_initial = {name: settings_form[name].value() for name in settings_form.fields}
    return _unbound(*classes, (settings_initial, branch_rows, affiliate_rows))


def _whatif_results(scenario: counting.Scenario, errors: list[str]) -> dict:
    try:
        result = counting.count(scenario)
    except counting.CountingError as error:
        errors.append(f"This scenario cannot be counted: {error}")
        return {}
    rows = []
    for other in counting.compare_rules(scenario):
        rows.append(
            {
                "result": other,
                "title": other.rule_set.title,
                "selected": same_count(other, result),
                "share": None if other.open_share is None else counting.format_percent(other.open_share),
                "tie": tie_words(other.rule_set, other.options),
            }
        )
    return {"result": result, "comparison": rows, "flip": _smallest_flip(scenario)}


def _smallest_flip(scenario: counting.Scenario):
    """The smallest flip, or None; a failure of this optional part is logged, not shown as a 500."""
    try:
        return simulation.smallest_flip(scenario)
    except counting.CountingError:
        logger.exception("smallest flip failed; the what-if page is shown without it")
        return None


def _refused_page(request, template: str, classes, initial, refusal: tuple[str, int]):
    """The page with the demo's rows, nothing counted, and the refusal: 429 with Retry-After."""
    message, seconds = refusal
    settings_form, branches, affiliates = _unbound(*classes, initial)
    context = {"source": None, **_page_context(request, settings_form, branches, affiliates, [message])}
    context.update(marked_rows(context, settings_form, branches, affiliates), roll_ballots=[])
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(seconds)
    return response


@require_http_methods(["GET", "POST"])
def whatif(request):
    classes = (SettingsForm, BranchFormSet, AffiliateFormSet)
    refusal = simulator_request_refusal(request)
    if refusal is not None:
        return _refused_page(
            request, "ballots/simulator/whatif.html", classes, whatif_initial(demo_scenario()), refusal
        )
    errors: list[str] = []
    context = {"source": None}
    scenario = None
    if request.method == "POST":
        action = request.POST.get("action", "recount")
        if action == "upload":
            try:
                data = _read_upload(request)
                uploaded = counting.scenario_from_dict(data, check=False)
            except (_Refused, counting.CountingError) as error:
                errors.append(f"Could not load the uploaded scenario: {error}")
                forms = _unbound(*classes, whatif_initial(demo_scenario()))
            else:
                forms = _unbound(*classes, whatif_initial(uploaded))
                context["source"] = "the uploaded file"
                try:
                    counting.count(uploaded)
                    scenario = uploaded
                except counting.CountingError as error:
                    errors.append(str(error))
        else:
            forms = _bound(request, *classes)
            loaded = posted_ballot(request)
            if loaded is not None:
                context.update(loaded_context(loaded))
            if action in ("add_branches", "add_affiliates"):
                forms = _with_more_rows(request, forms, classes, action.removeprefix("add_"))
            else:
                scenario = whatif_scenario(*forms, errors)
                if scenario is not None and action == "download":
                    return _json_download(counting.scenario_to_dict(scenario), "whatif-scenario.json")
    else:
        pk = ballot_pk(request.GET.get("ballot"))
        if pk is not None:
            loaded = whatif_ballot(request, pk)
            if isinstance(loaded, HttpResponse):
                return loaded
            scenario = loaded.scenario
            context.update(loaded_context(loaded))
        elif request.GET.get("start") == "empty":
            scenario = counting.Scenario(
                branches=(counting.Branch("Ward 1", reselect=0, open=0),),
                affiliates=(counting.Affiliate("Affiliate 1", "none"),),
            )
            context["source"] = "an empty scenario"
        else:
            scenario = demo_scenario()
            context["source"] = "the demo scenario (invented figures)"
        forms = _unbound(*classes, whatif_initial(scenario))
    settings_form, branches, affiliates = forms
    if scenario is not None:
        context.update(_whatif_results(scenario, errors))
    context.update(_page_context(request, settings_form, branches, affiliates, errors))
    context.update(marked_rows(context, settings_form, branches, affiliates))
    return render(request, "ballots/simulator/whatif.html", context)


def _page_context(request, settings_form, branches, affiliates, errors) -> dict:
    row_errors = []
    for label, formset in (("Branch", branches), ("Affiliate", affiliates)):
        if not formset.is_bound:
            continue
        for form in formset.forms:
            for field, messages in form.errors.items():
                target = form[field].id_for_label if field != "__all__" else form["name"].id_for_label
                for message in messages:
                    row_errors.append(
                        {"target": target, "text": f"{label} row {form.prefix.split('-')[-1]}: {message}"}
                    )
        for message in formset.non_form_errors():
            errors.append(message)
    return {
        "settings_form": settings_form,
        "branches": branches,
        "affiliates": affiliates,
        "errors": errors,
        "row_errors": row_errors,
        # For the site's one error summary: the general problems, then each row's, linked to it.
        "problems": [*errors, *row_errors],
        "add_choices": ADD_CHOICES,
        "officer_ballots": list(ballots_for_officer(request.user)) if user_is_officer(request.user) else [],
        "max_rows": MAX_ROWS,
    }


@require_http_methods(["GET", "POST"])
def forecast(request):
    classes = (ForecastSettingsForm, ForecastBranchFormSet, ForecastAffiliateFormSet)
    refusal = simulator_request_refusal(request)
    if refusal is not None:
        initial = forecast_initial(demo_forecast())
        return _refused_page(request, "ballots/simulator/forecast.html", classes, initial, refusal)
    errors: list[str] = []
    context: dict = {"source": None}
    data = None
    origin, origin_ballot = Origin(kind="entered"), None
    if request.method == "POST":
        action = request.POST.get("action", "run")
        if action == "upload":
            try:
                uploaded = _read_upload(request)
                initial = forecast_initial(uploaded)
            except (_Refused, counting.CountingError) as error:
                errors.append(f"Could not load the uploaded forecast scenario: {error}")
                forms = _unbound(*classes, forecast_initial(demo_forecast()))
                origin = Origin(kind="demo")
            else:
                initial[0].update(trials=10_000)
                forms = _unbound(*classes, initial)
                context["source"] = "the uploaded file"
                origin = Origin(kind="upload")
        else:
            forms = _bound(request, *classes)
            origin, origin_ballot = posted_origin(request)
            if action in ("add_branches", "add_affiliates"):
                forms = _with_more_rows(request, forms, classes, action.removeprefix("add_"))
            else:
                data = forecast_data(*forms, errors)
                if data is not None and action == "download":
                    return _json_download(data, "forecast-scenario.json")
    else:
        pk = ballot_pk(request.GET.get("ballot"))
        if pk is not None:
            ballot = officer_ballot(request, pk)
            if isinstance(ballot, HttpResponse):
                return ballot
            try:
                origin, origin_ballot = ballot_origin(ballot), ballot.pk
                assert origin.start is not None  # a ballot's roll is always known again
                initial = forecast_initial(origin.start)
                context["source"] = f"the roll of ballot {ballot.pk}: {ballot.sitting_mp}, {ballot.constituency.name}"
            except counting.CountingError as error:
                errors.append(f"Could not forecast from ballot {ballot.pk}: {error}")
                pk, origin, origin_ballot = None, Origin(kind="entered"), None
        if pk is None:
            initial = forecast_initial(demo_forecast())
            context["source"] = "the demo forecast (invented figures)"
            origin = Origin(kind="demo")
        initial[0].update(trials=10_000)
        forms = _unbound(*classes, initial)
    settings_form, branches, affiliates = forms
    if data is not None:
        data = _within_web_limits(request, data, settings_form, errors)
    if data is not None:
        result = simulation.forecast(
            data, trials=settings_form.cleaned_data["trials"], seed=settings_form.cleaned_data.get("seed")
        )
        context.update(forecast_context(result, data, origin))
    context.update(_page_context(request, settings_form, branches, affiliates, errors))
    context.update(origin_kind=origin.kind, origin_ballot=origin_ballot)
    forecastable = (TriggerBallot.Status.DRAFT, TriggerBallot.Status.OPEN)
    context["roll_ballots"] = [b for b in context["officer_ballots"] if b.status in forecastable]
    return render(request, "ballots/simulator/forecast.html", context)


def _within_web_limits(request, data: dict, settings_form, errors: list[str]) -> dict | None:
    trials = settings_form.cleaned_data["trials"]
    entries = max(1, len(data["branches"]) + len(data["affiliates"]))
    if trials * entries > WEB_WORK_LIMIT:
        most = WEB_WORK_LIMIT // entries
        settings_form.add_error(
            "trials",
            f"With {entries} branches and affiliates this page runs at most {most:,} trials; "
            "the simulate command has no such limit.",
        )
        return None
    refusal = forecast_run_refusal(request)
    if refusal:
        errors.append(refusal)
        return None
    return data
