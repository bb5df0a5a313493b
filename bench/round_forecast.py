"""Benchmark: forecasting a round of 200 ballots x 10,000 trials, against one by one.

Run as ``.venv/bin/python bench/round_forecast.py [--ballots B] [--trials N] [--sample S]`` (no
Django needed). Each ballot is a Canterbury-sized forecast scenario (15 branches, 30
affiliates). The vectorised round forecast (:func:`ballots.simulation.round_forecast.round_forecast`)
is timed; the baseline, in the same run, counts the first S trials (default 200) of the first
ballot one at a time through ``counting.count`` and extrapolates linearly to the whole round
(every trial of a same-sized ballot costs the same). Aim: under 5 s; --strict makes missing
it exit 1 (timings on a loaded shared machine vary several-fold).
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ballots import counting  # noqa: E402
from ballots.simulation.round_forecast import round_forecast  # noqa: E402
from ballots.simulation.sampling import sample_trials  # noqa: E402
from ballots.simulation.vectorised import count_trials  # noqa: E402
from bench.bench_simulation import make_forecast  # noqa: E402

AIM_SECONDS = 5.0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=200)
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    scenarios = [make_forecast(seed=2022 + i) for i in range(args.ballots)]
    started = time.perf_counter()
    result = round_forecast(scenarios, args.trials, seed=1)
    seconds = time.perf_counter() - started

    fs = scenarios[0]
    options, _ = counting.get_rule_set(fs.rules).resolve_options(fs.options)
    sampled = sample_trials(fs, args.sample, np.random.default_rng(1))
    started = time.perf_counter()
    count_trials(fs, sampled, fs.rules, options, vectorised=False, share=False)
    per_trial = (time.perf_counter() - started) / args.sample
    baseline = per_trial * args.trials * args.ballots

    print(f"Round forecast, {args.ballots} ballots x {args.trials:,} trials: {seconds:.3f} s")
    print(
        f"Mean open selections: {result.mean:.2f}; 10th-90th percentile: {result.quantile(0.1)}-{result.quantile(0.9)}"
    )
    print(f"Baseline, one by one through counting.count (extrapolated from {args.sample} trials): {baseline:.1f} s")
    print(f"Ratio: vectorised is {baseline / seconds:,.0f}x faster than one by one")
    met = seconds < AIM_SECONDS
    print(f"Aim of {AIM_SECONDS} s: {'met' if met else 'missed'} ({seconds:.3f} s)")
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
