"""Benchmark: how long one count takes, against summing the same numbers in a plain loop.

Run as ``.venv/bin/python bench/bench_counting.py`` (no Django needed). It counts a
60-branch, 150-affiliate scenario (and a Canterbury-sized 15 + 30 one) under every registered
rule set (with its defaults and with every option at its second choice),
prints the time per count and its ratio to a plain loop that only adds up the same tallies,
measured in the same run. The simulator counts thousands of times, so a count of the large
scenario must stay well under a millisecond: the script exits 1 if it does not.
"""

import random
import statistics
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ballots.counting import RULE_SETS, Affiliate, Branch, Scenario, count  # noqa: E402

LIMIT_SECONDS = 1e-3
REPEAT = 7


def configurations():
    """Every registered rule set with its defaults, and with every option at its second choice."""
    out = []
    for rule_set in RULE_SETS.values():
        out.append((rule_set.name, {}))
        others = {o.name: o.choices[1] for o in rule_set.options if len(o.choices) > 1}
        if others:
            out.append((rule_set.name, others))
    return out


def make_scenario(n_branches, n_affiliates, seed=2022):
    rng = random.Random(seed)
    branches = tuple(Branch(f"Ward {i}", rng.randint(0, 120), rng.randint(0, 120)) for i in range(n_branches))
    affiliates = tuple(
        Affiliate(
            f"Affiliate {i}",
            rng.choices(["reselect", "open", "abstain", "none"], weights=[5, 4, 1, 1])[0],
            rng.randint(10, 5000),
        )
        for i in range(n_affiliates)
    )
    return Scenario(branches, affiliates)


def plain_loop(scenario):
    """The baseline: add up the same numbers, with no rules at all."""
    reselect = open_ = 0
    for branch in scenario.branches:
        reselect += branch.reselect
        open_ += branch.open
    for affiliate in scenario.affiliates:
        if affiliate.vote == "open":
            open_ += affiliate.members
        elif affiliate.vote == "reselect":
            reselect += affiliate.members
    return reselect, open_


def seconds_per_call(function, repeat=REPEAT, budget=0.05):
    """Median of several timed runs, each about ``budget`` seconds long."""
    timer = timeit.Timer(function)
    once = max(timer.timeit(number=10) / 10, 1e-9)
    number = max(int(budget / once), 10)
    return statistics.median(t / number for t in timer.repeat(repeat=repeat, number=number))


def main():
    print(f"Python {sys.version.split()[0]}; median of {REPEAT} runs each; ratio = count / plain loop.")
    print(f"{'scenario':<10} {'rules':<16} {'options':<26} {'per count':>10} {'loop':>9} {'ratio':>7}")
    worst_large = 0.0
    for n_branches, n_affiliates in ((15, 30), (60, 150)):
        for rules, options in configurations():
            scenario = make_scenario(n_branches, n_affiliates)
            # Counted once first so that option resolution is cached, as in the simulator.
            count(scenario, rules, options)
            per_count = seconds_per_call(lambda s=scenario, r=rules, o=options: count(s, r, o))
            per_loop = seconds_per_call(lambda s=scenario: plain_loop(s))
            label = "/".join(options.values()) or "(defaults)"
            print(
                f"{n_branches:>3}+{n_affiliates:<6} {rules:<16} {label:<26} "
                f"{per_count * 1e6:>8.1f}us {per_loop * 1e6:>7.1f}us {per_count / per_loop:>6.1f}x"
            )
            if n_branches == 60:
                worst_large = max(worst_large, per_count)

    scenario = make_scenario(60, 150)
    explained = seconds_per_call(lambda: count(scenario).explanation)
    as_json = seconds_per_call(lambda: count(scenario).to_dict())
    print(f"60+150 with the explanation built: {explained * 1e6:.1f}us; with to_dict(): {as_json * 1e6:.1f}us")
    verdict = "OK" if worst_large < LIMIT_SECONDS else "TOO SLOW"
    print(f"slowest 60+150 count: {worst_large * 1e6:.1f}us (limit {LIMIT_SECONDS * 1e6:.0f}us): {verdict}")
    return 0 if worst_large < LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
