"""Round forecasts: probabilities in [0, 1], the distribution sums to the trials and its mean is
the sum of the ballots' chances, certain ballots have chance 1, the same seed gives the same
numbers, whatever the chunk and however many threads draw them, ballots with a known result count
as chance 0 or 1 in every trial, and a one-ballot round agrees exactly with the single-ballot
forecast (beyond one block of trials too).
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.simulation import ForecastError, forecast
from ballots.simulation import round_forecast as round_forecast_module
from ballots.simulation.round_forecast import KnownOutcome, round_forecast
from ballots.simulation.sampling import CHUNK


def spread():
    return st.fixed_dictionaries({"mean": st.floats(0, 1), "sd": st.sampled_from([0, 0.05, 0.3])})


@st.composite
def ballot(draw):
    branches = [
        {"name": f"W{i}", "members": draw(st.integers(0, 60)), "turnout": draw(spread()), "support": draw(spread())}
        for i in range(draw(st.integers(1, 4)))
    ]
    affiliates = []
    for i in range(draw(st.integers(0, 3))):
        r = draw(st.floats(0, 1))
        o = draw(st.floats(0, 1 - r))
        affiliates.append({"name": f"A{i}", "p_reselect": r, "p_open": o, "p_abstain": max(0.0, 1 - r - o)})
    # Counting members one by one needs their votes drawn; the other settings only majorities.
    options = draw(st.sampled_from([{}, {"member_counting": "individual"}, {"tied_branch": "split"}]))
    return {"branches": branches, "affiliates": affiliates, "options": options}


rounds = st.lists(ballot(), min_size=1, max_size=5)
fast = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def certain_open():
    return {
        "branches": [{"name": "W", "members": 50, "turnout": {"mean": 1, "sd": 0}, "support": {"mean": 0, "sd": 0}}]
    }


@fast
@given(rounds, st.integers(1, 300), st.integers(0, 2**32))
def test_every_chance_is_a_probability_and_the_distribution_sums_to_the_trials(scenarios, trials, seed):
    result = round_forecast(scenarios, trials, seed)
    assert all(0 <= b.p_open_selection <= 1 for b in result.ballots)
    assert all(b.mc_error >= 0 for b in result.ballots)
    assert sum(result.distribution) == trials
    assert len(result.distribution) == len(scenarios) + 1


@fast
@given(rounds, st.integers(1, 300), st.integers(0, 2**32))
def test_the_mean_number_of_open_selections_is_the_sum_of_the_chances(scenarios, trials, seed):
    result = round_forecast(scenarios, trials, seed)
    total_open = sum(k * n for k, n in enumerate(result.distribution))
    assert total_open == sum(b.open_selections for b in result.ballots)
    assert result.mean == pytest.approx(sum(b.p_open_selection for b in result.ballots), abs=1e-12)


@fast
@given(rounds, st.integers(0, 2**32))
def test_the_same_seed_gives_the_same_numbers(scenarios, seed):
    assert round_forecast(scenarios, 200, seed).to_dict() == round_forecast(scenarios, 200, seed).to_dict()


@fast
@given(rounds, st.integers(0, 2**32), st.integers(200, 5000))
def test_a_chunk_covering_every_trial_does_not_change_the_results(scenarios, seed, chunk):
    assert round_forecast(scenarios, 200, seed, chunk=chunk).ballots == round_forecast(scenarios, 200, seed).ballots


@fast
@given(rounds, st.integers(0, 2**32), st.integers(1, 199))
def test_any_chunk_gives_the_same_numbers(scenarios, seed, chunk):
    assert round_forecast(scenarios, 200, seed, chunk=chunk).to_dict() == round_forecast(scenarios, 200, seed).to_dict()


def test_a_chunk_gives_the_same_numbers_across_several_blocks_of_trials():
    scenario = {
        "branches": [
            {"name": "W", "members": 40, "turnout": {"mean": 0.5, "sd": 0.1}, "support": {"mean": 0.5, "sd": 0.1}}
        ]
    }
    trials = CHUNK + 321
    whole = round_forecast([scenario, scenario], trials, 5)
    assert round_forecast([scenario, scenario], trials, 5, chunk=777).to_dict() == whole.to_dict()
    assert round_forecast([scenario, scenario], trials, 5, chunk=CHUNK + 1000).to_dict() == whole.to_dict()


def test_one_thread_gives_the_same_numbers_as_several(monkeypatch):
    scenarios = [certain_open(), *[{"branches": [{"name": "W", "members": 30, "turnout": 0.5, "support": 0.5}]}] * 4]
    several = round_forecast(scenarios, 300, 9).to_dict()
    monkeypatch.setattr(round_forecast_module, "WORKERS", 1)
    assert round_forecast(scenarios, 300, 9).to_dict() == several


def test_known_outcomes_count_as_chance_zero_or_one_in_every_trial():
    uncertain = {"branches": [{"name": "W", "members": 30, "turnout": 0.5, "support": 0.5}]}
    result = round_forecast([KnownOutcome(open_selection=True), uncertain, KnownOutcome(open_selection=False)], 400, 2)
    first, middle, last = result.ballots
    assert (first.p_open_selection, first.known, first.mc_error) == (1.0, True, 0.0)
    assert (last.p_open_selection, last.known) == (0.0, True)
    assert not middle.known
    assert result.distribution[0] == 0 and result.distribution[3] == 0  # the known one always, the last never
    assert sum(result.distribution) == 400
    assert result.mean == pytest.approx(1 + middle.p_open_selection)


def test_a_round_of_known_outcomes_only_needs_no_draw():
    result = round_forecast([KnownOutcome(open_selection=True)] * 3, 50, 1)
    assert result.distribution == (0, 0, 0, 50)


@fast
@given(rounds, st.integers(0, 2**32))
def test_a_smaller_chunk_keeps_the_count_for_every_trial(scenarios, seed):
    result = round_forecast(scenarios, 150, seed, chunk=7)
    assert sum(result.distribution) == 150
    assert sum(k * n for k, n in enumerate(result.distribution)) == sum(b.open_selections for b in result.ballots)


def test_a_ballot_certain_to_go_to_open_selection_has_chance_one():
    result = round_forecast([certain_open(), certain_open()], 500, 3)
    assert [b.p_open_selection for b in result.ballots] == [1.0, 1.0]
    assert result.distribution == (0, 0, 500)
    assert result.quantile(0.1) == result.quantile(0.9) == 2


@fast
@given(ballot(), st.integers(0, 2**32), st.integers(1, 2000))
def test_a_one_ballot_round_agrees_exactly_with_the_single_ballot_forecast(scenario, seed, trials):
    single = forecast(scenario, trials, seed)
    rounded = round_forecast([scenario], trials, seed, chunk=97)
    assert rounded.ballots[0].open_selections == single.main.open_selections


def test_the_agreement_holds_beyond_one_block_of_trials():
    scenario = {"branches": [{"name": "W", "members": 20, "turnout": {"mean": 0.5, "sd": 0.2}, "support": 0.5}]}
    trials = CHUNK + 500
    assert (
        round_forecast([scenario], trials, 4).ballots[0].open_selections
        == forecast(scenario, trials, 4).main.open_selections
    )


def test_ballots_after_the_first_draw_from_their_own_streams():
    scenario = {
        "branches": [
            {"name": "W", "members": 100, "turnout": {"mean": 0.5, "sd": 0.1}, "support": {"mean": 0.5, "sd": 0.1}}
        ]
    }
    result = round_forecast([scenario, scenario], 2000, 11)
    first, second = result.ballots
    assert result.distribution[1] > 0  # the same draws would always agree: 0 or 2, never 1
    assert abs(first.p_open_selection - second.p_open_selection) < 6 * np.hypot(first.mc_error, second.mc_error) + 1e-9


@pytest.mark.parametrize(
    "kwargs",
    [{"trials": 0}, {"trials": True}, {"seed": -1}, {"chunk": 0}, {"trials": "many"}],
)
def test_bad_arguments_are_refused_with_a_clear_message(kwargs):
    with pytest.raises(ForecastError):
        round_forecast([certain_open()], **{"trials": 10, "seed": 1, **kwargs})


def test_an_empty_round_is_refused():
    with pytest.raises(ForecastError, match="ballots"):
        round_forecast([], 10, 1)
