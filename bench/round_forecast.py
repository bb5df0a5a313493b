"""Benchmark: forecasting a round of 200 ballots x 10,000 trials, against baselines in the same run.

Run as ``.venv/bin/python bench/round_forecast.py [--ballots B] [--trials N] [--sample S]`` (no
Django needed). Each ballot is a Canterbury-sized forecast scenario (15 branches, 30
affiliates). The round forecast (:func:`ballots.simulation.round_forecast.round_forecast`) is
timed as it runs (on up to ``WORKERS`` threads) and on one thread. Baselines, in the same run:

* drawing every vote: the same forecast with each branch's votes drawn (two binomials), not
  only its majority (one binomial and the order statistics), on the same threads;
* the floor for drawing every vote: one plain NumPy binomial draw of the same size (every
  branch's two draws in every trial of every ballot, with a different p for each), on one thread;
* one by one: the first S trials (default 200) of the first ballot counted one at a time
  through ``counting.count``, extrapolated linearly to the whole round.

Aim: under 5 s; --strict makes missing it exit 1 (timings on a loaded shared machine vary
several-fold).
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ballots import counting  # noqa: E402
from ballots.simulation import round_forecast as round_forecast_module  # noqa: E402
from ballots.simulation.round_forecast import round_forecast  # noqa: E402
from ballots.simulation.sampling import sample_trials  # noqa: E402
from ballots.simulation.vectorised import count_trials  # noqa: E402
from bench.bench_simulation import make_forecast  # noqa: E402

AIM_SECONDS = 5.0


def timed(function):
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def binomial_floor(scenarios, trials):
    """Seconds for one plain NumPy binomial draw as large as all the forecast's binomial draws."""
    rng = np.random.default_rng(0)
    seconds = 0.0
    for fs in scenarios:  # ballot by ballot, so the arrays are the forecast's size, not 200 times it
        members = np.array([b.members for b in fs.branches if not b.known] * 2, dtype=np.int64)
        p = np.clip(0.45 + 0.08 * rng.standard_normal((trials, members.size)), 0, 1)
        _, took = timed(lambda members=members, p=p: rng.binomial(members, p))
        seconds += took
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=200)
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    scenarios = [make_forecast(seed=2022 + i) for i in range(args.ballots)]
    workers = round_forecast_module.WORKERS
    result, seconds = timed(lambda: round_forecast(scenarios, args.trials, seed=1))
    round_forecast_module.WORKERS = 1
    single, one_thread = timed(lambda: round_forecast(scenarios, args.trials, seed=1))
    round_forecast_module.WORKERS = workers
    assert single.to_dict() == result.to_dict(), "the threads changed the figures"
    chooses = round_forecast_module.plans_read_votes
    round_forecast_module.plans_read_votes = lambda fs, plans: True
    with_votes, votes_seconds = timed(lambda: round_forecast(scenarios, args.trials, seed=1))
    round_forecast_module.plans_read_votes = chooses
    floor = binomial_floor(scenarios, args.trials)
    draws = 2 * args.trials * sum(1 for fs in scenarios for b in fs.branches if not b.known)

    fs = scenarios[0]
    options, _ = counting.get_rule_set(fs.rules).resolve_options(fs.options)
    sampled = sample_trials(fs, args.sample, np.random.default_rng(1))
    _, took = timed(lambda: count_trials(fs, sampled, fs.rules, options, vectorised=False, share=False))
    baseline = took / args.sample * args.trials * args.ballots

    print(f"Round forecast, {args.ballots} ballots x {args.trials:,} trials: {seconds:.3f} s ({workers} threads)")
    print(f"The same on one thread: {one_thread:.3f} s (the same figures)")
    print(
        f"Mean open selections: {result.mean:.2f}; 10th-90th percentile: {result.quantile(0.1)}-{result.quantile(0.9)}"
    )
    print(f"Baseline, drawing every vote ({workers} threads): {votes_seconds:.3f} s (mean {with_votes.mean:.2f})")
    print(f"Ratio: drawing majorities takes {seconds / votes_seconds:.2f}x drawing every vote")
    print(
        f"Floor for drawing every vote, one plain NumPy binomial draw of that size ({draws:,} draws, one thread):"
        f" {floor:.3f} s"
    )
    print(f"Ratio: the forecast takes {seconds / floor:.2f}x that floor ({one_thread / floor:.2f}x on one thread)")
    print(f"Baseline, one by one through counting.count (extrapolated from {args.sample} trials): {baseline:.1f} s")
    print(f"Ratio: the forecast is {baseline / seconds:,.0f}x faster than one by one")
    met = seconds < AIM_SECONDS
    print(f"Aim of {AIM_SECONDS} s: {'met' if met else 'missed'} ({seconds:.3f} s)")
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
