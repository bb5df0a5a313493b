"""The results pages' words: labels, percentages, thresholds, and the rule sets' own words translated.

Everything here is said in the page's language (``ballots/language.py`` makes it Welsh on a
bilingual ballot's page when the member chose Welsh; English everywhere else), at the moment
it is asked for: the labels are kept as English message ids (``gettext_noop``) and translated
where they are shown, so other pages that read them (the region dashboard, the round overview)
still get the English ids they always had. The figures themselves (``counting.format_percent``)
are the same in every language.

A rule set's title, description, option labels and pool words are its own (``ballots/counting``
marks them for the catalogue); :func:`translated` shows them in the page's language once the
catalogue has them.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from django.utils.translation import gettext, gettext_noop

from ballots import counting

RESULT_LABELS = {
    counting.RESELECT: gettext_noop("Reselect"),
    counting.OPEN: gettext_noop("Open selection"),
    counting.TIED: gettext_noop("Tied"),
    counting.NONE: gettext_noop("No votes"),
}
OUTCOME_LABELS = {
    counting.OUTCOME_RESELECTED: gettext_noop("Reselected"),
    counting.OUTCOME_OPEN_SELECTION: gettext_noop("Open selection"),
}
# The threshold's test ("more than", "at least") with its percentage, e.g. "more than 50%".
THRESHOLD_WORDS = {
    "more than": gettext_noop("more than %(percent)s"),
    "at least": gettext_noop("at least %(percent)s"),
}

# The rule sets' words for what a share or threshold is of (``RuleSet.pool_label``,
# ``Threshold.applies_to``), which these pages put into sentences: marked here for the catalogue,
# as ballots/counting does not mark them (its titles, descriptions and option labels it marks).
RULE_SET_WORDS = (
    gettext_noop("the college"),
    gettext_noop("all units that voted"),
    gettext_noop("all units"),
    gettext_noop("the units of either section"),
)


def translated(text: str | None) -> str:
    """A rule set's words in the page's language ("" stays "": gettext("") is the catalogue's header)."""
    return gettext(text) if text else (text or "")


def pc(share: Fraction | None, places: int = 3) -> str:
    """A share of 1 as a percentage for display (rounded half up, only here)."""
    return gettext("n/a") if share is None else counting.format_percent(share, places)


def threshold_percent(threshold: counting.Threshold) -> str:
    """The threshold's value as shown: "50%", or "33.333%" where it is not a whole percentage."""
    exact_whole = (threshold.value * 100).denominator == 1
    return pc(threshold.value, 0 if exact_whole else 3)


def threshold_words(threshold: counting.Threshold) -> str:
    """E.g. "more than 50%" or "at least 33.333%"."""
    message = THRESHOLD_WORDS.get(threshold.test)
    percent = threshold_percent(threshold)
    if message is None:
        return f"{threshold.test} {percent}"
    return gettext(message) % {"percent": percent}


def result_label(result: str) -> str:
    """A branch's result in words: "Reselect", "Open selection", "Tied" or "No votes"."""
    return gettext(RESULT_LABELS[result])


def outcome_label(outcome: str) -> str:
    """A count's outcome in words: "Reselected" or "Open selection"."""
    return gettext(OUTCOME_LABELS[outcome])


def option_rows(result: counting.Result) -> list[tuple[str, str]]:
    """The applied options in plain words: (what the option is, the choice applied)."""
    rows = []
    for option in result.rule_set.options:
        if option.name in result.options:
            rows.append((translated(option.label), translated(option.choice_label(result.options[option.name]))))
    return rows


def options_text(rule_set, options: Mapping[str, str]) -> str:
    """The options in a sentence, as ``RuleSet.describe_options`` gives them, in the page's language.

    E.g. "How members are counted: each branch one unit; how a tied branch counts: not counted
    (expresses no preference)". A rule set that describes its options itself is shown as it says.
    """
    if rule_set.describe is not None:
        return translated(rule_set.describe(options))
    parts = []
    for option in rule_set.options:
        if option.name in options:
            label = translated(option.label)
            choice = translated(option.choice_label(options[option.name]))
            parts.append(f"{label[:1].lower()}{label[1:]}: {choice.lower()}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]
