"""Benchmark: the exact smallest-flip search, time and peak memory by scenario size.

Run as ``.venv/bin/python bench/bench_flip.py [--timeout S] [--sizes ...]`` (no Django
needed). Each size is a close, random scenario (branches near 50/50, affiliates split
evenly) counted under ``labour-2021`` with its default options; the members' search and the
affiliates' search are timed on scenarios of only branches and only affiliates, and the
headline on 60 wards with 200 affiliates. Each run is in its own process, so a search
that takes too long is stopped after ``--timeout`` seconds and reported as such, and
``tracemalloc`` gives its peak memory alone. The same-run ratio is against one plain
``counting.count`` of the same scenario: how many counts the search costs.
"""

import argparse
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ballots import counting  # noqa: E402
from ballots.simulation import smallest_flip  # noqa: E402

AIM_MS = 50.0  # 60 wards and 200 affiliates
SIZES = [("branches", 60, 0), ("branches", 200, 0), ("branches", 1000, 0)]
SIZES += [("affiliates", 0, 60), ("affiliates", 0, 200), ("affiliates", 0, 1000), ("both", 60, 200)]


def make_scenario(n_branches, n_affiliates, seed=2022, options=None):
    rng = np.random.default_rng(seed)
    branches = []
    for i in range(n_branches):
        voters = int(rng.integers(20, 200))
        reselect = int(rng.binomial(voters, 0.5))
        branches.append({"name": f"Ward {i:04d}", "reselect": reselect, "open": voters - reselect})
    votes = ["reselect", "open", "abstain"]
    affiliates = [
        {"name": f"Affiliate {i:04d}", "vote": votes[int(rng.choice(3, p=[0.45, 0.45, 0.1]))]}
        for i in range(n_affiliates)
    ]
    data = {"rules": counting.DEFAULT_RULES, "branches": branches, "affiliates": affiliates}
    if options:
        data["options"] = options
    return counting.scenario_from_dict(data)


def measure(n_branches, n_affiliates):
    """Time and peak memory of one search, and of one plain count (the baseline)."""
    scenario = make_scenario(n_branches, n_affiliates)
    counting.count(scenario)  # warm up
    smallest_flip(make_scenario(3, 3))
    started = time.perf_counter()
    repeats = 0
    while repeats < 5 or time.perf_counter() - started < 0.2:
        counting.count(scenario)
        repeats += 1
    one_count = (time.perf_counter() - started) / repeats
    tracemalloc.start()
    started = time.perf_counter()
    flip = smallest_flip(scenario)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    started = time.perf_counter()
    smallest_flip(scenario)  # again, without tracing: tracemalloc slows allocation down
    seconds = min(seconds, time.perf_counter() - started)
    return {
        "seconds": seconds,
        "peak_bytes": peak,
        "count_seconds": one_count,
        "member_votes": flip.member_votes,
        "affiliates": flip.affiliates,
    }


def run_one(kind, n_branches, n_affiliates, timeout):
    command = [sys.executable, __file__, "--one", str(n_branches), str(n_affiliates)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per size")
    parser.add_argument("--one", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(*args.one)))
        return 0
    print("Smallest flip under labour-2021 (default options), each size in its own process.")
    print(f"{'scenario':<32} {'search':>11} {'peak memory':>12} {'one count':>10} {'counts':>9}  flip")
    headline = None
    for kind, n_branches, n_affiliates in SIZES:
        label = f"{kind}: {n_branches} wards, {n_affiliates} affiliates"
        figures = run_one(kind, n_branches, n_affiliates, args.timeout)
        if figures is None:
            print(f"{label:<32} {'> ' + format(args.timeout, '.0f') + ' s':>11}  (stopped)")
            continue
        ms = figures["seconds"] * 1000
        ratio = figures["seconds"] / figures["count_seconds"]
        peak = figures["peak_bytes"] / 1024
        flip = f"{figures['member_votes']} votes, {figures['affiliates']} affiliates"
        print(
            f"{label:<32} {ms:>8.1f} ms {peak:>9,.0f} KiB {figures['count_seconds'] * 1000:>7.2f} ms "
            f"{ratio:>8,.1f}x  {flip}"
        )
        if kind == "both":
            headline = ms
    if headline is not None:
        met = headline < AIM_MS
        print(
            f"Aim: under {AIM_MS:.0f} ms at 60 wards + 200 affiliates: {'met' if met else 'missed'} ({headline:.1f} ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
