"""Audit sentences for votes that come by post, on paper or at branch meetings: the marked register,
paper batches and their two-person check, printed ballot papers, and meeting sessions.

Merged into `audit_words.SENTENCES`; the details named here are what the services record.
"""

from __future__ import annotations

from collections.abc import Callable

from ballots.models import VoteChannel

# "by post or on paper": each channel's label, to go inside a sentence.
CHANNEL_WORDS = {value: label[0].lower() + label[1:] for value, label in VoteChannel.choices}


def _figures(d: dict) -> str:
    text = f"{d['reselect']:,} to reselect, {d['open']:,} for an open selection"
    if d.get("spoilt"):
        text += f", {d['spoilt']:,} spoilt"
    return text


def _channel(d: dict) -> str:
    return CHANNEL_WORDS[d["channel"]]


def _mark_undone(d: dict) -> str:
    return f"Undid the mark of member {d['membership_number']} as having voted {_channel(d)}. Reason: {d['reason']}"


def _meeting_opened(d: dict) -> str:
    device = "on one shared device" if d.get("shared_device") else "on their own phones"
    return f"Opened the meeting \u201c{d['meeting']}\u201d for {d['ward']}: members vote {device}."


CHANNEL_SENTENCES: dict[str, Callable[[dict], str]] = {
    "vote_marked": lambda d: f"Marked member {d['membership_number']} as having voted {_channel(d)}.",
    "vote_mark_undone": _mark_undone,
    "paper_batch_entered": lambda d: (
        f"Entered the paper batch \u201c{d['label']}\u201d for {d['ward']} ({_channel(d)}): {_figures(d)}."
    ),
    "paper_batch_confirmed": lambda d: (
        f"Confirmed the paper batch \u201c{d['label']}\u201d for {d['ward']}, entered by {d['entered_by']}: "
        f"{_figures(d)}."
    ),
    "paper_batch_rejected": lambda d: (
        f"Rejected the paper batch \u201c{d['label']}\u201d for {d['ward']}. Reason: {d['reason']}"
    ),
    "ballot_papers_printed": lambda d: f"Printed {d['copies']:,} ballot papers for {d['ward']}.",
    "meeting_opened": _meeting_opened,
    "meeting_closed": lambda d: f"Closed the meeting \u201c{d['meeting']}\u201d for {d['ward']}.",
}
