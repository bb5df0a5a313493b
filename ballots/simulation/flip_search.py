"""The searches behind :func:`~ballots.simulation.flip.smallest_flip`, one per kind of section.

Members by branch: a dynamic programme over (branches open, branches tied), each final class
mix judged by :func:`counting.count`. Members one by one: a binary search over the number of
votes switched. Affiliates as units: every mix of (reselect, open, abstain) tried. Weighted
affiliates: the linear form of the rule set's threshold where it gives one, else an
exhaustive search over up to ten voting affiliates. See ``flip.py`` for why each is exact.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from itertools import combinations, product

from ballots import counting
from ballots.counting import ABSTAIN, NONE, OPEN, RESELECT, TIED, Affiliate, Branch, CountingError, Scenario

# (branch or affiliate name, votes or vote, direction): the changes a flip reports.
MemberChanges = list[tuple[str, int, str]]
AffiliateChanges = list[tuple[str, str, str]]
Flips = Callable[[Scenario], bool]


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


def flip_members_branch(base: Scenario, flips: Flips) -> tuple[int | None, MemberChanges]:
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
        if flips(
            Scenario(branches=tuple(synthetic), affiliates=base.affiliates, rules=base.rules, options=base.options)
        ):
            # Walk back through the layers to find each branch's class.
            changes: MemberChanges = []
            step: tuple[int, int] | None = (n_open, n_tied)
            for i in range(n, 0, -1):
                assert step is not None  # only the first layer's state has no previous one
                _, step, chosen = layers[i][step]
                assert chosen is not None
                k = all_moves[i - 1][chosen]
                if k:
                    changes.append((movable[i - 1].name, abs(k), OPEN if k > 0 else RESELECT))
            changes.reverse()
            return cost, changes
    return None, []


def _switch(base: Scenario, k: int, to_open: bool) -> tuple[Scenario, MemberChanges]:
    """Switch k member votes towards one side, taking them from the largest branches first."""
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
    branches = []
    for b in base.branches:
        used = take.get(b.name, 0)
        if used:
            delta = used if to_open else -used
            reselect, open_ = _votes(b)
            b = Branch(name=b.name, reselect=reselect - delta, open=open_ + delta)
        branches.append(b)
    scenario = Scenario(branches=tuple(branches), affiliates=base.affiliates, rules=base.rules, options=base.options)
    direction = OPEN if to_open else RESELECT
    changes = [(b.name, take[b.name], direction) for b in base.branches if b.name in take]
    return scenario, changes


def flip_members_individual(base: Scenario, flips: Flips, want_open: bool) -> tuple[int | None, MemberChanges]:
    if any(not b.has_counts for b in base.branches):
        return None, []
    available = sum(_votes(b)[0] if want_open else _votes(b)[1] for b in base.branches)
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


def flip_affiliates_unit(base: Scenario, flips: Flips, want_open: bool) -> tuple[int | None, AffiliateChanges]:
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
    # Among equally cheap mixes, prefer the one with most votes for the side it flips to.
    mixes.sort(key=lambda m: (m[0], -(m[2] if want_open else m[1]), m[1], m[2]))
    for cost, _, _, final in mixes:
        synthetic = list(others)
        i = 0
        for vote, k in final.items():
            for _ in range(k):
                synthetic.append(Affiliate(name=f"\x00{i}", vote=vote))
                i += 1
        scenario = Scenario(branches=base.branches, affiliates=tuple(synthetic), rules=base.rules, options=base.options)
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
    options: list[tuple[int, AffiliateChanges]] = []
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
    # Route B: every voting affiliate abstains, and the members decide alone.
    voting = [a for a in candidates if a.vote in (RESELECT, OPEN) and a.members]
    if voting:
        abstaining = tuple(
            Affiliate(name=a.name, vote=ABSTAIN, members=a.members) if a in voting else a for a in base.affiliates
        )
        alone = Scenario(branches=base.branches, affiliates=abstaining, rules=base.rules, options=base.options)
        if counting.count(alone).open_selection == want_open:
            options.append((len(voting), [(a.name, a.vote, ABSTAIN) for a in voting]))
    if not options:
        return None, []
    return min(options, key=lambda o: o[0])


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
                scenario = Scenario(
                    branches=base.branches, affiliates=tuple(affiliates), rules=base.rules, options=base.options
                )
                try:
                    if counting.count(scenario).open_selection == want_open:
                        return m, [
                            (base.affiliates[i].name, base.affiliates[i].vote, v)
                            for i, v in zip(chosen, votes, strict=True)
                        ]
                except CountingError:
                    continue
    return None, []
