"""The searches behind :func:`~ballots.simulation.flip.smallest_flip`, one per kind of section.

Each search judges its candidates with the rule set's own ``decide`` on
:class:`~ballots.counting.Counts` of NumPy int64 arrays: one call weighs a whole block of
candidate tallies at once, so the search costs a handful of vectorised counts, not one full
count per candidate. Blocks hold at most :data:`BLOCK` candidates, so memory stays linear in
the scenario's size. See ``flip.py`` for why each search is exact.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from itertools import combinations, product

import numpy as np

from ballots import counting
from ballots.counting import ABSTAIN, NONE, OPEN, RESELECT, TIED, Affiliate, Branch, CountingError, Counts, Scenario

# (branch or affiliate name, votes or vote, direction): the changes a flip reports.
MemberChanges = list[tuple[str, int, str]]
AffiliateChanges = list[tuple[str, str, str]]
BLOCK = 1 << 16  # candidates weighed in one vectorised decision
_FAR = np.int64(1 << 40)  # a cost no real change reaches: marks what cannot be chosen


def _flips(base: Scenario, counts: Counts, want_open: bool) -> np.ndarray:
    """Whether each candidate in ``counts`` (fields ints or arrays) gives the wanted outcome."""
    rule_set = counting.get_rule_set(base.rules)
    decided = np.asarray(rule_set.decide(counts, base.options), dtype=bool)
    wanted: np.ndarray = decided == want_open
    return wanted


def _first(good: np.ndarray, *keys: np.ndarray) -> tuple[int, int]:
    """(row, column) of the candidate, among those marked good, that sorts first by the keys."""
    rows, columns = np.nonzero(good)
    # np.lexsort sorts by its last key first.
    best = np.lexsort(tuple(key[rows, columns] for key in reversed(keys)))[0]
    return int(rows[best]), int(columns[best])


def _votes(branch: Branch) -> tuple[int, int]:
    """A branch's (reselect, open) counts; only branches that give them are moved."""
    assert branch.reselect is not None and branch.open is not None
    return branch.reselect, branch.open


def _branch_moves(branch: Branch) -> dict[str, int]:
    """For a branch with votes: class -> votes switched (positive: reselect to open) to reach it."""
    r, o = _votes(branch)
    moves: dict[str, int] = {}
    moves[OPEN] = (r - o) // 2 + 1 if r >= o else 0
    moves[RESELECT] = -((o - r) // 2 + 1) if o >= r else 0
    if (r + o) % 2 == 0:
        moves[TIED] = (r - o) // 2
    return moves


# ------------------------------------------------------------------ members by branch


def _class_costs(branches: list[Branch]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Votes to switch for each branch to end open, tied (even totals only) and reselect."""
    moves = [_branch_moves(b) for b in branches]
    to_open = np.array([abs(m[OPEN]) for m in moves], dtype=np.int64)
    to_tied = np.array([abs(m.get(TIED, 0)) for m in moves], dtype=np.int64)
    to_reselect = np.array([abs(m[RESELECT]) for m in moves], dtype=np.int64)
    return to_open, to_tied, to_reselect


def _margin_order(branches: list[Branch]) -> list[int]:
    """Branches by margin (reselect - open), lowest first; equal margins by name.

    The lowest margins end open and the highest reselect, so among equal margins the
    branch named first is the one moved: first in the order where branches leave the low
    end (for open), last where they leave the high end (for reselect).
    """
    names = sorted(range(len(branches)), key=lambda i: (branches[i].name.casefold(), i))
    rank = {i: position for position, i in enumerate(names)}

    def key(i: int) -> tuple[int, int]:
        r, o = _votes(branches[i])
        return (r - o, rank[i] if r - o >= 0 else -rank[i])

    return sorted(range(len(branches)), key=key)


def flip_members_branch(base: Scenario, want_open: bool) -> tuple[int | None, MemberChanges]:
    """The fewest votes switched within branches so that the branch classes flip the result.

    Under branch counting the decision reads how many branches are reselect, open and tied.
    For a target mix of classes the cheapest branches are known in closed form (see
    ``flip.py``): with branches sorted by margin, for each number ``t`` tied the cost of
    ``a`` open is a prefix sum of a merged sorted list. Every mix is weighed, a block of
    tied-counts at a time, and the cheapest that flips is kept.
    """
    movable = [b for b in base.branches if b.has_counts and (b.reselect or b.open)]
    if not movable:
        return None, []
    counts = counting.counts_from_scenario(base)
    evens = [b for b in movable if sum(_votes(b)) % 2 == 0]
    odds = [b for b in movable if sum(_votes(b)) % 2 == 1]
    evens = [evens[i] for i in _margin_order(evens)]
    odds = [odds[i] for i in _margin_order(odds)]
    e_open, e_tied, e_reselect = _class_costs(evens)
    o_open, _, o_reselect = _class_costs(odds)
    n_even, n_odd = len(evens), len(odds)
    n = n_even + n_odd
    # Branches that cannot move keep their class.
    fixed_open = counts.n_open - sum(1 for b in movable if _votes(b)[1] > _votes(b)[0])
    fixed_tied = counts.n_tied - sum(1 for b in movable if _votes(b)[1] == _votes(b)[0])
    fixed_reselect = counts.n_reselect - sum(1 for b in movable if _votes(b)[0] > _votes(b)[1])
    # Even branches: the lowest a_e open, the next t tied, the rest reselect; odd branches:
    # the lowest a_o open, the rest reselect. Marginal costs of one more open branch:
    odd_marginal = o_open - o_reselect  # nondecreasing along the margin order
    open_over_tied = e_open - e_tied
    tied_over_reselect = e_tied - e_reselect
    tied_prefix = np.concatenate(([0], np.cumsum(e_tied)))
    reselect_suffix = np.concatenate((np.cumsum(e_reselect[::-1])[::-1], [0]))
    all_odd_reselect = int(o_reselect.sum())
    best: tuple[int, int, int] | None = None  # (cost, a open, t tied)
    rows = max(1, BLOCK // (n + 1))
    for t0 in range(0, n_even + 1, rows):
        ts = np.arange(t0, min(n_even, t0 + rows - 1) + 1, dtype=np.int64)
        if n_even:
            k = np.arange(n_even, dtype=np.int64)
            inside = k[None, :] < n_even - ts[:, None]
            shifted = np.minimum(k[None, :] + ts[:, None], n_even - 1)
            even_marginal = np.where(inside, open_over_tied[None, :] + tied_over_reselect[shifted], _FAR)
        else:
            even_marginal = np.zeros((len(ts), 0), dtype=np.int64)
        merged = np.sort(
            np.concatenate((even_marginal, np.broadcast_to(odd_marginal, (len(ts), n_odd))), axis=1), axis=1
        )
        start = tied_prefix[ts] + reselect_suffix[ts] + all_odd_reselect
        cost = np.concatenate((start[:, None], start[:, None] + np.cumsum(merged, axis=1)), axis=1)
        a = np.arange(n + 1, dtype=np.int64)[None, :]
        possible = a <= n - ts[:, None]
        mix = replace(
            counts,
            n_open=fixed_open + a,
            n_tied=fixed_tied + ts[:, None],
            n_reselect=fixed_reselect + (n - a - ts[:, None]),
        )
        good = possible & (cost > 0) & _flips(base, mix, want_open)
        if not good.any():
            continue
        # The cheapest; then the fewest open, then the fewest tied.
        row, column = _first(good, cost, np.broadcast_to(a, cost.shape), np.broadcast_to(ts[:, None], cost.shape))
        found = (int(cost[row, column]), int(column), int(ts[row]))
        if best is None or found < best:
            best = found
    if best is None:
        return None, []
    cost, n_open, n_tied = best
    # Rebuild the mix: which of the merged marginals were even branches (stable: evens first).
    k = np.arange(n_even - n_tied, dtype=np.int64)
    even_marginal = open_over_tied[k] + tied_over_reselect[k + n_tied]
    order = np.argsort(np.concatenate((even_marginal, odd_marginal)), kind="stable")[:n_open]
    a_even = int((order < len(even_marginal)).sum())
    target = {}
    for i, b in enumerate(evens):
        target[b.name] = OPEN if i < a_even else TIED if i < a_even + n_tied else RESELECT
    for i, b in enumerate(odds):
        target[b.name] = OPEN if i < n_open - a_even else RESELECT
    changes: MemberChanges = []
    for b in movable:
        k_votes = _branch_moves(b)[target[b.name]]
        if k_votes:
            changes.append((b.name, abs(k_votes), OPEN if k_votes > 0 else RESELECT))
    assert sum(n for _, n, _ in changes) == cost
    return cost, changes


# ----------------------------------------------------------------- members one by one


def _switch(base: Scenario, k: int, to_open: bool) -> MemberChanges:
    """Which branches k member votes towards one side are taken from: the largest first."""
    capacities = sorted(
        ((_votes(b)[0] if to_open else _votes(b)[1], -i, b) for i, b in enumerate(base.branches)), reverse=True
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
    direction = OPEN if to_open else RESELECT
    return [(b.name, take[b.name], direction) for b in base.branches if b.name in take]


def flip_members_individual(base: Scenario, want_open: bool) -> tuple[int | None, MemberChanges]:
    """The fewest member votes switched, members counted one member, one vote.

    The decision reads the pooled votes only, and switching ``k`` votes one way moves them
    by ``k`` whichever branches they come from; any net change ``k`` costs at least
    ``|k|`` switches. So every net change, either way, is weighed by ``|k|``.
    """
    if any(not b.has_counts for b in base.branches):
        return None, []
    counts = counting.counts_from_scenario(base)
    to_open_most = sum(_votes(b)[0] for b in base.branches)
    to_reselect_most = sum(_votes(b)[1] for b in base.branches)
    for low in range(1, max(to_open_most, to_reselect_most) + 1, BLOCK):
        k = np.arange(low, min(low + BLOCK, max(to_open_most, to_reselect_most) + 1), dtype=np.int64)
        # Each k twice: towards open (+k) and towards reselect (-k); open first on a tie.
        shift = np.stack((k, -k), axis=1).ravel()
        possible = np.where(shift > 0, shift <= to_open_most, -shift <= to_reselect_most)
        mix = replace(counts, v_open=counts.v_open + shift, v_reselect=counts.v_reselect - shift)
        good = possible & _flips(base, mix, want_open)
        if good.any():
            chosen = int(shift[int(np.argmax(good))])
            return abs(chosen), _switch(base, abs(chosen), chosen > 0)
    return None, []


# --------------------------------------------------------------------- affiliates


def flip_affiliates_unit(base: Scenario, want_open: bool) -> tuple[int | None, AffiliateChanges]:
    """The fewest affiliates whose vote differs, affiliates counted as equal units.

    Only the numbers voting reselect and open matter, so every final mix (reselect, open,
    abstain) of the affiliates that voted is weighed, a block at a time; the cost of a mix
    is how many affiliates must move.
    """
    voters = [a for a in base.affiliates if a.vote != NONE]
    if not voters:
        return None, []
    counts = counting.counts_from_scenario(base)
    initial = {v: sum(1 for a in voters if a.vote == v) for v in (RESELECT, OPEN, ABSTAIN)}
    n = len(voters)
    best: tuple[int, int, int, int] | None = None  # (cost, -votes for the target side, reselect, open)
    rows = max(1, BLOCK // (n + 1))
    for r0 in range(0, n + 1, rows):
        reselect = np.arange(r0, min(n, r0 + rows - 1) + 1, dtype=np.int64)[:, None]
        open_ = np.arange(n + 1, dtype=np.int64)[None, :]
        abstain = n - reselect - open_
        possible = abstain >= 0
        kept = (
            np.minimum(reselect, initial[RESELECT])
            + np.minimum(open_, initial[OPEN])
            + np.minimum(abstain, initial[ABSTAIN])
        )
        cost = n - kept
        # The rule set's decision under unit counting reads the affiliates' numbers.
        mix = replace(counts, a_reselect=reselect, a_open=open_, m_reselect=0 * reselect, m_open=0 * open_)
        good = possible & (cost > 0) & _flips(base, mix, want_open)
        if not good.any():
            continue
        shape = cost.shape
        side = np.broadcast_to(open_ if want_open else reselect, shape)
        # Among equally cheap mixes, prefer the one with most votes for the side it flips to.
        row, column = _first(good, cost, -side, np.broadcast_to(reselect, shape), np.broadcast_to(open_, shape))
        found = (int(cost[row, column]), -int(side[row, column]), int(reselect[row, 0]), int(column))
        if best is None or found < best:
            best = found
    if best is None:
        return None, []
    cost, _, n_reselect, n_open = best
    final = {RESELECT: n_reselect, OPEN: n_open, ABSTAIN: n - n_reselect - n_open}
    surplus = {v: initial[v] - final[v] for v in final}
    donors = []
    for a in voters:
        if surplus[a.vote] > 0:
            donors.append(a)
            surplus[a.vote] -= 1
    targets = [v for v in (RESELECT, OPEN, ABSTAIN) for _ in range(max(0, final[v] - initial[v]))]
    return cost, [(a.name, a.vote, to) for a, to in zip(donors, targets, strict=True)]


def flip_affiliates_weighted(base: Scenario, want_open: bool) -> tuple[int | None, AffiliateChanges]:
    """Weighted affiliates: exact by the linear form of the threshold, where the rule set gives one."""
    rule_set = counting.get_rule_set(base.rules)
    counts = counting.counts_from_scenario(base)
    threshold = rule_set.weighted_affiliate_threshold(counts, base.options)
    if threshold is None:
        return flip_affiliates_search(base, want_open)
    t = threshold
    candidates = [a for a in base.affiliates if a.vote in (RESELECT, OPEN, ABSTAIN)]
    mo = sum(a.members for a in candidates if a.vote == OPEN and a.members)
    mr = sum(a.members for a in candidates if a.vote == RESELECT and a.members)
    level = (1 - t) * mo - t * mr
    found: list[tuple[int, AffiliateChanges]] = []
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
            found.append((len(chosen), chosen))
    elif not want_open:
        # Every move here leaves the section with units; an empty section needs one move.
        total, chosen = level, []
        for gain, _, a, to in gains:
            if total <= 0 and (chosen or mo + mr):
                break
            total -= gain
            chosen.append((a.name, a.vote, to))
        if total <= 0 and chosen:
            found.append((len(chosen), chosen))
    # Route B: every voting affiliate abstains, and the members decide alone.
    voting = [a for a in candidates if a.vote in (RESELECT, OPEN) and a.members]
    if voting:
        abstaining = tuple(replace(a, vote=ABSTAIN) if a in voting else a for a in base.affiliates)
        if counting.count(replace(base, affiliates=abstaining)).open_selection == want_open:
            found.append((len(voting), [(a.name, a.vote, ABSTAIN) for a in voting]))
    if not found:
        return None, []
    return min(found, key=lambda o: o[0])


def flip_affiliates_search(base: Scenario, want_open: bool, limit: int = 10) -> tuple[int | None, AffiliateChanges]:
    """Exhaustive search by number of changes, where the rule set gives no linear threshold."""
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
                scenario = replace(base, affiliates=tuple(affiliates))
                try:
                    if counting.count(scenario).open_selection == want_open:
                        return m, [
                            (base.affiliates[i].name, base.affiliates[i].vote, v)
                            for i, v in zip(chosen, votes, strict=True)
                        ]
                except CountingError:
                    continue
    return None, []
