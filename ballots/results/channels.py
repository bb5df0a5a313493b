"""Votes by channel on a results page: officers' per-ward rows, and the sentence the public may read.

A ward's tally is the sum of its channels (online, by post or on paper, at a branch meeting;
``selectors.WardTally.by_channel``). Officers see every ward's counts by channel. The public
never does: a small ward's split by channel (its one postal vote, say) would give that vote
away even where the ward's combined counts are above the disclosure threshold. The public
sees only the ballot's votes per channel, summed over every ward and never per side, in one
sentence: those sums give no ward's counts, except when every vote came from one ward, so
then they follow that ward's disclosure (`channel_votes_public`). See docs/results.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ballots.results.selectors import CHANNEL_LABELS, ChannelCounts, Tally, WardTally

# How the channels read in the sentence "Of the N members' votes, A were cast online, ...".
CHANNEL_PHRASES = {"online": "online", "paper": "by post or on paper", "meeting": "at branch meetings"}


class _Branch(Protocol):
    tally: WardTally
    withheld: bool


@dataclass
class ChannelRow:
    """A ward's counts by channel, for officers: one `ChannelCounts` (or None) per channel the ballot used."""

    name: str
    counts: list[ChannelCounts | None]
    spoilt: int
    votes: int


def channels_used(tally: Tally) -> list[tuple[str, str]]:
    """The channels the ballot's votes came by, as (channel, label), in order; online when none."""
    return [(channel, CHANNEL_LABELS[channel]) for channel in (list(tally.by_channel) or ["online"])]


def channel_rows(branches: Sequence[_Branch], tally: Tally) -> list[ChannelRow]:
    """Each ward's counts by channel, then a last row for all wards (officers only: the caller checks)."""
    used = [channel for channel, _ in channels_used(tally)]
    rows = [
        ChannelRow(
            name=row.tally.name,
            counts=[row.tally.by_channel.get(channel) for channel in used],
            spoilt=row.tally.spoilt,
            votes=row.tally.votes,
        )
        for row in branches
    ]
    totals = tally.by_channel
    rows.append(
        ChannelRow(
            name="All wards",
            counts=[totals.get(channel) for channel in used],
            spoilt=sum(counts.spoilt for counts in totals.values()),
            votes=tally.votes_cast,
        )
    )
    return rows


def channel_votes_public(branches: Sequence[_Branch], tally: Tally, *, threshold: int) -> bool:
    """Whether the ballot's votes by channel (summed over all wards) may be published.

    Never when fewer than ``threshold`` members' votes were cast in all; and when the votes came
    from one ward alone they are that ward's, so only if its counts are published too.
    """
    if tally.votes_cast < threshold:
        return False
    voting = [row for row in branches if row.tally.votes]
    return not (len(voting) == 1 and voting[0].withheld)


def channels_sentence(votes: dict[str, int]) -> str:
    """E.g. "Of the 1,234 members' votes, 1,100 were cast online, 120 by post or on paper and 14 at branch
    meetings."; "" when every vote was cast online (or none was)."""
    used = [(channel, n) for channel, n in votes.items() if n]
    if not used or [channel for channel, _ in used] == ["online"]:
        return ""
    total = sum(n for _, n in used)
    first_channel, first_n = used[0]
    parts = [f"{first_n:,} {'was' if first_n == 1 else 'were'} cast {CHANNEL_PHRASES[first_channel]}"]
    parts += [f"{n:,} {CHANNEL_PHRASES[channel]}" for channel, n in used[1:]]
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"Of the {total:,} members' {'vote' if total == 1 else 'votes'}, {listed}."
