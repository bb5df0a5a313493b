"""``manage.py simulate FILE|- [--trials N] [--seed S] [--json]``: a Monte Carlo forecast.

Reads a forecast scenario (DESIGN.md; docs/simulator.md) and prints, per rule set, the
probability of an open selection with its 95% interval, the distribution of the open share
and how often each branch and affiliate was pivotal; ``--json`` prints one object instead.
A progress bar is drawn on standard error once a run has taken more than a second. Bad
input ends with exit status 2 and a one-line message, never a traceback.
"""

import json
import sys
import time

from ballots.counting import CountingError, get_rule_set
from ballots.management.scenario_input import BadInput, ScenarioFileCommand
from ballots.simulation import MAX_TRIALS, ForecastResult, forecast, forecast_from_dict
from ballots.simulator.forecast_words import forecast_words, threshold_words

DEFAULT_TRIALS = 10_000
BAR_WIDTH = 30


class Progress:
    """A text progress bar on a stream, drawn only once the run has taken over a second."""

    def __init__(self, stream, delay: float = 1.0):
        self.stream = stream
        self.delay = delay
        self.started = time.perf_counter()
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.drawn and time.perf_counter() - self.started < self.delay:
            return
        self.drawn = True
        filled = round(BAR_WIDTH * done / total)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done:,}/{total:,} trials")
        self.stream.flush()

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def _whole(text: str, what: str, low: int, high: int | None = None) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise BadInput(f"{what} must be a whole number, not {text!r}") from None
    if value < low or (high is not None and value > high):
        limit = f"from {low:,} to {high:,}" if high is not None else f"at least {low}"
        raise BadInput(f"{what} must be {limit}, not {value:,}")
    return value


class Command(ScenarioFileCommand):
    help = (
        "Monte Carlo forecast of a trigger ballot from a forecast scenario (JSON, see DESIGN.md): "
        "the probability of an open selection under every rule set. Exit status 2 on bad input."
    )
    command_name = "simulate"

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="forecast scenario JSON file, or - to read standard input")
        parser.add_argument(
            "--trials",
            metavar="N",
            default=str(DEFAULT_TRIALS),
            help=f"number of trials (default {DEFAULT_TRIALS:,}, at most {MAX_TRIALS:,})",
        )
        parser.add_argument("--seed", metavar="S", help="random seed (default: a random one, printed)")
        parser.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")

    def handle(self, *args, **options):
        try:
            trials = _whole(options["trials"], "--trials", 1, MAX_TRIALS)
            seed = None if options.get("seed") is None else _whole(options["seed"], "--seed", 0)
            data = self.read_json_object(options["file"], options.get("stdin"), "a forecast scenario")
            scenario = forecast_from_dict(data)
        except BadInput as error:
            self.fail(str(error))
        except CountingError as error:
            self.fail(f"invalid forecast scenario: {error}")
        progress = Progress(self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr)
        try:
            result = forecast(scenario, trials, seed, progress=progress)
        finally:
            progress.finish()
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(render_summary(result))


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def render_summary(result: ForecastResult) -> str:
    """The readable summary: per rule set and tie option, the open share, pivotal entries."""
    options = ", ".join(f"{k}={v}" for k, v in result.options.items())
    words = forecast_words(result)
    lines = [
        f"{result.trials:,} trials, seed {result.seed} (run again with --seed {result.seed} for the same figures).",
        f"Scenario rules: {get_rule_set(result.rules).title} ({result.rules}; {options}).",
        "",
        words.headline,
        words.error,
        "",
        "Probability of an open selection (with its simulation error, a 95% interval):",
    ]
    for name, rf in result.by_rules.items():
        marker = "  <- the scenario's rules" if name == result.rules else ""
        lo, hi = rf.ci95
        lines.append(f"  {name:<16} {_pct(rf.p_open_selection):>6}  ({_pct(lo)} to {_pct(hi)}){marker}")
        for tie, p, (tlo, thi) in rf.tie_rows():
            lines.append(f"    tied_branch={tie:<9} {_pct(p):>6}  ({_pct(tlo)} to {_pct(thi)})")
    q = result.share_quantiles
    lines += [
        "",
        f"Open share ({result.share_meaning}) under {result.rules}: mean {_pct(result.share_mean)}, "
        f"90% of trials between {_pct(q['p5'])} and {_pct(q['p95'])}; open selection needs "
        f"{threshold_words(result)}, and {_pct(result.open_side_trials / result.trials)} of trials were past it.",
    ]
    peak = max(result.histogram) or 1
    for low, high, k in result.histogram_bins():
        if k:
            bar = "#" * max(1, round(40 * k / peak))
            lines.append(f"  {100 * low:5.1f}-{100 * high:5.1f}%  {bar} {k:,}")
    lines += ["", "How often each was pivotal (reversing it alone would flip the result):"]
    for label, rows in (("Branches", result.pivotal_branches), ("Affiliates", result.pivotal_affiliates)):
        if rows:
            ranked = sorted(rows, key=lambda r: -r[1])
            lines.append(f"  {label}: " + ", ".join(f"{name} {_pct(p)}" for name, p in ranked))
    lines.append(f"\nRan in {result.seconds:.2f} s.")
    return "\n".join(lines)
