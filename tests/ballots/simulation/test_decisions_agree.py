"""The rule sets' one decision agrees with their exact count, on Python ints and NumPy arrays.

Every registered rule set under every combination of its options: the exact count's outcome,
the decision on :class:`Counts` of ints, and the decision on Counts of int64 arrays (as the
simulator calls it) are the same, on random scenarios and at the 50% and one-third edges; and
where a rule set has an overall share, its ``forecast_share`` is that share exactly.
"""

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots import counting
from ballots.counting import AFFILIATE_VOTES, BRANCH_OUTCOMES, Affiliate, Branch, Counts, Scenario

COMBINATIONS = [
    (rule_set.name, dict(zip([o.name for o in rule_set.options], choices, strict=True)))
    for rule_set in counting.RULE_SETS.values()
    for choices in itertools.product(*(o.choices for o in rule_set.options))
]


def as_arrays(counts):
    fields = counts.__dataclass_fields__
    return Counts(**{name: np.array([getattr(counts, name)] * 3, dtype=np.int64) for name in fields})


def assert_agree(scenario, rules, options):
    try:
        result = counting.count(scenario, rules, options)
    except counting.CountingError:
        return  # input this rule set cannot count (checked elsewhere)
    rule_set = result.rule_set
    applied = result.options
    counts = counting.counts_from_scenario(scenario)
    on_ints = rule_set.decide(counts, applied)
    on_arrays = rule_set.decide(as_arrays(counts), applied)
    assert bool(on_ints) is result.open_selection, (rules, applied, scenario)
    assert on_arrays.dtype == bool and on_arrays.tolist() == [result.open_selection] * 3
    num, den = rule_set.forecast_share(counts, applied)
    if rule_set.pool_label is not None and result.open_share is not None:
        assert Fraction(num, den) == result.open_share
    arr_num, arr_den = rule_set.forecast_share(as_arrays(counts), applied)
    assert np.asarray(arr_num).tolist() == [num] * 3 and np.asarray(arr_den).tolist() == [den] * 3


@st.composite
def scenarios(draw):
    branches = []
    for i in range(draw(st.integers(0, 7))):
        if draw(st.integers(0, 4)) == 0:
            branches.append(Branch(f"B{i}", outcome=draw(st.sampled_from(BRANCH_OUTCOMES))))
        else:
            branches.append(Branch(f"B{i}", draw(st.integers(0, 6)), draw(st.integers(0, 6))))
    affiliates = [
        Affiliate(f"A{i}", draw(st.sampled_from(AFFILIATE_VOTES)), draw(st.sampled_from([0, 1, 2, 3, 6, 60])))
        for i in range(draw(st.integers(0, 7)))
    ]
    return Scenario(tuple(branches), tuple(affiliates))


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.sampled_from(COMBINATIONS))
def test_the_decision_on_ints_and_on_arrays_agrees_with_the_exact_count(scenario, combination):
    rules, options = combination
    assert_agree(scenario, rules, options)


def by_outcome(n_open, n_reselect, n_tied=0):
    return tuple(
        Branch(f"B{i}", outcome=outcome)
        for i, outcome in enumerate(["open"] * n_open + ["reselect"] * n_reselect + ["tied"] * n_tied)
    )


def by_votes(n_open, n_reselect):
    return (Branch("B", n_reselect, n_open),)


def affiliates(n_open, n_reselect, members=10):
    votes = ["open"] * n_open + ["reselect"] * n_reselect
    return tuple(Affiliate(f"A{i}", vote, members) for i, vote in enumerate(votes))


EDGES = [
    # Exactly half, and a hair either side, of branches, of votes, of affiliates.
    *(Scenario(by_outcome(k, k), ()) for k in (1, 2, 3)),
    *(Scenario(by_votes(k, k), ()) for k in (1, 5)),
    Scenario(by_votes(5, 6), ()),
    Scenario(by_votes(6, 5), ()),
    *(Scenario((), affiliates(k, k)) for k in (1, 2)),
    Scenario(by_outcome(1, 1), affiliates(1, 1)),
    Scenario(by_outcome(2, 1), affiliates(1, 2)),
    # Exactly one third of branches or of affiliates, and just under.
    *(Scenario(by_outcome(k, 2 * k), ()) for k in (1, 2, 3)),
    Scenario(by_outcome(1, 3), ()),
    *(Scenario((), affiliates(k, 2 * k)) for k in (1, 2)),
    Scenario(by_outcome(1, 3), affiliates(1, 2)),
    # Ties that decide under some tie options: split halves, counted open, counted reselect.
    Scenario(by_outcome(1, 2, 1), ()),
    Scenario(by_outcome(1, 1, 1), affiliates(1, 1)),
    Scenario(by_outcome(0, 2, 1), affiliates(1, 2)),
    # Weighted affiliates at exactly half of the affiliated membership.
    Scenario(by_votes(1, 1), (Affiliate("big", "open", 30), Affiliate("small", "reselect", 30))),
    Scenario(by_votes(2, 1), (Affiliate("big", "open", 10), Affiliate("small", "reselect", 40))),
    # Nobody voted; a section with no units.
    Scenario(by_votes(0, 0), (Affiliate("A", "abstain", 5),)),
    Scenario(by_outcome(1, 1), (Affiliate("A", "abstain", 5), Affiliate("Z", "open", 0))),
]


@pytest.mark.parametrize("scenario", EDGES)
@pytest.mark.parametrize(("rules", "options"), COMBINATIONS)
def test_the_decision_agrees_with_the_exact_count_at_the_edges(scenario, rules, options):
    assert_agree(scenario, rules, options)


def test_the_edges_really_are_decided_by_the_exact_threshold():
    half = Scenario(by_outcome(1, 1), ())
    third = Scenario(by_outcome(1, 2), ())
    for rule_set in counting.RULE_SETS.values():
        if rule_set.threshold.value == Fraction(1, 2) and rule_set.threshold.test == "more than":
            assert counting.count(half, rule_set.name).reselected
        if rule_set.threshold.value == Fraction(1, 3) and rule_set.threshold.test == "at least":
            assert counting.count(third, rule_set.name).open_selection
