"""Monte Carlo forecasts: the vectorised count agrees with counting.count trial by trial,
a forecast with no uncertainty equals the deterministic count, a case with a closed-form
answer lands inside its 95% interval, the same seed reproduces the output, pivotal
frequencies agree with counting one by one, and a rule set registered from outside is
forecast with its own decision, vectorised.
"""

import importlib
import itertools
from fractions import Fraction
from math import comb

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots import counting, simulation
from ballots.counting import CountingError, Option, Result, RuleSet, Threshold
from ballots.simulation import ForecastError, forecast, forecast_from_dict, sample_trials, wilson_interval
from ballots.simulation.vectorised import pivotal, pivotal_one_by_one

# The module, not the function the package exports under the same name.
forecast_module = importlib.import_module("ballots.simulation.forecast")

# Every registered rule set under every combination of its options.
ALL_OPTIONS = [
    (rule_set.name, dict(zip([o.name for o in rule_set.options], choices, strict=True)))
    for rule_set in counting.RULE_SETS.values()
    for choices in itertools.product(*(o.choices for o in rule_set.options))
]


def spread():
    return st.fixed_dictionaries({"mean": st.floats(0, 1), "sd": st.sampled_from([0, 0.05, 0.3])})


@st.composite
def forecast_scenarios(draw, known_outcomes=True):
    branches = []
    for i in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["drawn", "drawn", "counts", "outcome"] if known_outcomes else ["drawn", "counts"]))
        if kind == "drawn":
            branches.append(
                {
                    "name": f"B{i}",
                    "members": draw(st.integers(0, 8)),
                    "turnout": draw(spread()),
                    "support": draw(spread()),
                }
            )
        elif kind == "counts":
            branches.append({"name": f"B{i}", "reselect": draw(st.integers(0, 4)), "open": draw(st.integers(0, 4))})
        else:
            branches.append({"name": f"B{i}", "outcome": draw(st.sampled_from(["reselect", "open", "tied"]))})
    affiliates = []
    for i in range(draw(st.integers(0, 5))):
        members = draw(st.integers(0, 50))
        if draw(st.booleans()):
            weights = [draw(st.integers(0, 4)) for _ in range(3)]
            if not sum(weights):
                weights = [1, 1, 1]
            p = [w / sum(weights) for w in weights]
            p[2] = 1 - p[0] - p[1] if p[2] else 0
            affiliates.append(
                {"name": f"U{i}", "p_reselect": p[0], "p_open": p[1], "p_abstain": max(p[2], 0), "members": members}
            )
        else:
            vote = draw(st.sampled_from(["reselect", "open", "abstain", "none"]))
            affiliates.append({"name": f"U{i}", "vote": vote, "members": members})
    return {"branches": branches, "affiliates": affiliates}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forecast_scenarios(), st.integers(0, 2**32 - 1))
def test_vectorised_counting_agrees_with_counting_count_on_every_sampled_trial(data, seed):
    fs = forecast_from_dict(data)
    trials = sample_trials(fs, 60, np.random.default_rng(seed))
    for rules, options in ALL_OPTIONS:
        if options.get("member_counting") == "individual" and any("outcome" in b for b in data["branches"]):
            continue  # counting refuses outcome-only branches under individual counting
        fast, fast_share = simulation.count_trials(fs, trials, rules, options)
        slow, slow_share = simulation.count_trials(fs, trials, rules, options, vectorised=False)
        assert fast.tolist() == slow.tolist(), (rules, options)
        assert np.allclose(fast_share, slow_share), (rules, options)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forecast_scenarios(), st.integers(0, 2**32 - 1), st.sampled_from(ALL_OPTIONS))
def test_pivotal_counts_agree_with_counting_one_trial_at_a_time(data, seed, rules_options):
    rules, options = rules_options
    if options.get("member_counting") == "individual" and any("outcome" in b for b in data["branches"]):
        return
    fs = forecast_from_dict(data)
    trials = sample_trials(fs, 25, np.random.default_rng(seed))
    base, _ = simulation.count_trials(fs, trials, rules, options)
    agg = simulation.counts_from_trials(fs, trials)
    fast = pivotal(fs, trials, agg, rules, options, base)
    slow = pivotal_one_by_one(fs, trials, rules, options, base)
    assert fast[0].tolist() == slow[0].tolist()
    assert fast[1].tolist() == slow[1].tolist()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, 9), st.booleans()), max_size=5),
    st.lists(st.sampled_from(["reselect", "open", "abstain"]), max_size=5),
)
def test_with_no_uncertainty_and_certain_turnout_the_forecast_equals_the_count(branches, votes):
    # Every member turns out (turnout 1, sd 0) and supports one side for certain; every
    # affiliate's vote has probability 1.
    data = {
        "branches": [
            {
                "name": f"B{i}",
                "members": n,
                "turnout": {"mean": 1, "sd": 0},
                "support": {"mean": 1 if for_reselect else 0, "sd": 0},
            }
            for i, (n, for_reselect) in enumerate(branches)
        ],
        "affiliates": [
            {
                "name": f"U{i}",
                "p_reselect": float(v == "reselect"),
                "p_open": float(v == "open"),
                "p_abstain": float(v == "abstain"),
                "members": 10 + i,
            }
            for i, v in enumerate(votes)
        ],
    }
    deterministic = counting.Scenario(
        branches=tuple(
            counting.Branch(f"B{i}", reselect=n if r else 0, open=0 if r else n) for i, (n, r) in enumerate(branches)
        ),
        affiliates=tuple(counting.Affiliate(f"U{i}", v, 10 + i) for i, v in enumerate(votes)),
    )
    result = forecast(data, trials=40, seed=1)
    for name, rf in result.by_rules.items():
        expected = counting.count(deterministic, name, rf.options).open_selection
        assert rf.p_open_selection == (1.0 if expected else 0.0)
        for tie, p, _ in rf.tie_rows():
            assert p == float(counting.count(deterministic, name, {**rf.options, "tied_branch": tie}).open_selection)


def test_a_forecast_of_known_results_equals_their_count():
    data = {
        "options": {"tied_branch": "reselect"},
        "branches": [
            {"name": "A", "reselect": 30, "open": 20},
            {"name": "B", "reselect": 10, "open": 25},
            {"name": "C", "reselect": 12, "open": 12},
            {"name": "D", "reselect": 0, "open": 0},
        ],
        "affiliates": [
            {"name": "U1", "vote": "reselect"},
            {"name": "U2", "vote": "open"},
            {"name": "U3", "vote": "open"},
            {"name": "U4", "vote": "abstain"},
        ],
    }
    result = forecast(data, trials=100, seed=3)
    assert result.main.p_open_selection == 0.0  # exactly 50%: reselected
    assert result.by_rules["labour-2021"].by_tied_branch["exclude"] == 100
    assert result.share_quantiles["p50"] == pytest.approx(0.5)


def _closed_form_open(n, p_open, p_reselect):
    """P(more open than reselect votes) among n affiliates voting independently."""
    p_abstain = 1 - p_open - p_reselect
    total = Fraction(0)
    for k_open in range(n + 1):
        for k_reselect in range(n + 1 - k_open):
            if k_open > k_reselect:
                k_abstain = n - k_open - k_reselect
                ways = comb(n, k_open) * comb(n - k_open, k_reselect)
                total += (
                    ways
                    * Fraction(p_open) ** k_open
                    * Fraction(p_reselect) ** k_reselect
                    * Fraction(p_abstain) ** k_abstain
                )
    return float(total)


def test_a_closed_form_probability_falls_inside_the_95_percent_interval():
    # Affiliates only, each an equal unit: open selection when more vote open than reselect.
    data = {"affiliates": [{"name": f"U{i}", "p_reselect": 0.5, "p_open": 0.375, "p_abstain": 0.125} for i in range(7)]}
    exact = _closed_form_open(7, 0.375, 0.5)
    result = forecast(data, trials=40_000, seed=20261123)
    low, high = result.main.ci95
    assert low <= exact <= high
    assert high - low < 0.01


def test_a_closed_form_one_branch_case_falls_inside_its_interval():
    # One branch of 5 members who all vote, each for open with probability 0.4: open
    # selection when 3 or more of 5 vote open.
    data = {"branches": [{"name": "A", "members": 5, "turnout": 1, "support": 0.6}]}
    exact = sum(comb(5, k) * 0.4**k * 0.6 ** (5 - k) for k in range(3, 6))
    # A fixed seed keeps the test deterministic; about 95% of seeds pass.
    result = forecast(data, trials=30_000, seed=1)
    low, high = result.main.ci95
    assert low <= exact <= high


def test_the_same_seed_reproduces_the_output_exactly():
    data = {
        "rules": "labour-2018",
        "branches": [
            {
                "name": f"W{i}",
                "members": 40 + i,
                "turnout": {"mean": 0.3, "sd": 0.1},
                "support": {"mean": 0.55, "sd": 0.2},
            }
            for i in range(6)
        ],
        "affiliates": [{"name": f"U{i}", "p_reselect": 0.6, "p_open": 0.3, "p_abstain": 0.1} for i in range(4)],
    }
    first = forecast(data, trials=45_000, seed=42).to_dict()
    second = forecast(data, trials=45_000, seed=42).to_dict()
    other = forecast(data, trials=45_000, seed=43).to_dict()
    for result in (first, second, other):
        result.pop("seconds")
    assert first == second
    assert first != other
    assert first["seed"] == 42 and first["trials"] == 45_000
    assert sum(bin_["trials"] for bin_ in first["open_share"]["histogram"]) == 45_000


def test_progress_is_reported_after_each_chunk():
    calls = []
    data = {"affiliates": [{"name": "U", "p_reselect": 0.5, "p_open": 0.5, "p_abstain": 0}]}
    forecast(data, trials=simulation.CHUNK * 2 + 5, seed=1, progress=lambda done, total: calls.append(done))
    assert calls == [simulation.CHUNK, simulation.CHUNK * 2, simulation.CHUNK * 2 + 5]


def test_wilson_interval_matches_known_values():
    low, high = wilson_interval(50, 100)
    assert low == pytest.approx(0.4038, abs=1e-4) and high == pytest.approx(0.5962, abs=1e-4)
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == 1.0


def test_a_rule_set_registered_from_outside_is_forecast_with_its_own_decision():
    majority = Threshold("more than", Fraction(1, 2), "branches")

    def branch_share(counts, options):
        return counts.n_open, counts.n_open + counts.n_reselect

    def decide(counts, options):
        return majority.met(*branch_share(counts, options))

    def branch_majority(scenario, options, rule_set, ignored):
        num, den = branch_share(counting.counts_from_scenario(scenario), options)
        share = Fraction(num, den) if den else None
        return Result(
            rule_set=rule_set,
            options=options,
            ignored_options=ignored,
            open_selection=share is not None and majority.met_by(share),
            open_share=share,
            sections=[],
            threshold=majority,
            no_valid_votes=share is None,
        )

    counting.register_rule_set(
        RuleSet(
            name="test-sim-majority",
            title="Majority of branches",
            description="Branches only.",
            options=(Option("tied_branch", counting.TIE_OPTIONS, "exclude"),),
            sections=("members",),
            threshold=majority,
            chart="pooled",
            pool_label="the branches",
            share_label="open share of the branches",
            decide=decide,
            forecast_share=branch_share,
            counter=branch_majority,
        )
    )
    try:
        data = {
            "rules": "test-sim-majority",
            "branches": [
                {"name": "A", "members": 3, "turnout": 1, "support": 0},
                {"name": "B", "reselect": 5, "open": 1},
                {"name": "C", "outcome": "open"},
            ],
        }
        result = forecast(data, trials=50, seed=5)
        assert result.main.vectorised is True
        assert result.main.p_open_selection == 1.0
        assert dict(result.pivotal_branches) == {"A": 1.0, "B": 0.0, "C": 1.0}
        assert result.share_meaning == "open share of the branches"
        assert result.threshold == 0.5
        slow = forecast(data, trials=50, seed=5, vectorised=False)
        assert slow.to_dict()["by_rules"]["test-sim-majority"]["open_selections"] == 50
        assert slow.pivotal_branches == result.pivotal_branches
        assert slow.histogram == result.histogram
    finally:
        counting.unregister_rule_set("test-sim-majority")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rules": "labour-1900"}, "unknown rule set"),
        ({"options": {"tied_branch": "coin"}}, "tied_branch"),
        ({"branches": [{"name": "A", "members": -1, "turnout": 0.5, "support": 0.5}]}, "cannot be negative"),
        ({"branches": [{"name": "A", "members": 10, "turnout": 1.5, "support": 0.5}]}, "between 0 and 1"),
        (
            {"branches": [{"name": "A", "members": 10, "turnout": {"mean": 0.5, "sd": -0.1}, "support": 0.5}]},
            "between 0 and 1",
        ),
        ({"branches": [{"name": "A", "members": 10, "support": 0.5}]}, "turnout is missing"),
        ({"affiliates": [{"name": "U", "p_reselect": 0.5, "p_open": 0.4, "p_abstain": 0.2}]}, "sum to 1"),
        ({"affiliates": [{"name": "U", "p_reselect": -0.5, "p_open": 1.5, "p_abstain": 0}]}, "between 0 and 1"),
        ({"affiliates": [{"name": "U", "members": -4, "vote": "open"}]}, "cannot be negative"),
        ({"affiliates": [{"name": "U"}]}, "neither"),
        (
            {
                "options": {"affiliate_counting": "weighted"},
                "affiliates": [{"name": "U", "p_reselect": 0.5, "p_open": 0.5, "p_abstain": 0}],
            },
            "affiliated members",
        ),
        (
            {
                "branches": [
                    {"name": "A", "members": 3, "turnout": 1, "support": 1},
                    {"name": "a", "members": 3, "turnout": 1, "support": 1},
                ]
            },
            "duplicate branch",
        ),
    ],
)
def test_a_bad_forecast_scenario_is_refused_with_a_message_naming_the_problem(data, message):
    with pytest.raises(CountingError, match=message):
        forecast_from_dict(data)


def test_trials_and_seed_are_checked():
    with pytest.raises(ForecastError, match="trials"):
        forecast({}, trials=0)
    with pytest.raises(ForecastError, match="seed"):
        forecast({}, trials=10, seed=-1)


def test_the_scenario_survives_a_round_trip_through_json():
    data = {
        "rules": "labour-2021",
        "options": {"tied_branch": "split"},
        "branches": [
            {"name": "A", "members": 10, "turnout": {"mean": 0.5, "sd": 0.1}, "support": {"mean": 0.4, "sd": 0.0}},
            {"name": "B", "reselect": 3, "open": 4},
        ],
        "affiliates": [
            {"name": "U", "p_reselect": 0.2, "p_open": 0.3, "p_abstain": 0.5, "members": 9},
            {"name": "V", "vote": "open"},
        ],
    }
    assert simulation.forecast_to_dict(forecast_from_dict(data)) == data


def uncertain_scenario():
    return {
        "branches": [
            {"name": f"W{i}", "members": 60, "turnout": {"mean": 0.4, "sd": 0.1}, "support": {"mean": 0.5, "sd": 0.1}}
            for i in range(3)
        ],
        "affiliates": [{"name": "U", "p_reselect": 0.4, "p_open": 0.4, "p_abstain": 0.2, "members": 50}],
    }


def test_one_thread_gives_the_same_figures_as_several(monkeypatch):
    trials = simulation.CHUNK * 3 + 17
    several = forecast(uncertain_scenario(), trials=trials, seed=8).to_dict()
    monkeypatch.setattr(forecast_module, "WORKERS", 1)
    one = forecast(uncertain_scenario(), trials=trials, seed=8).to_dict()
    several.pop("seconds"), one.pop("seconds")
    assert one == several


def test_a_forecast_of_one_chunk_draws_what_a_plain_generator_of_its_seed_draws():
    fs = forecast_from_dict(uncertain_scenario())
    plain = sample_trials(fs, 500, np.random.default_rng(31))
    drawn = sample_trials(fs, 500, simulation.chunk_rng(31, 0, 0))
    assert np.array_equal(plain.reselect, drawn.reselect) and np.array_equal(plain.votes, drawn.votes)


def test_every_chunk_and_every_ballot_draws_from_a_stream_of_its_own():
    fs = forecast_from_dict(uncertain_scenario())
    keys = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (2, 0)]
    draws = {key: sample_trials(fs, 200, simulation.chunk_rng(5, *key)).reselect.tobytes() for key in keys}
    assert len(set(draws.values())) == len(keys)
