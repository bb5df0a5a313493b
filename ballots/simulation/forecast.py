"""The forecast: running trials under every rule set, the histogram, pivotal frequencies.

:func:`forecast` draws trials in chunks (:mod:`.sampling`), counts each chunk under every
registered rule set and each tie option (:mod:`.vectorised`), and gathers the figures
into a :class:`ForecastResult`, whose :meth:`~ForecastResult.to_dict` is
``simulate --json``'s object. The histogram shows what the scenario's own rule set calls
its share (``RuleSet.share_label``), against its threshold. Chunks are drawn and counted on
up to :data:`.sampling.WORKERS` threads, each from its own stream, and gathered in order,
so the threads change no figure. Memory is bounded by the chunk size: a few chunks are in
hand at once, each counted and dropped, and the shares are kept only as a tally of distinct
values (:class:`ShareTally`) for their mean and quantiles.
"""

from __future__ import annotations

import math
import secrets
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ballots import counting
from ballots.simulation.sampling import (
    CHUNK,
    MAX_TRIALS,
    WORKERS,
    ForecastError,
    ForecastScenario,
    chunk_rng,
    forecast_from_dict,
    sample_trials,
)
from ballots.simulation.vectorised import (
    VOTE_FIELDS,
    count_trials,
    counts_from_trials,
    fields_read,
    pivotal,
    pivotal_one_by_one,
)

HISTOGRAM_BINS = 20
_Z95 = 1.959963984540054


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "p_open_selection": self.p_open_selection,
            "ci95": list(self.ci95),
            "open_selections": self.open_selections,
            "options": dict(self.options),
            "vectorised": self.vectorised,
            "by_tied_branch": {tie: {"p_open_selection": p, "ci95": list(ci)} for tie, p, ci in self.tie_rows()},
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
    # Trials whose share passes the threshold (the histogram's open side; exactly at a "more
    # than" threshold is the reselect side), counted from the shares, not from the bars.
    open_side_trials: int
    pivotal_branches: tuple[tuple[str, float], ...]
    pivotal_affiliates: tuple[tuple[str, float], ...]
    seconds: float

    @property
    def main(self) -> RuleForecast:
        return self.by_rules[self.rules]

    def histogram_bins(self) -> list[tuple[float, float, int]]:
        width = 1 / HISTOGRAM_BINS
        return [(i * width, (i + 1) * width, k) for i, k in enumerate(self.histogram)]

    def to_dict(self) -> dict[str, Any]:
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
                "open_side_trials": self.open_side_trials,
                "histogram": [{"from": a, "to": b, "trials": k} for a, b, k in self.histogram_bins()],
            },
            "pivotal": {
                "branches": dict(self.pivotal_branches),
                "affiliates": dict(self.pivotal_affiliates),
            },
            "seconds": round(self.seconds, 4),
        }


def forecast(
    fs: ForecastScenario | Mapping[str, Any],
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
    main_options = _applied(fs.rules, fs.options)
    plans = forecast_plans(fs)
    votes = plans_read_votes(fs, plans)
    threshold_rule = counting.get_rule_set(fs.rules).threshold
    totals = {name: 0 for name, _, _ in plans}
    tie_totals = {name: dict.fromkeys(ties, 0) for name, _, ties in plans}
    histogram = np.zeros(HISTOGRAM_BINS, dtype=np.int64)
    shares = ShareTally()
    open_side = 0
    branch_pivots = np.zeros(len(fs.branches), dtype=np.int64)
    affiliate_pivots = np.zeros(len(fs.affiliates), dtype=np.int64)

    def chunk_counted(index: int) -> _ChunkFigures:
        n = min(CHUNK, trials - index * CHUNK)
        return _chunk_figures(fs, plans, chunk_rng(seed, 0, index), n, vectorised=vectorised, votes=votes)

    done = 0
    for figures in _in_order(chunk_counted, range(math.ceil(trials / CHUNK))):
        for name, count in figures.totals.items():
            totals[name] += count
        for name, by_tie in figures.tie_totals.items():
            for tie, count in by_tie.items():
                tie_totals[name][tie] += count
        shares.add(figures.shares)
        open_side += int(np.count_nonzero(share_passes(figures.shares, threshold_rule)))
        histogram += np.bincount(histogram_bin(figures.shares, threshold_rule), minlength=HISTOGRAM_BINS)
        branch_pivots += figures.branch_pivots
        affiliate_pivots += figures.affiliate_pivots
        done += len(figures.shares)
        if progress is not None:
            progress(done, trials)
    rule_set = counting.get_rule_set(fs.rules)
    meaning, threshold = rule_set.share_label, float(rule_set.threshold.value)
    quantiles = [shares.quantile(q) for q in (0.05, 0.5, 0.95)]
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
                vectorised=vectorised,
                by_tied_branch=tie_totals[name],
            )
            for name, applied, _ in plans
        },
        share_meaning=meaning,
        threshold=threshold,
        histogram=tuple(int(k) for k in histogram),
        share_mean=shares.mean(),
        share_quantiles={"p5": float(quantiles[0]), "p50": float(quantiles[1]), "p95": float(quantiles[2])},
        open_side_trials=open_side,
        pivotal_branches=tuple((b.name, int(k) / trials) for b, k in zip(fs.branches, branch_pivots, strict=True)),
        pivotal_affiliates=tuple(
            (a.name, int(k) / trials) for a, k in zip(fs.affiliates, affiliate_pivots, strict=True)
        ),
        seconds=time.perf_counter() - started,
    )


# (rules, options applied, tie option -> options applied)
_Plan = tuple[str, dict[str, str], dict[str, dict[str, str]]]


def forecast_plans(fs: ForecastScenario) -> list[_Plan]:
    """Every registered rule set with the scenario's options where it has them, and each tie option."""
    plans: list[_Plan] = []
    for name, rule_set in counting.RULE_SETS.items():
        applied = _applied(name, fs.options if name == fs.rules else _applicable(rule_set, fs.options))
        ties = {}
        if rule_set.option("tied_branch") is not None:
            for tie in counting.TIE_OPTIONS:
                ties[tie] = {**applied, "tied_branch": tie}
        plans.append((name, applied, ties))
    return plans


def plans_read_votes(fs: ForecastScenario, plans: list[_Plan]) -> bool:
    """Whether any decision or share of a forecast reads branches' vote counts, not only majorities.

    Where none does, trials draw each branch's majority (``sample_trials(draw_votes=False)``),
    exactly and at about three quarters of the cost. A round forecast asks the same question
    of the same plans, so a one-ballot round draws what the single-ballot forecast draws.
    """
    for name, applied, ties in plans:
        if fields_read(name, applied, share=name == fs.rules) & VOTE_FIELDS:
            return True
        if any(fields_read(name, tie_options) & VOTE_FIELDS for tie_options in ties.values()):
            return True
    return False


@dataclass
class _ChunkFigures:
    """What one chunk of trials adds to a forecast (shares under the scenario's own rules)."""

    totals: dict[str, int]
    tie_totals: dict[str, dict[str, int]]
    shares: np.ndarray
    branch_pivots: np.ndarray
    affiliate_pivots: np.ndarray


def _chunk_figures(
    fs: ForecastScenario, plans: list[_Plan], rng: np.random.Generator, n: int, *, vectorised: bool, votes: bool
) -> _ChunkFigures:
    """Draw ``n`` trials from ``rng`` and count them under every plan (rules, options, ties)."""
    chunk = sample_trials(fs, n, rng, draw_votes=votes)
    agg = counts_from_trials(fs, chunk)
    figures = _ChunkFigures({}, {}, np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    for name, applied, ties in plans:
        outcome, share = count_trials(fs, chunk, name, applied, vectorised=vectorised, agg=agg, share=name == fs.rules)
        figures.totals[name] = int(outcome.sum())
        figures.tie_totals[name] = {}
        for tie, tie_options in ties.items():
            if tie_options == applied:
                tie_outcome = outcome
            else:
                tie_outcome, _ = count_trials(fs, chunk, name, tie_options, vectorised=vectorised, agg=agg, share=False)
            figures.tie_totals[name][tie] = int(tie_outcome.sum())
        if name == fs.rules:
            assert share is not None  # asked for under the scenario's own rules
            figures.shares = share
            if vectorised:
                figures.branch_pivots, figures.affiliate_pivots = pivotal(fs, chunk, agg, name, applied, outcome)
            else:
                figures.branch_pivots, figures.affiliate_pivots = pivotal_one_by_one(fs, chunk, name, applied, outcome)
    return figures


def _in_order(function: Callable[[int], _ChunkFigures], indexes: range) -> Iterator[_ChunkFigures]:
    """``function`` of each index, yielded in order, computed on up to WORKERS threads.

    At most two chunks per thread are in hand at once, so memory stays bounded by the chunk
    size whatever the number of trials; each chunk's stream is its own, so the threads
    change no figure.
    """
    workers = min(WORKERS, len(indexes))
    if workers <= 1:
        yield from map(function, indexes)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[_ChunkFigures]] = deque()
        for index in indexes:
            pending.append(pool.submit(function, index))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def histogram_bin(shares: np.ndarray, threshold: counting.Threshold) -> np.ndarray:
    """Each share's bar: 5-point bands from the low edge, except that a share exactly at a
    "more than" threshold (which does not pass it) goes in the bar below, so that every bar
    lies wholly on one side: exactly 50% is on the reselect side of "more than half"."""
    bins = np.minimum((shares * HISTOGRAM_BINS).astype(np.int64), HISTOGRAM_BINS - 1)
    if threshold.test == "more than":
        at = (shares == float(threshold.value)) & (bins > 0)
        edge = float(threshold.value) * HISTOGRAM_BINS
        if edge == int(edge):  # the threshold is a bar's edge: move it to the bar below
            bins = np.where(at, bins - 1, bins)
    return bins


# Shares are floats of exact fractions; one at the threshold may be a rounding away from it.
_SHARE_TOLERANCE = 1e-12


def share_passes(shares: np.ndarray, threshold: counting.Threshold) -> np.ndarray:
    """Which shares are on the open side of the threshold: exactly 50% does not pass "more than
    half", exactly a third passes "at least a third"."""
    value = float(threshold.value)
    if threshold.test == "more than":
        return shares > value + _SHARE_TOLERANCE
    return shares >= value - _SHARE_TOLERANCE


class ShareTally:
    """The shares seen so far as distinct values and how often each came up.

    Memory grows with the number of distinct shares (a few hundred for units; more with
    member votes pooled), never with the number of trials; the quantiles are those of every
    share, as ``numpy.quantile`` gives them (linear interpolation).
    """

    def __init__(self) -> None:
        self.values = np.zeros(0, dtype=float)
        self.counts = np.zeros(0, dtype=np.int64)

    def add(self, shares: np.ndarray) -> None:
        values, counts = np.unique(shares, return_counts=True)
        merged, where = np.unique(np.concatenate((self.values, values)), return_inverse=True)
        self.counts = np.bincount(where, weights=np.concatenate((self.counts, counts)), minlength=len(merged)).astype(
            np.int64
        )
        self.values = merged

    def mean(self) -> float:
        return float(self.values @ self.counts / self.counts.sum())

    def _at(self, position: int) -> float:
        """The share at this position of all shares sorted."""
        return float(self.values[int(np.searchsorted(np.cumsum(self.counts), position, side="right"))])

    def quantile(self, q: float) -> float:
        h = (int(self.counts.sum()) - 1) * q
        low = math.floor(h)
        a = self._at(low)
        b = self._at(min(low + 1, int(self.counts.sum()) - 1))
        t = h - low
        # The same interpolation as numpy.quantile's default, so the figures do not move.
        return float(b - (b - a) * (1 - t)) if t >= 0.5 else float(a + t * (b - a))


def _applicable(rule_set: counting.RuleSet, options: Mapping[str, str]) -> dict[str, str]:
    """The scenario's options that this rule set has (the others are not errors, just not used)."""
    return {k: v for k, v in options.items() if rule_set.option(k) is not None}


def _applied(rules: str, options: Mapping[str, str]) -> dict[str, str]:
    applied, _ = counting.get_rule_set(rules).resolve_options(options)
    return applied
