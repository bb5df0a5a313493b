"""Benchmark: Monte Carlo forecast trials per second, vectorised against one by one.

Run as ``.venv/bin/python bench/bench_simulation.py [--trials N] [--sample S]`` (no Django
needed). A 15-branch, 30-affiliate scenario (Canterbury-sized) is forecast with 100,000
trials: the full vectorised forecast (every rule set and tie option, histogram, pivotal
frequencies) is timed as it runs (its chunks on up to ``WORKERS`` threads) and on one
thread, where its time is split into drawing and counting, and the counting alone is timed
too. The baseline, in the same run, counts the same sampled trials one at a time through
``counting.count`` under the same rule set/tie option combinations (every registered rule
set, with each tie option where it has one); counting all 100,000 that way takes minutes, so
a sample of the first S trials (default 2,000) is counted and the time extrapolated linearly
(every trial costs the same: same scenario size). The script also checks that the two agree
on every sampled trial and exits 1 if they do not. It also runs 1,000,000 trials
(``--million 0`` skips it), and measures the peak memory of each run with ``tracemalloc`` in
a separate, untimed run: trials are drawn in chunks, so the peak should not grow with the
number of trials. It says whether the aims were met (100,000 trials under 0.5 s, 1,000,000
under 5 s; timings on a loaded shared machine vary several-fold: run it when the machine is
quiet, and --strict makes missing an aim exit 1 as well).
"""

import argparse
import importlib
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ballots import counting, simulation  # noqa: E402

# The module, not the function of the same name that ballots.simulation exports.
forecast_module = importlib.import_module("ballots.simulation.forecast")

AIM_SECONDS = 0.5  # 100,000 trials
AIM_MILLION_SECONDS = 5.0


def timed_forecast(fs, trials):
    """The forecast, and the seconds of it spent drawing trials (measured inside the same run)."""
    spent = [0.0]
    draw = forecast_module.sample_trials

    def timed_draw(*args, **kwargs):
        started = time.perf_counter()
        try:
            return draw(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    forecast_module.sample_trials = timed_draw
    try:
        result = simulation.forecast(fs, trials, seed=1)
    finally:
        forecast_module.sample_trials = draw
    return result, spent[0]


def peak_memory(fs, trials):
    """Peak bytes allocated during one forecast (traced, so not timed)."""
    tracemalloc.start()
    simulation.forecast(fs, trials, seed=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def make_forecast(n_branches=15, n_affiliates=30, seed=2022):
    rng = np.random.default_rng(seed)
    return simulation.forecast_from_dict(
        {
            "rules": counting.DEFAULT_RULES,
            "branches": [
                {
                    "name": f"Ward {i}",
                    "members": int(rng.integers(80, 260)),
                    "turnout": {"mean": round(float(rng.uniform(0.3, 0.6)), 2), "sd": 0.08},
                    "support": {"mean": round(float(rng.uniform(0.35, 0.65)), 2), "sd": 0.1},
                }
                for i in range(n_branches)
            ],
            "affiliates": [
                {
                    "name": f"Affiliate {i}",
                    "p_reselect": 0.45,
                    "p_open": 0.45,
                    "p_abstain": 0.1,
                    "members": int(rng.integers(10, 3000)),
                }
                for i in range(n_affiliates)
            ],
        }
    )


def plans(fs):
    out = []
    for name, rule_set in counting.RULE_SETS.items():
        applied, _ = rule_set.resolve_options({k: v for k, v in fs.options.items() if rule_set.option(k)})
        if rule_set.option("tied_branch") is None:
            out.append((name, applied))
            continue
        for tie in counting.TIE_OPTIONS:
            out.append((name, {**applied, "tied_branch": tie}))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--million", type=int, default=1_000_000, help="trials of the long run (0: skip it)")
    parser.add_argument("--strict", action="store_true", help="exit 1 if an aim is missed")
    args = parser.parse_args(argv)
    fs = make_forecast()
    simulation.forecast(fs, 2_000, seed=0)  # warm up NumPy

    started = time.perf_counter()
    result = simulation.forecast(fs, args.trials, seed=1)
    full = time.perf_counter() - started
    workers = forecast_module.WORKERS
    forecast_module.WORKERS = 1  # the same forecast on one thread, to split drawing from counting
    try:
        started = time.perf_counter()
        _, sampling = timed_forecast(fs, args.trials)
        one_thread = time.perf_counter() - started
    finally:
        forecast_module.WORKERS = workers

    long_run = None
    if args.million:
        started = time.perf_counter()
        simulation.forecast(fs, args.million, seed=1)
        long_run = time.perf_counter() - started

    trials = simulation.sample_trials(fs, args.trials, np.random.default_rng(1))
    combos = plans(fs)
    started = time.perf_counter()
    agg = simulation.counts_from_trials(fs, trials)
    fast = [simulation.count_trials(fs, trials, r, o, agg=agg, share=False)[0] for r, o in combos]
    vector_count = time.perf_counter() - started

    sample = simulation.Trials(trials.reselect[: args.sample], trials.open[: args.sample], trials.votes[: args.sample])
    started = time.perf_counter()
    slow = [simulation.count_trials(fs, sample, r, o, vectorised=False)[0] for r, o in combos]
    one_by_one_sample = time.perf_counter() - started
    one_by_one = one_by_one_sample * args.trials / args.sample
    agree = all((f[: args.sample] == s).all() for f, s in zip(fast, slow, strict=True))

    print(
        f"Scenario: {len(fs.branches)} branches, {len(fs.affiliates)} affiliates; "
        f"{len(combos)} rule set/tie option combinations per trial."
    )
    print(
        f"Full vectorised forecast, {args.trials:,} trials: {full:.3f} s on {workers} thread(s) "
        f"({args.trials / full:,.0f} trials/s), P(open) under {result.rules} "
        f"{result.main.p_open_selection:.4f} {tuple(round(x, 4) for x in result.main.ci95)}"
    )
    print(
        f"Vectorised counting only (sampled trials given): {vector_count:.3f} s "
        f"({args.trials / vector_count:,.0f} trials/s)"
    )
    print(
        f"One by one through counting.count: {args.sample:,} trials in {one_by_one_sample:.3f} s, "
        f"extrapolated to {args.trials:,}: {one_by_one:.1f} s ({args.trials / one_by_one:,.0f} trials/s)"
    )
    print(f"Ratio, counting: vectorised is {one_by_one / vector_count:,.0f}x faster than one by one")
    print(
        f"Ratio, whole forecast (sampling, histogram, pivotal included) against one-by-one counting alone: "
        f"{one_by_one / full:,.0f}x"
    )
    print(f"Vectorised and one-by-one outcomes agree on all {args.sample:,} sampled trials: {agree}")
    if not agree:
        return 1
    print(
        f"The same forecast on one thread: {one_thread:.3f} s ({one_thread / full:.2f}x the time on "
        f"{workers}), of which drawing the trials (per branch per trial a binomial and a Beta for its majority) "
        f"{sampling:.3f} s and counting, pivotal entries and the histogram {one_thread - sampling:.3f} s"
    )
    peak = peak_memory(fs, args.trials)
    print(f"Peak memory, {args.trials:,} trials: {peak / 2**20:.1f} MiB")
    met = full <= AIM_SECONDS
    print(f"Aim of {AIM_SECONDS} s for {args.trials:,} trials: {'met' if met else 'missed'} ({full:.3f} s)")
    if long_run is not None:
        long_peak = peak_memory(fs, args.million)
        print(
            f"Full vectorised forecast, {args.million:,} trials: {long_run:.3f} s "
            f"({args.million / long_run:,.0f} trials/s); peak memory {long_peak / 2**20:.1f} MiB "
            f"({long_peak / peak:.2f}x that of {args.trials:,})"
        )
        long_met = long_run <= AIM_MILLION_SECONDS
        print(
            f"Aim of {AIM_MILLION_SECONDS:.0f} s for {args.million:,} trials: "
            f"{'met' if long_met else 'missed'} ({long_run:.3f} s)"
        )
        met = met and long_met
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
