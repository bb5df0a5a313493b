"""Votes by channel on a results page: officers' per-ward rows, and the sentence the public may read.

A ward's tally is the sum of its channels (online, by post or on paper, at a branch meeting;
``selectors.WardTally.by_channel``). Officers see every ward's counts by channel. The public
never does: a small ward's split by channel (its one postal vote, say) would give that vote
away even where the ward's combined counts are above the disclosure threshold. The public
sees only the ballot's votes per channel, summed over every ward and never per side, in one
sentence: those sums give no ward's counts, except when every vote came from one ward, so
then they follow that ward's disclosure (`channel_votes_public`). See docs/results.md.
The sentence and the labels are in the page's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext, gettext_noop, ngettext, pgettext

from ballots.results.selectors import CHANNEL_LABELS, ChannelCounts, Tally, WardTally

# How the channels read in the sentence "Of the N members' votes, A were cast online, ...".
CHANNEL_PHRASES = {
    "online": gettext_noop("online"),
    "paper": gettext_noop("by post or on paper"),
    "meeting": gettext_noop("at branch meetings"),
}
# The channels' names (the model's labels, ballots.models.VoteChannel), for the officers' table.
CHANNEL_NAMES = (gettext_noop("Online"), gettext_noop("By post or on paper"), gettext_noop("At a branch meeting"))


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
    return [(channel, gettext(str(CHANNEL_LABELS[channel]))) for channel in (list(tally.by_channel) or ["online"])]


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
            name=gettext("All wards"),
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
    first = ngettext("%(n)s was cast %(channel)s", "%(n)s were cast %(channel)s", first_n)
    parts = [first % {"n": f"{first_n:,}", "channel": gettext(CHANNEL_PHRASES[first_channel])}]
    parts += [f"{n:,} {gettext(CHANNEL_PHRASES[channel])}" for channel, n in used[1:]]
    if len(parts) == 1:
        listed = parts[0]
    else:
        listed = pgettext("list of vote counts", "%(first)s and %(last)s") % {
            "first": ", ".join(parts[:-1]),
            "last": parts[-1],
        }
    sentence = ngettext(
        "Of the %(total)s members' vote, %(listed)s.", "Of the %(total)s members' votes, %(listed)s.", total
    )
    return sentence % {"total": f"{total:,}", "listed": listed}
