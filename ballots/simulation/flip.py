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
affiliates in the scenario's order. **Equally small alternatives**: the change found is
then set beside every change as small that differs from it in one ward (or affiliate),
checked by a full count; of them all the one whose names come first alphabetically is
shown, and :meth:`Flip.sentence` with ``explained=True`` lists the others (or how many)
and says why the one shown was chosen. With members pooled any votes switched would do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ballots import counting
from ballots.counting import AFFILIATES, MEMBERS, NONE, OPEN, Scenario
from ballots.counting.phrases import (
    ENGLISH,
    Joined,
    Phrase,
    Text,
    Translations,
    and_list,
    gettext_lazy,
    ngettext_lazy,
    render,
)
from ballots.counting.scenario import result_from_counts
from ballots.simulation.flip_search import (
    AffiliateChanges,
    MemberChanges,
    _branch_moves,
    flip_affiliates_unit,
    flip_affiliates_weighted,
    flip_members_branch,
    flip_members_individual,
)
from ballots.simulation.flip_words import (
    INSTEAD_WORDS,
    POOLED_WORDS,
    SENTENCE_WORDS,
    others_words,
    vote_words,
    votes_in,
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
    member_alternatives: tuple[tuple[tuple[str, int, str], ...], ...] = ()
    affiliate_alternatives: tuple[tuple[tuple[str, str, str], ...], ...] = ()
    members_pooled: bool = False
    alternatives_complete: bool = True  # False when the search for alternatives stopped at its limit

    @property
    def target(self) -> str:
        if self.outcome == counting.OUTCOME_OPEN_SELECTION:
            return counting.OUTCOME_RESELECTED
        return counting.OUTCOME_OPEN_SELECTION

    def member_sentence(self, *, explained: bool = False, translations: Translations = ENGLISH) -> str | None:
        phrase = self._member_phrase(explained)
        return None if phrase is None else render(phrase, translations)

    def _member_phrase(self, explained: bool) -> Text | None:
        if not self.member_votes:
            return None
        n = self.member_votes
        mixed = len({d for _, _, d in self.member_changes}) > 1
        parts = [votes_in(k, w, d if mixed else None) for w, k, d in self.member_changes]
        phrase = ngettext_lazy(
            # Translators: follows "The result would have changed"; %(changes)s is e.g. "3 in Heron and 1 in Sturry".
            "if %(n)s member had voted the other way: %(changes)s",
            "if %(n)s members had voted the other way: %(changes)s",
            n,
            n=n,
            changes=and_list(parts),
        )
        return Joined((phrase, " (", self._member_choice(), ")")) if explained else phrase

    def _member_choice(self) -> Phrase:
        """Why these wards: the other equally small changes, and the rule that picked this one."""
        if self.members_pooled:
            side = {d for _, _, d in self.member_changes}
            towards = side.pop() if len(side) == 1 else ""
            message = POOLED_WORDS.get(towards, POOLED_WORDS[None])
            return Phrase(message, {"n": self.member_votes or 0, "direction": towards})
        if not self.member_alternatives:
            return gettext_lazy("no other change as small would do")
        alternatives = [and_list([votes_in(k, w) for w, k, _ in changes]) for changes in self.member_alternatives]
        return gettext_lazy(
            "%(others)s; shown: the change needing fewest votes, ties broken by ward name",
            others=others_words(alternatives, self.alternatives_complete),
        )

    def affiliate_sentence(self, *, explained: bool = False, translations: Translations = ENGLISH) -> str | None:
        phrase = self._affiliate_phrase(explained)
        return None if phrase is None else render(phrase, translations)

    def _affiliate_phrase(self, explained: bool) -> Text | None:
        if not self.affiliates:
            return None
        n = self.affiliates
        parts = [
            Phrase(INSTEAD_WORDS[was], {"change": vote_words(name, to)}) for name, was, to in self.affiliate_changes
        ]
        phrase = ngettext_lazy(
            "if %(n)s affiliate had voted differently: %(changes)s",
            "if %(n)s affiliates had voted differently: %(changes)s",
            n,
            n=n,
            changes=and_list(parts),
        )
        return Joined((phrase, " (", self._affiliate_choice(), ")")) if explained else phrase

    def _affiliate_choice(self) -> Phrase:
        if not self.affiliate_alternatives:
            return gettext_lazy("no other change as small would do")
        alternatives = [
            and_list([vote_words(name, to) for name, _, to in changes]) for changes in self.affiliate_alternatives
        ]
        return gettext_lazy(
            "%(others)s; shown: the fewest affiliates, ties broken by name",
            others=others_words(alternatives, self.alternatives_complete),
        )

    def sentence(self, *, explained: bool = False) -> str:
        """One or two plain-English sentences, e.g. "The result would have changed if 7 ...".

        ``explained`` adds, after each change, the other changes as small (or how many) and
        why the one shown was chosen.
        """
        return self.sentence_in(ENGLISH, explained=explained)

    def sentence_in(self, translations: Translations, *, explained: bool = False) -> str:
        """:meth:`sentence` through ``translations`` (``gettext``/``ngettext``), names and figures unchanged."""
        members, affiliates = self._member_phrase(explained), self._affiliate_phrase(explained)
        message = SENTENCE_WORDS[bool(members), bool(affiliates)]
        return Phrase(message, {"members": members or "", "affiliates": affiliates or ""}).render(translations)

    @property
    def description(self) -> str:
        return self.sentence()

    @property
    def explained(self) -> str:
        """The sentence with the other equally small changes and why the one shown was chosen."""
        return self.sentence(explained=True)

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
            "member_alternatives": [
                [{"ward": w, "votes": k, "to": d} for w, k, d in changes] for changes in self.member_alternatives
            ],
            "affiliate_alternatives": [
                [{"name": n, "from": a, "to": b} for n, a, b in changes] for changes in self.affiliate_alternatives
            ],
            "sentence": self.sentence(),
            "explained_sentence": self.sentence(explained=True),
        }


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
    pooled = counted_by.get(MEMBERS) == "individual"
    member_options: list[tuple[tuple[str, int, str], ...]] = []
    members_complete = affiliates_complete = True
    if member_votes and not pooled:
        swaps, members_complete = _member_swaps(base, member_changes, want_open)
        member_options = _by_name([tuple(member_changes), *swaps])
    affiliate_options: list[tuple[tuple[str, str, str], ...]] = []
    if n_affiliates:
        affiliate_swaps, affiliates_complete = _affiliate_swaps(base, affiliate_changes, want_open)
        affiliate_options = _by_name([tuple(affiliate_changes), *affiliate_swaps])
    return Flip(
        rules=rules_name,
        options=applied,
        outcome=result.outcome,
        member_votes=member_votes,
        member_changes=member_options[0] if member_options else tuple(member_changes),
        affiliates=n_affiliates,
        affiliate_changes=affiliate_options[0] if affiliate_options else tuple(affiliate_changes),
        member_alternatives=tuple(member_options[1:]),
        affiliate_alternatives=tuple(affiliate_options[1:]),
        members_pooled=pooled and bool(member_votes),
        alternatives_complete=members_complete and affiliates_complete,
    )


# ------------------------------------------------------------- equally small alternatives
#
# Another change as small as the one found: one ward (or affiliate) of it swapped for one
# outside it, at the same cost, that flips the result too, as the full count says (so the
# same under every rule set). Candidates are tried in name order, at most MAX_TRIED full
# counts, and up to MAX_ALTERNATIVES are kept; the one shown is the first by name (the
# wards' names in alphabetical order), so the choice is the reader's to check.

MAX_ALTERNATIVES = 10
MAX_TRIED = 200
_Option = TypeVar("_Option", tuple[tuple[str, int, str], ...], tuple[tuple[str, str, str], ...])


def _by_name(options: list[_Option]) -> list[_Option]:
    unique = list(dict.fromkeys(options))
    return sorted(unique, key=lambda changes: sorted(name.casefold() for name, _, _ in changes))


def _flips(
    base: Scenario,
    branches: tuple[counting.Branch, ...],
    affiliates: tuple[counting.Affiliate, ...],
    want_open: bool,
) -> bool:
    try:
        changed = Scenario(branches=branches, affiliates=affiliates, rules=base.rules, options=base.options)
        return counting.count(changed).open_selection == want_open
    except counting.CountingError:  # e.g. an affiliate of unknown size under weighted counting
        return False


def _with_member_changes(base: Scenario, changes: Sequence[tuple[str, int, str]]) -> tuple[counting.Branch, ...]:
    moved = {w: (k if d == OPEN else -k) for w, k, d in changes}
    out = []
    for b in base.branches:
        if b.name in moved:
            k = moved[b.name]
            b = counting.Branch(name=b.name, reselect=(b.reselect or 0) - k, open=(b.open or 0) + k)
        out.append(b)
    return tuple(out)


def _member_swaps(
    base: Scenario, changes: MemberChanges, want_open: bool
) -> tuple[list[tuple[tuple[str, int, str], ...]], bool]:
    by_name = {b.name: b for b in base.branches}
    changed = {w for w, _, _ in changes}
    ordered = sorted(base.branches, key=lambda b: b.name.casefold())
    found: list[tuple[tuple[str, int, str], ...]] = []
    tried = 0
    for i, (ward, k, direction) in enumerate(changes):
        branch = by_name[ward]
        shift = k if direction == OPEN else -k
        assert branch.reselect is not None and branch.open is not None  # only counted wards move
        reached = result_from_counts(branch.reselect - shift, branch.open + shift)
        for other in ordered:
            if len(found) >= MAX_ALTERNATIVES or tried >= MAX_TRIED:
                return found, False
            if other.name in changed or other.reselect is None or other.open is None:
                continue
            if _branch_moves(other).get(reached) != shift:
                continue
            if (other.reselect if shift > 0 else other.open) < abs(shift):  # only votes cast can switch
                continue
            swapped = list(changes)
            swapped[i] = (other.name, k, direction)
            tried += 1
            if _flips(base, _with_member_changes(base, swapped), base.affiliates, want_open):
                found.append(tuple(swapped))
    return found, True


def _affiliate_swaps(
    base: Scenario, changes: AffiliateChanges, want_open: bool
) -> tuple[list[tuple[tuple[str, str, str], ...]], bool]:
    changed = {name for name, _, _ in changes}
    ordered = sorted(base.affiliates, key=lambda a: a.name.casefold())
    found: list[tuple[tuple[str, str, str], ...]] = []
    tried = 0
    for i, (_, _, to) in enumerate(changes):
        for other in ordered:
            if len(found) >= MAX_ALTERNATIVES or tried >= MAX_TRIED:
                return found, False
            if other.name in changed or other.vote in (NONE, to):
                continue
            tried += 1
            swapped = list(changes)
            swapped[i] = (other.name, other.vote, to)
            votes = {name: vote for name, _, vote in swapped}
            affiliates = tuple(
                counting.Affiliate(name=a.name, vote=votes.get(a.name, a.vote), members=a.members)
                for a in base.affiliates
            )
            if _flips(base, base.branches, affiliates, want_open):
                found.append(tuple(swapped))
    return found, True
