"""Forecasting a round: every ballot's chance of open selection, and how many open selections.

Each ballot is a forecast scenario (:mod:`.sampling`). Its trials are drawn and counted by
the single-ballot machinery (:func:`.sampling.sample_trials`, :func:`.vectorised.counts_from_trials`,
:func:`.vectorised.decide_trials`) under the scenario's own rule set and options; the round's
figure is the number of ballots that go to open selection in each trial, kept as one small
integer per trial, so memory grows with the trial count and the chunk, never with
ballots x trials.

Seeds: ballot 0 draws from ``numpy.random.default_rng(seed)``, exactly as :func:`.forecast.forecast`
does, so a one-ballot round gives the same numbers as the single-ballot forecast; ballot ``i > 0``
draws from ``default_rng([seed, i])``, its own independent stream. Trials are drawn ``chunk`` at a
time from each ballot's stream (default :data:`.sampling.CHUNK`, as the single forecast), so the
same seed and chunk give the same numbers; a different chunk draws the stream in a different
order (the same distribution, not the same draws) unless both chunks cover every trial.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ballots import counting
from ballots.simulation.sampling import (
    CHUNK,
    MAX_TRIALS,
    ForecastError,
    ForecastScenario,
    forecast_from_dict,
    sample_trials,
)
from ballots.simulation.vectorised import counts_from_trials, decide_trials

MAX_BALLOTS = 1_000


@dataclass(frozen=True)
class BallotForecast:
    """One ballot's chance of open selection over the round's trials."""

    open_selections: int
    trials: int

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
                {"p_open_selection": b.p_open_selection, "mc_error": b.mc_error, "open_selections": b.open_selections}
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


def _rng(seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng(seed if index == 0 else [seed, index])


def round_forecast(
    scenarios: Sequence[ForecastScenario | Mapping[str, Any]],
    trials: int = 10_000,
    seed: int | None = None,
    *,
    chunk: int = CHUNK,
) -> RoundForecast:
    """Forecast every ballot of a round over ``trials`` shared trials (see the module docstring)."""
    parsed = [s if isinstance(s, ForecastScenario) else forecast_from_dict(s) for s in scenarios]
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
    per_trial = np.zeros(trials, dtype=np.int32)  # open selections in each trial
    ballots = []
    for index, fs in enumerate(parsed):
        options, _ = counting.get_rule_set(fs.rules).resolve_options(fs.options)
        rng = _rng(seed, index)
        total = 0
        done = 0
        while done < trials:
            n = min(chunk, trials - done)
            sampled = sample_trials(fs, n, rng)
            outcome, _ = decide_trials(fs.rules, counts_from_trials(fs, sampled), options, share=False)
            per_trial[done : done + n] += outcome
            total += int(np.count_nonzero(outcome))
            done += n
        ballots.append(BallotForecast(open_selections=total, trials=trials))
    distribution = np.bincount(per_trial, minlength=len(parsed) + 1)
    return RoundForecast(
        trials=trials,
        seed=seed,
        chunk=chunk,
        ballots=tuple(ballots),
        distribution=tuple(int(k) for k in distribution),
    )
