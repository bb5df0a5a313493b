"""The smallest change that would have turned a result around (:func:`smallest_flip`).

For a counted scenario, under a rule set and options, two separate questions:

* **Member votes.** The fewest individual member votes that, switched from one side to the
  other (reselect to open, or open to reselect), would turn the outcome around. Only votes
  that were cast are switched: no voter is added or removed, and a branch known only by its
  outcome (no counts) cannot change. Under branch counting the outcome depends only on how
  many branches end up reselect, open or tied. Moving a branch with margin ``d = r - o``
  costs ``d // 2 + 1`` votes to make it open (when ``d >= 0``), ``-d // 2 + 1`` to make it
  reselect (when ``d <= 0``) and ``|d| / 2`` to tie it (even totals only). The differences
  between these costs never fall as ``d`` rises, so for a given number of branches in each
  class the cheapest way is monotone in the margin (an exchange argument): among branches of
  the same parity the lowest margins end open, then tied, the highest reselect. Splitting
  the open branches between even and odd totals is then a merge of two sorted lists of
  marginal costs, so for each number tied the cost of every number open is one prefix sum.
  Every class mix is weighed by the rule set's ``decide`` on arrays, a block of mixes at a
  time: O(B) vectorised decisions, O(B^2 log B) arithmetic, O(B) memory. With members
  counted one member, one vote (the count's member section says ``individual``) the
  decision reads the pooled votes, and a net switch of ``k`` votes costs at least ``|k|``,
  so every net switch either way is weighed by ``|k|``; the votes are taken from the
  largest branches first.
* **Affiliates.** The fewest affiliates whose vote would have to be different, where an
  affiliate that voted (reselect, open or abstain) may have cast either of the other two.
  Affiliates that did not vote at all (``none``) are left as they are: the question is about
  votes cast differently, not about who turned up. Under unit counting only the numbers
  voting each way matter, so every final mix of (reselect, open, abstain) is weighed, a
  block of mixes per vectorised decision; the cost of a mix is the number of affiliates that
  must move. Under weighted counting, when the rule set gives the threshold ``t`` that the
  affiliates' open fraction of affiliated membership must pass
  (``RuleSet.weighted_affiliate_threshold``), the section passes exactly when
  ``(1 - t) * open members - t * reselect members > 0``: linear, so the best *m* changes are
  the *m* largest single gains; the alternative of every affiliate abstaining (the members
  then decide alone) is costed too. A rule set without that linear form is searched
  exhaustively (up to ten voting affiliates).

Every search is exhaustive over the tallies the decision reads, so it is exact whatever
the rule set decides from them; it is tested against brute force over every alternative on
small scenarios, under every registered rule set and option and a rule set the test
registers itself. **Ties**: among equally small changes the choice is fixed. Fewest votes
(or affiliates) first; then, for members by branch, the mix with the fewest branches open,
then fewest tied, and among branches of equal margin the one whose ward name comes first
(alphabetically) is the one moved; for members one by one, switching towards open before
towards reselect, votes taken from the largest branches first (the scenario's order between
equals); for affiliates, the mix with most votes for the side it flips to, and the
affiliates in the scenario's order.
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
    # How each section was counted, as the count itself reports it; a section the rule set
    # does not count cannot flip the result.
    counted_by = {section.name: section.counted_by for section in result.sections}
    member_votes: int | None = None
    member_changes: MemberChanges = []
    if counted_by.get(MEMBERS) == "individual":
        member_votes, member_changes = flip_members_individual(base, want_open)
    elif MEMBERS in counted_by:
        member_votes, member_changes = flip_members_branch(base, want_open)
    n_affiliates: int | None = None
    affiliate_changes: AffiliateChanges = []
    if counted_by.get(AFFILIATES) == "weighted":
        n_affiliates, affiliate_changes = flip_affiliates_weighted(base, want_open)
    elif AFFILIATES in counted_by:
        n_affiliates, affiliate_changes = flip_affiliates_unit(base, want_open)
    return Flip(
        rules=rules_name,
        options=applied,
        outcome=result.outcome,
        member_votes=member_votes,
        member_changes=tuple(member_changes),
        affiliates=n_affiliates,
        affiliate_changes=tuple(affiliate_changes),
    )
