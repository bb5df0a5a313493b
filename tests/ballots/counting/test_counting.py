"""The counting engine (ballots/counting/): RULES.md's worked examples, every rule set and
option, the 50% and one-third edges, sections with no units, no votes at all, one branch and
many, input validation, the scenario JSON round trip, the JSON result contract, the
explanation and adding a rule set of one's own.
"""

import json
from fractions import Fraction

import pytest

from ballots.counting import (
    DEFAULT_RULES,
    RULE_SETS,
    TIE_OPTIONS,
    Affiliate,
    Branch,
    CountingError,
    Option,
    Result,
    RuleSet,
    Scenario,
    Threshold,
    compare_rules,
    count,
    counts_from_scenario,
    format_percent,
    register_rule_set,
    scenario_from_dict,
    scenario_to_dict,
    unregister_rule_set,
    validate_scenario,
)


def make(branches=(), affiliates=(), rules=DEFAULT_RULES, **options):
    """A scenario from (name, reselect, open) or (name, outcome) and (name, vote[, members])."""
    built_branches = []
    for entry in branches:
        if len(entry) == 2:
            built_branches.append(Branch(entry[0], outcome=entry[1]))
        else:
            built_branches.append(Branch(*entry))
    built_affiliates = [Affiliate(*entry) for entry in affiliates]
    return Scenario(tuple(built_branches), tuple(built_affiliates), rules, options)


RULES_EXAMPLE_BRANCHES = [("A", 30, 20), ("B", 10, 25), ("C", 12, 12), ("D", 0, 0)]
RULES_EXAMPLE_AFFILIATES = [("U1", "reselect"), ("U2", "open"), ("U3", "open"), ("U4", "abstain")]


def rules_example(**options):
    return make(RULES_EXAMPLE_BRANCHES, RULES_EXAMPLE_AFFILIATES, **options)


def open_branches(n_open, n_reselect):
    return [(f"O{i}", "open") for i in range(n_open)] + [(f"R{i}", "reselect") for i in range(n_reselect)]


# --------------------------------------------------------------- RULES.md examples


def test_worked_example_with_tied_branch_excluded_is_an_open_selection():
    result = count(rules_example())
    members, affiliates = result.sections
    assert result.outcome == "open_selection"
    assert result.open_share == Fraction(7, 12)
    assert result.reselect_share == Fraction(5, 12)
    assert (members.units, members.units_open, members.units_reselect) == (2, 1, 1)
    assert (members.tied, members.excluded) == (1, 2)
    assert members.open_share == Fraction(1, 4)
    assert members.unit_weight == Fraction(1, 4)
    assert (affiliates.units, affiliates.units_open, affiliates.excluded) == (3, 2, 1)
    assert affiliates.unit_weight == Fraction(1, 6)
    assert affiliates.open_share == Fraction(1, 3)


def test_worked_example_with_tied_branch_split_gives_the_same_share():
    result = count(rules_example(tied_branch="split"))
    members = result.section("members")
    assert members.units == 3
    assert members.units_open == Fraction(3, 2)
    assert members.units_reselect == Fraction(3, 2)
    assert members.open_share == Fraction(1, 4)
    assert result.open_share == Fraction(7, 12)
    assert result.outcome == "open_selection"


def test_worked_example_with_tied_branch_reselecting_is_exactly_half_so_reselects():
    result = count(rules_example(tied_branch="reselect"))
    assert result.section("members").open_share == Fraction(1, 6)
    assert result.open_share == Fraction(1, 2)
    assert result.outcome == "reselected"


def test_worked_example_with_tied_branch_counted_open_is_two_thirds_open():
    result = count(rules_example(tied_branch="open"))
    assert result.section("members").open_share == Fraction(1, 3)
    assert result.open_share == Fraction(2, 3)
    assert result.outcome == "open_selection"


def test_nine_branches_with_three_open_trigger_under_2018_whatever_the_affiliates_did():
    scenario = make(
        open_branches(3, 6), [("U1", "reselect"), ("U2", "reselect"), ("U3", "reselect")], rules="labour-2018"
    )
    result = count(scenario)
    members, affiliates = result.sections
    assert members.open_fraction == Fraction(1, 3)
    assert members.triggered is True
    assert affiliates.open_fraction == 0
    assert affiliates.triggered is False
    assert result.outcome == "open_selection"


# ------------------------------------------------------------------- 50% edges


def test_exactly_half_open_reselects():
    result = count(make([("A", 10, 5), ("B", 5, 10)]))
    assert result.open_share == Fraction(1, 2)
    assert result.outcome == "reselected"


def test_exactly_half_across_both_sections_reselects():
    result = count(make([("A", "open")], [("U1", "reselect")]))
    assert result.open_share == Fraction(1, 2)
    assert result.outcome == "reselected"


def test_just_over_half_opens():
    result = count(make([("A", 5, 10), ("B", 10, 5)], [("U1", "open"), ("U2", "open"), ("U3", "reselect")]))
    assert result.open_share == Fraction(1, 4) + Fraction(1, 3)
    assert result.outcome == "open_selection"


def test_a_share_a_hair_over_half_opens_and_the_explanation_gives_the_exact_fraction():
    result = count(make([("A", 100_000, 100_001)], member_counting="individual"))
    assert result.open_share == Fraction(100_001, 200_001)
    assert result.outcome == "open_selection"
    assert format_percent(result.open_share) == "50.000%"
    assert "exactly 100001/200001" in result.explanation


def test_exactly_half_of_all_units_reselects_before_2018():
    result = count(make(open_branches(2, 1), [("U1", "reselect")], rules="labour-pre-2018"))
    assert result.open_share == Fraction(1, 2)
    assert result.outcome == "reselected"


def test_more_than_half_of_all_units_opens_before_2018():
    result = count(make(open_branches(2, 1), [("U1", "open"), ("U2", "reselect")], rules="labour-pre-2018"))
    assert result.open_share == Fraction(3, 5)
    assert result.section("members").weight == Fraction(3, 5)
    assert result.section("affiliates").open_share == Fraction(1, 5)
    assert result.outcome == "open_selection"


# ------------------------------------------------------------- one-third edges


def test_exactly_one_third_of_branches_triggers_under_2018():
    result = count(make(open_branches(1, 2), rules="labour-2018"))
    assert result.section("members").open_fraction == Fraction(1, 3)
    assert result.outcome == "open_selection"


def test_just_under_one_third_of_branches_does_not_trigger_under_2018():
    result = count(make(open_branches(3, 7), [("U1", "reselect")], rules="labour-2018"))
    assert result.section("members").open_fraction == Fraction(3, 10)
    assert result.outcome == "reselected"


def test_exactly_one_third_of_affiliates_triggers_under_2018():
    scenario = make(open_branches(0, 5), [("U1", "open"), ("U2", "reselect"), ("U3", "reselect")], rules="labour-2018")
    result = count(scenario)
    assert result.section("members").triggered is False
    assert result.section("affiliates").triggered is True
    assert result.outcome == "open_selection"


def test_just_under_one_third_of_affiliates_does_not_trigger_under_2018():
    affiliates = [("U1", "open"), ("U2", "reselect"), ("U3", "reselect"), ("U4", "reselect")]
    result = count(make([], affiliates, rules="labour-2018"))
    assert result.section("affiliates").open_fraction == Fraction(1, 4)
    assert result.outcome == "reselected"


def test_2018_does_not_report_a_college_share():
    result = count(make(open_branches(1, 2), rules="labour-2018"))
    assert result.open_share is None
    assert result.reselect_share is None
    assert result.open_percent is None
    assert result.section("members").weight is None


def test_a_split_tie_counts_half_a_unit_each_way_under_2018():
    # One open, one tied, one reselect: split gives 1.5 of 3 units to open.
    result = count(make([("A", "open"), ("B", "tied"), ("C", "reselect")], rules="labour-2018", tied_branch="split"))
    members = result.section("members")
    assert members.units == 3
    assert members.units_open == Fraction(3, 2)
    assert members.open_fraction == Fraction(1, 2)


def test_an_excluded_tie_is_not_among_the_branches_that_voted_under_2018():
    # One open of three that voted would be exactly a third; one of two with the tie excluded.
    scenario = make([("A", "open"), ("B", "tied"), ("C", "reselect"), ("D", "reselect")], rules="labour-2018")
    assert count(scenario).section("members").open_fraction == Fraction(1, 3)
    assert count(scenario, options={"tied_branch": "reselect"}).section("members").open_fraction == Fraction(1, 4)
    assert count(scenario, options={"tied_branch": "reselect"}).outcome == "reselected"
    assert count(scenario, options={"tied_branch": "open"}).section("members").open_fraction == Fraction(1, 2)


def test_tied_branch_options_change_the_pool_before_2018():
    scenario = make([("A", "open"), ("B", "tied"), ("C", "reselect")], rules="labour-pre-2018")
    shares = {tie: count(scenario, options={"tied_branch": tie}).open_share for tie in TIE_OPTIONS}
    assert shares == {
        "exclude": Fraction(1, 2),
        "split": Fraction(1, 2),
        "reselect": Fraction(1, 3),
        "open": Fraction(2, 3),
    }


# ------------------------------------------------------------------- options


def test_individual_counting_pools_member_votes_across_wards():
    result = count(rules_example(member_counting="individual"))
    members = result.section("members")
    assert members.counted_by == "individual"
    assert members.units == 109
    assert members.units_open == 57
    assert members.open_fraction == Fraction(57, 109)
    assert result.open_share == Fraction(57, 218) + Fraction(1, 3)
    assert result.outcome == "open_selection"


def test_individual_counting_can_reverse_branch_counting():
    # Two small open branches and one large reselect branch: branches say open, members reselect.
    scenario = make([("A", 4, 6), ("B", 4, 6), ("C", 100, 0)])
    assert count(scenario).outcome == "open_selection"
    assert count(scenario, options={"member_counting": "individual"}).outcome == "reselected"


def test_individual_counting_needs_counts_and_names_the_branch_given_by_outcome():
    scenario = make([("A", 3, 4), ("Northgate", "open")], member_counting="individual")
    with pytest.raises(CountingError, match="Northgate"):
        count(scenario)


def test_individual_counting_with_no_member_votes_passes_the_weight_to_affiliates():
    result = count(make([("A", 0, 0)], [("U1", "open")], member_counting="individual"))
    assert result.section("members").weight == 0
    assert result.section("affiliates").weight == 1
    assert result.open_share == 1


def test_weighted_affiliates_share_their_half_by_affiliated_membership():
    affiliates = [("U1", "reselect", 120), ("U2", "open", 300), ("U3", "open", 40), ("U4", "abstain")]
    result = count(make([("A", 30, 20)], affiliates, affiliate_counting="weighted"))
    section = result.section("affiliates")
    assert section.counted_by == "weighted"
    assert section.units == 3
    assert section.open_fraction == Fraction(340, 460)
    assert section.open_share == Fraction(17, 46)
    assert result.open_share == Fraction(17, 46)
    assert result.outcome == "reselected"
    weights = {c.name: c.weight for c in result.contributions if c.section == "affiliates"}
    assert weights == {"U1": Fraction(6, 46), "U2": Fraction(15, 46), "U3": Fraction(2, 46), "U4": 0}


def test_weighted_counting_names_a_voting_affiliate_without_its_membership():
    scenario = make([], [("U1", "open", 10), ("Unite Canterbury", "reselect")], affiliate_counting="weighted")
    with pytest.raises(CountingError, match="Unite Canterbury"):
        count(scenario)


def test_weighted_counting_does_not_need_the_membership_of_abstaining_affiliates():
    scenario = make([], [("U1", "open", 10), ("U2", "abstain"), ("U3", "none")], affiliate_counting="weighted")
    assert count(scenario).open_share == 1


def test_weighted_affiliate_with_no_affiliated_members_is_not_a_unit():
    scenario = make([("A", 5, 3)], [("U1", "open", 0)], affiliate_counting="weighted")
    result = count(scenario)
    assert result.section("affiliates").units == 0
    assert result.section("affiliates").excluded == 1
    assert result.section("members").weight == 1
    assert result.outcome == "reselected"


def test_options_are_reported_as_applied_with_defaults_filled_in():
    assert count(make([("A", 1, 0)])).options == {
        "member_counting": "branch",
        "affiliate_counting": "unit",
        "tied_branch": "exclude",
    }
    result = count(make([("A", 1, 0)], rules="labour-2018", member_counting="individual", tied_branch="split"))
    assert result.options == {"tied_branch": "split"}
    assert result.ignored_options == {"member_counting": "individual"}


def test_rules_and_options_given_to_count_override_the_scenarios():
    scenario = rules_example(tied_branch="reselect")
    assert count(scenario).outcome == "reselected"
    assert count(scenario, options={"tied_branch": "exclude"}).outcome == "open_selection"
    assert count(scenario, rules="labour-2018").rules == "labour-2018"
    assert count(scenario, rules="labour-2018").options == {"tied_branch": "reselect"}


def test_an_unknown_rule_set_is_an_error_naming_it():
    with pytest.raises(CountingError, match="labour-1997"):
        count(make(), rules="labour-1997")
    with pytest.raises(CountingError, match="labour-1997"):
        count(make(rules="labour-1997"))


def test_an_unknown_option_is_an_error_naming_it():
    with pytest.raises(CountingError, match="quorum"):
        count(make(quorum="yes"))


def test_an_option_value_not_allowed_is_an_error_naming_both():
    with pytest.raises(CountingError, match="tied_branch='coin'"):
        count(make(tied_branch="coin"))
    with pytest.raises(CountingError, match="member_counting='ward'"):
        count(make(rules="labour-2018", member_counting="ward"))


# ---------------------------------------------------- sections with no units


def test_members_with_no_units_give_their_weight_to_the_affiliates():
    result = count(make([("A", 5, 5), ("B", 0, 0)], [("U1", "open"), ("U2", "open"), ("U3", "reselect")]))
    members, affiliates = result.sections
    assert members.units == 0
    assert members.weight == 0
    assert members.open_fraction is None
    assert affiliates.weight == 1
    assert result.open_share == Fraction(2, 3)
    assert result.outcome == "open_selection"
    assert "affiliates carry the whole college" in result.explanation


def test_affiliates_with_no_units_give_their_weight_to_the_members():
    result = count(make([("A", 5, 3), ("B", 2, 9)], [("U1", "abstain"), ("U2", "none")]))
    assert result.section("affiliates").weight == 0
    assert result.section("members").weight == 1
    assert result.open_share == Fraction(1, 2)
    assert result.outcome == "reselected"
    assert "members carry the whole college" in result.explanation


@pytest.mark.parametrize("rules", ["labour-2021", "labour-2018", "labour-pre-2018"])
def test_no_votes_at_all_reselects_and_says_no_valid_votes_were_cast(rules):
    scenario = make([("A", 0, 0), ("B", 4, 4)], [("U1", "abstain"), ("U2", "none")], rules=rules)
    result = count(scenario)
    assert result.outcome == "reselected"
    assert result.no_valid_votes is True
    assert result.open_share is None
    assert "No valid votes were cast" in result.explanation
    assert [c.side for c in result.contributions] == ["none"] * 4


@pytest.mark.parametrize("rules", ["labour-2021", "labour-2018", "labour-pre-2018"])
def test_an_empty_scenario_reselects(rules):
    result = count(Scenario(rules=rules))
    assert result.outcome == "reselected"
    assert result.no_valid_votes is True
    assert result.contributions == []


def test_a_2018_section_with_no_units_cannot_trigger():
    result = count(make([], [("U1", "reselect")], rules="labour-2018"))
    assert result.section("members").open_fraction is None
    assert result.section("members").triggered is False
    assert result.no_valid_votes is False
    assert result.outcome == "reselected"


# ---------------------------------------------------- one branch, many branches


def test_one_branch_voting_open_alone_is_an_open_selection():
    result = count(make([("Only", 3, 4)]))
    assert result.section("members").weight == 1
    assert result.open_share == 1
    assert result.outcome == "open_selection"


def test_one_branch_voting_reselect_alone_reselects_under_every_rule_set():
    for rules in RULE_SETS:
        assert count(make([("Only", 4, 3)], rules=rules)).outcome == "reselected"


def test_many_branches_one_more_open_than_reselect_opens():
    branches = [(f"W{i}", 1, 2) for i in range(101)] + [(f"X{i}", 2, 1) for i in range(100)]
    result = count(make(branches))
    assert result.section("members").units == 201
    assert result.open_share == Fraction(101, 201)
    assert result.outcome == "open_selection"


def test_many_branches_evenly_split_reselect():
    branches = [(f"W{i}", 1, 2) for i in range(100)] + [(f"X{i}", 2, 1) for i in range(100)]
    result = count(make(branches))
    assert result.open_share == Fraction(1, 2)
    assert result.outcome == "reselected"


def test_a_branch_given_by_outcome_counts_like_one_given_by_counts():
    by_counts = count(make([("A", 3, 1), ("B", 1, 3), ("C", 2, 2)], [("U1", "open")], tied_branch="split"))
    by_outcome = count(make([("A", "reselect"), ("B", "open"), ("C", "tied")], [("U1", "open")], tied_branch="split"))
    assert by_counts.open_share == by_outcome.open_share
    assert by_counts.section("members").units_open == by_outcome.section("members").units_open


# -------------------------------------------------------------------- contributions


def test_each_units_contribution_is_listed_with_its_weight_and_reason():
    contributions = {(c.section, c.name, c.side): (c.weight, c.note) for c in count(rules_example()).contributions}
    assert contributions == {
        ("members", "A", "reselect"): (Fraction(1, 4), "majority reselect"),
        ("members", "B", "open"): (Fraction(1, 4), "majority open"),
        ("members", "C", "none"): (0, "tied: excluded"),
        ("members", "D", "none"): (0, "no votes cast"),
        ("affiliates", "U1", "reselect"): (Fraction(1, 6), "voted reselect"),
        ("affiliates", "U2", "open"): (Fraction(1, 6), "voted open"),
        ("affiliates", "U3", "open"): (Fraction(1, 6), "voted open"),
        ("affiliates", "U4", "none"): (0, "abstained"),
    }


def test_a_split_tie_contributes_half_a_unit_to_each_side():
    contributions = [c for c in count(rules_example(tied_branch="split")).contributions if c.name == "C"]
    assert [(c.side, c.weight) for c in contributions] == [("reselect", Fraction(1, 12)), ("open", Fraction(1, 12))]


def test_individual_contributions_are_each_branchs_votes_as_a_share_of_the_college():
    result = count(make([("A", 3, 1)], member_counting="individual"))
    assert [(c.side, c.weight) for c in result.contributions] == [
        ("reselect", Fraction(3, 4)),
        ("open", Fraction(1, 4)),
    ]


def test_2018_contributions_are_shares_of_their_own_section():
    result = count(make(open_branches(1, 3), [("U1", "open")], rules="labour-2018"))
    weights = {c.name: c.weight for c in result.contributions}
    assert weights["O0"] == Fraction(1, 4)
    assert weights["U1"] == 1


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("build", "names"),
    [
        (lambda: Branch("Barton", -1, 4), ["Barton", "negative"]),
        (lambda: Branch("Barton", 3, -4), ["Barton", "negative"]),
        (lambda: Branch("Barton", 2.5, 4), ["Barton", "whole number"]),
        (lambda: Branch("Barton", 2.0, 4), ["Barton", "whole number"]),
        (lambda: Branch("Barton", "3", 4), ["Barton", "whole number"]),
        (lambda: Branch("Barton", True, 4), ["Barton", "whole number"]),
        (lambda: Branch("Barton"), ["Barton", "neither"]),
        (lambda: Branch("Barton", reselect=3), ["Barton", "not open"]),
        (lambda: Branch("Barton", outcome="won"), ["Barton", "'won'"]),
        (lambda: Branch("Barton", 3, 4, outcome="reselect"), ["Barton", "does not match"]),
        (lambda: Branch("Barton", 0, 0, outcome="tied"), ["Barton", "does not match"]),
        (lambda: Branch("", 1, 2), ["no name"]),
        (lambda: Affiliate("GMB", "yes"), ["GMB", "'yes'"]),
        (lambda: Affiliate("GMB", "open", -5), ["GMB", "affiliated members"]),
        (lambda: Affiliate("GMB", "open", 1.5), ["GMB", "affiliated members"]),
        (lambda: make([("Barton", 1, 2), ("barton ", 3, 4)]), ["duplicate branch", "barton "]),
        (lambda: make([], [("GMB", "open"), ("GMB", "reselect")]), ["duplicate affiliate", "GMB"]),
    ],
)
def test_bad_input_raises_counting_error_naming_the_entry(build, names):
    with pytest.raises(CountingError) as error:
        build()
    for name in names:
        assert name in str(error.value)


def test_counting_error_is_a_value_error():
    assert issubclass(CountingError, ValueError)


def test_a_branch_given_with_matching_counts_and_outcome_is_accepted():
    assert Branch("A", 3, 3, outcome="tied").result == "tied"


def test_a_branch_and_an_affiliate_may_share_a_name():
    assert count(make([("Unite", 1, 0)], [("Unite", "open")])).open_share == Fraction(1, 2)


def test_an_affiliate_that_did_not_vote_may_be_given_as_none():
    assert Affiliate("GMB", None).vote == "none"
    result = count(make([("A", 1, 0)], [("GMB", "none")]))
    assert result.section("affiliates").excluded == 1


def test_scenario_options_cannot_be_changed_after_it_is_made():
    scenario = make(tied_branch="split")
    with pytest.raises(TypeError):
        scenario.options["tied_branch"] = "open"


# ---------------------------------------------------------- scenario JSON


DESIGN_EXAMPLE = {
    "rules": "labour-2021",
    "options": {"member_counting": "branch", "affiliate_counting": "unit", "tied_branch": "exclude"},
    "branches": [{"name": "A", "reselect": 30, "open": 20}, {"name": "B", "outcome": "open"}],
    "affiliates": [{"name": "U1", "vote": "reselect", "members": 120}, {"name": "U4", "vote": "abstain"}],
}


def test_design_example_scenario_parses_and_counts():
    scenario = scenario_from_dict(DESIGN_EXAMPLE)
    assert scenario.branches == (Branch("A", 30, 20), Branch("B", outcome="open"))
    assert scenario.affiliates == (Affiliate("U1", "reselect", 120), Affiliate("U4", "abstain"))
    assert count(scenario).open_share == Fraction(1, 4)


def test_scenario_to_dict_is_the_inverse_of_scenario_from_dict():
    assert scenario_to_dict(scenario_from_dict(DESIGN_EXAMPLE)) == DESIGN_EXAMPLE
    scenario = rules_example(tied_branch="split")
    assert scenario_from_dict(scenario_to_dict(scenario)) == scenario


def test_rules_and_options_are_optional_in_scenario_json():
    scenario = scenario_from_dict({"branches": [{"name": "A", "reselect": 1, "open": 2}]})
    assert scenario.rules == DEFAULT_RULES
    assert dict(scenario.options) == {}
    assert scenario_from_dict({}).branches == ()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ([], "JSON object"),
        ({"branches": {"A": 1}}, "branches must be a list"),
        ({"affiliates": "U1"}, "affiliates must be a list"),
        ({"options": ["split"]}, "options"),
        ({"branches": [7]}, "branch 1"),
        ({"branches": [{"reselect": 1, "open": 2}]}, "branch 1 has no name"),
        ({"affiliates": [{"name": "U1", "vote": "open"}, {"vote": "open"}]}, "affiliate 2 has no name"),
        ({"affiliates": [{"name": "U1"}]}, "'U1' gives no vote"),
        ({"rules": "labour-1997"}, "labour-1997"),
        ({"options": {"tied_branch": 3}}, "tied_branch"),
        ({"options": {"quorum": "yes"}}, "quorum"),
        (
            {"options": {"member_counting": "individual"}, "branches": [{"name": "Barton", "outcome": "open"}]},
            "Barton",
        ),
        (
            {"options": {"affiliate_counting": "weighted"}, "affiliates": [{"name": "GMB", "vote": "open"}]},
            "GMB",
        ),
    ],
)
def test_scenario_from_dict_rejects_bad_input_with_a_clear_message(data, fragment):
    with pytest.raises(CountingError, match=fragment):
        scenario_from_dict(data)


def test_scenario_from_dict_can_leave_rule_checks_to_the_count():
    data = {"options": {"affiliate_counting": "weighted"}, "affiliates": [{"name": "GMB", "vote": "open"}]}
    scenario = scenario_from_dict(data, check=False)
    assert count(scenario, rules="labour-2018").outcome == "open_selection"
    with pytest.raises(CountingError, match="GMB"):
        validate_scenario(scenario)


def test_count_accepts_a_scenario_dict():
    assert count(DESIGN_EXAMPLE).open_share == Fraction(1, 4)


# ------------------------------------------------------------- the result


def test_to_dict_matches_the_whatif_json_contract():
    data = json.loads(json.dumps(count(rules_example()).to_dict()))
    assert data["rules"] == "labour-2021"
    assert data["options"] == {"member_counting": "branch", "affiliate_counting": "unit", "tied_branch": "exclude"}
    assert data["outcome"] == "open_selection"
    assert data["open_share"] == pytest.approx(58.333333333)
    assert data["reselect_share"] == pytest.approx(41.666666667)
    assert data["open_share_exact"] == "7/12"
    assert data["no_valid_votes"] is False
    assert [s["name"] for s in data["sections"]] == ["members", "affiliates"]
    members = data["sections"][0]
    assert members["units"] == 2
    assert members["weight"] == 50
    assert members["open_share"] == 25
    assert members["votes"] == {"reselect": 52, "open": 57}
    assert len(data["contributions"]) == 8
    assert data["explanation"] == count(rules_example()).explanation


def test_an_exact_whole_number_prints_as_the_integer_not_over_one():
    data = count(rules_example()).to_dict()
    abstained = next(c for c in data["contributions"] if c["note"] == "abstained")
    assert abstained["weight"] == 0
    assert abstained["weight_exact"] == "0"
    alone = count(Scenario(branches=(Branch("A", 1, 3),))).to_dict()
    assert alone["open_share_exact"] == "1"  # one branch, for open: the whole college
    assert alone["reselect_share_exact"] == "0"
    assert alone["sections"][0]["weight_exact"] == "1"
    assert alone["sections"][1]["weight_exact"] == "0"
    assert alone["threshold"]["exact"] == "1/2"


def test_to_dict_shares_are_null_under_2018_and_percent_of_all_units_before_2018():
    assert count(rules_example(), rules="labour-2018").to_dict()["open_share"] is None
    assert count(rules_example(), rules="labour-pre-2018").to_dict()["open_share"] == 60
    half_units = count(rules_example(tied_branch="split"), rules="labour-2018").to_dict()["sections"][0]
    assert half_units["units_open"] == 1.5


def test_percentages_are_floats_for_display_and_fractions_stay_exact():
    result = count(rules_example())
    assert result.open_percent == pytest.approx(58.333333333)
    assert result.reselect_percent == pytest.approx(41.666666667)
    assert isinstance(result.open_share, Fraction)


def test_explanation_cites_the_deciding_numbers_and_the_threshold():
    explanation = count(rules_example()).explanation
    for fragment in ("25.000%", "33.333%", "58.333%", "more than 50%", "there will be an open selection"):
        assert fragment in explanation
    assert "\n" not in explanation


def test_explanation_of_exactly_half_says_so():
    explanation = count(rules_example(tied_branch="reselect")).explanation
    assert "exactly 50%, not more" in explanation
    assert "the MP is reselected" in explanation


def test_explanation_under_2018_names_the_section_that_reached_one_third():
    explanation = count(make(open_branches(3, 6), [("U1", "reselect")], rules="labour-2018")).explanation
    assert "3 of the 9 branches that voted chose open" in explanation
    assert "exactly one third" in explanation
    assert "Because the branches reached one third, there will be an open selection." in explanation


def test_explanation_before_2018_counts_the_pooled_units():
    explanation = count(rules_example(), rules="labour-pre-2018").explanation
    assert "3 of 5 units chose open, 60.000%" in explanation
    assert "more than half" in explanation


@pytest.mark.parametrize(
    ("share", "shown"),
    [
        (Fraction(1, 6), "16.667%"),
        (Fraction(7, 12), "58.333%"),
        (Fraction(1, 2), "50.000%"),
        (Fraction(0), "0.000%"),
        (Fraction(1), "100.000%"),
        (Fraction(1, 80000), "0.001%"),
        (None, "n/a"),
    ],
)
def test_format_percent_rounds_half_up_only_for_display(share, shown):
    assert format_percent(share) == shown


# ---------------------------------------------------------- other rule sets


def test_compare_rules_counts_under_every_rule_set_and_tie_option():
    results = compare_rules(rules_example())
    assert [(r.rules, r.options["tied_branch"]) for r in results] == [
        (rules, tie) for rules in ("labour-2021", "labour-2018", "labour-pre-2018") for tie in TIE_OPTIONS
    ]
    outcomes = {(r.rules, r.options["tied_branch"]): r.outcome for r in results}
    assert outcomes[("labour-2021", "reselect")] == "reselected"
    assert outcomes[("labour-pre-2018", "exclude")] == "open_selection"
    assert all(isinstance(r, Result) for r in results)


def test_a_new_rule_set_can_be_registered_without_touching_the_others():
    def bar(options):
        return Threshold("more than", Fraction(1, 2) if options["bar"] == "half" else Fraction(2, 3), "branches")

    def branch_share(counts, options):
        return counts.n_open, counts.n_open + counts.n_reselect + counts.n_tied

    def decide(counts, options):
        return bar(options).met(*branch_share(counts, options))

    def members_majority(scenario, options, rule_set, ignored):
        num, den = branch_share(counts_from_scenario(scenario), options)
        share = Fraction(num, den) if den else None
        return Result(
            rule_set=rule_set,
            options=options,
            ignored_options=ignored,
            open_selection=bool(decide(counts_from_scenario(scenario), options)),
            open_share=share,
            sections=[],
            threshold=bar(options),
            no_valid_votes=share is None,
        )

    rule_set = RuleSet(
        name="test-branch-majority",
        title="More than half of branches",
        description="More than half (or two thirds) of branches.",
        options=(Option("bar", ("half", "two-thirds"), "half"),),
        sections=("members",),
        threshold=Threshold("more than", Fraction(1, 2), "branches"),
        chart="pooled",
        pool_label="the branches",
        share_label="open share of the branches",
        decide=decide,
        forecast_share=branch_share,
        counter=members_majority,
    )
    before = dict(RULE_SETS)
    register_rule_set(rule_set)
    try:
        scenario = make(open_branches(3, 2))
        assert count(scenario, rules="test-branch-majority").outcome == "open_selection"
        assert count(scenario, "test-branch-majority", {"bar": "two-thirds"}).outcome == "reselected"
        assert count(scenario, "test-branch-majority").ignored_options == {}
        assert "test-branch-majority" in [r.rules for r in compare_rules(scenario)]
        explanation = count(scenario, "test-branch-majority").explanation
        assert explanation.startswith("Counted under More than half of branches. ")
        # The existing rule sets learn of the new option only as one that does not apply to them.
        assert count(scenario, options={"bar": "half"}).ignored_options == {"bar": "half"}
        with pytest.raises(CountingError, match="already registered"):
            register_rule_set(rule_set)
    finally:
        unregister_rule_set("test-branch-majority")
    assert RULE_SETS == before
    with pytest.raises(CountingError, match="unknown option 'bar'"):
        count(make(), options={"bar": "half"})


def test_every_rule_set_has_words_for_readers_and_its_options_are_described_in_them():
    from ballots.counting import rule_set_choices

    assert [name for name, _ in rule_set_choices()] == list(RULE_SETS)
    for rule_set in RULE_SETS.values():
        assert rule_set.title and rule_set.title != rule_set.name
        assert rule_set.sections and rule_set.share_label
        assert (rule_set.pool_label is None) == (rule_set.chart == "per_section")
        for option in rule_set.options:
            assert option.label
            assert all(option.choice_label(choice) != choice for choice in option.choices)
    described = RULE_SETS[DEFAULT_RULES].describe_options(count(make()).options)
    assert described.startswith("How members are counted: each branch one unit; ")
    assert "how a tied branch counts: not counted" in described
