"""``labour-2021``: an electoral college of members 50% and affiliates 50%.

Open selection when the open share of the college is more than 50%; exactly 50%
reselects. Members count by branch (each branch with a majority one unit; a tie as
``tied_branch`` says) or one member, one vote; affiliates one vote each, or weighted by
affiliated membership. A section with no units gives its weight to the other; with no
units at all there is no trigger (RULES.md, "labour-2021").
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ballots.counting.counts import Counts, branch_units, counts_from_scenario
from ballots.counting.formatting import cite, format_percent, outcome_words, units_text
from ballots.counting.phrases import Joined, Param, Phrase, Text, gettext_lazy, gettext_noop, ngettext_lazy, sentences
from ballots.counting.registry import Option, RuleSet
from ballots.counting.results import Contribution, Result, SectionResult, Threshold
from ballots.counting.rules._sections import (
    ONE,
    TIED_BRANCH_OPTION,
    ZERO,
    affiliate_contributions,
    affiliate_section,
    branch_contributions,
    branch_section,
    empty_branches,
    individual_contributions,
    individual_section,
    no_votes_result,
)
from ballots.counting.rules._words import affiliate_notes, branch_notes, sides_text, tie_words, title
from ballots.counting.scenario import AFFILIATES, MEMBERS, Scenario

HALF = Fraction(1, 2)
THRESHOLD = Threshold("more than", HALF, "the college")

MEMBER_COUNTING_OPTION = Option(
    "member_counting",
    ("branch", "individual"),
    "branch",
    gettext_noop("Members counted by branch (each branch a unit) or individually (votes pooled)."),
    label=gettext_noop("How members are counted"),
    choice_labels={"branch": gettext_noop("Each branch one unit"), "individual": gettext_noop("One member, one vote")},
)
AFFILIATE_COUNTING_OPTION = Option(
    "affiliate_counting",
    ("unit", "weighted"),
    "unit",
    gettext_noop("Each voting affiliate one equal unit, or weighted by affiliated membership."),
    label=gettext_noop("How affiliates are counted"),
    choice_labels={
        "unit": gettext_noop("Each affiliate one vote"),
        "weighted": gettext_noop("Weighted by affiliated membership"),
    },
)


# ----------------------------------------------------------------- the decision


def member_fraction(counts: Counts, options: Mapping[str, str]) -> tuple[Any, Any]:
    """The members' open fraction as (numerator, denominator): by branch, or votes pooled."""
    if options["member_counting"] == "individual":
        return counts.v_open, counts.v_open + counts.v_reselect
    return branch_units(counts, options["tied_branch"])


def affiliate_fraction(counts: Counts, options: Mapping[str, str]) -> tuple[Any, Any]:
    """The affiliates' open fraction: of the voting affiliates, or of their affiliated members."""
    if options["affiliate_counting"] == "weighted":
        return counts.m_open, counts.m_open + counts.m_reselect
    return counts.a_open, counts.a_open + counts.a_reselect


def college_share(counts: Counts, options: Mapping[str, str]) -> tuple[Any, Any]:
    """The open share of the college as (numerator, denominator); denominator 0: no units at all."""
    m_open, m_total = member_fraction(counts, options)
    a_open, a_total = affiliate_fraction(counts, options)
    # A section with no units gives its weight to the other: it takes the other's fraction.
    m_empty, a_empty = m_total == 0, a_total == 0
    m_open, m_total = m_open + m_empty * a_open, m_total + m_empty * a_total
    a_open, a_total = a_open + a_empty * m_open, a_total + a_empty * m_total
    # Members 50% and affiliates 50%: m_open/m_total / 2 + a_open/a_total / 2.
    return m_open * a_total + a_open * m_total, 2 * m_total * a_total


def decide(counts: Counts, options: Mapping[str, str]) -> Any:
    """Open selection when the open share of the college is more than 50%."""
    return THRESHOLD.met(*college_share(counts, options))


def weighted_affiliate_threshold(counts: Counts, options: Mapping[str, str]) -> Fraction | None:
    """With weighted affiliates, the college opens exactly when their open fraction exceeds this."""
    if options["affiliate_counting"] != "weighted":
        return None
    m_open, m_total = member_fraction(counts, options)
    # members/2 + affiliates/2 > 1/2  <=>  affiliates > 1 - members; alone, more than half.
    return ONE - Fraction(m_open, m_total) if m_total else HALF


# ---------------------------------------------------------------- the exact count


def count_2021(scenario: Scenario, options: dict[str, str], rule_set: RuleSet, ignored: dict[str, str]) -> Result:
    tie = options["tied_branch"]
    individual = options["member_counting"] == "individual"
    weighted = options["affiliate_counting"] == "weighted"
    counts = counts_from_scenario(scenario, need_branch_counts=individual, need_affiliate_members=weighted)
    num, den = college_share(counts, options)
    has_members = member_fraction(counts, options)[1] > 0
    has_affiliates = affiliate_fraction(counts, options)[1] > 0
    if has_members and has_affiliates:
        member_weight = affiliate_weight = HALF
    else:
        member_weight = ONE if has_members else ZERO
        affiliate_weight = ONE if has_affiliates else ZERO

    def sections() -> list[SectionResult]:
        if individual:
            members = individual_section(scenario, counts, member_weight)
        else:
            members = branch_section(scenario, counts, tie, member_weight)
        return [members, affiliate_section(scenario, counts, weighted, affiliate_weight)]

    if not den:
        return no_votes_result(scenario, rule_set, options, ignored, sections, THRESHOLD)

    def contributions() -> list[Contribution]:
        members, affiliates = sections()
        out: list[Contribution]
        if individual:
            per_vote = member_weight / members.units if members.units else ZERO
            out = individual_contributions(scenario.branches, per_vote)
        else:
            per_unit = member_weight / members.units if members.units else ZERO
            out = branch_contributions(scenario.branches, tie, per_unit)
        if weighted:
            total = counts.m_open + counts.m_reselect
            out += affiliate_contributions(scenario.affiliates, affiliate_weight, True, total)
        else:
            per_unit = affiliate_weight / affiliates.units if affiliates.units else ZERO
            out += affiliate_contributions(scenario.affiliates, per_unit, False, 0)
        return out

    def explanation(result: Result) -> Text:
        return explain(result, tie, empty_branches(scenario.branches), len(scenario.branches))

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


# ----------------------------------------------------------------- the explanation


def explain(result: Result, tie: str, n_empty: int, n_branches: int) -> Joined:
    members, affiliates = result.section(MEMBERS), result.section(AFFILIATES)
    options = result.options
    ways = {
        "branch": gettext_lazy("branches as equal units decided by their members' majority"),
        "individual": gettext_lazy("one member, one vote, pooled across all branches"),
    }[options["member_counting"]]
    aff_ways = {
        "unit": gettext_lazy("each voting affiliate one equal vote"),
        "weighted": gettext_lazy("affiliates weighted by affiliated membership"),
    }[options["affiliate_counting"]]
    # A whole sentence for each case rather than pieces glued together, so that a translation
    # can order its words as its grammar needs.
    if members.counted_by == "branch":
        opening = gettext_lazy(
            "Counted under %(title)s. An electoral college of members 50%% and affiliates 50%%, with %(members)s, "
            "tied branches %(treatment)s, and %(affiliates)s.",
            title=title(result),
            members=ways,
            treatment=tie_words(tie),
            affiliates=aff_ways,
        )
    else:
        opening = gettext_lazy(
            "Counted under %(title)s. An electoral college of members 50%% and affiliates 50%%, with %(members)s, "
            "and %(affiliates)s.",
            title=title(result),
            members=ways,
            affiliates=aff_ways,
        )

    share = result.open_share
    assert share is not None  # a result with valid votes has a share
    shown = cite(share, HALF)
    total: Text = shown  # the sum is figures and symbols, the same in every language
    if members.open_fraction is not None and affiliates.open_fraction is not None:
        total = Joined((format_percent(members.open_share), " + ", format_percent(affiliates.open_share), " = ", shown))
    if share > HALF:
        comparison = gettext_lazy("more than 50%")
    elif share == HALF:
        comparison = gettext_lazy("exactly 50%, not more")
    else:
        comparison = gettext_lazy("less than 50%")
    verdict = gettext_lazy(
        "The open share of the college is %(total)s; an open selection needs more than 50%%, "
        "and %(share)s is %(comparison)s, so %(outcome)s.",
        total=total,
        share=shown,
        comparison=comparison,
        outcome=outcome_words(result.open_selection),
    )
    return sentences(
        opening,
        _members_sentence(members, tie, n_empty, n_branches),
        _affiliates_sentence(affiliates),
        verdict,
    )


def _members_sentence(members: SectionResult, tie: str, n_empty: int, n_branches: int) -> Phrase:
    notes = branch_notes(members, tie, n_empty)
    if members.open_fraction is None:
        if members.counted_by == "individual" or not n_branches:
            return gettext_lazy("Members: no member votes were cast, so the affiliates carry the whole college.")
        return ngettext_lazy(
            # Translators: %(notes)s is empty or notes in brackets with a space before them, e.g.
            # " (1 tied branch excluded; 2 branches with no votes)"; so it follows the word it qualifies.
            "Members: none of the %(n)s branch counts as a unit%(notes)s, so the affiliates carry the whole college.",
            "Members: none of the %(n)s branches counts as a unit%(notes)s, so the affiliates carry the whole college.",
            n_branches,
            n=n_branches,
            notes=notes,
        )
    figures: dict[str, Param] = {
        "weight": format_percent(members.weight),
        "share": format_percent(members.open_share),
    }
    if members.counted_by == "individual":
        return gettext_lazy(
            "Members (%(weight)s): %(open)s of %(units)s member votes were for open selection (%(fraction)s), "
            "giving %(share)s of the college to open selection.",
            open=units_text(members.units_open),
            units=members.units,
            fraction=format_percent(members.open_fraction),
            **figures,
        )
    figures.update(unit=format_percent(members.unit_weight), notes=notes, sides=sides_text(members))
    if members.units == n_branches == 1:
        return gettext_lazy(
            "Members (%(weight)s): the only branch counts as one unit of %(unit)s each%(notes)s; %(sides)s, "
            "giving %(share)s of the college to open selection.",
            **figures,
        )
    if members.units == n_branches:
        return gettext_lazy(
            "Members (%(weight)s): all %(n)s branches count as units of %(unit)s each%(notes)s; %(sides)s, "
            "giving %(share)s of the college to open selection.",
            n=n_branches,
            **figures,
        )
    if members.units == 1:
        return gettext_lazy(
            "Members (%(weight)s): 1 of the %(n)s branches counts as a unit of %(unit)s each%(notes)s; "
            "%(sides)s, giving %(share)s of the college to open selection.",
            n=n_branches,
            **figures,
        )
    return gettext_lazy(
        "Members (%(weight)s): %(units)s of the %(n)s branches count as units of %(unit)s each%(notes)s; "
        "%(sides)s, giving %(share)s of the college to open selection.",
        units=members.units,
        n=n_branches,
        **figures,
    )


def _affiliates_sentence(affiliates: SectionResult) -> Phrase:
    notes = affiliate_notes(affiliates)
    if affiliates.open_fraction is None:
        return gettext_lazy(
            "Affiliates: no affiliate voted reselect or open%(notes)s, so the members carry the whole college.",
            notes=notes,
        )
    figures: dict[str, Param] = {
        "weight": format_percent(affiliates.weight),
        "n": affiliates.units,
        "notes": notes,
        "share": format_percent(affiliates.open_share),
    }
    if affiliates.counted_by == "weighted":
        votes = affiliates.votes
        return ngettext_lazy(
            "Affiliates (%(weight)s): %(n)s affiliate voted%(notes)s, with %(members)s affiliated members; "
            "those for open selection have %(open)s (%(fraction)s), giving %(share)s of the college to open "
            "selection.",
            "Affiliates (%(weight)s): %(n)s affiliates voted%(notes)s, with %(members)s affiliated members; "
            "those for open selection have %(open)s (%(fraction)s), giving %(share)s of the college to open "
            "selection.",
            affiliates.units,
            members=votes["members_open"] + votes["members_reselect"],
            open=votes["members_open"],
            fraction=format_percent(affiliates.open_fraction),
            **figures,
        )
    return ngettext_lazy(
        "Affiliates (%(weight)s): %(n)s affiliate voted%(notes)s, %(unit)s each; %(sides)s, giving %(share)s "
        "of the college to open selection.",
        "Affiliates (%(weight)s): %(n)s affiliates voted%(notes)s, %(unit)s each; %(sides)s, giving %(share)s "
        "of the college to open selection.",
        affiliates.units,
        unit=format_percent(affiliates.unit_weight),
        sides=sides_text(affiliates),
        **figures,
    )


RULE_SET = RuleSet(
    name="labour-2021",
    title=gettext_noop("Labour rules of 2021: members and affiliates 50/50"),
    description=gettext_noop(
        "Electoral college: members 50%, affiliates 50%. Open selection when the open "
        "share of the college is more than 50%."
    ),
    options=(MEMBER_COUNTING_OPTION, AFFILIATE_COUNTING_OPTION, TIED_BRANCH_OPTION),
    sections=(MEMBERS, AFFILIATES),
    threshold=THRESHOLD,
    chart="pooled",
    pool_label="the college",
    share_label=gettext_noop("open share of the college"),
    decide=decide,
    forecast_share=college_share,
    counter=count_2021,
    weighted_affiliate=weighted_affiliate_threshold,
)
