"""What-if analysis, the smallest change that flips a result, and Monte Carlo forecasts.

Imports only :mod:`ballots.counting`, NumPy and the standard library (no Django), so the
``simulate`` command, the simulator pages, the results pages and ``bench/`` share it.

* :mod:`.flip`: :func:`smallest_flip`, the fewest member votes and affiliates that would
  have turned a result around; :mod:`.flip_search` holds its searches.
* :mod:`.sampling`: forecast scenarios (:func:`forecast_from_dict`) and drawing trials.
* :mod:`.vectorised`: counting every trial at once with the rule set's own decision, and
  which branches and affiliates were pivotal.
* :mod:`.forecast`: :func:`forecast`, running the trials and gathering the figures.
"""

from __future__ import annotations

from ballots.simulation.flip import Flip, smallest_flip
from ballots.simulation.forecast import HISTOGRAM_BINS, ForecastResult, RuleForecast, forecast, wilson_interval
from ballots.simulation.sampling import (
    CHUNK,
    MAX_TRIALS,
    VOTE_CODES,
    VOTE_NAMES,
    ForecastAffiliate,
    ForecastBranch,
    ForecastError,
    ForecastScenario,
    Spread,
    Trials,
    chunk_rng,
    forecast_from_dict,
    forecast_to_dict,
    sample_trials,
)
from ballots.simulation.vectorised import count_trials, counts_from_trials, decide_trials, trial_scenario

__all__ = [
    "CHUNK",
    "HISTOGRAM_BINS",
    "MAX_TRIALS",
    "VOTE_CODES",
    "VOTE_NAMES",
    "Flip",
    "ForecastAffiliate",
    "ForecastBranch",
    "ForecastError",
    "ForecastResult",
    "ForecastScenario",
    "RuleForecast",
    "Spread",
    "Trials",
    "chunk_rng",
    "count_trials",
    "counts_from_trials",
    "decide_trials",
    "forecast",
    "forecast_from_dict",
    "forecast_to_dict",
    "sample_trials",
    "smallest_flip",
    "trial_scenario",
    "wilson_interval",
]
