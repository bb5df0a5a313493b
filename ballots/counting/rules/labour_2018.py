"""``labour-2018``: one third or more of either section opens the selection.

Each branch and each affiliate that voted is one unit; a branch is decided by its
members' majority (ties as ``tied_branch`` says). Open selection when one third or more
of the branches that voted, or one third or more of the affiliates that voted, chose
open: the two sections are judged separately, so there is no overall share
(RULES.md, "labour-2018").
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ballots.counting.counts import Counts, branch_units, counts_from_scenario
from ballots.counting.formatting import cite, plural, units_text
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
    no_contributions,
)
from ballots.counting.rules._words import TIE_WORDS, affiliate_notes, branch_notes, explain_no_votes
from ballots.counting.scenario import AFFILIATES, MEMBERS, Scenario

THIRD = Fraction(1, 3)
THRESHOLD = Threshold("at least", THIRD, "the units of either section")


# ----------------------------------------------------------------- the decision


def branch_fraction(counts: Counts, options: Mapping[str, str]) -> tuple[Any, Any]:
    """Branches for open over branches that voted (both doubled, for a split tie)."""
    return branch_units(counts, options["tied_branch"])


def affiliate_fraction(counts: Counts) -> tuple[Any, Any]:
    """Affiliates for open over affiliates that voted reselect or open."""
    return counts.a_open, counts.a_open + counts.a_reselect


def decide(counts: Counts, options: Mapping[str, str]) -> Any:
    """Open selection when either section reaches one third."""
    return THRESHOLD.met(*branch_fraction(counts, options)) | THRESHOLD.met(*affiliate_fraction(counts))


def more_open_fraction(counts: Counts, options: Mapping[str, str]) -> tuple[Any, Any]:
    """The open fraction of the more open section (a section with no units counts as 0)."""
    m_open, m_total = branch_fraction(counts, options)
    a_open, a_total = affiliate_fraction(counts)
    m_total, a_total = m_total + (m_total == 0), a_total + (a_total == 0)
    members_more = m_open * a_total >= a_open * m_total
    affiliates_more = members_more == 0
    return members_more * m_open + affiliates_more * a_open, members_more * m_total + affiliates_more * a_total


# ---------------------------------------------------------------- the exact count


def count_2018(scenario: Scenario, options: dict[str, str], rule_set: RuleSet, ignored: dict[str, str]) -> Result:
    tie = options["tied_branch"]
    counts = counts_from_scenario(scenario)
    m_open, m_total = branch_fraction(counts, options)
    a_open, a_total = affiliate_fraction(counts)
    member_trigger = bool(THRESHOLD.met(m_open, m_total))
    affiliate_trigger = bool(THRESHOLD.met(a_open, a_total))
    no_votes = not m_total and not a_total

    def sections() -> list[SectionResult]:
        return [
            branch_section(scenario, counts, tie, None, member_trigger),
            affiliate_section(scenario, counts, False, None, affiliate_trigger),
        ]

    def contributions() -> list[Contribution]:
        if no_votes:
            return no_contributions(scenario)
        per_branch = Fraction(2, m_total) if m_total else ZERO
        per_affiliate = Fraction(1, a_total) if a_total else ZERO
        return branch_contributions(scenario.branches, tie, per_branch) + affiliate_contributions(
            scenario.affiliates, per_affiliate, False, 0
        )

    def explanation(result: Result) -> str:
        if no_votes:
            return explain_no_votes(result)
        return explain(result, tie, empty_branches(scenario.branches))

    return Result(
        rule_set=rule_set,
        options=options,
        ignored_options=ignored,
        open_selection=member_trigger or affiliate_trigger,
        open_share=None,
        sections=sections,
        threshold=THRESHOLD,
        no_valid_votes=no_votes,
        contributions=contributions,
        explanation=explanation,
    )


# ----------------------------------------------------------------- the explanation


def explain(result: Result, tie: str, n_empty: int) -> str:
    members, affiliates = result.section(MEMBERS), result.section(AFFILIATES)
    parts = [
        f"Counted under {result.rule_set.title}. Each section is judged on its own, and an open "
        "selection follows if one third or more of the branches that voted, or one third "
        f"or more of the affiliates that voted, chose open (tied branches {TIE_WORDS[tie]})."
    ]
    for section, kind, notes in (
        (members, ("branch", "branches"), branch_notes(members, tie, n_empty)),
        (affiliates, ("affiliate", "affiliates"), affiliate_notes(affiliates)),
    ):
        label = kind[1].capitalize()
        if section.open_fraction is None:
            parts.append(f"{label}: none voted{notes}, so this section cannot trigger.")
            continue
        fraction = section.open_fraction
        verdict = "at least one third" if section.triggered else "less than one third"
        exactly = " (exactly one third)" if fraction == THIRD else ""
        parts.append(
            f"{label}: {units_text(section.units_open)} of the {plural(section.units, *kind)} "
            f"that voted chose open{notes}, which is {cite(fraction, THIRD)}{exactly}: "
            f"{verdict}."
        )
    if result.open_selection:
        which = [s.name for s in result.sections if s.triggered]
        who = " and the ".join("branches" if n == MEMBERS else "affiliates" for n in which)
        parts.append(f"Because the {who} reached one third, there will be an open selection.")
    else:
        parts.append("Neither section reached one third, so the MP is reselected.")
    return " ".join(parts)


RULE_SET = RuleSet(
    name="labour-2018",
    title="Labour rules of 2018: one third of either section",
    description=(
        "Each branch and affiliate that voted is a unit. Open selection when one third "
        "or more of the branches, or of the affiliates, that voted chose open."
    ),
    options=(TIED_BRANCH_OPTION,),
    sections=(MEMBERS, AFFILIATES),
    threshold=THRESHOLD,
    chart="per_section",
    pool_label=None,
    share_label="open fraction of the more open section",
    decide=decide,
    forecast_share=more_open_fraction,
    counter=count_2018,
)
