"""The forecast page explains itself: the headline as a chance in words, the simulation's own
error apart from the spread of the share, every assumption with where it came from, the
histogram's sides (exactly 50% on the reselect side), and what matters most. Forecasts start
from a draft's roll as it would be frozen, or an open ballot's frozen roll, never from votes.
"""

import re

import pytest
from django.urls import reverse

from ballots import simulation
from ballots.models import RollEntry, TriggerBallot
from ballots.simulator.assumptions import Origin, forecast_assumptions
from ballots.simulator.charts import histogram_description, histogram_svg, pivotal_ranking, pivotal_svg
from ballots.simulator.forecast_words import forecast_words, likelihood_words
from ballots.simulator.selectors import ROLL_SUPPORT, ROLL_TURNOUT
from tests.ballots.simulator.test_pages import forecast_post
from tests.factories import AffiliateFactory, MemberFactory, TriggerBallotFactory, make_ballot_with_votes

FORECAST = reverse("ballots:simulator_forecast")


def scenario(rules="labour-2021", branches=4, affiliates=3, support=0.5):
    return {
        "rules": rules,
        "options": {},
        "branches": [
            {
                "name": f"Ward {i}",
                "members": 10 + i,
                "turnout": {"mean": 0.4, "sd": 0.1},
                "support": {"mean": support, "sd": 0.1},
            }
            for i in range(branches)
        ],
        "affiliates": [
            {"name": f"Union {i}", "p_reselect": 1 / 3, "p_open": 1 / 3, "p_abstain": 1 - 2 / 3, "members": 100}
            for i in range(affiliates)
        ],
    }


@pytest.mark.parametrize(
    ("percent", "words"),
    [
        (0.0, "very unlikely"),
        (4.99, "very unlikely"),
        (5.0, "unlikely"),
        (24.9, "unlikely"),
        (25.0, "less likely than not"),
        (45.0, "about as likely as not"),
        (54.9, "about as likely as not"),
        (55.0, "more likely than not"),
        (75.0, "likely"),
        (94.9, "likely"),
        (95.0, "very likely"),
        (100.0, "very likely"),
    ],
)
def test_a_chance_is_put_in_words_at_each_boundary(percent, words):
    assert likelihood_words(percent) == words


def test_the_headline_is_the_chance_of_open_selection_and_the_error_is_labelled_apart():
    result = simulation.forecast(scenario(), trials=2000, seed=5)
    words = forecast_words(result)
    p = 100 * result.main.p_open_selection
    assert f"the seat went to open selection in {p:.1f}% of the trials" in words.headline
    assert f"({result.main.open_selections:,} of 2,000)" in words.headline
    assert words.headline.startswith(f"An open selection is {likelihood_words(p)}:")
    low, high = (100 * x for x in result.main.ci95)
    assert words.error.startswith("Simulation error: about ±")
    assert f"{low:.1f}% to {high:.1f}%, a 95% interval" in words.error
    assert "not the uncertainty of the real ballot" in words.error
    # The spread is the share's own quantiles, not the interval of the proportion.
    q = result.share_quantiles
    assert f"90% between {100 * q['p5']:.1f}% and {100 * q['p95']:.1f}%" in words.spread
    assert f"{low:.1f}%" not in words.spread


def test_more_trials_make_the_simulation_error_smaller():
    few = forecast_words(simulation.forecast(scenario(), trials=500, seed=1)).error
    many = forecast_words(simulation.forecast(scenario(), trials=20_000, seed=1)).error

    def half(text):
        return float(re.search(r"±(\d+\.\d)", text).group(1))

    assert half(many) < half(few)


@pytest.mark.parametrize("rules", ["labour-2021", "labour-2018", "labour-pre-2018"])
def test_the_histograms_open_side_is_the_trials_that_went_to_open_selection(rules):
    # Small even branches make exact 50% shares (and exact thirds) common: the edge cases.
    data = scenario(rules=rules, branches=4, affiliates=2)
    result = simulation.forecast(data, trials=4000, seed=11)
    assert result.open_side_trials == result.main.open_selections
    share = 100 * result.open_side_trials / result.trials
    assert f"{share:.1f}% of trials are on the open side" in histogram_description(result)


def test_exactly_half_is_on_the_reselect_side_of_more_than_half():
    # Two branches, no affiliates, support certain to split: each trial's college share is
    # 0, 25%, 50% (one branch each way, or ties) or more; exactly 50% must not be open.
    data = scenario(branches=2, affiliates=0)
    result = simulation.forecast(data, trials=3000, seed=3)
    bars = dict(((round(100 * low), round(100 * high)), k) for low, high, k in result.histogram_bins())
    at_half = bars[(45, 50)]
    assert at_half > 0  # the 50% trials are drawn in the bar below the threshold
    assert result.open_side_trials == sum(k for (low, _), k in bars.items() if low >= 50)
    text = histogram_description(result)
    assert "Open selection needs more than 50% (exactly the threshold is on the reselect side)" in text
    svg = str(histogram_svg(result))
    assert "\u2190 Reselected" in svg and "Open selection \u2192" in svg
    assert "45% to 50%: " in svg and "trials (reselect side)" in svg


def test_a_threshold_inside_a_bar_is_drawn_in_both_colours_and_said():
    result = simulation.forecast(scenario(rules="labour-2018"), trials=1000, seed=2)
    svg = str(histogram_svg(result))
    assert "30% to 35%: " in svg and "trials (both sides)" in svg
    assert 'fill="url(#share-both)"' in svg
    assert "Open selection needs at least 33.3%" in histogram_description(result)
    assert "The bar from 30% to 35% holds trials of both sides" in histogram_description(result)


def test_what_matters_most_ranks_branches_and_affiliates_together_most_pivotal_first():
    result = simulation.forecast(scenario(), trials=2000, seed=9)
    ranking = pivotal_ranking(result)
    assert len(ranking) == 4 + 3
    shares = [p for _, _, p in ranking]
    assert shares == sorted(shares, reverse=True)
    assert {kind for kind, _, _ in ranking} == {"Ward branch", "Affiliate"}
    svg = str(pivotal_svg(result))
    kind, name, p = ranking[0]
    assert f"{name} ({kind.lower()}): pivotal in {100 * p:.1f}% of trials" in svg


def test_assumptions_from_a_roll_say_which_are_counted_and_which_are_guesses():
    start = scenario()
    origin = Origin(kind="ballot", start=start, ballot_words="ballot 7 (Canterbury)", roll_words="as frozen")
    rows = {row.what: row for row in forecast_assumptions(start, origin)}
    assert rows["Eligible members"].value == "46 in 4 ward branches (10 to 13 each)"
    assert rows["Eligible members"].source == "counted from the roll of ballot 7 (Canterbury), as frozen"
    assert rows["Turnout"].value == "40% in every branch, give or take 10 points (one standard deviation)"
    assert rows["Turnout"].source.startswith("the simulator's starting guess, not from the ballot")
    assert rows["Support for reselection"].source.startswith("the simulator's starting guess")
    assert rows["Affiliates' chances"].value == "a third each for reselect, open and abstain, for every affiliate"
    assert rows["Rule set"].source == "the settings of ballot 7 (Canterbury)"
    assert rows["Rule set"].value.startswith("Labour rules of 2021: members and affiliates 50/50 (")
    assert "labour-2021" not in " ".join(row.value + row.source for row in rows.values())


def test_an_edited_assumption_is_the_users_own_and_the_others_keep_their_source():
    start = scenario()
    edited = scenario()
    edited["branches"][1]["turnout"] = {"mean": 0.25, "sd": 0.05}
    origin = Origin(kind="ballot", start=start, ballot_words="ballot 7 (Canterbury)", roll_words="as frozen")
    rows = {row.what: row for row in forecast_assumptions(edited, origin)}
    assert rows["Turnout"].source == "entered on this page"
    assert rows["Turnout"].value == (
        "25% to 40% from branch to branch, give or take 5 to 10 points (one standard deviation)"
    )
    assert rows["Support for reselection"].source.startswith("the simulator's starting guess")
    assert rows["Eligible members"].source.startswith("counted from the roll")


def test_demo_and_uploaded_assumptions_name_their_source():
    data = scenario()
    demo = {row.what: row.source for row in forecast_assumptions(data, Origin(kind="demo", start=data))}
    assert set(demo.values()) == {"the demo's invented figures"}
    upload = {row.what: row.source for row in forecast_assumptions(data, Origin(kind="upload"))}
    assert set(upload.values()) == {"the uploaded file, or entered on this page"}


def _roll_forecast_page(client, ballot):
    response = client.get(FORECAST, {"ballot": ballot.pk})
    assert response.status_code == 200
    data = {"origin": "ballot", "ballot": str(ballot.pk), "s-trials": "500", "s-seed": "4", "action": "run"}
    data["s-rules"], data["s-tied_branch"] = "labour-2021", "exclude"
    data["s-member_counting"], data["s-affiliate_counting"] = "branch", "unit"
    for prefix, formset in (("b", response.context["branches"]), ("a", response.context["affiliates"])):
        data.update({f"{prefix}-TOTAL_FORMS": str(len(formset.forms)), f"{prefix}-INITIAL_FORMS": "0"})
        for i, form in enumerate(formset.forms):
            for name, value in form.initial.items():
                data[f"{prefix}-{i}-{name}"] = "" if value is None else str(value)
    return response, client.post(FORECAST, data)


def test_an_open_ballot_is_forecast_from_its_frozen_roll_and_never_its_votes(officer_client, constituency):
    ballot = make_ballot_with_votes(
        constituency=constituency,
        wards=(("Barton", 3, 1, 6), ("Northgate", 0, 2, 3)),
        affiliates=(("Unite", "trade_union", None, 50),),
        status=TriggerBallot.Status.OPEN,
    )
    MemberFactory(ward=RollEntry.objects.filter(ballot=ballot).first().ward)  # joined after the freeze: not on the roll
    page, run = _roll_forecast_page(officer_client, ballot)
    rows = {f.initial["name"]: f.initial for f in page.context["branches"]}
    assert {name: row["members"] for name, row in rows.items()} == {"Barton": 6, "Northgate": 3}
    # The turnout and support are the starting guesses, whatever has been voted so far.
    assert {row["turnout"] for row in rows.values()} == {100 * ROLL_TURNOUT["mean"]}
    assert {row["support"] for row in rows.values()} == {100 * ROLL_SUPPORT["mean"]}
    assumptions = {row.what: row.source for row in run.context["assumptions"]}
    assert assumptions["Eligible members"] == (
        f"counted from the roll of ballot {ballot.pk} (Canterbury), as frozen when the ballot opened"
    )
    assert assumptions["Turnout"].startswith("the simulator's starting guess")


def test_a_drafts_forecast_keeps_its_source_when_run_and_another_officer_cannot_claim_it(
    officer_client, constituency, wards, other_officer, client
):
    ballot = TriggerBallotFactory(constituency=constituency, status=TriggerBallot.Status.DRAFT)
    MemberFactory(ward=wards[0])
    AffiliateFactory(constituency=constituency, name="Unite")
    _, run = _roll_forecast_page(officer_client, ballot)
    sources = {row.what: row.source for row in run.context["assumptions"]}
    assert sources["Eligible members"].endswith("as it would be if the ballot opened now")
    assert f'name="ballot" value="{ballot.pk}"' in run.content.decode()
    # Someone who may not load the ballot posts its number: the figures are simply their own.
    client.force_login(other_officer)
    data = forecast_post([("Barton", "1", "40", "10", "50", "10")], [])
    data.update(origin="ballot", ballot=str(ballot.pk))
    response = client.post(FORECAST, data)
    assert response.status_code == 200
    sources = {row.what: row.source for row in response.context["assumptions"]}
    assert set(sources.values()) == {"entered on this page"}
    assert "Canterbury" not in response.content.decode().split('id="forecast-results"')[1].split("</section>")[0]


def test_the_ballot_page_links_a_draft_or_open_ballot_to_its_forecast_only(officer_client, constituency):
    link = "Forecast this ballot from its roll"
    for status, shown in (
        (TriggerBallot.Status.DRAFT, True),
        (TriggerBallot.Status.OPEN, True),
        (TriggerBallot.Status.CLOSED, False),
    ):
        ballot = TriggerBallotFactory(constituency=constituency, status=status)
        page = officer_client.get(reverse("ballots:ballot_manage", args=[ballot.pk])).content.decode()
        assert (f'href="{FORECAST}?ballot={ballot.pk}">{link}' in page) is shown, status


def test_running_a_rolls_forecast_takes_the_same_queries_however_many_members(officer_client, constituency, wards):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ballot = TriggerBallotFactory(constituency=constituency, status=TriggerBallot.Status.DRAFT)
    AffiliateFactory(constituency=constituency)
    _roll_forecast_page(officer_client, ballot)  # warm caches (sessions, permissions)
    with CaptureQueriesContext(connection) as small:
        _roll_forecast_page(officer_client, ballot)
    for ward in wards:
        for _ in range(5):
            MemberFactory(ward=ward)
    AffiliateFactory(constituency=constituency)
    with CaptureQueriesContext(connection) as large:
        _roll_forecast_page(officer_client, ballot)
    assert len(large.captured_queries) == len(small.captured_queries)
