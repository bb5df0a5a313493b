"""What the rule sets share: the tie option, the sections built from counts, contributions.

Private to ``counting/rules/``. A section's figures (units, fraction, votes) come from
:class:`~ballots.counting.counts.Counts`; the notes about entries that are not units
(branches with no votes, abstentions, affiliates with no members) from the scenario.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from ballots.counting.counts import Counts, branch_units
from ballots.counting.phrases import gettext_noop
from ballots.counting.registry import Option, RuleSet
from ballots.counting.results import Contribution, Result, SectionResult, Threshold
from ballots.counting.scenario import (
    ABSTAIN,
    AFFILIATES,
    MEMBERS,
    NONE,
    OPEN,
    RESELECT,
    TIE_OPTIONS,
    TIED,
    Affiliate,
    Branch,
    Scenario,
)

ZERO = Fraction(0)
ONE = Fraction(1)

TIED_BRANCH_OPTION = Option(
    "tied_branch",
    TIE_OPTIONS,
    "exclude",
    gettext_noop(
        "How a branch whose members' votes are tied counts: not a unit, half each way, or wholly for one side."
    ),
    label=gettext_noop("How a tied branch counts"),
    choice_labels={
        "exclude": gettext_noop("Not counted (expresses no preference)"),
        "split": gettext_noop("Half to each side"),
        "reselect": gettext_noop("Counted for reselection"),
        "open": gettext_noop("Counted for open selection"),
    },
)


def empty_branches(branches: tuple[Branch, ...]) -> int:
    """Branches whose counts are 0-0: they cast no votes and are never units."""
    return sum(1 for b in branches if b.reselect == 0 and b.open == 0)


def section(
    name: str,
    *,
    counted_by: str,
    units: int,
    open2: int,
    units2: int,
    open_num: int,
    total_num: int,
    tied: int,
    excluded: int,
    votes: dict[str, int],
    weight: Fraction | None,
    triggered: bool | None = None,
) -> SectionResult:
    """A section's result: its fraction is ``open_num / total_num``; units per side are doubled."""
    fraction = Fraction(open_num, total_num) if total_num else None
    if weight is None or fraction is None:
        open_share = reselect_share = None if weight is None else ZERO
    else:
        open_share = weight * fraction
        reselect_share = weight - open_share
    return SectionResult(
        name=name,
        counted_by=counted_by,
        weight=weight,
        units=units,
        units_reselect=Fraction(units2 - open2, 2),
        units_open=Fraction(open2, 2),
        tied=tied,
        excluded=excluded,
        open_fraction=fraction,
        open_share=open_share,
        reselect_share=reselect_share,
        votes=votes,
        triggered=triggered,
    )


def branch_section(
    scenario: Scenario, counts: Counts, tie: str, weight: Fraction | None, triggered: bool | None = None
) -> SectionResult:
    """The members counted by branch: each branch with a majority (or a counted tie) a unit."""
    open2, units2 = branch_units(counts, tie)
    n_empty = empty_branches(scenario.branches)
    return section(
        MEMBERS,
        counted_by="branch",
        units=units2 // 2,
        open2=open2,
        units2=units2,
        open_num=open2,
        total_num=units2,
        tied=counts.n_tied,
        excluded=n_empty + (counts.n_tied if tie == "exclude" else 0),
        votes={"reselect": counts.v_reselect, "open": counts.v_open},
        weight=weight,
        triggered=triggered,
    )


def individual_section(scenario: Scenario, counts: Counts, weight: Fraction | None) -> SectionResult:
    """The members counted one member, one vote: every vote a unit, pooled across branches."""
    total = counts.v_reselect + counts.v_open
    return section(
        MEMBERS,
        counted_by="individual",
        units=total,
        open2=2 * counts.v_open,
        units2=2 * total,
        open_num=counts.v_open,
        total_num=total,
        tied=0,
        excluded=empty_branches(scenario.branches),
        votes={"reselect": counts.v_reselect, "open": counts.v_open},
        weight=weight,
    )


def affiliate_section(
    scenario: Scenario, counts: Counts, weighted: bool, weight: Fraction | None, triggered: bool | None = None
) -> SectionResult:
    """The affiliates: each that voted reselect or open a unit, or weighted by affiliated members."""
    affiliates = scenario.affiliates
    n_abstain = sum(1 for a in affiliates if a.vote == ABSTAIN)
    n_none = sum(1 for a in affiliates if a.vote == NONE)
    n_reselect, n_open = counts.a_reselect, counts.a_open
    votes = {"reselect": n_reselect, "open": n_open, "abstain": n_abstain, "none": n_none}
    if not weighted:
        units = n_reselect + n_open
        return section(
            AFFILIATES,
            counted_by="unit",
            units=units,
            open2=2 * n_open,
            units2=2 * units,
            open_num=n_open,
            total_num=units,
            tied=0,
            excluded=n_abstain + n_none,
            votes=votes,
            weight=weight,
            triggered=triggered,
        )
    # An affiliate with no affiliated members carries no weight and is not a unit.
    zero_reselect = sum(1 for a in affiliates if a.vote == RESELECT and not a.members)
    zero_open = sum(1 for a in affiliates if a.vote == OPEN and not a.members)
    n_reselect, n_open = n_reselect - zero_reselect, n_open - zero_open
    votes = {"reselect": n_reselect, "open": n_open, "abstain": n_abstain, "none": n_none}
    votes["members_reselect"] = counts.m_reselect
    votes["members_open"] = counts.m_open
    votes["zero_members"] = zero_reselect + zero_open
    units = n_reselect + n_open
    return section(
        AFFILIATES,
        counted_by="weighted",
        units=units,
        open2=2 * n_open,
        units2=2 * units,
        open_num=counts.m_open,
        total_num=counts.m_open + counts.m_reselect,
        tied=0,
        excluded=n_abstain + n_none + zero_reselect + zero_open,
        votes=votes,
        weight=weight,
        triggered=triggered,
    )


# -------------------------------------------------------------------- contributions


def branch_contributions(branches: tuple[Branch, ...], tie: str, unit_weight: Fraction) -> list[Contribution]:
    out = []
    for branch in branches:
        result = branch.result
        if result == NONE:
            out.append(Contribution(MEMBERS, branch.name, NONE, ZERO, "no votes cast"))
        elif result != TIED:
            out.append(Contribution(MEMBERS, branch.name, result, unit_weight, f"majority {result}"))
        elif tie == "exclude":
            out.append(Contribution(MEMBERS, branch.name, NONE, ZERO, "tied: excluded"))
        elif tie == "split":
            half = unit_weight / 2
            out.append(Contribution(MEMBERS, branch.name, RESELECT, half, "tied: split"))
            out.append(Contribution(MEMBERS, branch.name, OPEN, half, "tied: split"))
        else:
            out.append(Contribution(MEMBERS, branch.name, tie, unit_weight, f"tied: counted {tie}"))
    return out


def individual_contributions(branches: tuple[Branch, ...], vote_weight: Fraction) -> list[Contribution]:
    out = []
    for branch in branches:
        if not branch.reselect and not branch.open:
            out.append(Contribution(MEMBERS, branch.name, NONE, ZERO, "no votes cast"))
            continue
        for side, votes in ((RESELECT, branch.reselect), (OPEN, branch.open)):
            if votes:
                out.append(Contribution(MEMBERS, branch.name, side, vote_weight * votes, f"{votes} votes"))
    return out


def affiliate_contributions(
    affiliates: tuple[Affiliate, ...], unit_weight: Fraction, weighted: bool, total_members: int
) -> list[Contribution]:
    """Each affiliate's part; under ``weighted`` ``unit_weight`` is the whole section's weight."""
    out = []
    for affiliate in affiliates:
        vote = affiliate.vote
        if vote == ABSTAIN:
            out.append(Contribution(AFFILIATES, affiliate.name, NONE, ZERO, "abstained"))
        elif vote == NONE:
            out.append(Contribution(AFFILIATES, affiliate.name, NONE, ZERO, "did not vote"))
        elif weighted:
            if not affiliate.members:
                out.append(Contribution(AFFILIATES, affiliate.name, NONE, ZERO, "no affiliated members"))
            else:
                weight = unit_weight * affiliate.members / total_members
                note = f"{affiliate.members} affiliated members"
                out.append(Contribution(AFFILIATES, affiliate.name, vote, weight, note))
        else:
            out.append(Contribution(AFFILIATES, affiliate.name, vote, unit_weight, f"voted {vote}"))
    return out


def no_contributions(scenario: Scenario) -> list[Contribution]:
    """Every entry, with no weight: what to show when no valid votes were cast."""
    out = []
    for branch in scenario.branches:
        note = "no votes cast" if branch.result == NONE else f"{branch.result}: not a unit"
        out.append(Contribution(MEMBERS, branch.name, NONE, ZERO, note))
    for affiliate in scenario.affiliates:
        note = {ABSTAIN: "abstained", NONE: "did not vote"}.get(affiliate.vote, "not a unit")
        out.append(Contribution(AFFILIATES, affiliate.name, NONE, ZERO, note))
    return out


def no_votes_result(
    scenario: Scenario,
    rule_set: RuleSet,
    options: dict[str, str],
    ignored: dict[str, str],
    sections: Callable[[], list[SectionResult]],
    threshold: Threshold,
) -> Result:
    """No units in any section: no trigger, and the result says no valid votes were cast."""
    from ballots.counting.rules._words import explain_no_votes

    return Result(
        rule_set=rule_set,
        options=options,
        ignored_options=ignored,
        open_selection=False,
        open_share=None,
        sections=sections,
        threshold=threshold,
        no_valid_votes=True,
        contributions=lambda: no_contributions(scenario),
        explanation=explain_no_votes,
    )
