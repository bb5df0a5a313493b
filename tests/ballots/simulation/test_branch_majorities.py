"""Drawing branches' majorities rather than their votes.

Where every figure of a forecast reads branches only as units, trials draw each branch's
majority from the order statistics of its voters (``sampling.branch_majorities``) instead of
a second binomial. The draw must have the binomial's distribution exactly, keep the certain
cases certain, and be used only where no decision or share reads the pooled member votes.
"""

import importlib
from math import comb, sqrt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.simulation import forecast, forecast_from_dict, sample_trials
from ballots.simulation.round_forecast import round_forecast
from ballots.simulation.sampling import branch_majorities
from ballots.simulation.vectorised import count_trials, counts_from_trials

forecast_module = importlib.import_module("ballots.simulation.forecast")

SMALLEST = {(1, 0): "reselect", (0, 1): "open", (1, 1): "tied", (0, 0): "nobody voted"}


def binomial_majorities(voters, support):
    """The exact chances of each majority when reselect ~ Binomial(voters, support)."""
    if voters == 0:
        return {"reselect": 0.0, "open": 0.0, "tied": 0.0, "nobody voted": 1.0}
    pmf = [comb(voters, k) * support**k * (1 - support) ** (voters - k) for k in range(voters + 1)]
    return {
        "reselect": sum(p for k, p in enumerate(pmf) if 2 * k > voters),
        "open": sum(p for k, p in enumerate(pmf) if 2 * k < voters),
        "tied": sum(p for k, p in enumerate(pmf) if 2 * k == voters),
        "nobody voted": 0.0,
    }


def drawn_majorities(voters, support, n, seed):
    rng = np.random.default_rng(seed)
    reselect, open_ = branch_majorities(np.full(n, voters), np.full(n, support), rng)
    pairs = list(zip(reselect.tolist(), open_.tolist(), strict=True))
    return {name: sum(1 for pair in pairs if pair == counts) / n for counts, name in SMALLEST.items()}


@pytest.mark.parametrize("voters", [1, 2, 3, 4, 9, 10, 41, 76, 200])
@pytest.mark.parametrize("support", [0.3, 0.5, 0.62])
def test_each_majority_is_drawn_with_the_binomial_chance(voters, support):
    n = 60_000
    exact = binomial_majorities(voters, support)
    drawn = drawn_majorities(voters, support, n, seed=voters * 1000 + int(support * 100))
    for name, p in exact.items():
        # Five standard errors: a correct draw misses by chance about once in 1.7 million.
        assert abs(drawn[name] - p) <= 5 * sqrt(p * (1 - p) / n) + 1e-12, (name, drawn[name], p)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 300), min_size=1, max_size=40), st.sampled_from([0.0, 1.0]), st.integers(0, 2**32))
def test_certain_support_gives_a_certain_majority(voters, support, seed):
    reselect, open_ = branch_majorities(np.array(voters), np.full(len(voters), support), np.random.default_rng(seed))
    for v, r, o in zip(voters, reselect.tolist(), open_.tolist(), strict=True):
        if v == 0:
            assert (r, o) == (0, 0)
        else:
            assert (r, o) == ((1, 0) if support == 1.0 else (0, 1))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 300), st.floats(0, 1)), min_size=1, max_size=40),
    st.integers(0, 2**32),
)
def test_a_majority_is_one_of_four_and_only_an_even_number_of_voters_ties(cases, seed):
    voters = np.array([v for v, _ in cases]).reshape(-1, 1)
    support = np.array([s for _, s in cases]).reshape(-1, 1)
    reselect, open_ = branch_majorities(voters, support, np.random.default_rng(seed))
    assert reselect.shape == open_.shape == voters.shape
    for v, r, o in zip(voters.ravel().tolist(), reselect.ravel().tolist(), open_.ravel().tolist(), strict=True):
        assert (r, o) in SMALLEST
        assert ((r, o) == (0, 0)) == (v == 0)
        if (r, o) == (1, 1):
            assert v % 2 == 0


def canterbury_like(options=None):
    return {
        "options": options or {},
        "branches": [
            {"name": f"W{i}", "members": 60 + 17 * i, "turnout": {"mean": 0.45, "sd": 0.08}, "support": 0.5}
            for i in range(7)
        ],
        "affiliates": [{"name": f"A{i}", "p_reselect": 0.45, "p_open": 0.45, "p_abstain": 0.1} for i in range(9)],
    }


def test_majorities_are_drawn_only_where_no_figure_reads_member_votes():
    by_branch = forecast_from_dict(canterbury_like())
    one_by_one = forecast_from_dict(canterbury_like({"member_counting": "individual"}))
    assert forecast_module.plans_read_votes(by_branch, forecast_module.forecast_plans(by_branch)) is False
    assert forecast_module.plans_read_votes(one_by_one, forecast_module.forecast_plans(one_by_one)) is True


def test_with_member_votes_read_every_trial_keeps_its_real_counts():
    # Pooling member votes needs them: a forecast counting members one by one draws every vote.
    scenario = canterbury_like({"member_counting": "individual"})
    fs = forecast_from_dict(scenario)
    trials = sample_trials(fs, 300, np.random.default_rng(2), draw_votes=True)
    assert (trials.reselect + trials.open).max() > 1
    assert (
        forecast(scenario, 300, seed=2).main.open_selections
        == round_forecast([scenario], 300, 2).ballots[0].open_selections
    )


def test_the_smallest_counts_decide_as_counting_one_by_one_does():
    fs = forecast_from_dict(canterbury_like({"tied_branch": "split"}))
    sampled = sample_trials(fs, 400, np.random.default_rng(9), draw_votes=False)
    options = {"member_counting": "branch", "affiliate_counting": "unit", "tied_branch": "split"}
    fast, _ = count_trials(fs, sampled, "labour-2021", options, agg=counts_from_trials(fs, sampled))
    slow, _ = count_trials(fs, sampled, "labour-2021", options, vectorised=False)
    assert fast.tolist() == slow.tolist()


def test_drawing_majorities_gives_the_chance_drawing_votes_gives():
    # The same forecast both ways, on different draws: the chances agree within their errors.
    fs = forecast_from_dict(canterbury_like())
    options = {"member_counting": "branch", "affiliate_counting": "unit", "tied_branch": "exclude"}
    n = 40_000
    chances = []
    for seed, votes in ((3, True), (4, False)):
        sampled = sample_trials(fs, n, np.random.default_rng(seed), draw_votes=votes)
        outcome, _ = count_trials(fs, sampled, "labour-2021", options, share=False)
        chances.append(float(outcome.mean()))
    p = sum(chances) / 2
    assert 0.05 < p < 0.95  # a case in which the branches matter
    assert abs(chances[0] - chances[1]) <= 5 * sqrt(2 * p * (1 - p) / n)
