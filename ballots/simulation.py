"""What-if analysis, the smallest change that flips a result, and Monte Carlo forecasts.

Imports only :mod:`ballots.counting`, NumPy and the standard library (no Django), so the
``simulate`` command, the simulator pages, the results pages and ``bench/`` share it.

The smallest flip (:func:`smallest_flip`)
=========================================

For a counted scenario, under a rule set and options, two separate questions:

* **Member votes.** The fewest individual member votes that, switched from one side to the
  other (reselect to open, or open to reselect), would turn the outcome around. Only votes
  that were cast are switched: no voter is added or removed, and a branch known only by its
  outcome (no counts) cannot change. Under branch counting the outcome depends only on how
  many branches ended up reselect, open or tied, and moving branch *i* into another class
  has a known cheapest cost (``(r - o) // 2 + 1`` votes to pass the other side, ``|r - o| / 2``
  to tie an even branch), so a dynamic programme over (branches open, branches tied) finds
  the exact minimum; each final class mix is judged by :func:`counting.count` itself. Under
  ``member_counting=individual`` only the pooled total matters and the open share rises with
  every vote switched to open, so a binary search over the number switched is exact.
* **Affiliates.** The fewest affiliates whose vote would have to be different, where an
  affiliate that voted (reselect, open or abstain) may have cast either of the other two.
  Affiliates that did not vote at all (``none``) are left as they are: the question is about
  votes cast differently, not about who turned up. Under unit counting only the numbers
  voting each way matter, so every mix of (reselect, open, abstain) is tried with
  :func:`counting.count`; the cost of a mix is the number of affiliates that must move.
  Under ``affiliate_counting=weighted`` (``labour-2021``) the affiliates' section passes the
  threshold ``t`` exactly when ``(1 - t) * open members - t * reselect members > 0``: linear,
  so the best *m* changes are the *m* largest single gains; the alternative of every
  affiliate abstaining (the members then carry the college) is costed too.

Both are tested against brute force over every alternative on small scenarios.

Forecasts (:func:`forecast`)
============================

A *forecast scenario* is the scenario JSON where a branch may give ``members`` (eligible),
``turnout`` and ``support`` (for reselection), each a number or ``{"mean": m, "sd": s}`` in
[0, 1], and an affiliate ``p_reselect``, ``p_open``, ``p_abstain`` (summing to 1) and
optionally ``members``. A branch may instead give known counts or an outcome, and an
affiliate a known ``vote``: those are the same in every trial.

Sampling, per trial: turnout ~ Normal(mean, sd) clipped to [0, 1] (chosen over a Beta
because it accepts any sd, and sd 0 is exactly the mean); voters ~ Binomial(members,
turnout); support ~ Normal(mean, sd) clipped to [0, 1]; reselect ~ Binomial(voters,
support); open = voters - reselect; each affiliate's vote ~ Categorical(p_reselect,
p_open, p_abstain). Generator: ``numpy.random.default_rng(seed)`` (PCG64), drawn in chunks
of a fixed size, so the same seed gives the same numbers however the run is reported.

Every rule set is decided on arrays (trials x branches, trials x affiliates) with integer
arithmetic only, cross-multiplied (``open * 2 > units``, ``3 * open >= units``), so no float
ever decides a tie: :data:`VECTOR_COUNTERS` maps a rule set's name to its vectorised
decision. A rule set registered in :mod:`counting` without one is counted trial by trial
through :func:`counting.count` (slower, still correct).

*Pivotal*, under the scenario's own rule set and options, in a trial:

* a **branch** is pivotal when reversing its majority would flip the result: a branch that
  was for reselection counted for open instead, or the other way round; a tied branch, or
  one in which nobody voted, is pivotal when counting it for either side would flip the
  result. Under ``member_counting=individual`` reversing its majority means swapping its
  reselect and open counts (a tied branch is then never pivotal).
* an **affiliate** is pivotal when switching its vote between reselect and open would flip
  the result; one that abstained (or did not vote) is pivotal when voting either way would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from ballots import counting
from ballots.counting import Affiliate, Branch, CountingError, Scenario

__all__ = [
    "Flip",
    "smallest_flip",
]

RESELECT, OPEN, TIED, ABSTAIN, NONE = "reselect", "open", "tied", "abstain", "none"


# =============================================================== the smallest flip


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
                f"The result would have changed {affiliates}. "
                "No change in members' votes alone could have changed it."
            )
        return "No change in members' votes, nor in the affiliates' votes, could have changed the result."

    @property
    def description(self) -> str:
        return self.sentence()

    def to_dict(self) -> dict:
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
    scenario: Scenario | Mapping, rules: str | None = None, options: Mapping | None = None
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

    if applied.get("member_counting") == "individual":
        member_votes, member_changes = _flip_members_individual(base, flips, want_open)
    else:
        member_votes, member_changes = _flip_members_branch(base, flips)
    if applied.get("affiliate_counting") == "weighted":
        n_affiliates, affiliate_changes = _flip_affiliates_weighted(base, result, want_open)
    else:
        n_affiliates, affiliate_changes = _flip_affiliates_unit(base, flips)
    return Flip(
        rules=rules_name,
        options=applied,
        outcome=result.outcome,
        member_votes=member_votes,
        member_changes=tuple(member_changes),
        affiliates=n_affiliates,
        affiliate_changes=tuple(affiliate_changes),
    )


def _branch_moves(branch: Branch) -> dict[str, int]:
    """For a branch with votes: class -> votes switched (positive: reselect to open) to reach it."""
    r, o = branch.reselect, branch.open
    moves: dict[str, int] = {}
    moves[OPEN] = (r - o) // 2 + 1 if r >= o else 0
    moves[RESELECT] = -((o - r) // 2 + 1) if o >= r else 0
    if (r + o) % 2 == 0:
        moves[TIED] = (r - o) // 2
    return moves


def _flip_members_branch(base: Scenario, flips) -> tuple[int | None, list]:
    movable = [b for b in base.branches if b.has_counts and (b.reselect or b.open)]
    fixed = [b for b in base.branches if not (b.has_counts and (b.reselect or b.open))]
    if not movable:
        return None, []
    # layers[i]: state (n_open, n_tied) after i branches -> (cost, previous state, class)
    layers: list[dict[tuple[int, int], tuple[int, tuple[int, int] | None, str | None]]] = [{(0, 0): (0, None, None)}]
    all_moves = [_branch_moves(b) for b in movable]
    for moves in all_moves:
        nxt: dict[tuple[int, int], tuple[int, tuple[int, int] | None, str | None]] = {}
        for state, (cost, _, _) in layers[-1].items():
            for cls, k in moves.items():
                a, t = state
                new = (a + (cls == OPEN), t + (cls == TIED))
                c = cost + abs(k)
                if new not in nxt or c < nxt[new][0]:
                    nxt[new] = (c, state, cls)
        layers.append(nxt)
    n = len(movable)
    final = sorted(layers[-1].items(), key=lambda item: (item[1][0], item[0]))
    for (n_open, n_tied), (cost, _, _) in final:
        if cost == 0:
            continue  # the scenario as it is
        synthetic = list(fixed)
        for i in range(n):
            cls = OPEN if i < n_open else TIED if i < n_open + n_tied else RESELECT
            synthetic.append(Branch(name=f"\x00{i}", outcome=cls))
        if flips(Scenario(branches=tuple(synthetic), affiliates=base.affiliates, rules=base.rules,
                          options=base.options)):
            # Walk back through the layers to find each branch's class.
            changes = []
            state = (n_open, n_tied)
            for i in range(n, 0, -1):
                _, previous, cls = layers[i][state]
                k = all_moves[i - 1][cls]
                if k:
                    changes.append((movable[i - 1].name, abs(k), OPEN if k > 0 else RESELECT))
                state = previous
            changes.reverse()
            return cost, changes
    return None, []


def _switch(base: Scenario, k: int, to_open: bool) -> tuple[Scenario, list]:
    """Switch k member votes towards one side, taking them from the largest branches first."""
    capacities = sorted(
        ((b.reselect if to_open else b.open, -i, b) for i, b in enumerate(base.branches)), reverse=True
    )
    take: dict[str, int] = {}
    left = k
    for capacity, _, b in capacities:
        if left <= 0:
            break
        used = min(capacity, left)
        if used:
            take[b.name] = used
            left -= used
    branches = []
    for b in base.branches:
        used = take.get(b.name, 0)
        if used:
            delta = used if to_open else -used
            b = Branch(name=b.name, reselect=b.reselect - delta, open=b.open + delta)
        branches.append(b)
    scenario = Scenario(branches=tuple(branches), affiliates=base.affiliates, rules=base.rules, options=base.options)
    direction = OPEN if to_open else RESELECT
    changes = [(b.name, take[b.name], direction) for b in base.branches if b.name in take]
    return scenario, changes


def _flip_members_individual(base: Scenario, flips, want_open: bool) -> tuple[int | None, list]:
    if any(not b.has_counts for b in base.branches):
        return None, []
    available = sum(b.reselect if want_open else b.open for b in base.branches)
    if not available or not flips(_switch(base, available, want_open)[0]):
        return None, []
    low, high = 1, available  # flips(high) holds; the open share moves one way with k
    while low < high:
        mid = (low + high) // 2
        if flips(_switch(base, mid, want_open)[0]):
            high = mid
        else:
            low = mid + 1
    return low, _switch(base, low, want_open)[1]


def _flip_affiliates_unit(base: Scenario, flips) -> tuple[int | None, list]:
    voters = [a for a in base.affiliates if a.vote != NONE]
    others = [a for a in base.affiliates if a.vote == NONE]
    if not voters:
        return None, []
    initial = {v: sum(1 for a in voters if a.vote == v) for v in (RESELECT, OPEN, ABSTAIN)}
    n = len(voters)
    mixes = []
    for n_reselect in range(n + 1):
        for n_open in range(n + 1 - n_reselect):
            final = {RESELECT: n_reselect, OPEN: n_open, ABSTAIN: n - n_reselect - n_open}
            cost = n - sum(min(initial[v], final[v]) for v in final)
            if cost:
                mixes.append((cost, n_reselect, n_open, final))
    mixes.sort(key=lambda m: m[:3])
    for cost, _, _, final in mixes:
        synthetic = list(others)
        i = 0
        for vote, k in final.items():
            for _ in range(k):
                synthetic.append(Affiliate(name=f"\x00{i}", vote=vote))
                i += 1
        scenario = Scenario(branches=base.branches, affiliates=tuple(synthetic), rules=base.rules,
                            options=base.options)
        if flips(scenario):
            surplus = {v: initial[v] - final[v] for v in final}
            donors = []
            for a in voters:
                if surplus[a.vote] > 0:
                    donors.append(a)
                    surplus[a.vote] -= 1
            targets = [v for v in (RESELECT, OPEN, ABSTAIN) for _ in range(max(0, final[v] - initial[v]))]
            return cost, [(a.name, a.vote, to) for a, to in zip(donors, targets, strict=True)]
    return None, []


def _flip_affiliates_weighted(base: Scenario, result, want_open: bool) -> tuple[int | None, list]:
    """labour-2021 with weighted affiliates: exact by the linear form of the threshold."""
    if base.rules != "labour-2021":
        return _flip_affiliates_search(base, want_open)
    members = result.section("members")
    has_members = members.open_fraction is not None
    mf = members.open_fraction
    t = (1 - mf) if has_members else Fraction(1, 2)
    candidates = [a for a in base.affiliates if a.vote in (RESELECT, OPEN, ABSTAIN)]
    mo = sum(a.members for a in candidates if a.vote == OPEN and a.members)
    mr = sum(a.members for a in candidates if a.vote == RESELECT and a.members)
    level = (1 - t) * mo - t * mr
    options: list[tuple[int, list]] = []
    # Route A: the affiliates' section still has units and passes (or fails) the threshold.
    gains = []
    for i, a in enumerate(candidates):
        m = a.members or 0
        if not m:
            continue
        if want_open:
            if a.vote == RESELECT:
                gains.append((Fraction(m), i, a, OPEN))
            elif a.vote == ABSTAIN and t < 1:
                gains.append(((1 - t) * m, i, a, OPEN))
        else:
            if a.vote == OPEN:
                gains.append((Fraction(m), i, a, RESELECT))
            elif a.vote == ABSTAIN:
                gains.append((t * m, i, a, RESELECT))
    gains.sort(key=lambda g: (-g[0], g[1]))
    if want_open and t < 1:
        total, chosen = level, []
        for gain, _, a, to in gains:
            if total > 0:
                break
            total += gain
            chosen.append((a.name, a.vote, to))
        if total > 0 and chosen:
            options.append((len(chosen), chosen))
    elif not want_open:
        # Every move here leaves the section with units; an empty section needs one move.
        total, chosen = level, []
        for gain, _, a, to in gains:
            if total <= 0 and (chosen or mo + mr):
                break
            total -= gain
            chosen.append((a.name, a.vote, to))
        if total <= 0 and chosen:
            options.append((len(chosen), chosen))
    # Route B: every voting affiliate abstains, and the members carry the college.
    voting = [a for a in candidates if a.vote in (RESELECT, OPEN) and a.members]
    if voting:
        members_decide_open = has_members and mf > Fraction(1, 2)
        if members_decide_open == want_open:
            options.append((len(voting), [(a.name, a.vote, ABSTAIN) for a in voting]))
    if not options:
        return None, []
    return min(options, key=lambda o: o[0])


def _flip_affiliates_search(base: Scenario, want_open: bool, limit: int = 10) -> tuple[int | None, list]:
    """Exhaustive search by number of changes, for a rule set this module does not know."""
    from itertools import combinations, product

    voters = [i for i, a in enumerate(base.affiliates) if a.vote != NONE]
    if len(voters) > limit:
        return None, []
    for m in range(1, len(voters) + 1):
        for chosen in combinations(voters, m):
            alternatives = [[v for v in (RESELECT, OPEN, ABSTAIN) if v != base.affiliates[i].vote] for i in chosen]
            for votes in product(*alternatives):
                affiliates = list(base.affiliates)
                for i, v in zip(chosen, votes, strict=True):
                    a = affiliates[i]
                    affiliates[i] = Affiliate(name=a.name, vote=v, members=a.members)
                scenario = Scenario(branches=base.branches, affiliates=tuple(affiliates), rules=base.rules,
                                    options=base.options)
                try:
                    if counting.count(scenario).open_selection == want_open:
                        return m, [(base.affiliates[i].name, base.affiliates[i].vote, v)
                                   for i, v in zip(chosen, votes, strict=True)]
                except CountingError:
                    continue
    return None, []
