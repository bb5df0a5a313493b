"""The phrases the rule sets' explanations share: tie words, notes on entries that are not units.

Private to ``counting/rules/``. Every phrase is a :class:`~ballots.counting.phrases.Phrase`
(or plain figures), so the explanations can be translated without touching a figure.
"""

from __future__ import annotations

from ballots.counting.formatting import units_text
from ballots.counting.phrases import Param, Phrase, Text, bracketed_notes, gettext_lazy, gettext_noop, ngettext_lazy
from ballots.counting.results import Result, SectionResult

TIE_WORDS = {
    # Translators: how tied branches are counted, after "tied branches" or "1 tied branch" (so best
    # worded to need no agreement with them); the same holds for the three phrases below.
    "exclude": gettext_noop("excluded"),
    "split": gettext_noop("split half to each side"),
    "reselect": gettext_noop("counted for reselection"),
    "open": gettext_noop("counted for open selection"),
}


def tie_words(tie: str) -> Phrase:
    return Phrase(TIE_WORDS[tie])


def title(result: Result) -> Phrase:
    """The rule set's title, translated where the catalogue has it."""
    return Phrase(result.rule_set.title)


def branch_notes(section: SectionResult, tie: str, n_empty: int) -> Text:
    notes: list[Param] = []
    if section.tied:
        notes.append(
            ngettext_lazy(
                "%(n)s tied branch %(treatment)s",
                "%(n)s tied branches %(treatment)s",
                section.tied,
                n=section.tied,
                treatment=tie_words(tie),
            )
        )
    if n_empty:
        notes.append(ngettext_lazy("%(n)s branch with no votes", "%(n)s branches with no votes", n_empty, n=n_empty))
    return bracketed_notes(notes)


def affiliate_notes(section: SectionResult) -> Text:
    notes: list[Param] = []
    if section.votes.get("abstain"):
        notes.append(gettext_lazy("%(n)s abstained", n=section.votes["abstain"]))
    if section.votes.get("none"):
        notes.append(gettext_lazy("%(n)s did not vote", n=section.votes["none"]))
    if section.votes.get("zero_members"):
        notes.append(gettext_lazy("%(n)s with no affiliated members", n=section.votes["zero_members"]))
    return bracketed_notes(notes)


def sides_text(section: SectionResult) -> Phrase:
    return gettext_lazy(
        "%(open)s for open selection and %(reselect)s for reselection",
        open=units_text(section.units_open),
        reselect=units_text(section.units_reselect),
    )


def explain_no_votes(result: Result) -> Phrase:
    return gettext_lazy(
        "Counted under %(title)s. No valid votes were cast (no branch expressed a preference and no affiliate "
        "voted reselect or open), so there is no trigger and the MP is reselected.",
        title=title(result),
    )
