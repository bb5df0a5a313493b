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
from ballots.counting.formatting import cite, units_text
from ballots.counting.phrases import Joined, Param, Phrase, Text, gettext_lazy, gettext_noop, ngettext_lazy, sentences
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
from ballots.counting.rules._words import affiliate_notes, branch_notes, explain_no_votes, tie_words, title
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

    def explanation(result: Result) -> Text:
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


def explain(result: Result, tie: str, n_empty: int) -> Joined:
    members, affiliates = result.section(MEMBERS), result.section(AFFILIATES)
    parts: list[Text] = [
        gettext_lazy(
            "Counted under %(title)s. Each section is judged on its own, and an open selection follows if one "
            "third or more of the branches that voted, or one third or more of the affiliates that voted, chose "
            "open (tied branches %(treatment)s).",
            title=title(result),
            treatment=tie_words(tie),
        )
    ]
    parts.append(_section_sentence(members, branch_notes(members, tie, n_empty)))
    parts.append(_section_sentence(affiliates, affiliate_notes(affiliates)))
    if result.open_selection:
        which = tuple(s.name for s in result.sections if s.triggered)
        parts.append(TRIGGERED_WORDS[which])
    else:
        parts.append(gettext_lazy("Neither section reached one third, so the MP is reselected."))
    return sentences(*parts)


TRIGGERED_WORDS = {
    (MEMBERS,): gettext_lazy("Because the branches reached one third, there will be an open selection."),
    (AFFILIATES,): gettext_lazy("Because the affiliates reached one third, there will be an open selection."),
    (MEMBERS, AFFILIATES): gettext_lazy(
        "Because the branches and the affiliates reached one third, there will be an open selection."
    ),
}


def _section_sentence(section: SectionResult, notes: Text) -> Phrase:
    # Whole sentences for each section, so that a translation may order its words as it needs.
    branches = section.name == MEMBERS
    if section.open_fraction is None:
        if branches:
            return gettext_lazy("Branches: none voted%(notes)s, so this section cannot trigger.", notes=notes)
        return gettext_lazy("Affiliates: none voted%(notes)s, so this section cannot trigger.", notes=notes)
    fraction = section.open_fraction
    share: Text = cite(fraction, THIRD)
    if fraction == THIRD:
        share = gettext_lazy("%(share)s (exactly one third)", share=share)
    if section.triggered:
        verdict = gettext_lazy("at least one third")
    else:
        verdict = gettext_lazy("less than one third")
    params: dict[str, Param] = {
        "open": units_text(section.units_open),
        "n": section.units,
        "notes": notes,
        "share": share,
        "verdict": verdict,
    }
    if branches:
        return ngettext_lazy(
            "Branches: %(open)s of the %(n)s branch that voted chose open%(notes)s, which is %(share)s: %(verdict)s.",
            "Branches: %(open)s of the %(n)s branches that voted chose open%(notes)s, which is %(share)s: %(verdict)s.",
            section.units,
            **params,
        )
    return ngettext_lazy(
        "Affiliates: %(open)s of the %(n)s affiliate that voted chose open%(notes)s, which is %(share)s: %(verdict)s.",
        "Affiliates: %(open)s of the %(n)s affiliates that voted chose open%(notes)s, which is %(share)s: %(verdict)s.",
        section.units,
        **params,
    )


RULE_SET = RuleSet(
    name="labour-2018",
    title=gettext_noop("Labour rules of 2018: one third of either section"),
    description=gettext_noop(
        "Each branch and affiliate that voted is a unit. Open selection when one third "
        "or more of the branches, or of the affiliates, that voted chose open."
    ),
    options=(TIED_BRANCH_OPTION,),
    sections=(MEMBERS, AFFILIATES),
    threshold=THRESHOLD,
    chart="per_section",
    pool_label=None,
    share_label=gettext_noop("open fraction of the more open section"),
    decide=decide,
    forecast_share=more_open_fraction,
    counter=count_2018,
)
