"""The smallest flip is exact under every registered rule set and option, and under a rule set
registered here whose decision is deliberately not monotone.

Brute force (from ``test_flip``) tries every way of switching cast member votes and every
vote of each affiliate that voted. The searches weigh only the tallies a decision reads, so a
decision that jumps about (open at exactly one more open branch than reselect, say) must
still be found at its cheapest: that is what the rule set registered here checks.
"""

import itertools
import os
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots import counting
from ballots.counting import AFFILIATES, MEMBERS, Affiliate, Branch, Option, Result, RuleSet, Scenario, Threshold
from ballots.counting.counts import counts_from_scenario
from ballots.counting.rules._sections import affiliate_section, branch_section, individual_section, no_contributions
from ballots.simulation import smallest_flip
from tests.ballots.simulation.test_flip import _apply, _outcome, brute_force_affiliates, brute_force_members

ODD = "toy-odd-edges"
EDGE = Threshold("at least", Fraction(1, 2), "the toy's edges")
MEMBERS_OPTION = Option("toy_members", ("branch", "individual"), "branch", "Members by branch or one by one.")
STRICT_OPTION = Option("toy_edge", ("strict", "loose"), "strict", "Which edges open the selection.")


def odd_decide(counts, options):
    """Open at a few isolated tallies only: nothing about it is monotone."""
    loose = options["toy_edge"] == "loose"
    if options["toy_members"] == "individual":
        members = counts.v_open == counts.v_reselect + 2
    else:
        members = (counts.n_open == counts.n_reselect + 1) | ((counts.n_tied == 1) & (counts.n_open == 0))
    affiliates = counts.a_open * 2 == counts.a_reselect + 1
    return members | (affiliates & loose) | ((counts.a_open == 0) & (counts.a_reselect == 2))


def odd_share(counts, options):
    return counts.n_open, counts.n_open + counts.n_reselect


def odd_count(scenario, options, rule_set, ignored):
    individual = options["toy_members"] == "individual"
    counts = counts_from_scenario(scenario, need_branch_counts=individual)
    if individual:
        members = individual_section(scenario, counts, None)
    else:
        members = branch_section(scenario, counts, "exclude", None)
    sections = [members, affiliate_section(scenario, counts, False, None)]
    return Result(
        rule_set=rule_set,
        options=options,
        ignored_options=ignored,
        open_selection=bool(odd_decide(counts, options)),
        open_share=None,
        sections=sections,
        threshold=EDGE,
        no_valid_votes=False,
        contributions=lambda: no_contributions(scenario),
        explanation=lambda result: "Counted under the toy's odd edges.",
    )


ODD_RULE_SET = RuleSet(
    name=ODD,
    title="A toy rule set with isolated edges",
    description="Open selection at a few isolated tallies, to test that searches are exhaustive.",
    options=(MEMBERS_OPTION, STRICT_OPTION),
    sections=(MEMBERS, AFFILIATES),
    threshold=EDGE,
    chart="per_section",
    share_label="open fraction of the branches",
    decide=odd_decide,
    forecast_share=odd_share,
    counter=odd_count,
)


@pytest.fixture(autouse=True, scope="module")
def odd_rule_set():
    before = dict(counting.RULE_SETS)
    counting.register_rule_set(ODD_RULE_SET)
    yield ODD_RULE_SET
    counting.unregister_rule_set(ODD)
    assert counting.RULE_SETS == before


def combinations():
    """Every registered rule set (the toy included) with every combination of its options."""
    out = []
    for rule_set in [*counting.RULE_SETS.values(), ODD_RULE_SET]:
        if rule_set.name == ODD and ODD in counting.RULE_SETS:
            continue
        names = [o.name for o in rule_set.options]
        for choices in itertools.product(*(o.choices for o in rule_set.options)):
            out.append((rule_set.name, dict(zip(names, choices, strict=True))))
    return out


COMBINATIONS = combinations()


@st.composite
def small_scenarios(draw):
    branches = []
    for i in range(draw(st.integers(0, 4))):
        if draw(st.integers(0, 6)) == 0:
            branches.append(Branch(name=f"W{i}", outcome=draw(st.sampled_from(["reselect", "open", "tied"]))))
        else:
            total = draw(st.integers(0, 6))
            reselect = draw(st.integers(0, total))
            branches.append(Branch(name=f"W{i}", reselect=reselect, open=total - reselect))
    affiliates = []
    for i in range(draw(st.integers(0, 5))):
        vote = draw(st.sampled_from(["reselect", "open", "abstain", "none"]))
        members = draw(st.one_of(st.none(), st.integers(0, 6)))
        affiliates.append(Affiliate(name=f"U{i}", vote=vote, members=members))
    rules, options = draw(st.sampled_from(COMBINATIONS))
    return Scenario(branches=tuple(branches), affiliates=tuple(affiliates), rules=rules, options=options)


def assert_exact(scenario):
    if _outcome(scenario) is None:
        return  # not countable as given (e.g. an outcome-only branch under individual counting)
    flip = smallest_flip(scenario)
    assert flip.member_votes == brute_force_members(scenario)
    assert flip.affiliates == brute_force_affiliates(scenario)
    with_members, with_affiliates = _apply(scenario, flip)
    original = _outcome(scenario)
    if flip.member_votes is not None:
        assert sum(n for _, n, _ in flip.member_changes) == flip.member_votes
        assert _outcome(with_members) != original
    if flip.affiliates is not None:
        assert len(flip.affiliate_changes) == flip.affiliates
        assert _outcome(with_affiliates) != original


# FLIP_EXAMPLES=5000 for a longer search.
@settings(
    max_examples=int(os.environ.get("FLIP_EXAMPLES", "600")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(small_scenarios())
def test_the_smallest_flip_equals_brute_force_under_every_rule_set_and_option(scenario):
    assert_exact(scenario)


@pytest.mark.parametrize(("rules", "options"), COMBINATIONS)
def test_every_combination_is_exact_on_a_fixed_set_of_close_scenarios(rules, options):
    branches = (Branch("A", 3, 2), Branch("B", 2, 2), Branch("C", 1, 4), Branch("D", outcome="open"))
    affiliates = (Affiliate("U1", "reselect", 3), Affiliate("U2", "open", 2), Affiliate("U3", "abstain", 4))
    for n in range(len(branches) + 1):
        for m in range(len(affiliates) + 1):
            assert_exact(Scenario(branches=branches[:n], affiliates=affiliates[:m], rules=rules, options=options))


def test_among_equally_cheap_branches_the_ward_named_first_is_moved():
    for order in ((0, 1, 2), (2, 1, 0), (1, 2, 0)):
        wards = [Branch("Barton", 10, 9), Branch("Abbey", 10, 9), Branch("Chartham", 10, 9)]
        scenario = Scenario(branches=tuple(wards[i] for i in order), rules="labour-pre-2018")
        flip = smallest_flip(scenario)
        assert flip.member_votes == 2
        assert sorted(flip.member_changes) == [("Abbey", 1, "open"), ("Barton", 1, "open")]
        wards = [Branch("Barton", 9, 10), Branch("Abbey", 9, 10), Branch("Chartham", 9, 10)]
        scenario = Scenario(branches=(*(wards[i] for i in order), Branch("Dane", 12, 3)), rules="labour-pre-2018")
        flip = smallest_flip(scenario)
        assert flip.member_votes == 1
        assert flip.member_changes == (("Abbey", 1, "reselect"),)


def test_the_same_scenario_always_gives_the_same_flip():
    scenario = Scenario(
        branches=tuple(Branch(f"W{i}", 10 + i % 3, 10 + (i + 1) % 3) for i in range(40)),
        affiliates=tuple(Affiliate(f"U{i}", ("reselect", "open", "abstain")[i % 3]) for i in range(30)),
    )
    first = smallest_flip(scenario)
    assert all(smallest_flip(scenario) == first for _ in range(3))
    assert first.member_votes is not None and first.affiliates is not None


def test_a_thousand_wards_and_a_thousand_affiliates_are_searched_exactly_at_the_edge():
    # 500 wards each way at 10-9 / 9-10: under labour-pre-2018 with 1,000 affiliates split
    # 500-500 the pool is at exactly half; one vote in one ward, or one affiliate, flips it.
    branches = tuple(Branch(f"W{i:04d}", 10, 9) if i % 2 else Branch(f"W{i:04d}", 9, 10) for i in range(1000))
    affiliates = tuple(Affiliate(f"U{i:04d}", "open" if i % 2 else "reselect") for i in range(1000))
    flip = smallest_flip(Scenario(branches=branches, affiliates=affiliates, rules="labour-pre-2018"))
    assert flip.outcome == "reselected"
    assert flip.member_votes == 1 and flip.member_changes == (("W0001", 1, "open"),)
    assert flip.affiliates == 1 and flip.affiliate_changes == (("U0000", "reselect", "open"),)
