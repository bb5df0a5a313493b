"""A forecast in plain words: the headline, the simulation's own error, the spread of the share.

Two uncertainties are kept apart because readers mix them up. The **simulation error** is
how far the headline could move from chance in the trials alone (a 95% Wilson interval on
the proportion); more trials shrink it, and it says nothing about the real ballot. The
**spread** of the open share across trials comes from the assumptions (turnout, support,
affiliates' chances) and is what a reader should take as the uncertainty of the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

from ballots import counting
from ballots.simulation.forecast import ForecastResult

# Upper bounds (exclusive, in per cent) and the words for a chance below them.
_LIKELIHOOD = (
    (5.0, "very unlikely"),
    (25.0, "unlikely"),
    (45.0, "less likely than not"),
    (55.0, "about as likely as not"),
    (75.0, "more likely than not"),
    (95.0, "likely"),
)


def likelihood_words(percent: float) -> str:
    """Plain words for a chance given in per cent: "unlikely", "about as likely as not"..."""
    for bound, words in _LIKELIHOOD:
        if percent < bound:
            return words
    return "very likely"


def threshold_words(result: ForecastResult) -> str:
    """E.g. "more than 50%" or "at least 33.3%": what puts a trial on the open side."""
    rule = counting.get_rule_set(result.rules).threshold
    return f"{rule.test} {100 * float(rule.value):.1f}%".replace(".0%", "%")


def _pc(value: float) -> str:
    return f"{value:.1f}%"


@dataclass(frozen=True)
class ForecastWords:
    headline: str  # the probability of open selection, as a sentence
    error: str  # the simulation's own error, labelled as such
    spread: str  # the open share's spread across trials, from the assumptions


def forecast_words(result: ForecastResult) -> ForecastWords:
    """The sentences the forecast page leads with, under the scenario's own rule set."""
    main = result.main
    rule_set = counting.get_rule_set(result.rules)
    p = 100 * main.p_open_selection
    low, high = (100 * x for x in main.ci95)
    open_trials = f"{main.open_selections:,} of {result.trials:,}"
    headline = (
        f"An open selection is {likelihood_words(p)}: the seat went to open selection in {_pc(p)} of the "
        f"trials ({open_trials}) under {rule_set.title}, and the MP was reselected in the other {_pc(100 - p)}."
    )
    half = max(p - low, high - p)
    error = (
        f"Simulation error: about ±{half:.1f} points ({_pc(low)} to {_pc(high)}, a 95% interval). This is only "
        f"how much the {_pc(p)} could move by chance among {result.trials:,} trials; more trials make it "
        "smaller. It is not the uncertainty of the real ballot: that comes from the assumptions (turnout, support "
        "and the affiliates' chances)."
    )
    q = result.share_quantiles
    spread = (
        f"The {rule_set.share_label} varied from trial to trial with the assumptions: half the trials "
        f"fell below {_pc(100 * q['p50'])}, and 90% between {_pc(100 * q['p5'])} and {_pc(100 * q['p95'])}."
    )
    return ForecastWords(headline=headline, error=error, spread=spread)
