"""Forecasting a round: every ballot's chance of open selection, and how many open selections.

Each ballot is a forecast scenario (:mod:`.sampling`). Its trials are drawn and counted by
the single-ballot machinery (:func:`.sampling.sample_trials`, :func:`.vectorised.counts_from_trials`,
:func:`.vectorised.decide_trials`) under the scenario's own rule set and options, drawing
branches' majorities rather than their votes wherever the single-ballot forecast would
(:func:`.forecast.plans_read_votes`); the round's
figure is the number of ballots that go to open selection in each trial, kept as one small
integer per trial, so memory grows with the trial count and the chunk, never with
ballots x trials.

Ballots whose result is already known (declared, or counted) are given as :class:`KnownOutcome`:
they go to open selection in every trial or in none, and are not drawn.

Seeds: every ballot's trials are drawn in blocks of :data:`.sampling.CHUNK`, block ``k`` of
ballot ``i`` from its own stream, :func:`.sampling.chunk_rng` ``(seed, i, k)``: ballot 0's are
the streams :func:`.forecast.forecast` draws from, so a one-ballot round gives the same numbers
as the single-ballot forecast. ``chunk`` only says how many of a block's trials are counted at
a time, so it never changes a figure. The ballots are drawn and counted on up to
:data:`.sampling.WORKERS` threads (NumPy's draws release the interpreter's lock); each
ballot's streams are its own, so the threads change no figure either.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from ballots import counting
from ballots.simulation.forecast import forecast_plans, plans_read_votes
from ballots.simulation.sampling import (
    CHUNK,
    MAX_TRIALS,
    WORKERS,
    ForecastError,
    ForecastScenario,
    Trials,
    chunk_rng,
    forecast_from_dict,
    sample_trials,
)
from ballots.simulation.vectorised import counts_from_trials, decide_trials, fields_read

MAX_BALLOTS = 1_000


@dataclass(frozen=True)
class KnownOutcome:
    """A ballot of the round whose result is known: open selection or not, in every trial."""

    open_selection: bool


@dataclass(frozen=True)
class BallotForecast:
    """One ballot's chance of open selection over the round's trials."""

    open_selections: int
    trials: int
    known: bool = False  # a known outcome (chance 0 or 1), not a forecast

    @property
    def p_open_selection(self) -> float:
        return self.open_selections / self.trials

    @property
    def mc_error(self) -> float:
        """The Monte Carlo (standard) error of :attr:`p_open_selection`."""
        p = self.p_open_selection
        return math.sqrt(p * (1 - p) / self.trials)


@dataclass(frozen=True)
class RoundForecast:
    """Per-ballot chances and the distribution of the number of open selections."""

    trials: int
    seed: int
    chunk: int
    ballots: tuple[BallotForecast, ...]
    distribution: tuple[int, ...]  # trials in which exactly k ballots went to open selection

    @property
    def mean(self) -> float:
        return float(np.dot(np.arange(len(self.distribution)), self.distribution) / self.trials)

    def quantile(self, q: float) -> int:
        """The smallest count k such that at least ``q`` of the trials had k or fewer."""
        cumulative = np.cumsum(self.distribution)
        return int(np.searchsorted(cumulative, q * self.trials, side="left"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "trials": self.trials,
            "seed": self.seed,
            "ballots": [
                {
                    "p_open_selection": b.p_open_selection,
                    "mc_error": b.mc_error,
                    "open_selections": b.open_selections,
                    "known": b.known,
                }
                for b in self.ballots
            ],
            "open_selections": {
                "counts": list(self.distribution),
                "mean": self.mean,
                "p10": self.quantile(0.1),
                "p50": self.quantile(0.5),
                "p90": self.quantile(0.9),
            },
        }


def _ballot_outcomes(fs: ForecastScenario, index: int, seed: int, trials: int, chunk: int) -> np.ndarray:
    """One ballot's outcome in every trial (1 open selection, 0 not), drawn in blocks of CHUNK."""
    options, _ = counting.get_rule_set(fs.rules).resolve_options(fs.options)
    votes = plans_read_votes(fs, forecast_plans(fs))  # as the single-ballot forecast decides
    reads = fields_read(fs.rules, options)  # only the decision reads the counts
    outcomes = np.zeros(trials, dtype=np.int8)
    for start in range(0, trials, CHUNK):
        block = min(CHUNK, trials - start)
        sampled = sample_trials(fs, block, chunk_rng(seed, index, start // CHUNK), draw_votes=votes)
        for first in range(0, block, chunk):
            last = min(first + chunk, block)
            part = Trials(sampled.reselect[first:last], sampled.open[first:last], sampled.votes[first:last])
            outcome, _ = decide_trials(fs.rules, counts_from_trials(fs, part, reads), options, share=False)
            outcomes[start + first : start + last] = outcome
    return outcomes


def round_forecast(
    scenarios: Sequence[ForecastScenario | KnownOutcome | Mapping[str, Any]],
    trials: int = 10_000,
    seed: int | None = None,
    *,
    chunk: int = CHUNK,
) -> RoundForecast:
    """Forecast every ballot of a round over ``trials`` shared trials (see the module docstring)."""
    parsed = [s if isinstance(s, ForecastScenario | KnownOutcome) else forecast_from_dict(s) for s in scenarios]
    if not 1 <= len(parsed) <= MAX_BALLOTS:
        raise ForecastError(f"a round forecast needs from 1 to {MAX_BALLOTS:,} ballots, not {len(parsed)}")
    if isinstance(trials, bool) or not isinstance(trials, int) or not 1 <= trials <= MAX_TRIALS:
        raise ForecastError(f"trials must be a whole number from 1 to {MAX_TRIALS:,}, not {trials!r}")
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise ForecastError(f"the chunk must be a whole number of at least 1, not {chunk!r}")
    if seed is None:
        seed = secrets.randbits(32)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ForecastError(f"the seed must be a whole number of at least 0, not {seed!r}")
    drawn = [(index, fs) for index, fs in enumerate(parsed) if isinstance(fs, ForecastScenario)]
    with ThreadPoolExecutor(max_workers=max(1, min(WORKERS, len(drawn)))) as pool:
        results = list(pool.map(lambda item: _ballot_outcomes(item[1], item[0], seed, trials, chunk), drawn))
    per_trial = np.zeros(trials, dtype=np.int32)  # open selections in each trial
    by_index = dict(zip((index for index, _ in drawn), results, strict=True))
    ballots = []
    for index, fs in enumerate(parsed):
        if isinstance(fs, KnownOutcome):
            total = trials if fs.open_selection else 0
            per_trial += int(fs.open_selection)
            ballots.append(BallotForecast(open_selections=total, trials=trials, known=True))
        else:
            outcome = by_index[index]
            per_trial += outcome
            ballots.append(BallotForecast(open_selections=int(np.count_nonzero(outcome)), trials=trials))
    distribution = np.bincount(per_trial, minlength=len(parsed) + 1)
    return RoundForecast(
        trials=trials,
        seed=seed,
        chunk=chunk,
        ballots=tuple(ballots),
        distribution=tuple(int(k) for k in distribution),
    )
