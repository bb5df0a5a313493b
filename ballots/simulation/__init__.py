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

import math
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from itertools import combinations, product
from typing import Any

import numpy as np

from ballots import counting
from ballots.counting import Affiliate, Branch, CountingError, Scenario

__all__ = [
    "VECTOR_COUNTERS",
    "Flip",
    "ForecastError",
    "ForecastResult",
    "ForecastScenario",
    "count_trials",
    "forecast",
    "forecast_from_dict",
    "forecast_to_dict",
    "sample_trials",
    "smallest_flip",
    "wilson_interval",
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
        n_affiliates, affiliate_changes = _flip_affiliates_unit(base, flips, want_open)
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


def _flip_affiliates_unit(base: Scenario, flips, want_open: bool) -> tuple[int | None, list]:
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


# ======================================================================= forecasts


class ForecastError(CountingError):
    """A forecast scenario that cannot be run; the message names the offending entry."""


CHUNK = 20_000  # trials drawn at a time; fixed, so a seed means the same draws however reported
MAX_TRIALS = 10_000_000
HISTOGRAM_BINS = 20
VOTE_CODES = {RESELECT: 0, OPEN: 1, ABSTAIN: 2, NONE: 3}
VOTE_NAMES = {code: vote for vote, code in VOTE_CODES.items()}
_Z95 = 1.959963984540054


@dataclass(frozen=True)
class Spread:
    """A probability with its uncertainty: Normal(mean, sd) clipped to [0, 1]."""

    mean: float
    sd: float = 0.0

    def to_dict(self) -> dict:
        return {"mean": self.mean, "sd": self.sd}


@dataclass(frozen=True)
class ForecastBranch:
    """A ward branch to forecast (members, turnout, support) or one whose result is known."""

    name: str
    members: int | None = None
    turnout: Spread | None = None
    support: Spread | None = None
    reselect: int | None = None
    open: int | None = None
    outcome: str | None = None

    @property
    def known(self) -> bool:
        return self.members is None

    def to_dict(self) -> dict:
        item: dict[str, Any] = {"name": self.name}
        if self.known:
            if self.reselect is not None:
                item["reselect"], item["open"] = self.reselect, self.open
            if self.outcome is not None:
                item["outcome"] = self.outcome
        else:
            item["members"] = self.members
            item["turnout"] = self.turnout.to_dict()
            item["support"] = self.support.to_dict()
        return item


@dataclass(frozen=True)
class ForecastAffiliate:
    """An affiliate whose vote is uncertain (p_reselect, p_open, p_abstain) or known (vote)."""

    name: str
    p: tuple[float, float, float] | None = None
    vote: str | None = None
    members: int | None = None

    def to_dict(self) -> dict:
        item: dict[str, Any] = {"name": self.name}
        if self.p is None:
            item["vote"] = self.vote
        else:
            item["p_reselect"], item["p_open"], item["p_abstain"] = self.p
        if self.members is not None:
            item["members"] = self.members
        return item


@dataclass(frozen=True)
class ForecastScenario:
    branches: tuple[ForecastBranch, ...]
    affiliates: tuple[ForecastAffiliate, ...]
    rules: str = counting.DEFAULT_RULES
    options: Mapping[str, str] = field(default_factory=dict)


def _number(value: Any, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ForecastError(f"{label} must be a number, not {value!r}")
    return float(value)


def _probability(value: Any, label: str) -> float:
    number = _number(value, label)
    if not 0 <= number <= 1:
        raise ForecastError(f"{label} must be between 0 and 1, not {value!r}")
    return number


def _spread(value: Any, label: str) -> Spread:
    if isinstance(value, Mapping):
        if "mean" not in value:
            raise ForecastError(f"{label} needs a mean")
        return Spread(_probability(value["mean"], f"{label} mean"), _probability(value.get("sd", 0), f"{label} sd"))
    if value is None:
        raise ForecastError(f"{label} is missing (a number, or {{\"mean\": m, \"sd\": s}})")
    return Spread(_probability(value, label))


def _size(value: Any, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ForecastError(f"{label} must be a whole number, not {value!r}")
    if value < 0:
        raise ForecastError(f"{label} cannot be negative ({value})")
    return value


def forecast_from_dict(data: Any) -> ForecastScenario:
    """Build and check a forecast scenario from its JSON (already parsed).

    Raises :class:`ForecastError` (a :class:`counting.CountingError`) naming the problem:
    probabilities outside [0, 1] or not summing to 1, negative sizes, unknown rules or options.
    """
    if not isinstance(data, Mapping):
        raise ForecastError("the forecast scenario must be a JSON object with branches and affiliates")
    rules = data.get("rules") or counting.DEFAULT_RULES
    rule_set = counting.get_rule_set(rules)
    options = data.get("options") or {}
    if not isinstance(options, Mapping):
        raise ForecastError("options must be a JSON object of option names and values")
    rule_set.resolve_options({str(k): v for k, v in options.items()})
    raw_branches = data.get("branches") or []
    raw_affiliates = data.get("affiliates") or []
    if not isinstance(raw_branches, list) or not isinstance(raw_affiliates, list):
        raise ForecastError("branches and affiliates must be lists")
    branches = []
    for position, item in enumerate(raw_branches, start=1):
        if not isinstance(item, Mapping):
            raise ForecastError(f"branch {position} must be an object, not {item!r}")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ForecastError(f"branch {position} has no name (a non-empty string is needed)")
        label = f"branch {name!r}"
        if "members" in item:
            branches.append(
                ForecastBranch(
                    name=name,
                    members=_size(item["members"], f"{label}: members"),
                    turnout=_spread(item.get("turnout"), f"{label}: turnout"),
                    support=_spread(item.get("support"), f"{label}: support"),
                )
            )
        else:
            known = Branch(name=name, reselect=item.get("reselect"), open=item.get("open"),
                           outcome=item.get("outcome"))
            branches.append(ForecastBranch(name=name, reselect=known.reselect, open=known.open,
                                           outcome=known.outcome))
    affiliates = []
    for position, item in enumerate(raw_affiliates, start=1):
        if not isinstance(item, Mapping):
            raise ForecastError(f"affiliate {position} must be an object, not {item!r}")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ForecastError(f"affiliate {position} has no name (a non-empty string is needed)")
        label = f"affiliate {name!r}"
        members = None if item.get("members") is None else _size(item["members"], f"{label}: members")
        keys = ("p_reselect", "p_open", "p_abstain")
        if any(k in item for k in keys):
            p = tuple(_probability(item.get(k, 0), f"{label}: {k}") for k in keys)
            if abs(sum(p) - 1) > 1e-9:
                raise ForecastError(
                    f"{label}: p_reselect, p_open and p_abstain must sum to 1 (they sum to {sum(p):g})"
                )
            affiliates.append(ForecastAffiliate(name=name, p=p, members=members))
        elif "vote" in item:
            known = Affiliate(name=name, vote=item["vote"], members=members)
            affiliates.append(ForecastAffiliate(name=name, vote=known.vote, members=members))
        else:
            raise ForecastError(f"{label} gives neither p_reselect, p_open and p_abstain nor a vote")
    scenario = ForecastScenario(branches=tuple(branches), affiliates=tuple(affiliates), rules=rules,
                                options=dict(options))
    # Whatever the counting engine would refuse in some trial, refuse now: names, options
    # under the scenario's rules, weighted affiliates without members, outcome-only branches
    # under individual counting.
    counting.count(_representative(scenario))
    return scenario


def _representative(fs: ForecastScenario) -> Scenario:
    """A scenario in which every uncertain entry takes part, to check what counting accepts."""
    branches = tuple(
        Branch(name=b.name, reselect=1, open=0) if not b.known else
        Branch(name=b.name, reselect=b.reselect, open=b.open, outcome=b.outcome)
        for b in fs.branches
    )
    affiliates = tuple(
        Affiliate(name=a.name, vote=a.vote if a.p is None else (RESELECT if a.p[0] + a.p[1] > 0 else ABSTAIN),
                  members=a.members)
        for a in fs.affiliates
    )
    return Scenario(branches=branches, affiliates=affiliates, rules=fs.rules, options=fs.options)


def forecast_to_dict(fs: ForecastScenario) -> dict:
    return {
        "rules": fs.rules,
        "options": dict(fs.options),
        "branches": [b.to_dict() for b in fs.branches],
        "affiliates": [a.to_dict() for a in fs.affiliates],
    }


# ----------------------------------------------------------------------- sampling


@dataclass
class Trials:
    """Sampled votes: ``reselect``/``open`` (trials x branches) and affiliate vote codes."""

    reselect: np.ndarray
    open: np.ndarray
    votes: np.ndarray  # 0 reselect, 1 open, 2 abstain, 3 did not vote

    def __len__(self) -> int:
        return self.votes.shape[0] if self.votes.ndim == 2 else self.reselect.shape[0]


def _known_counts(b: ForecastBranch) -> tuple[int, int]:
    if b.reselect is not None:
        return b.reselect, b.open
    return {RESELECT: (1, 0), OPEN: (0, 1), TIED: (1, 1)}[b.outcome]


def sample_trials(fs: ForecastScenario, n: int, rng: np.random.Generator) -> Trials:
    """Draw ``n`` trials of every uncertain branch and affiliate (see the module docstring)."""
    n_b, n_a = len(fs.branches), len(fs.affiliates)
    reselect = np.zeros((n, n_b), dtype=np.int64)
    open_ = np.zeros((n, n_b), dtype=np.int64)
    drawn = [j for j, b in enumerate(fs.branches) if not b.known]
    for j, b in enumerate(fs.branches):
        if b.known:
            reselect[:, j], open_[:, j] = _known_counts(b)
    if drawn:
        members = np.array([fs.branches[j].members for j in drawn], dtype=np.int64)
        t_mean = np.array([fs.branches[j].turnout.mean for j in drawn])
        t_sd = np.array([fs.branches[j].turnout.sd for j in drawn])
        s_mean = np.array([fs.branches[j].support.mean for j in drawn])
        s_sd = np.array([fs.branches[j].support.sd for j in drawn])
        shape = (n, len(drawn))
        turnout = np.clip(t_mean + t_sd * rng.standard_normal(shape), 0.0, 1.0)
        voters = rng.binomial(members, turnout)
        support = np.clip(s_mean + s_sd * rng.standard_normal(shape), 0.0, 1.0)
        for_reselect = rng.binomial(voters, support)
        if len(drawn) == n_b:
            reselect, open_ = for_reselect, voters - for_reselect
        else:
            reselect[:, drawn] = for_reselect
            open_[:, drawn] = voters - for_reselect
    votes = np.full((n, n_a), VOTE_CODES[NONE], dtype=np.int8)
    uncertain = [i for i, a in enumerate(fs.affiliates) if a.p is not None]
    for i, a in enumerate(fs.affiliates):
        if a.p is None:
            votes[:, i] = VOTE_CODES[a.vote]
    if uncertain:
        p_reselect = np.array([fs.affiliates[i].p[0] for i in uncertain])
        p_open = np.array([fs.affiliates[i].p[1] for i in uncertain])
        p_abstain = np.array([fs.affiliates[i].p[2] for i in uncertain])
        # With p_abstain 0 nobody abstains, whatever the rounding of p_reselect + p_open.
        upper = np.where(p_abstain == 0, np.inf, p_reselect + p_open)
        u = rng.random((n, len(uncertain)))
        votes[:, uncertain] = np.where(u < p_reselect, 0, np.where(u < upper, 1, 2))
    return Trials(reselect=reselect, open=open_, votes=votes)


# -------------------------------------------------------------- vectorised counting


@dataclass
class Aggregates:
    """What every known rule set's decision depends on, one value per trial (int64 arrays).

    Branch classes (``n_reselect``, ``n_open``, ``n_tied``), pooled member votes
    (``v_reselect``, ``v_open``), affiliate units (``a_reselect``, ``a_open``) and their
    affiliated members (``m_reselect``, ``m_open``).
    """

    n_reselect: np.ndarray
    n_open: np.ndarray
    n_tied: np.ndarray
    v_reselect: np.ndarray
    v_open: np.ndarray
    a_reselect: np.ndarray
    a_open: np.ndarray
    m_reselect: np.ndarray
    m_open: np.ndarray


def _affiliate_members(fs: ForecastScenario) -> np.ndarray:
    return np.array([a.members or 0 for a in fs.affiliates], dtype=np.int64)


def aggregate(fs: ForecastScenario, trials: Trials) -> Aggregates:
    r, o, v = trials.reselect, trials.open, trials.votes
    is_r, is_o = v == 0, v == 1
    members = _affiliate_members(fs)
    return Aggregates(
        n_reselect=(r > o).sum(axis=1),
        n_open=(o > r).sum(axis=1),
        n_tied=((r == o) & (r > 0)).sum(axis=1),
        v_reselect=r.sum(axis=1),
        v_open=o.sum(axis=1),
        a_reselect=is_r.sum(axis=1),
        a_open=is_o.sum(axis=1),
        m_reselect=is_r.astype(np.int64) @ members,
        m_open=is_o.astype(np.int64) @ members,
    )


def _branch_units(agg: Aggregates, tie: str) -> tuple[np.ndarray, np.ndarray]:
    """(open units x 2, units x 2) of the member section under branch counting."""
    nr, no, nt = agg.n_reselect, agg.n_open, agg.n_tied
    if tie == "exclude":
        return 2 * no, 2 * (nr + no)
    units2 = 2 * (nr + no + nt)
    if tie == "split":
        return 2 * no + nt, units2
    if tie == RESELECT:
        return 2 * no, units2
    return 2 * (no + nt), units2


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.zeros(num.shape, dtype=float)
    np.divide(num, den, out=out, where=den > 0)
    return out


Decision = tuple[np.ndarray, np.ndarray]  # (open selection, open share as a float for charts)


def _decide_2021(agg: Aggregates, options: Mapping[str, str], share: bool = True) -> Decision:
    if options["member_counting"] == "individual":
        m_open, m_total = agg.v_open, agg.v_open + agg.v_reselect
    else:
        m_open, m_total = _branch_units(agg, options["tied_branch"])
    if options["affiliate_counting"] == "weighted":
        a_open, a_total = agg.m_open, agg.m_open + agg.m_reselect
    else:
        a_open, a_total = agg.a_open, agg.a_open + agg.a_reselect
    has_m, has_a = m_total > 0, a_total > 0
    # mf/2 + af/2 > 1/2  <=>  m_open * a_total + a_open * m_total > m_total * a_total
    both = m_open * a_total + a_open * m_total > m_total * a_total
    open_ = np.where(has_m & has_a, both, np.where(has_m, 2 * m_open > m_total, has_a & (2 * a_open > a_total)))
    if not share:
        return open_, None
    mf, af = _ratio(m_open, m_total), _ratio(a_open, a_total)
    share = np.where(has_m & has_a, (mf + af) / 2, np.where(has_m, mf, af))
    return open_, share


def _decide_2018(agg: Aggregates, options: Mapping[str, str], share: bool = True) -> Decision:
    m_open2, m_total2 = _branch_units(agg, options["tied_branch"])
    a_open, a_total = agg.a_open, agg.a_open + agg.a_reselect
    members = (m_total2 > 0) & (3 * m_open2 >= m_total2)
    affiliates = (a_total > 0) & (3 * a_open >= a_total)
    if not share:
        return members | affiliates, None
    return members | affiliates, np.maximum(_ratio(m_open2, m_total2), _ratio(a_open, a_total))


def _decide_pre_2018(agg: Aggregates, options: Mapping[str, str], share: bool = True) -> Decision:
    m_open2, m_total2 = _branch_units(agg, options["tied_branch"])
    a_open, a_total = agg.a_open, agg.a_open + agg.a_reselect
    # (m_open2 / 2 + a_open) / (m_total2 / 2 + a_total) > 1/2, doubled twice
    open_ = 2 * m_open2 + 4 * a_open > m_total2 + 2 * a_total
    if not share:
        return open_, None
    return open_, _ratio(m_open2 + 2 * a_open, m_total2 + 2 * a_total)


# A rule set's vectorised decision, keyed by its name: (aggregates, applied options, share=True)
# -> (open selection per trial, open share per trial or None when share=False). One missing
# here is counted trial by trial through counting.count (correct, slower). Each must agree
# with counting exactly (tests/ballots/test_simulation_forecast.py checks it).
VECTOR_COUNTERS: dict[str, Callable[..., Decision]] = {
    "labour-2021": _decide_2021,
    "labour-2018": _decide_2018,
    "labour-pre-2018": _decide_pre_2018,
}

# What the histogram's share means, and the threshold drawn on it, per rule set.
SHARE_MEANINGS = {
    "labour-2021": ("open share of the college", 0.5),
    "labour-2018": ("open fraction of the more open section", 1 / 3),
    "labour-pre-2018": ("open share of all units", 0.5),
}


def trial_scenario(fs: ForecastScenario, trials: Trials, t: int, rules: str | None = None,
                   options: Mapping | None = None) -> Scenario:
    """Trial ``t`` as an ordinary scenario, for counting.count."""
    branches = []
    for j, b in enumerate(fs.branches):
        if b.known and b.reselect is None:
            branches.append(Branch(name=b.name, outcome=b.outcome))
        else:
            branches.append(Branch(name=b.name, reselect=int(trials.reselect[t, j]), open=int(trials.open[t, j])))
    affiliates = tuple(
        Affiliate(name=a.name, vote=VOTE_NAMES[int(trials.votes[t, i])], members=a.members)
        for i, a in enumerate(fs.affiliates)
    )
    return Scenario(branches=tuple(branches), affiliates=affiliates, rules=rules or fs.rules,
                    options=fs.options if options is None else options)


def count_trials(fs: ForecastScenario, trials: Trials, rules: str, options: Mapping,
                 *, vectorised: bool = True, agg: Aggregates | None = None, share: bool = True) -> Decision:
    """Every trial's outcome (and open share) under one rule set and its applied options."""
    decide = VECTOR_COUNTERS.get(rules) if vectorised else None
    if decide is not None:
        return decide(agg if agg is not None else aggregate(fs, trials), options, share=share)
    n = len(trials)
    open_ = np.zeros(n, dtype=bool)
    share = np.zeros(n, dtype=float)
    for t in range(n):
        result = counting.count(trial_scenario(fs, trials, t, rules, options))
        open_[t] = result.open_selection
        if result.open_share is not None:
            share[t] = float(result.open_share)
        elif rules == "labour-2018":
            share[t] = max((float(s.open_fraction) for s in result.sections if s.open_fraction is not None),
                           default=0.0)
    return open_, share


def _applied(rules: str, options: Mapping) -> dict:
    applied, _ = counting.get_rule_set(rules).resolve_options(options)
    return applied


# Rule sets whose decision sees branches only through the numbers reselect/open/tied (unless
# member_counting=individual) and affiliates only through the numbers voting each way (unless
# affiliate_counting=weighted): moving one entry from one class to another then has the same
# effect in a trial whichever entry it is, so a handful of decisions per trial cover them all.
PIVOT_BY_CLASS = {"labour-2021", "labour-2018", "labour-pre-2018"}


def _pivotal(fs: ForecastScenario, trials: Trials, agg: Aggregates, rules: str, options: dict,
             base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How many trials each branch, and each affiliate, was pivotal in (see the docstring)."""
    decide = VECTOR_COUNTERS.get(rules)
    if decide is None:
        return _pivotal_one_by_one(fs, trials, rules, options, base)
    one = np.int64(1)
    r, o, v = trials.reselect, trials.open, trials.votes
    by_class = rules in PIVOT_BY_CLASS
    individual = options.get("member_counting") == "individual"
    weighted = options.get("affiliate_counting") == "weighted"

    def flips(changed: Aggregates) -> np.ndarray:
        return decide(changed, options, share=False)[0] != base

    if not len(fs.branches):
        branch_counts = np.zeros(0, dtype=np.int64)
    elif individual:
        branch_counts = np.array([
            flips(replace(agg, v_reselect=agg.v_reselect - r[:, j] + o[:, j],
                          v_open=agg.v_open - o[:, j] + r[:, j])).sum()
            for j in range(len(fs.branches))
        ], dtype=np.int64)
    elif by_class:
        # Class of each branch in each trial: 0 reselect, 1 open, 2 tied, 3 no votes.
        cls = np.where(r > o, 0, np.where(o > r, 1, np.where(r > 0, 2, 3)))
        nr, no, nt = agg.n_reselect, agg.n_open, agg.n_tied
        to_open = {
            0: flips(replace(agg, n_reselect=nr - one, n_open=no + one)),
            2: flips(replace(agg, n_tied=nt - one, n_open=no + one)),
            3: flips(replace(agg, n_open=no + one)),
        }
        to_reselect = {
            1: flips(replace(agg, n_open=no - one, n_reselect=nr + one)),
            2: flips(replace(agg, n_tied=nt - one, n_reselect=nr + one)),
            3: flips(replace(agg, n_reselect=nr + one)),
        }
        table = np.stack([to_open[0], to_reselect[1], to_open[2] | to_reselect[2], to_open[3] | to_reselect[3]],
                         axis=1)
        branch_counts = np.take_along_axis(table, cls, axis=1).sum(axis=0).astype(np.int64)
    else:
        branch_counts = np.zeros(len(fs.branches), dtype=np.int64)
        for j in range(len(fs.branches)):
            rj, oj = r[:, j], o[:, j]
            is_r, is_o = rj > oj, oj > rj
            is_t = (rj == oj) & (rj > 0)
            without = replace(agg, n_reselect=agg.n_reselect - is_r, n_open=agg.n_open - is_o,
                              n_tied=agg.n_tied - is_t)
            up = flips(replace(without, n_open=without.n_open + one))
            down = flips(replace(without, n_reselect=without.n_reselect + one))
            branch_counts[j] = np.where(is_r, up, np.where(is_o, down, up | down)).sum()

    members = _affiliate_members(fs)
    if not len(fs.affiliates):
        affiliate_counts = np.zeros(0, dtype=np.int64)
    elif by_class and not weighted:
        ar, ao = agg.a_reselect, agg.a_open
        up_from_r = flips(replace(agg, a_reselect=ar - one, a_open=ao + one))
        down_from_o = flips(replace(agg, a_open=ao - one, a_reselect=ar + one))
        either = flips(replace(agg, a_open=ao + one)) | flips(replace(agg, a_reselect=ar + one))
        # Vote codes: 0 reselect, 1 open, 2 abstain, 3 did not vote.
        table = np.stack([up_from_r, down_from_o, either, either], axis=1)
        affiliate_counts = np.take_along_axis(table, v.astype(np.intp), axis=1).sum(axis=0).astype(np.int64)
    else:
        affiliate_counts = np.zeros(len(fs.affiliates), dtype=np.int64)
        for i in range(len(fs.affiliates)):
            is_r, is_o = v[:, i] == 0, v[:, i] == 1
            m = members[i]
            without = replace(agg, a_reselect=agg.a_reselect - is_r, a_open=agg.a_open - is_o,
                              m_reselect=agg.m_reselect - m * is_r, m_open=agg.m_open - m * is_o)
            up = flips(replace(without, a_open=without.a_open + one, m_open=without.m_open + m))
            down = flips(replace(without, a_reselect=without.a_reselect + one, m_reselect=without.m_reselect + m))
            affiliate_counts[i] = np.where(is_r, up, np.where(is_o, down, up | down)).sum()
    return branch_counts, affiliate_counts


def _pivotal_one_by_one(fs, trials, rules, options, base):
    branch_counts = np.zeros(len(fs.branches), dtype=np.int64)
    affiliate_counts = np.zeros(len(fs.affiliates), dtype=np.int64)
    for t in range(len(trials)):
        scenario = trial_scenario(fs, trials, t, rules, options)
        for j, b in enumerate(scenario.branches):
            if b.has_counts and options.get("member_counting") == "individual":
                alternatives = [Branch(name=b.name, reselect=b.open, open=b.reselect)]
            else:
                result = b.result
                alternatives = [Branch(name=b.name, outcome=side) for side in (RESELECT, OPEN) if side != result]
            for alternative in alternatives:
                branches = scenario.branches[:j] + (alternative,) + scenario.branches[j + 1:]
                if counting.count(replace(scenario, branches=branches)).open_selection != base[t]:
                    branch_counts[j] += 1
                    break
        for i, a in enumerate(scenario.affiliates):
            for side in (RESELECT, OPEN):
                if side == a.vote:
                    continue
                changed = Affiliate(name=a.name, vote=side, members=a.members)
                affiliates = scenario.affiliates[:i] + (changed,) + scenario.affiliates[i + 1:]
                if counting.count(replace(scenario, affiliates=affiliates)).open_selection != base[t]:
                    affiliate_counts[i] += 1
                    break
    return branch_counts, affiliate_counts


# ------------------------------------------------------------------------ results


def wilson_interval(successes: int, n: int, z: float = _Z95) -> tuple[float, float]:
    """The Wilson score interval for a binomial proportion (95% by default)."""
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


@dataclass(frozen=True)
class RuleForecast:
    rules: str
    options: Mapping[str, str]
    open_selections: int
    trials: int
    vectorised: bool
    by_tied_branch: Mapping[str, int] = field(default_factory=dict)

    @property
    def p_open_selection(self) -> float:
        return self.open_selections / self.trials

    @property
    def ci95(self) -> tuple[float, float]:
        return wilson_interval(self.open_selections, self.trials)

    def tie_rows(self) -> list[tuple[str, float, tuple[float, float]]]:
        return [(tie, k / self.trials, wilson_interval(k, self.trials)) for tie, k in self.by_tied_branch.items()]

    def to_dict(self) -> dict:
        return {
            "p_open_selection": self.p_open_selection,
            "ci95": list(self.ci95),
            "open_selections": self.open_selections,
            "options": dict(self.options),
            "vectorised": self.vectorised,
            "by_tied_branch": {
                tie: {"p_open_selection": p, "ci95": list(ci)} for tie, p, ci in self.tie_rows()
            },
        }


@dataclass(frozen=True)
class ForecastResult:
    """A forecast's figures; :meth:`to_dict` is ``simulate --json``'s object."""

    trials: int
    seed: int
    rules: str
    options: Mapping[str, str]
    by_rules: Mapping[str, RuleForecast]
    share_meaning: str
    threshold: float
    histogram: tuple[int, ...]
    share_mean: float
    share_quantiles: Mapping[str, float]
    pivotal_branches: tuple[tuple[str, float], ...]
    pivotal_affiliates: tuple[tuple[str, float], ...]
    seconds: float

    @property
    def main(self) -> RuleForecast:
        return self.by_rules[self.rules]

    def histogram_bins(self) -> list[tuple[float, float, int]]:
        width = 1 / HISTOGRAM_BINS
        return [(i * width, (i + 1) * width, k) for i, k in enumerate(self.histogram)]

    def to_dict(self) -> dict:
        return {
            "trials": self.trials,
            "seed": self.seed,
            "rules": self.rules,
            "options": dict(self.options),
            "by_rules": {name: rf.to_dict() for name, rf in self.by_rules.items()},
            "open_share": {
                "meaning": self.share_meaning,
                "threshold": self.threshold,
                "mean": self.share_mean,
                "quantiles": dict(self.share_quantiles),
                "histogram": [{"from": a, "to": b, "trials": k} for a, b, k in self.histogram_bins()],
            },
            "pivotal": {
                "branches": dict(self.pivotal_branches),
                "affiliates": dict(self.pivotal_affiliates),
            },
            "seconds": round(self.seconds, 4),
        }


def forecast(
    fs: ForecastScenario | Mapping,
    trials: int = 10_000,
    seed: int | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    vectorised: bool = True,
) -> ForecastResult:
    """Run ``trials`` Monte Carlo trials of a forecast scenario.

    Every registered rule set is counted (with the scenario's options where it has them,
    and each tie option); the histogram and pivotal frequencies are under the scenario's
    own rules. ``progress(done, total)`` is called after each chunk of trials. With
    ``vectorised=False`` every trial is counted through :func:`counting.count` (the
    baseline that ``bench/`` compares with).
    """
    if not isinstance(fs, ForecastScenario):
        fs = forecast_from_dict(fs)
    if isinstance(trials, bool) or not isinstance(trials, int) or not 1 <= trials <= MAX_TRIALS:
        raise ForecastError(f"trials must be a whole number from 1 to {MAX_TRIALS:,}, not {trials!r}")
    if seed is None:
        seed = secrets.randbits(32)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ForecastError(f"the seed must be a whole number of at least 0, not {seed!r}")
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    main_options = _applied(fs.rules, fs.options)
    plans = []  # (rules, applied options, tie -> applied options)
    for name, rule_set in counting.RULE_SETS.items():
        applied = main_options if name == fs.rules else _applied(name, _applicable(rule_set, fs.options))
        ties = {}
        if rule_set.option("tied_branch") is not None:
            for tie in counting.TIE_OPTIONS:
                ties[tie] = {**applied, "tied_branch": tie}
        plans.append((name, applied, ties))
    totals = {name: 0 for name, _, _ in plans}
    tie_totals = {name: dict.fromkeys(ties, 0) for name, _, ties in plans}
    histogram = np.zeros(HISTOGRAM_BINS, dtype=np.int64)
    shares = []
    branch_pivots = np.zeros(len(fs.branches), dtype=np.int64)
    affiliate_pivots = np.zeros(len(fs.affiliates), dtype=np.int64)
    done = 0
    while done < trials:
        n = min(CHUNK, trials - done)
        chunk = sample_trials(fs, n, rng)
        agg = aggregate(fs, chunk)
        for name, applied, ties in plans:
            outcome, share = count_trials(fs, chunk, name, applied, vectorised=vectorised, agg=agg,
                                          share=name == fs.rules)
            totals[name] += int(outcome.sum())
            for tie, tie_options in ties.items():
                if tie_options == applied:
                    tie_totals[name][tie] += int(outcome.sum())
                else:
                    tie_outcome, _ = count_trials(fs, chunk, name, tie_options, vectorised=vectorised, agg=agg,
                                                  share=False)
                    tie_totals[name][tie] += int(tie_outcome.sum())
            if name == fs.rules:
                shares.append(share)
                bins = np.minimum((share * HISTOGRAM_BINS).astype(np.int64), HISTOGRAM_BINS - 1)
                histogram += np.bincount(bins, minlength=HISTOGRAM_BINS)
                if vectorised:
                    b, a = _pivotal(fs, chunk, agg, name, applied, outcome)
                else:
                    b, a = _pivotal_one_by_one(fs, chunk, name, applied, outcome)
                branch_pivots += b
                affiliate_pivots += a
        done += n
        if progress is not None:
            progress(done, trials)
    all_shares = np.concatenate(shares)
    meaning, threshold = SHARE_MEANINGS.get(fs.rules, ("open share", 0.5))
    quantiles = np.quantile(all_shares, [0.05, 0.5, 0.95])
    return ForecastResult(
        trials=trials,
        seed=seed,
        rules=fs.rules,
        options=main_options,
        by_rules={
            name: RuleForecast(
                rules=name,
                options=applied,
                open_selections=totals[name],
                trials=trials,
                vectorised=vectorised and name in VECTOR_COUNTERS,
                by_tied_branch=tie_totals[name],
            )
            for name, applied, _ in plans
        },
        share_meaning=meaning,
        threshold=threshold,
        histogram=tuple(int(k) for k in histogram),
        share_mean=float(all_shares.mean()),
        share_quantiles={"p5": float(quantiles[0]), "p50": float(quantiles[1]), "p95": float(quantiles[2])},
        pivotal_branches=tuple((b.name, int(k) / trials) for b, k in zip(fs.branches, branch_pivots, strict=True)),
        pivotal_affiliates=tuple(
            (a.name, int(k) / trials) for a, k in zip(fs.affiliates, affiliate_pivots, strict=True)
        ),
        seconds=time.perf_counter() - started,
    )


def _applicable(rule_set: counting.RuleSet, options: Mapping) -> dict:
    """The scenario's options that this rule set has (the others are not errors, just not used)."""
    return {k: v for k, v in options.items() if rule_set.option(k) is not None}
