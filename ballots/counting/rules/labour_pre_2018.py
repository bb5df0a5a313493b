"""``labour-pre-2018``: more than half of all units, branches and affiliates pooled.

Units as under ``labour-2018`` (each branch and each affiliate that voted), pooled:
open selection when more than half of all units that voted chose open; exactly half
reselects (RULES.md, "labour-pre-2018").
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ballots.counting.counts import Counts, branch_units, counts_from_scenario
from ballots.counting.formatting import cite, outcome_words, plural, units_text
from ballots.counting.registry import RuleSet
from ballots.counting.results import Contribution, Result, SectionResult, Threshold
from ballots.counting.rules._sections import (
    TIED_BRANCH_OPTION,
    ZERO,
    affiliate_contributions,
    affiliate_section,
    branch_contributions,
    branch_section,
    empty_branches,
    no_votes_result,
)
from ballots.counting.rules._words import TIE_WORDS, affiliate_notes, branch_notes
from ballots.counting.scenario import AFFILIATES, MEMBERS, Scenario

HALF = Fraction(1, 2)
THRESHOLD = Threshold("more than", HALF, "all units")


def pool_share(counts: Counts, options: Mapping[str, str]) -> tuple[Any, Any]:
    """Units for open over all units that voted, doubled (a split tie is half a unit)."""
    b_open2, b_units2 = branch_units(counts, options["tied_branch"])
    return b_open2 + 2 * counts.a_open, b_units2 + 2 * (counts.a_open + counts.a_reselect)


def decide(counts: Counts, options: Mapping[str, str]) -> Any:
    """Open selection when more than half of all units chose open."""
    return THRESHOLD.met(*pool_share(counts, options))


def count_pre_2018(scenario: Scenario, options: dict[str, str], rule_set: RuleSet, ignored: dict[str, str]) -> Result:
    tie = options["tied_branch"]
    counts = counts_from_scenario(scenario)
    num, den = pool_share(counts, options)
    branch_units2 = branch_units(counts, tie)[1]
    # Each section's weight is its share of the units (den counts them doubled).
    member_weight = Fraction(branch_units2, den) if den else ZERO
    affiliate_weight = 1 - member_weight if den else ZERO

    def sections() -> list[SectionResult]:
        return [
            branch_section(scenario, counts, tie, member_weight),
            affiliate_section(scenario, counts, False, affiliate_weight),
        ]

    if not den:
        return no_votes_result(scenario, rule_set, options, ignored, sections, THRESHOLD)

    def contributions() -> list[Contribution]:
        per_unit = Fraction(2, den)
        return branch_contributions(scenario.branches, tie, per_unit) + affiliate_contributions(
            scenario.affiliates, per_unit, False, 0
        )

    def explanation(result: Result) -> str:
        return explain(result, tie, empty_branches(scenario.branches))

    return Result(
        rule_set=rule_set,
        options=options,
        ignored_options=ignored,
        open_selection=bool(THRESHOLD.met(num, den)),
        open_share=Fraction(num, den),
        sections=sections,
        threshold=THRESHOLD,
        no_valid_votes=False,
        contributions=contributions,
        explanation=explanation,
    )


def explain(result: Result, tie: str, n_empty: int) -> str:
    members, affiliates = result.section(MEMBERS), result.section(AFFILIATES)
    share = result.open_share
    assert share is not None  # a result with valid votes has a share
    total = members.units + affiliates.units
    units_open = members.units_open + affiliates.units_open
    shown = cite(share, HALF)
    if share > HALF:
        comparison = "more than half"
    elif share == HALF:
        comparison = "exactly half, not more"
    else:
        comparison = "less than half"
    return (
        f"Counted under {result.rule_set.title}. Branches and affiliates are pooled as equal units, "
        "and an open selection needs more than half of all units that voted "
        f"(tied branches {TIE_WORDS[tie]}). "
        f"Branches: {units_text(members.units_open)} of {plural(members.units, 'branch', 'branches')} "
        f"chose open{branch_notes(members, tie, n_empty)}. "
        f"Affiliates: {units_text(affiliates.units_open)} of "
        f"{plural(affiliates.units, 'affiliate')} chose open{affiliate_notes(affiliates)}. "
        f"Together {units_text(units_open)} of {plural(total, 'unit')} chose open, {shown}, "
        f"which is {comparison}, so {outcome_words(result.open_selection)}."
    )


RULE_SET = RuleSet(
    name="labour-pre-2018",
    title="Labour rules before 2018: more than half of all units",
    description=(
        "Each branch and affiliate that voted is a unit, pooled. Open selection when "
        "more than half of all units chose open."
    ),
    options=(TIED_BRANCH_OPTION,),
    sections=(MEMBERS, AFFILIATES),
    threshold=THRESHOLD,
    chart="pooled",
    pool_label="all units that voted",
    share_label="open share of all units",
    decide=decide,
    forecast_share=pool_share,
    counter=count_pre_2018,
)
