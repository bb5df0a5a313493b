"""A fourth rule set, registered in this file alone, works everywhere the engine is used.

The toy rule set: "open selection when two thirds or more of the member votes want it",
with one section (members, one member one vote). It is registered by a fixture and
unregistered afterwards; nothing else in the project is told about it.
"""

import json
from fractions import Fraction

import pytest

from ballots import counting, simulation
from ballots.counting import (
    AFFILIATES,
    MEMBERS,
    Contribution,
    CountingError,
    Result,
    RuleSet,
    SectionResult,
    Threshold,
    count,
    counts_from_scenario,
    format_percent,
)
from ballots.simulation import smallest_flip

NAME = "toy-two-thirds"
TWO_THIRDS = Threshold("at least", Fraction(2, 3), "the member votes")


def member_votes(counts, options):
    return counts.v_open, counts.v_open + counts.v_reselect


def decide(counts, options):
    return TWO_THIRDS.met(*member_votes(counts, options))


def count_two_thirds(scenario, options, rule_set, ignored):
    counts = counts_from_scenario(scenario, need_branch_counts=True)
    num, den = member_votes(counts, options)
    share = Fraction(num, den) if den else None
    weight = Fraction(1) if den else Fraction(0)
    section = SectionResult(
        name=MEMBERS,
        counted_by="individual",
        weight=weight,
        units=den,
        units_reselect=Fraction(counts.v_reselect),
        units_open=Fraction(counts.v_open),
        tied=0,
        excluded=sum(1 for b in scenario.branches if not b.reselect and not b.open),
        open_fraction=share,
        open_share=share if den else Fraction(0),
        reselect_share=1 - share if den else Fraction(0),
        votes={"reselect": counts.v_reselect, "open": counts.v_open},
    )

    def contributions():
        return [
            Contribution(MEMBERS, b.name, side, Fraction(votes, den), f"{votes} votes")
            for b in scenario.branches
            for side, votes in (("reselect", b.reselect), ("open", b.open))
            if votes
        ]

    def explanation(result):
        if share is None:
            return f"Counted under {rule_set.title}: no member votes were cast, so the MP is reselected."
        verdict = "two thirds or more" if result.open_selection else "less than two thirds"
        return (
            f"Counted under {rule_set.title}: {num} of {den} member votes ({format_percent(share)}) "
            f"were for open selection, {verdict}."
        )

    return Result(
        rule_set=rule_set,
        options=options,
        ignored_options=ignored,
        open_selection=bool(decide(counts, options)),
        open_share=share,
        sections=[section],
        threshold=TWO_THIRDS,
        no_valid_votes=share is None,
        contributions=contributions,
        explanation=explanation,
    )


TOY = RuleSet(
    name=NAME,
    title="Two thirds of the member votes",
    description="Open selection when two thirds or more of the member votes want it.",
    options=(),
    sections=(MEMBERS,),
    threshold=TWO_THIRDS,
    chart="pooled",
    pool_label="the member votes",
    share_label="open share of the member votes",
    decide=decide,
    forecast_share=member_votes,
    counter=count_two_thirds,
)


@pytest.fixture(autouse=True)
def toy_rule_set():
    before = dict(counting.RULE_SETS)
    counting.register_rule_set(TOY)
    yield TOY
    counting.unregister_rule_set(NAME)
    assert counting.RULE_SETS == before


def scenario(open_a=10, reselect_a=10, open_b=10, reselect_b=0, affiliates=()):
    return {
        "rules": NAME,
        "branches": [
            {"name": "A", "reselect": reselect_a, "open": open_a},
            {"name": "B", "reselect": reselect_b, "open": open_b},
        ],
        "affiliates": list(affiliates),
    }


def test_exactly_two_thirds_of_the_member_votes_opens_the_selection():
    result = count(scenario())
    assert result.open_share == Fraction(2, 3)
    assert result.open_selection
    assert result.section(MEMBERS).open_fraction == Fraction(2, 3)


def test_one_vote_short_of_two_thirds_reselects():
    result = count(scenario(open_b=9, reselect_b=1))
    assert result.open_share == Fraction(19, 30)
    assert result.reselected


def test_the_toy_counts_only_its_own_section_and_ignores_affiliates():
    result = count(scenario(affiliates=[{"name": "U", "vote": "reselect", "members": 100}]))
    assert [s.name for s in result.sections] == [MEMBERS]
    with pytest.raises(KeyError):
        result.section(AFFILIATES)
    assert result.open_selection


def test_options_of_other_rule_sets_are_reported_as_not_applied():
    result = count(scenario(), options={"tied_branch": "split"})
    assert result.options == {}
    assert result.ignored_options == {"tied_branch": "split"}


def test_the_toy_is_in_the_registry_its_choices_and_compare_rules():
    assert (NAME, "Two thirds of the member votes") in counting.rule_set_choices()
    results = [r for r in counting.compare_rules(counting.scenario_from_dict(scenario())) if r.rules == NAME]
    assert len(results) == 1 and results[0].open_selection


def test_the_explanation_and_the_json_result_are_exact():
    result = count(scenario())
    assert result.explanation == (
        "Counted under Two thirds of the member votes: 20 of 30 member votes (66.667%) "
        "were for open selection, two thirds or more."
    )
    data = json.loads(json.dumps(result.to_dict()))
    assert data["rules"] == NAME
    assert data["outcome"] == "open_selection"
    assert data["open_share_exact"] == "2/3"
    assert data["threshold"] == {
        "test": "at least",
        "value": pytest.approx(200 / 3),
        "exact": "2/3",
        "applies_to": "the member votes",
    }
    assert [s["name"] for s in data["sections"]] == [MEMBERS]
    assert sum(Fraction(c["weight_exact"]) for c in data["contributions"]) == 1


def test_the_scenario_json_round_trips_under_the_toy():
    built = counting.scenario_from_dict(scenario())
    assert built.rules == NAME
    assert counting.scenario_from_dict(counting.scenario_to_dict(built)) == built


def test_a_branch_known_only_by_its_outcome_is_refused_with_a_message():
    data = scenario()
    data["branches"].append({"name": "C", "outcome": "open"})
    with pytest.raises(CountingError, match="gives only its outcome"):
        counting.scenario_from_dict(data)


def test_the_smallest_flip_switches_one_vote_at_the_two_thirds_edge():
    flip = smallest_flip(scenario())
    assert flip.rules == NAME
    assert flip.member_votes == 1
    assert flip.member_changes == (("A", 1, "reselect"),) or flip.member_changes == (("B", 1, "reselect"),)
    assert flip.affiliates is None
    # And back: one vote short of two thirds needs one vote more.
    assert smallest_flip(scenario(open_b=9, reselect_b=1)).member_votes == 1


def test_the_smallest_flip_agrees_with_switching_votes_one_by_one():
    data = scenario(open_a=7, reselect_a=9, open_b=8, reselect_b=2)  # 15/26: reselected
    needed = next(
        k
        for k in range(1, 12)
        if count(scenario(open_a=7 + k, reselect_a=9 - k, open_b=8, reselect_b=2)).open_selection
    )
    assert smallest_flip(data).member_votes == needed


def test_the_forecast_counts_the_toy_vectorised_and_agrees_with_counting_one_by_one():
    data = {
        "rules": NAME,
        "branches": [
            {"name": "A", "members": 30, "turnout": {"mean": 0.6, "sd": 0.1}, "support": {"mean": 0.35, "sd": 0.1}},
            {"name": "B", "reselect": 4, "open": 8},
        ],
        "affiliates": [{"name": "U", "p_reselect": 0.5, "p_open": 0.5, "p_abstain": 0}],
    }
    fast = simulation.forecast(data, trials=300, seed=11)
    slow = simulation.forecast(data, trials=300, seed=11, vectorised=False)
    assert fast.main.rules == NAME and fast.main.vectorised
    assert fast.share_meaning == "open share of the member votes"
    assert fast.threshold == pytest.approx(2 / 3)
    assert fast.main.open_selections == slow.main.open_selections
    assert fast.histogram == slow.histogram
    assert fast.pivotal_branches == slow.pivotal_branches
    assert dict(fast.pivotal_affiliates) == {"U": 0.0}
    assert fast.main.by_tied_branch == {}
    assert json.loads(json.dumps(fast.to_dict()))["by_rules"][NAME]["open_selections"] == fast.main.open_selections


def test_a_certain_forecast_equals_the_exact_count_at_the_edge():
    # Every member turns out and votes as told: 20 of 30 for open, exactly two thirds.
    data = {
        "rules": NAME,
        "branches": [
            {"name": "A", "members": 20, "turnout": 1, "support": 0},
            {"name": "B", "members": 10, "turnout": 1, "support": 1},
        ],
    }
    assert simulation.forecast(data, trials=20, seed=3).main.p_open_selection == 1.0
    data["branches"][1]["members"] = 11  # 20 of 31: less than two thirds
    assert simulation.forecast(data, trials=20, seed=3).main.p_open_selection == 0.0
