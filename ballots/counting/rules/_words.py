"""The phrases the rule sets' explanations share: tie words, notes on entries that are not units.

Private to ``counting/rules/``.
"""

from __future__ import annotations

from ballots.counting.formatting import plural, units_text
from ballots.counting.results import Result, SectionResult

TIE_WORDS = {
    "exclude": "excluded",
    "split": "split half to each side",
    "reselect": "counted for reselection",
    "open": "counted for open selection",
}


def branch_notes(section: SectionResult, tie: str, n_empty: int) -> str:
    notes = []
    if section.tied:
        notes.append(f"{plural(section.tied, 'tied branch', 'tied branches')} {TIE_WORDS[tie]}")
    if n_empty:
        notes.append(f"{plural(n_empty, 'branch', 'branches')} with no votes")
    return f" ({'; '.join(notes)})" if notes else ""


def affiliate_notes(section: SectionResult) -> str:
    notes = []
    if section.votes.get("abstain"):
        notes.append(f"{section.votes['abstain']} abstained")
    if section.votes.get("none"):
        notes.append(f"{section.votes['none']} did not vote")
    if section.votes.get("zero_members"):
        notes.append(f"{section.votes['zero_members']} with no affiliated members")
    return f" ({'; '.join(notes)})" if notes else ""


def sides_text(section: SectionResult) -> str:
    return (
        f"{units_text(section.units_open)} for open selection and {units_text(section.units_reselect)} for reselection"
    )


def explain_no_votes(result: Result) -> str:
    return (
        f"Counted under {result.rule_set.title}. No valid votes were cast (no branch expressed a "
        "preference and no affiliate voted reselect or open), so there is no trigger and "
        "the MP is reselected."
    )
