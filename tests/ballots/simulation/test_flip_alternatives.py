"""The smallest flip explained: when several equally small changes would turn the result
around, the sentence lists them (or how many) and says why the one shown was chosen (fewest
votes or affiliates, ties broken by name), the same under every registered rule set.
"""

import pytest

from ballots import counting
from ballots.counting import Affiliate, Branch, Scenario
from ballots.simulation import smallest_flip

TWINS = ("Cedar", "Abbey", "Birch")


def _scenario(rules: str) -> Scenario:
    return Scenario(
        branches=(*(Branch(name, reselect=10, open=9) for name in TWINS), Branch("Dane", reselect=3, open=12)),
        affiliates=(
            Affiliate("Unite", "reselect", members=100),
            Affiliate("GMB", "reselect", members=100),
            Affiliate("CWU", "open", members=100),
        ),
        rules=rules,
    )


def _apply_members(scenario: Scenario, changes) -> Scenario:
    moved = {w: (k if d == "open" else -k) for w, k, d in changes}
    branches = tuple(
        Branch(b.name, reselect=b.reselect - moved[b.name], open=b.open + moved[b.name]) if b.name in moved else b
        for b in scenario.branches
    )
    return Scenario(branches=branches, affiliates=scenario.affiliates, rules=scenario.rules, options=scenario.options)


def _apply_affiliates(scenario: Scenario, changes) -> Scenario:
    votes = {name: to for name, _, to in changes}
    affiliates = tuple(Affiliate(a.name, votes.get(a.name, a.vote), members=a.members) for a in scenario.affiliates)
    return Scenario(branches=scenario.branches, affiliates=affiliates, rules=scenario.rules, options=scenario.options)


def _names(changes) -> list[str]:
    return sorted(name.casefold() for name, _, _ in changes)


@pytest.mark.parametrize("rules", list(counting.RULE_SETS))
def test_every_listed_alternative_is_as_small_and_flips_and_the_one_shown_comes_first_by_name(rules):
    scenario = _scenario(rules)
    original = counting.count(scenario).open_selection
    flip = smallest_flip(scenario)
    for changes in flip.member_alternatives:
        assert sum(k for _, k, _ in changes) == flip.member_votes
        assert counting.count(_apply_members(scenario, changes)).open_selection != original
        assert _names(flip.member_changes) < _names(changes)
    for changes in flip.affiliate_alternatives:
        assert len(changes) == flip.affiliates
        assert counting.count(_apply_affiliates(scenario, changes)).open_selection != original
        assert _names(flip.affiliate_changes) < _names(changes)
    moved = {w for w, _, _ in flip.member_changes}
    if flip.member_votes and not flip.members_pooled and 0 < len(moved & set(TWINS)) < len(TWINS):
        # Identical wards: another of them would do as well, and the sentence says so and why.
        assert flip.member_alternatives
        assert "other change" in flip.explained and "ties broken by ward name" in flip.explained
    if flip.members_pooled:
        assert "any ward" in flip.explained


def test_three_identical_wards_are_listed_and_the_first_by_name_is_shown():
    scenario = Scenario(
        branches=(*(Branch(name, reselect=9, open=10) for name in TWINS), Branch("Dane", reselect=12, open=3)),
        rules="labour-pre-2018",
    )
    flip = smallest_flip(scenario)
    assert flip.member_changes == (("Abbey", 1, "reselect"),)
    assert flip.member_alternatives == ((("Birch", 1, "reselect"),), (("Cedar", 1, "reselect"),))
    assert flip.explained == (
        "The result would have changed if 1 member had voted the other way: 1 in Abbey (2 other changes as small "
        "would also do: 1 in Birch, or 1 in Cedar; shown: the change needing fewest votes, ties broken by ward "
        "name). No change in the affiliates' votes alone could have changed it."
    )
    assert flip.to_dict()["member_alternatives"][0] == [{"ward": "Birch", "votes": 1, "to": "reselect"}]


def test_a_change_with_no_equal_says_so():
    scenario = Scenario(branches=(Branch("Abbey", 10, 9), Branch("Birch", 3, 12), Branch("Cedar", 20, 2)))
    flip = smallest_flip(scenario, rules="labour-pre-2018")
    assert flip.member_changes == (("Abbey", 2, "open"),) or flip.member_alternatives == ()
    assert "(no other change as small would do)" in flip.explained


def test_equally_small_affiliate_changes_are_listed_by_name():
    scenario = Scenario(
        branches=(Branch("Abbey", 5, 5),),
        affiliates=tuple(Affiliate(name, "reselect") for name in ("Usdaw", "GMB", "Unite")),
        rules="labour-pre-2018",
    )
    flip = smallest_flip(scenario)
    # Two of the three must move: every pair would do; the pair first by name is shown.
    assert flip.affiliates == 2
    assert _names(flip.affiliate_changes) == ["gmb", "unite"]
    assert [_names(changes) for changes in flip.affiliate_alternatives] == [["gmb", "usdaw"], ["unite", "usdaw"]]
    assert "2 other changes as small would also do" in flip.explained
    assert "ties broken by name" in flip.explained


def test_with_members_pooled_any_votes_would_do():
    scenario = Scenario(
        branches=(Branch("Abbey", 30, 20), Branch("Birch", 10, 25)),
        rules="labour-2021",
        options={"member_counting": "individual"},
    )
    flip = smallest_flip(scenario)
    assert flip.members_pooled and flip.member_alternatives == ()
    assert f"any {flip.member_votes} votes switched" in flip.explained
