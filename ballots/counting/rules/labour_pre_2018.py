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
from ballots.counting.formatting import cite, outcome_words, units_text
from ballots.counting.phrases import Joined, Text, gettext_lazy, gettext_noop, ngettext_lazy, sentences
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
from ballots.counting.rules._words import affiliate_notes, branch_notes, tie_words, title
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

    def explanation(result: Result) -> Text:
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


def explain(result: Result, tie: str, n_empty: int) -> Joined:
    members, affiliates = result.section(MEMBERS), result.section(AFFILIATES)
    share = result.open_share
    assert share is not None  # a result with valid votes has a share
    total = members.units + affiliates.units
    if share > HALF:
        comparison = gettext_lazy("more than half")
    elif share == HALF:
        comparison = gettext_lazy("exactly half, not more")
    else:
        comparison = gettext_lazy("less than half")
    return sentences(
        gettext_lazy(
            "Counted under %(title)s. Branches and affiliates are pooled as equal units, and an open selection "
            "needs more than half of all units that voted (tied branches %(treatment)s).",
            title=title(result),
            treatment=tie_words(tie),
        ),
        ngettext_lazy(
            "Branches: %(open)s of %(n)s branch chose open%(notes)s.",
            "Branches: %(open)s of %(n)s branches chose open%(notes)s.",
            members.units,
            open=units_text(members.units_open),
            n=members.units,
            notes=branch_notes(members, tie, n_empty),
        ),
        ngettext_lazy(
            "Affiliates: %(open)s of %(n)s affiliate chose open%(notes)s.",
            "Affiliates: %(open)s of %(n)s affiliates chose open%(notes)s.",
            affiliates.units,
            open=units_text(affiliates.units_open),
            n=affiliates.units,
            notes=affiliate_notes(affiliates),
        ),
        ngettext_lazy(
            "Together %(open)s of %(n)s unit chose open, %(share)s, which is %(comparison)s, so %(outcome)s.",
            "Together %(open)s of %(n)s units chose open, %(share)s, which is %(comparison)s, so %(outcome)s.",
            total,
            open=units_text(members.units_open + affiliates.units_open),
            n=total,
            share=cite(share, HALF),
            comparison=comparison,
            outcome=outcome_words(result.open_selection),
        ),
    )


RULE_SET = RuleSet(
    name="labour-pre-2018",
    title=gettext_noop("Labour rules before 2018: more than half of all units"),
    description=gettext_noop(
        "Each branch and affiliate that voted is a unit, pooled. Open selection when "
        "more than half of all units chose open."
    ),
    options=(TIED_BRANCH_OPTION,),
    sections=(MEMBERS, AFFILIATES),
    threshold=THRESHOLD,
    chart="pooled",
    pool_label="all units that voted",
    share_label=gettext_noop("open share of all units"),
    decide=decide,
    forecast_share=pool_share,
    counter=count_pre_2018,
)
