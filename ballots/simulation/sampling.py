"""Forecast scenarios and drawing trials from them.

A *forecast scenario* is the scenario JSON where a branch may give ``members`` (eligible),
``turnout`` and ``support`` (for reselection), each a number or ``{"mean": m, "sd": s}`` in
[0, 1], and an affiliate ``p_reselect``, ``p_open``, ``p_abstain`` (summing to 1) and
optionally ``members``. A branch may instead give known counts or an outcome, and an
affiliate a known ``vote``: those are the same in every trial.

Sampling, per trial: turnout ~ Normal(mean, sd) clipped to [0, 1] (chosen over a Beta
because it accepts any sd, and sd 0 is exactly the mean); voters ~ Binomial(members,
turnout); support ~ Normal(mean, sd) clipped to [0, 1]; reselect ~ Binomial(voters,
support); open = voters - reselect; each affiliate's vote ~ Categorical(p_reselect,
p_open, p_abstain). Where no figure reads the branches' vote counts, only their
majorities (``draw_votes=False``: every rule set counting branches as units), the second
binomial is not drawn: the branch's majority is drawn exactly from the order statistics of
its voters (:func:`branch_majorities`), and the branch is given the smallest counts with
that majority, as a branch known only by its outcome is. Trials are drawn in chunks of a
fixed size (:data:`CHUNK`), each chunk from its own stream (:func:`chunk_rng`: PCG64 seeded
from the seed, the ballot's place in a round and the chunk's place), so the same seed gives
the same numbers however the run is reported and however many threads draw the chunks.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ballots import counting
from ballots.counting import ABSTAIN, NONE, OPEN, RESELECT, TIED, Affiliate, Branch, CountingError, Scenario


class ForecastError(CountingError):
    """A forecast scenario that cannot be run; the message names the offending entry."""


CHUNK = 20_000  # trials drawn at a time; fixed, so a seed means the same draws however reported
MAX_TRIALS = 10_000_000
WORKERS = min(2, os.cpu_count() or 1)  # threads drawing chunks (NumPy's draws release the GIL)
VOTE_CODES = {RESELECT: 0, OPEN: 1, ABSTAIN: 2, NONE: 3}
VOTE_NAMES = {code: vote for vote, code in VOTE_CODES.items()}


@dataclass(frozen=True)
class Spread:
    """A probability with its uncertainty: Normal(mean, sd) clipped to [0, 1]."""

    mean: float
    sd: float = 0.0

    def to_dict(self) -> dict[str, float]:
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

    def spreads(self) -> tuple[Spread, Spread]:
        """(turnout, support) of a branch to forecast."""
        assert self.turnout is not None and self.support is not None, f"branch {self.name!r} is known"
        return self.turnout, self.support

    def known_counts(self) -> tuple[int, int]:
        """A known branch as counts: its own, or the smallest that give its outcome."""
        if self.reselect is not None and self.open is not None:
            return self.reselect, self.open
        return {RESELECT: (1, 0), OPEN: (0, 1), TIED: (1, 1)}[self.outcome or TIED]

    def to_dict(self) -> dict[str, Any]:
        item: dict[str, Any] = {"name": self.name}
        if self.known:
            if self.reselect is not None:
                item["reselect"], item["open"] = self.reselect, self.open
            if self.outcome is not None:
                item["outcome"] = self.outcome
        else:
            item["members"] = self.members
            turnout, support = self.spreads()
            item["turnout"] = turnout.to_dict()
            item["support"] = support.to_dict()
        return item


@dataclass(frozen=True)
class ForecastAffiliate:
    """An affiliate whose vote is uncertain (p_reselect, p_open, p_abstain) or known (vote)."""

    name: str
    p: tuple[float, float, float] | None = None
    vote: str | None = None
    members: int | None = None

    def probabilities(self) -> tuple[float, float, float]:
        """(p_reselect, p_open, p_abstain) of an affiliate whose vote is uncertain."""
        assert self.p is not None, f"affiliate {self.name!r} has a known vote"
        return self.p

    def to_dict(self) -> dict[str, Any]:
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
    """A scenario to forecast: uncertain (or known) branches and affiliates, rules and options."""

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
        raise ForecastError(f'{label} is missing (a number, or {{"mean": m, "sd": s}})')
    return Spread(_probability(value, label))


def _size(value: Any, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ForecastError(f"{label} must be a whole number, not {value!r}")
    if value < 0:
        raise ForecastError(f"{label} cannot be negative ({value})")
    return int(value)


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
            known = Branch(name=name, reselect=item.get("reselect"), open=item.get("open"), outcome=item.get("outcome"))
            branches.append(ForecastBranch(name=name, reselect=known.reselect, open=known.open, outcome=known.outcome))
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
            p_reselect, p_open, p_abstain = (_probability(item.get(k, 0), f"{label}: {k}") for k in keys)
            p = (p_reselect, p_open, p_abstain)
            if abs(sum(p) - 1) > 1e-9:
                raise ForecastError(f"{label}: p_reselect, p_open and p_abstain must sum to 1 (they sum to {sum(p):g})")
            affiliates.append(ForecastAffiliate(name=name, p=p, members=members))
        elif "vote" in item:
            known_vote = Affiliate(name=name, vote=item["vote"], members=members).vote
            affiliates.append(ForecastAffiliate(name=name, vote=known_vote, members=members))
        else:
            raise ForecastError(f"{label} gives neither p_reselect, p_open and p_abstain nor a vote")
    scenario = ForecastScenario(
        branches=tuple(branches), affiliates=tuple(affiliates), rules=rules, options=dict(options)
    )
    # Whatever the counting engine would refuse in some trial, refuse now: names, options
    # under the scenario's rules, weighted affiliates without members, outcome-only branches
    # under individual counting.
    counting.count(_representative(scenario))
    return scenario


def _representative(fs: ForecastScenario) -> Scenario:
    """A scenario in which every uncertain entry takes part, to check what counting accepts."""
    branches = tuple(
        Branch(name=b.name, reselect=1, open=0)
        if not b.known
        else Branch(name=b.name, reselect=b.reselect, open=b.open, outcome=b.outcome)
        for b in fs.branches
    )
    affiliates = tuple(
        Affiliate(
            name=a.name,
            vote=(a.vote or NONE) if a.p is None else (RESELECT if a.p[0] + a.p[1] > 0 else ABSTAIN),
            members=a.members,
        )
        for a in fs.affiliates
    )
    return Scenario(branches=branches, affiliates=affiliates, rules=fs.rules, options=fs.options)


def forecast_to_dict(fs: ForecastScenario) -> dict[str, Any]:
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
        return int(self.votes.shape[0] if self.votes.ndim == 2 else self.reselect.shape[0])


def chunk_rng(seed: int, ballot: int, chunk: int) -> np.random.Generator:
    """The stream of one chunk of one ballot's trials (ballot 0 for a forecast of one ballot).

    The first chunk of the first ballot draws from ``default_rng(seed)``, the first chunk of
    ballot ``i`` from ``default_rng([seed, i])``, and chunk ``k > 0`` from
    ``default_rng([seed, i, k])``: independent streams, so chunks can be drawn in any order,
    and a forecast of up to one chunk of trials draws what a plain ``default_rng(seed)`` would.
    """
    if chunk:
        return np.random.default_rng([seed, ballot, chunk])
    return np.random.default_rng([seed, ballot] if ballot else seed)


def branch_majorities(
    voters: np.ndarray, support: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Each branch's majority when ``reselect ~ Binomial(voters, support)``, without its counts.

    Returned as the smallest counts with that majority: (1, 0) for reselection, (0, 1) for
    open, (1, 1) tied, (0, 0) where nobody voted. Exact, and about half the cost of the
    binomial: let each of V voters be a uniform number, for reselection when below s; then at
    least k are for reselection exactly when the k-th smallest is below s, and the k-th
    smallest of V is Beta(k, V + 1 - k). With V = 2j + 1, reselection wins when the (j + 1)-th
    is below s. With V = 2j, open wins when the j-th (X) is not, and otherwise reselection wins
    when the (j + 1)-th is below s too, tying if not: given X, the (j + 1)-th is
    X + (1 - X) Beta(1, j), and Beta(1, j) is 1 - U ** (1 / j) for U uniform.
    """
    half = voters // 2
    odd = (voters % 2) == 1
    # The order statistic first compared: the (j + 1)-th of 2j + 1, the j-th of 2j; either way
    # Beta(k, j + 1). Beta(1, 1) stands in where nobody voted (V = 0), and is not read.
    b = half + 1.0  # floats, as the draw takes them, so NumPy makes no copy
    kth = rng.beta(np.maximum(b - 1.0 + odd, 1.0), b)
    del b
    voted = voters > 0
    # At least k for reselection (support 1: every voter, whatever the draw rounds to).
    ahead = ((kth < support) | (support >= 1.0)) & voted
    open_wins = voted & ~ahead
    reselect_wins = ahead & odd
    tied = np.zeros_like(ahead)
    # Even V with at least j of 2j for reselection: the (j + 1)-th decides reselect or tied.
    undecided = np.flatnonzero(ahead & ~odd)
    if undecided.size:
        x, j, s = kth.flat[undecided], half.flat[undecided], support.flat[undecided]
        next_kth = x + (1.0 - x) * (1.0 - rng.random(undecided.size) ** (1.0 / j))
        wins = (next_kth < s) | (s >= 1.0)
        reselect_wins.flat[undecided] = wins
        tied.flat[undecided] = ~wins
    return (reselect_wins | tied).astype(np.int64), (open_wins | tied).astype(np.int64)


def sample_trials(fs: ForecastScenario, n: int, rng: np.random.Generator, *, draw_votes: bool = True) -> Trials:
    """Draw ``n`` trials of every uncertain branch and affiliate (see the module docstring).

    ``draw_votes=False`` draws each branch's majority rather than its counts
    (:func:`branch_majorities`): for figures that read branches only as units.
    """
    n_b, n_a = len(fs.branches), len(fs.affiliates)
    reselect = np.zeros((n, n_b), dtype=np.int64)
    open_ = np.zeros((n, n_b), dtype=np.int64)
    drawn = [j for j, b in enumerate(fs.branches) if not b.known]
    for j, b in enumerate(fs.branches):
        if b.known:
            reselect[:, j], open_[:, j] = b.known_counts()
    if drawn:
        members = np.array([fs.branches[j].members for j in drawn], dtype=np.int64)
        spreads = [fs.branches[j].spreads() for j in drawn]
        t_mean = np.array([turnout.mean for turnout, _ in spreads])
        t_sd = np.array([turnout.sd for turnout, _ in spreads])
        s_mean = np.array([support.mean for _, support in spreads])
        s_sd = np.array([support.sd for _, support in spreads])
        shape = (n, len(drawn))
        turnout = np.clip(t_mean + t_sd * rng.standard_normal(shape), 0.0, 1.0)
        voters = rng.binomial(members, turnout)
        del turnout  # a chunk's arrays are large: keep few in hand at once
        support = np.clip(s_mean + s_sd * rng.standard_normal(shape), 0.0, 1.0)
        if draw_votes:
            for_reselect = rng.binomial(voters, support)
            for_open = voters - for_reselect
        else:
            for_reselect, for_open = branch_majorities(voters, support, rng)
        if len(drawn) == n_b:
            reselect, open_ = for_reselect, for_open
        else:
            reselect[:, drawn] = for_reselect
            open_[:, drawn] = for_open
    votes = np.full((n, n_a), VOTE_CODES[NONE], dtype=np.int8)
    uncertain = [i for i, a in enumerate(fs.affiliates) if a.p is not None]
    for i, a in enumerate(fs.affiliates):
        if a.p is None:
            votes[:, i] = VOTE_CODES[a.vote or NONE]
    if uncertain:
        p = np.array([fs.affiliates[i].probabilities() for i in uncertain])
        p_reselect, p_open, p_abstain = p[:, 0], p[:, 1], p[:, 2]
        # With p_abstain 0 nobody abstains, whatever the rounding of p_reselect + p_open.
        upper = np.where(p_abstain == 0, np.inf, p_reselect + p_open)
        u = rng.random((n, len(uncertain)))
        # 0 below p_reselect, 1 below p_reselect + p_open, else 2 (upper >= p_reselect).
        drawn_votes = (u >= p_reselect).astype(np.int8)
        drawn_votes += u >= upper
        if len(uncertain) == n_a:
            votes = drawn_votes
        else:
            votes[:, uncertain] = drawn_votes
    return Trials(reselect=reselect, open=open_, votes=votes)
