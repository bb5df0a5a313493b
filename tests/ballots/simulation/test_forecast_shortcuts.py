"""The forecast's shortcuts give the figures the long way gives.

Which fields a decision reads is found by a recorder, and pivotal entries use it to decide
fewer changes; the shares' quantiles come from a tally of distinct values rather than every
share kept; a round forecast tallies only the fields its decision reads. Each is checked
against the long way.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots import counting
from ballots.counting import Counts
from ballots.simulation import forecast_from_dict, sample_trials
from ballots.simulation.forecast import ShareTally
from ballots.simulation.vectorised import counts_from_trials, decide_trials, fields_read

# Every registered rule set under every combination of its options.
ALL_OPTIONS = [
    (rule_set.name, dict(zip([o.name for o in rule_set.options], choices, strict=True)))
    for rule_set in counting.RULE_SETS.values()
    for choices in itertools.product(*(o.choices for o in rule_set.options))
]


def test_the_recorder_finds_the_fields_each_way_of_counting_reads():
    default = {"member_counting": "branch", "affiliate_counting": "unit", "tied_branch": "exclude"}
    reads = fields_read("labour-2021", default)
    assert reads == {"n_reselect", "n_open", "n_tied", "a_reselect", "a_open"}
    individual = fields_read("labour-2021", {**default, "member_counting": "individual"})
    assert {"v_reselect", "v_open"} <= individual and "n_open" not in individual
    weighted = fields_read("labour-2021", {**default, "affiliate_counting": "weighted"})
    assert {"m_reselect", "m_open"} <= weighted and "a_open" not in weighted
    assert fields_read("labour-2018", {"tied_branch": "split"}) == reads


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), min_size=1, max_size=60), min_size=1, max_size=4), st.integers(1, 9))
def test_the_tally_of_shares_gives_numpys_mean_and_quantiles(chunks, denominator):
    tally = ShareTally()
    arrays = [np.array(chunk, dtype=float) / denominator for chunk in chunks]
    for array in arrays:
        tally.add(array)
    every = np.concatenate(arrays)
    for q in (0.05, 0.5, 0.95):
        assert tally.quantile(q) == float(np.quantile(every, q))
    assert abs(tally.mean() - float(every.mean())) < 1e-12


@pytest.mark.parametrize(("rules", "options"), ALL_OPTIONS)
def test_tallying_only_the_fields_a_decision_reads_decides_every_trial_alike(rules, options):
    fs = forecast_from_dict(
        {
            "options": options,
            "branches": [
                {"name": f"W{i}", "members": 4 + 3 * i, "turnout": {"mean": 0.6, "sd": 0.2}, "support": 0.5}
                for i in range(5)
            ],
            "affiliates": [
                {"name": f"A{i}", "p_reselect": 0.4, "p_open": 0.4, "p_abstain": 0.2, "members": 10 + 90 * i}
                for i in range(5)
            ],
            "rules": rules,
        }
    )
    sampled = sample_trials(fs, 2000, np.random.default_rng(17))
    reads = fields_read(rules, options)
    full, trimmed = counts_from_trials(fs, sampled), counts_from_trials(fs, sampled, reads)
    for name in reads:
        assert np.array_equal(getattr(trimmed, name), getattr(full, name))
    assert not any(getattr(trimmed, name).any() for name in Counts.__dataclass_fields__ if name not in reads)
    outcome, _ = decide_trials(rules, full, options, share=False)
    assert 0 < outcome.sum() < len(outcome)  # a case that both outcomes reach
    assert decide_trials(rules, trimmed, options, share=False)[0].tolist() == outcome.tolist()
