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
from typing import NoReturn

from django.core.management.base import BaseCommand

from ballots.counting import CountingError
from ballots.simulation import MAX_TRIALS, ForecastResult, forecast, forecast_from_dict

EXIT_BAD_INPUT = 2
DEFAULT_TRIALS = 10_000
BAR_WIDTH = 30


class BadInput(Exception):
    """Input the command cannot run; the message is shown as it stands."""


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


class Command(BaseCommand):
    help = (
        "Monte Carlo forecast of a trigger ballot from a forecast scenario (JSON, see DESIGN.md): "
        "the probability of an open selection under every rule set. Exit status 2 on bad input."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="forecast scenario JSON file, or - to read standard input")
        parser.add_argument("--trials", metavar="N", default=str(DEFAULT_TRIALS),
                            help=f"number of trials (default {DEFAULT_TRIALS:,}, at most {MAX_TRIALS:,})")
        parser.add_argument("--seed", metavar="S", help="random seed (default: a random one, printed)")
        parser.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")

    def handle(self, *args, **options):
        try:
            trials = _whole(options["trials"], "--trials", 1, MAX_TRIALS)
            seed = None if options.get("seed") is None else _whole(options["seed"], "--seed", 0)
            text, source = self._read(options["file"], options.get("stdin"))
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                raise BadInput(f"{source} is not valid JSON: {error}") from None
            if not isinstance(data, dict):
                raise BadInput(f"{source} must hold one JSON object (a forecast scenario), not a {type(data).__name__}")
            scenario = forecast_from_dict(data)
        except BadInput as error:
            self._fail(str(error))
        except CountingError as error:
            self._fail(f"invalid forecast scenario: {error}")
        progress = Progress(self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr)
        try:
            result = forecast(scenario, trials, seed, progress=progress)
        finally:
            progress.finish()
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(render_summary(result))

    def _read(self, path: str, stdin) -> tuple[str, str]:
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin
            try:
                text = stream.read()
            except (OSError, UnicodeDecodeError) as error:
                raise BadInput(f"cannot read standard input: {error}") from None
            if isinstance(text, bytes):
                text = text.decode("utf-8-sig")
            return text.lstrip("\ufeff"), "standard input"
        try:
            with open(path, encoding="utf-8-sig") as handle:
                return handle.read(), path
        except FileNotFoundError:
            raise BadInput(f"cannot read {path}: no such file") from None
        except IsADirectoryError:
            raise BadInput(f"cannot read {path}: it is a directory") from None
        except UnicodeDecodeError:
            raise BadInput(f"cannot read {path}: it is not UTF-8 text") from None
        except OSError as error:
            raise BadInput(f"cannot read {path}: {error.strerror or error}") from None

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(f"simulate: {' '.join(message.split())}")
        sys.exit(EXIT_BAD_INPUT)


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def render_summary(result: ForecastResult) -> str:
    """The readable summary: per rule set and tie option, the open share, pivotal entries."""
    options = ", ".join(f"{k}={v}" for k, v in result.options.items())
    lines = [
        f"{result.trials:,} trials, seed {result.seed} (run again with --seed {result.seed} for the same figures).",
        f"Scenario rules: {result.rules} ({options}).",
        "",
        "Probability of an open selection (95% interval):",
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
        f"90% of trials between {_pct(q['p5'])} and {_pct(q['p95'])}; threshold {_pct(result.threshold)}.",
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
