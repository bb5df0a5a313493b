"""Properties of the counting engine that must hold for every rule set and every option,
checked with Hypothesis: one more vote for open never turns an open selection into a
reselection; shares lie in [0, 100] and add up; neither the order nor the names of branches
and affiliates change anything; ``individual`` and ``branch`` member counting agree when
there is one ward and no tie; every count can be explained and serialised.
"""

import dataclasses
import json
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.counting import (
    AFFILIATE_VOTES,
    BRANCH_OUTCOMES,
    RULE_SETS,
    TIE_OPTIONS,
    Affiliate,
    Branch,
    Scenario,
    count,
)

BUILT_IN = ("labour-2021", "labour-2018", "labour-pre-2018")

# Every rule set with every combination of the options it defines.
COMBINATIONS = [
    ("labour-2021", {"member_counting": members, "affiliate_counting": affiliates, "tied_branch": tie})
    for members in ("branch", "individual")
    for affiliates in ("unit", "weighted")
    for tie in TIE_OPTIONS
] + [(rules, {"tied_branch": tie}) for rules in ("labour-2018", "labour-pre-2018") for tie in TIE_OPTIONS]

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)

# Small counts make ties and empty branches common, which is where the rules differ.
counts = st.integers(min_value=0, max_value=12)


@st.composite
def scenarios(draw, combinations=COMBINATIONS, max_branches=8, max_affiliates=8):
    rules, options = draw(st.sampled_from(combinations))
    needs_counts = options.get("member_counting") == "individual"
    branches = []
    for i in range(draw(st.integers(0, max_branches))):
        if not needs_counts and draw(st.integers(0, 3)) == 0:
            branches.append(Branch(f"B{i}", outcome=draw(st.sampled_from(BRANCH_OUTCOMES))))
        else:
            branches.append(Branch(f"B{i}", draw(counts), draw(counts)))
    affiliates = [
        # Every affiliate gives its membership so that weighted counting is always possible.
        Affiliate(f"A{i}", draw(st.sampled_from(AFFILIATE_VOTES)), draw(st.integers(0, 500)))
        for i in range(draw(st.integers(0, max_affiliates)))
    ]
    return Scenario(tuple(branches), tuple(affiliates), rules, options)


def summary(result):
    """Everything about a count that must not depend on order or names."""
    return (
        result.outcome,
        result.open_share,
        result.reselect_share,
        result.no_valid_votes,
        [section.to_dict() for section in result.sections],
    )


def contribution_multiset(result, rename=lambda name: name):
    return sorted((c.section, rename(c.name), c.side, c.weight, c.note) for c in result.contributions)


def test_the_combinations_cover_every_built_in_rule_set_and_option():
    for rules in BUILT_IN:
        for option in RULE_SETS[rules].options:
            for choice in option.choices:
                assert any(r == rules and o[option.name] == choice for r, o in COMBINATIONS)


# ------------------------------------------------------------------ monotonicity


def one_vote_more_for_open(scenario, data):
    """The scenario with one vote (a member's, or an affiliate's) moved from reselect to open."""
    candidates = [("branch", i) for i, b in enumerate(scenario.branches) if b.reselect]
    candidates += [("outcome", i) for i, b in enumerate(scenario.branches) if b.outcome in ("reselect", "tied")]
    candidates += [("affiliate", i) for i, a in enumerate(scenario.affiliates) if a.vote == "reselect"]
    if not candidates:
        return None
    kind, index = data.draw(st.sampled_from(candidates))
    branches, affiliates = list(scenario.branches), list(scenario.affiliates)
    if kind == "branch":
        branch = branches[index]
        branches[index] = Branch(branch.name, branch.reselect - 1, branch.open + 1)
    elif kind == "outcome":
        # Known only by outcome: the branch moves one step towards open.
        branch = branches[index]
        branches[index] = Branch(branch.name, outcome="tied" if branch.outcome == "reselect" else "open")
    else:
        affiliates[index] = dataclasses.replace(affiliates[index], vote="open")
    return dataclasses.replace(scenario, branches=tuple(branches), affiliates=tuple(affiliates))


@PROPERTY_SETTINGS
@given(scenario=scenarios(), data=st.data())
def test_switching_one_vote_from_reselect_to_open_never_turns_open_selection_into_reselection(scenario, data):
    switched = one_vote_more_for_open(scenario, data)
    if switched is None:
        return
    before, after = count(scenario), count(switched)
    if before.open_selection:
        assert after.open_selection
    if before.open_share is not None and after.open_share is not None:
        assert after.open_share >= before.open_share
    for section_before, section_after in zip(before.sections, after.sections, strict=True):
        if section_before.triggered:
            assert section_after.triggered


# ---------------------------------------------------------------------- shares


@PROPERTY_SETTINGS
@given(scenario=scenarios())
def test_shares_lie_between_0_and_100_and_sum_to_100_where_defined(scenario):
    result = count(scenario)
    if result.open_share is None:
        assert result.reselect_share is None
        assert result.open_percent is None
    else:
        assert 0 <= result.open_share <= 1
        assert result.open_share + result.reselect_share == 1
        assert 0 <= result.open_percent <= 100
        assert 0 <= result.reselect_percent <= 100
        assert abs(result.open_percent + result.reselect_percent - 100) < 1e-9
        data = result.to_dict()
        assert 0 <= data["open_share"] <= 100
        assert Fraction(data["open_share_exact"]) + Fraction(data["reselect_share_exact"]) == 1
    for section in result.sections:
        if section.open_fraction is not None:
            assert 0 <= section.open_fraction <= 1
            assert section.units_open + section.units_reselect == section.units


@PROPERTY_SETTINGS
@given(scenario=scenarios())
def test_sections_and_contributions_add_up_to_the_shares(scenario):
    result = count(scenario)
    if result.open_share is None:
        return
    assert sum(section.weight for section in result.sections) == 1
    assert sum(section.open_share for section in result.sections) == result.open_share
    assert sum(section.reselect_share for section in result.sections) == result.reselect_share
    assert sum(c.weight for c in result.contributions if c.side == "open") == result.open_share
    assert sum(c.weight for c in result.contributions if c.side == "reselect") == result.reselect_share
    assert result.open_selection == (result.open_share > Fraction(1, 2))


@PROPERTY_SETTINGS
@given(scenario=scenarios(combinations=[c for c in COMBINATIONS if c[0] == "labour-2018"]))
def test_under_2018_each_section_decides_on_its_own_fraction(scenario):
    result = count(scenario)
    for section in result.sections:
        assert section.triggered == (section.open_fraction is not None and section.open_fraction >= Fraction(1, 3))
        if section.units:
            weights = [c.weight for c in result.contributions if c.section == section.name and c.side == "open"]
            assert sum(weights) == section.open_fraction
    assert result.open_selection == any(section.triggered for section in result.sections)


# ---------------------------------------------------------- order and names


@PROPERTY_SETTINGS
@given(scenario=scenarios(), data=st.data())
def test_the_order_of_branches_and_affiliates_changes_nothing(scenario, data):
    shuffled = dataclasses.replace(
        scenario,
        branches=tuple(data.draw(st.permutations(scenario.branches))),
        affiliates=tuple(data.draw(st.permutations(scenario.affiliates))),
    )
    before, after = count(scenario), count(shuffled)
    assert summary(after) == summary(before)
    assert contribution_multiset(after) == contribution_multiset(before)


@PROPERTY_SETTINGS
@given(scenario=scenarios(), data=st.data())
def test_renaming_branches_and_affiliates_changes_nothing(scenario, data):
    names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
        lambda name: name.strip()
    )
    total = len(scenario.branches) + len(scenario.affiliates)
    fresh = data.draw(st.lists(names, min_size=total, max_size=total, unique_by=lambda n: n.strip().casefold()))
    new_names = dict(
        zip([b.name for b in scenario.branches] + [a.name for a in scenario.affiliates], fresh, strict=True)
    )
    renamed = dataclasses.replace(
        scenario,
        branches=tuple(dataclasses.replace(b, name=new_names[b.name]) for b in scenario.branches),
        affiliates=tuple(dataclasses.replace(a, name=new_names[a.name]) for a in scenario.affiliates),
    )
    before, after = count(scenario), count(renamed)
    assert summary(after) == summary(before)
    assert contribution_multiset(after) == contribution_multiset(before, rename=new_names.get)


# ------------------------------------------------------ individual and branch


one_ward_without_a_tie = st.tuples(counts, counts).filter(lambda pair: pair[0] != pair[1])


@PROPERTY_SETTINGS
@given(ward=one_ward_without_a_tie, scenario=scenarios(max_branches=0), data=st.data())
def test_individual_and_branch_counting_agree_with_one_ward_and_no_tie(ward, scenario, data):
    scenario = dataclasses.replace(scenario, branches=(Branch("Only ward", *ward),))
    by_branch = count(scenario, options={"member_counting": "branch"})
    by_member = count(scenario, options={"member_counting": "individual"})
    # The member section reaches the same verdict either way...
    members_branch, members_individual = by_branch.sections[0], by_member.sections[0]
    assert (members_branch.open_fraction > Fraction(1, 2)) == (members_individual.open_fraction > Fraction(1, 2))
    # ...and where the members decide alone, or the option does not apply, so does the count.
    if scenario.rules != "labour-2021" or by_branch.section("affiliates").units == 0:
        assert by_branch.outcome == by_member.outcome
    if scenario.rules != "labour-2021":
        assert summary(by_branch) == summary(by_member)


@PROPERTY_SETTINGS
@given(ward=one_ward_without_a_tie, rules=st.sampled_from(BUILT_IN), tie=st.sampled_from(TIE_OPTIONS))
def test_one_ward_without_affiliates_counts_the_same_by_member_or_by_branch(ward, rules, tie):
    scenario = Scenario((Branch("Only ward", *ward),), (), rules, {"tied_branch": tie})
    outcomes = {count(scenario, options={"member_counting": how}).outcome for how in ("branch", "individual")}
    assert len(outcomes) == 1


# ------------------------------------------------------------- always explained


@PROPERTY_SETTINGS
@given(scenario=scenarios())
def test_every_count_is_explained_and_serialises_to_json(scenario):
    result = count(scenario)
    explanation = result.explanation
    # Readers see the rule set's title, never its identifier (that is for JSON).
    assert explanation.startswith(f"Counted under {result.rule_set.title}. ")
    assert result.rules not in explanation
    expected = "there will be an open selection" if result.open_selection else "the MP is reselected"
    assert expected in explanation
    data = json.loads(json.dumps(result.to_dict()))
    assert data["outcome"] == result.outcome
    assert data["options"] == result.options
