"""The smallest change that would have turned a result around (:func:`smallest_flip`).

For a counted scenario, under a rule set and options, two separate questions:

* **Member votes.** The fewest individual member votes that, switched from one side to the
  other (reselect to open, or open to reselect), would turn the outcome around. Only votes
  that were cast are switched: no voter is added or removed, and a branch known only by its
  outcome (no counts) cannot change. Under branch counting the outcome depends only on how
  many branches ended up reselect, open or tied, and moving branch *i* into another class
  has a known cheapest cost (``(r - o) // 2 + 1`` votes to pass the other side, ``|r - o| / 2``
  to tie an even branch), so a dynamic programme over (branches open, branches tied) finds
  the exact minimum; each final class mix is judged by :func:`counting.count` itself. With
  members counted one member, one vote (the count's member section says ``individual``)
  only the pooled total matters and the open share rises with
  every vote switched to open, so a binary search over the number switched is exact.
* **Affiliates.** The fewest affiliates whose vote would have to be different, where an
  affiliate that voted (reselect, open or abstain) may have cast either of the other two.
  Affiliates that did not vote at all (``none``) are left as they are: the question is about
  votes cast differently, not about who turned up. Under unit counting only the numbers
  voting each way matter, so every mix of (reselect, open, abstain) is tried with
  :func:`counting.count`; the cost of a mix is the number of affiliates that must move.
  Under weighted counting, when the rule set gives the threshold ``t`` that the affiliates'
  open fraction of affiliated membership must pass (``RuleSet.weighted_affiliate_threshold``),
  the section passes exactly when ``(1 - t) * open members - t * reselect members > 0``:
  linear, so the best *m* changes are the *m* largest single gains; the alternative of every
  affiliate abstaining (the members then decide alone) is costed too. A rule set without
  that linear form is searched exhaustively (up to ten voting affiliates).

Both are tested against brute force over every alternative on small scenarios.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ballots import counting
from ballots.counting import ABSTAIN, AFFILIATES, MEMBERS, NONE, OPEN, RESELECT, Scenario
from ballots.simulation.flip_search import (
    AffiliateChanges,
    MemberChanges,
    flip_affiliates_unit,
    flip_affiliates_weighted,
    flip_members_branch,
    flip_members_individual,
)


@dataclass(frozen=True)
class Flip:
    """The smallest changes that would have turned a result around.

    ``member_changes``: ``(ward, votes, direction)`` where ``direction`` is the side the
    votes would have switched *to* (``"open"`` or ``"reselect"``). ``affiliate_changes``:
    ``(name, vote cast, vote that would flip it)``. ``None`` counts mean no such change can
    flip the result.
    """

    rules: str
    options: Mapping[str, str]
    outcome: str
    member_votes: int | None
    member_changes: tuple[tuple[str, int, str], ...] = ()
    affiliates: int | None = None
    affiliate_changes: tuple[tuple[str, str, str], ...] = ()

    @property
    def target(self) -> str:
        if self.outcome == counting.OUTCOME_OPEN_SELECTION:
            return counting.OUTCOME_RESELECTED
        return counting.OUTCOME_OPEN_SELECTION

    def member_sentence(self) -> str | None:
        if not self.member_votes:
            return None
        n = self.member_votes
        who = "1 member" if n == 1 else f"{n} members"
        directions = {d for _, _, d in self.member_changes}
        if len(directions) > 1:
            parts = [f"{k} in {w} (to {d})" for w, k, d in self.member_changes]
        else:
            parts = [f"{k} in {w}" for w, k, _ in self.member_changes]
        return f"if {who} had voted the other way: {_and(parts)}"

    def affiliate_sentence(self) -> str | None:
        if not self.affiliates:
            return None
        n = self.affiliates
        who = "1 affiliate" if n == 1 else f"{n} affiliates"
        parts = [f"{name} {_vote_words(to)} instead of {_vote_words(was)}" for name, was, to in self.affiliate_changes]
        return f"if {who} had voted differently: {_and(parts)}"

    def sentence(self) -> str:
        """One or two plain-English sentences, e.g. "The result would have changed if 7 ..."."""
        members, affiliates = self.member_sentence(), self.affiliate_sentence()
        if members and affiliates:
            return f"The result would have changed {members}. It would also have changed {affiliates}."
        if members:
            return (
                f"The result would have changed {members}. "
                "No change in the affiliates' votes alone could have changed it."
            )
        if affiliates:
            return (
                f"The result would have changed {affiliates}. No change in members' votes alone could have changed it."
            )
        return "No change in members' votes, nor in the affiliates' votes, could have changed the result."

    @property
    def description(self) -> str:
        return self.sentence()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": self.rules,
            "options": dict(self.options),
            "outcome": self.outcome,
            "would_become": self.target,
            "member_votes": self.member_votes,
            "member_changes": [{"ward": w, "votes": k, "to": d} for w, k, d in self.member_changes],
            "affiliates": self.affiliates,
            "affiliate_changes": [{"name": n, "from": a, "to": b} for n, a, b in self.affiliate_changes],
            "sentence": self.sentence(),
        }


def _and(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _vote_words(vote: str) -> str:
    return {RESELECT: "reselect", OPEN: "open", ABSTAIN: "abstain", NONE: "not vote"}[vote]


def smallest_flip(
    scenario: Scenario | Mapping[str, Any], rules: str | None = None, options: Mapping[str, str] | None = None
) -> Flip:
    """The fewest member votes, and separately the fewest affiliates, that flip the result.

    Raises :class:`counting.CountingError` when the scenario cannot be counted.
    """
    if not isinstance(scenario, Scenario):
        scenario = counting.scenario_from_dict(scenario, check=False)
    result = counting.count(scenario, rules, options)
    rules_name = result.rules
    # Count again under exactly what was applied (ignored options dropped).
    applied = dict(result.options)
    base = Scenario(branches=scenario.branches, affiliates=scenario.affiliates, rules=rules_name, options=applied)
    want_open = not result.open_selection

    def flips(s: Scenario) -> bool:
        return counting.count(s).open_selection == want_open

    # How each section was counted, as the count itself reports it; a section the rule set
    # does not count cannot flip the result.
    counted_by = {section.name: section.counted_by for section in result.sections}
    member_votes: int | None = None
    member_changes: MemberChanges = []
    if counted_by.get(MEMBERS) == "individual":
        member_votes, member_changes = flip_members_individual(base, flips, want_open)
    elif MEMBERS in counted_by:
        member_votes, member_changes = flip_members_branch(base, flips)
    n_affiliates: int | None = None
    affiliate_changes: AffiliateChanges = []
    if counted_by.get(AFFILIATES) == "weighted":
        n_affiliates, affiliate_changes = flip_affiliates_weighted(base, want_open)
    elif AFFILIATES in counted_by:
        n_affiliates, affiliate_changes = flip_affiliates_unit(base, flips, want_open)
    return Flip(
        rules=rules_name,
        options=applied,
        outcome=result.outcome,
        member_votes=member_votes,
        member_changes=tuple(member_changes),
        affiliates=n_affiliates,
        affiliate_changes=tuple(affiliate_changes),
    )
