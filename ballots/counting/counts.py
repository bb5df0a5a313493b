"""The integer tallies every decision reads, and the one place a tie option is applied.

:class:`Counts` is what a rule set's decision sees of the votes: how many branches ended
up each way, the member votes pooled, the affiliates voting each way and their affiliated
members. In the exact count its fields are Python ints (:func:`counts_from_scenario`); in
the simulator they are NumPy int64 arrays, one value per trial. A decision written with
``+``, ``*``, comparisons and ``&``/``|`` on these fields works the same on both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ballots.counting.scenario import OPEN, RESELECT, CountingError, Scenario


@dataclass(frozen=True, slots=True)
class Counts:
    """Tallies of one count (ints) or of many trials (int64 arrays, one value per trial).

    ``n_*``: branches by class (a branch with votes by its majority; a branch known only by
    its outcome by that outcome; a branch with no votes is in none). ``v_*``: member votes
    pooled across branches. ``a_*``: affiliates voting each way (units). ``m_*``: the
    affiliated members of the affiliates voting each way (for weighted counting).
    """

    n_reselect: Any
    n_open: Any
    n_tied: Any
    v_reselect: Any
    v_open: Any
    a_reselect: Any
    a_open: Any
    m_reselect: Any
    m_open: Any


def counts_from_scenario(
    scenario: Scenario, *, need_branch_counts: bool = False, need_affiliate_members: bool = False
) -> Counts:
    """Tally a scenario.

    ``need_branch_counts``: every branch must give its counts (members counted one by one).
    ``need_affiliate_members``: every affiliate that voted must give its affiliated members
    (affiliates weighted by them). Raises :class:`CountingError` naming the first that does not.
    """
    n_reselect = n_open = n_tied = 0
    v_reselect = v_open = 0
    for branch in scenario.branches:
        reselect = branch.reselect
        if reselect is None:
            if need_branch_counts:
                raise CountingError(
                    f"branch {branch.name!r} gives only its outcome; member_counting=individual "
                    "needs every branch's reselect and open counts"
                )
            outcome = branch.outcome
            if outcome == RESELECT:
                n_reselect += 1
            elif outcome == OPEN:
                n_open += 1
            else:
                n_tied += 1
            continue
        open_ = branch.open
        assert open_ is not None  # a branch gives both counts or neither
        v_reselect += reselect
        v_open += open_
        if reselect > open_:
            n_reselect += 1
        elif open_ > reselect:
            n_open += 1
        elif reselect:
            n_tied += 1
    a_reselect = a_open = m_reselect = m_open = 0
    for affiliate in scenario.affiliates:
        vote = affiliate.vote
        if vote != RESELECT and vote != OPEN:
            continue
        members = affiliate.members
        if members is None:
            if need_affiliate_members:
                raise CountingError(
                    f"affiliate {affiliate.name!r} voted {vote} but gives no affiliated "
                    "members; affiliate_counting=weighted needs them"
                )
            members = 0
        if vote == OPEN:
            a_open += 1
            m_open += members
        else:
            a_reselect += 1
            m_reselect += members
    return Counts(n_reselect, n_open, n_tied, v_reselect, v_open, a_reselect, a_open, m_reselect, m_open)


def branch_units(counts: Counts, tie: str) -> tuple[Any, Any]:
    """(open units x 2, units x 2) of the branches, with tied branches counted as ``tie`` says.

    Doubled so that a split tie (half a unit each way) stays a whole number. ``exclude``: a
    tied branch expresses no preference and is not a unit; ``split``: half to each side;
    ``reselect``/``open``: wholly to that side.
    """
    nr, no, nt = counts.n_reselect, counts.n_open, counts.n_tied
    if tie == "exclude":
        return 2 * no, 2 * (nr + no)
    units2 = 2 * (nr + no + nt)
    if tie == "split":
        return 2 * no + nt, units2
    if tie == RESELECT:
        return 2 * no, units2
    if tie == OPEN:
        return 2 * (no + nt), units2
    raise CountingError(f"tied_branch={tie!r} is not one of exclude, split, reselect, open")
