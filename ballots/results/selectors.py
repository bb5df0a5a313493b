"""Database reads for results: a ballot's tallies per ward and per affiliate, and the declared list.

Selectors only (no writes). Queries are constant, whatever the number of wards, affiliates
and votes:

* member votes: one query over ``WardVoteCount``, the count's tallies per ward and channel
  (a ballot's votes are sealed until counted, so an uncounted ballot has none to read). A
  ward's counts are the sum of its channels; the channels stay beside them in
  ``WardTally.by_channel`` for officers (public pages never show a ward's channels:
  docs/results.md);
* turnout: one ``GROUP BY ward, has_voted`` over the ballot's ``RollEntry`` rows (read by
  the ballot index: no index holds ``has_voted``, so a vote's write stays light);
* ward names: one query over the constituency's wards;
* affiliates: one query over ``BallotAffiliate`` left-joined to that ballot's
  ``AffiliateVote`` rows.

An affiliate's size is the one frozen on its ``BallotAffiliate`` row when the ballot opened,
and only that: editing the affiliate later changes no result. ``None`` means no size was
frozen (see ``ballots/results/scenario.py`` for how a count treats it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, F, FilteredRelation, Q
from django.utils.translation import gettext, gettext_noop

from ballots import counting
from ballots.models import BallotAffiliate, RollEntry, TriggerBallot, VoteChannel, WardVoteCount
from ballots.state import VOTING_CLOSED, ballot_voting_state
from members.models import Affiliate, Ward

KIND_LABELS = dict(Affiliate.Kind.choices)  # lazy: in the page's language when shown
# English message ids, translated when shown (kind_label, vote_label).
VOTE_LABELS = {
    counting.RESELECT: gettext_noop("Reselect"),
    counting.OPEN: gettext_noop("Open selection"),
    counting.ABSTAIN: gettext_noop("Abstained"),
    counting.NONE: gettext_noop("Did not vote"),
}
# The channels in the order every table and sentence lists them.
CHANNEL_ORDER = [channel.value for channel in VoteChannel]
CHANNEL_LABELS = dict(VoteChannel.choices)


@dataclass
class ChannelCounts:
    """One channel's counts in a ward (or summed over wards): the votes each side, and spoilt papers."""

    reselect: int = 0
    open: int = 0
    spoilt: int = 0

    @property
    def votes(self) -> int:
        return self.reselect + self.open

    def add(self, other: ChannelCounts) -> None:
        self.reselect += other.reselect
        self.open += other.open
        self.spoilt += other.spoilt


def _in_channel_order(by_channel: dict[str, ChannelCounts]) -> dict[str, ChannelCounts]:
    return {channel: by_channel[channel] for channel in CHANNEL_ORDER if channel in by_channel}


@dataclass
class WardTally:
    ward_id: int
    name: str
    reselect: int = 0
    open: int = 0
    eligible: int = 0
    voted: int = 0
    # Officers only: the ward's counts per channel ("online", "paper", "meeting"), only the
    # channels it has rows for, in CHANNEL_ORDER; reselect and open above are their sums.
    by_channel: dict[str, ChannelCounts] = field(default_factory=dict)

    @property
    def spoilt(self) -> int:
        """Spoilt papers (counted in turnout only, never for either side)."""
        return sum(counts.spoilt for counts in self.by_channel.values())

    @property
    def votes(self) -> int:
        return self.reselect + self.open

    @property
    def result(self) -> str:
        if self.reselect > self.open:
            return counting.RESELECT
        if self.open > self.reselect:
            return counting.OPEN
        return counting.TIED if self.reselect else counting.NONE

    @property
    def turnout(self) -> Fraction | None:
        return Fraction(self.voted, self.eligible) if self.eligible else None


@dataclass
class AffiliateTally:
    affiliate_id: int
    name: str
    kind: str
    members: int | None  # the size frozen when the ballot opened; None if none was
    vote: str  # reselect, open, abstain or none
    delegate_name: str = ""

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def vote_label(self) -> str:
        return gettext(VOTE_LABELS[self.vote]) if self.vote in VOTE_LABELS else self.vote


@dataclass
class Tally:
    wards: list[WardTally] = field(default_factory=list)
    affiliates: list[AffiliateTally] = field(default_factory=list)

    @property
    def eligible(self) -> int:
        return sum(w.eligible for w in self.wards)

    @property
    def voted(self) -> int:
        return sum(w.voted for w in self.wards)

    @property
    def votes_reselect(self) -> int:
        return sum(w.reselect for w in self.wards)

    @property
    def votes_open(self) -> int:
        return sum(w.open for w in self.wards)

    @property
    def votes_cast(self) -> int:
        return self.votes_reselect + self.votes_open

    @property
    def turnout(self) -> Fraction | None:
        return Fraction(self.voted, self.eligible) if self.eligible else None

    @property
    def by_channel(self) -> dict[str, ChannelCounts]:
        """The ballot's counts per channel, summed over its wards (only the channels used, in order)."""
        totals: dict[str, ChannelCounts] = {}
        for ward in self.wards:
            for channel, counts in ward.by_channel.items():
                totals.setdefault(channel, ChannelCounts()).add(counts)
        return _in_channel_order(totals)

    @property
    def wards_with_votes(self) -> int:
        return sum(1 for w in self.wards if w.votes)


def _member_votes(ids: list[int]) -> dict[int, dict[int, dict[str, ChannelCounts]]]:
    """Per ballot, per ward, per channel: the count's rows, one query."""
    votes: dict[int, dict[int, dict[str, ChannelCounts]]] = defaultdict(lambda: defaultdict(dict))
    for ballot_id, ward_id, channel, reselect, open_, spoilt in WardVoteCount.objects.filter(
        ballot_id__in=ids
    ).values_list("ballot_id", "ward_id", "channel", "reselect", "open", "spoilt"):
        votes[ballot_id][ward_id][channel] = ChannelCounts(reselect=reselect, open=open_, spoilt=spoilt)
    return votes


def _roll(ids: list[int]) -> dict[int, dict[int, list[int]]]:
    roll: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for ballot_id, ward_id, has_voted, n in (
        RollEntry.objects.filter(ballot_id__in=ids)
        .values_list("ballot_id", "ward_id", "has_voted")
        .annotate(n=Count("*"))
        .order_by()
    ):
        entry = roll[ballot_id][ward_id]
        entry[0] += n
        if has_voted:
            entry[1] += n
    return roll


def affiliate_tallies(ids: list[int], *, votes: bool = True) -> dict[int, list[AffiliateTally]]:
    """Each ballot's eligible affiliates (one query), with their frozen sizes and, with ``votes``, their votes."""
    affiliates: dict[int, list[AffiliateTally]] = defaultdict(list)
    rows = (
        BallotAffiliate.objects.filter(ballot_id__in=ids)
        .annotate(
            this_vote=FilteredRelation("affiliate__votes", condition=Q(affiliate__votes__ballot_id=F("ballot_id")))
        )
        .values_list(
            "ballot_id",
            "affiliate_id",
            "affiliate__name",
            "affiliate__kind",
            "affiliated_members",
            "this_vote__choice",
            "this_vote__delegate_name",
        )
        .order_by("affiliate__name", "affiliate_id")
    )
    for ballot_id, affiliate_id, name, kind, members, choice, delegate in rows:
        affiliates[ballot_id].append(
            AffiliateTally(
                affiliate_id=affiliate_id,
                name=name,
                kind=kind,
                members=members,
                vote=(choice if votes else None) or counting.NONE,
                delegate_name=(delegate if votes else None) or "",
            )
        )
    return affiliates


def ballot_tallies(ballots, *, turnout: bool = True, votes: bool = True) -> dict[int, Tally]:
    """Tallies for several ballots at once, in a constant number of queries (2 to 4).

    ``turnout=False`` skips the roll (wards then come from the votes alone); ``votes=False``
    reads no vote at all (every ward 0-0, every affiliate ``none``): the wards on the roll and
    the eligible affiliates only, for a ballot whose voting has not closed.
    """
    ballots = list(ballots)
    ids = [b.pk for b in ballots]
    if not ids:
        return {}
    member_votes = _member_votes(ids) if votes else {}
    roll = _roll(ids) if turnout else {}
    constituency_ids = {b.constituency_id for b in ballots}
    ward_names = dict(Ward.objects.filter(constituency_id__in=constituency_ids).values_list("pk", "name"))
    affiliates = affiliate_tallies(ids, votes=votes)
    tallies = {}
    for ballot in ballots:
        ballot_votes = member_votes.get(ballot.pk, {})
        ballot_roll = roll.get(ballot.pk, {})
        wards = []
        for ward_id in set(ballot_votes) | set(ballot_roll):
            by_channel = _in_channel_order(ballot_votes.get(ward_id, {}))
            eligible, voted = ballot_roll.get(ward_id, (0, 0))
            wards.append(
                WardTally(
                    ward_id=ward_id,
                    name=ward_names.get(ward_id, f"Ward {ward_id}"),
                    # A ward's tally is the sum of its channels (online, paper, meeting).
                    reselect=sum(counts.reselect for counts in by_channel.values()),
                    open=sum(counts.open for counts in by_channel.values()),
                    eligible=eligible,
                    voted=voted,
                    by_channel=by_channel,
                )
            )
        wards.sort(key=lambda w: (w.name.casefold(), w.ward_id))
        tallies[ballot.pk] = Tally(wards=wards, affiliates=affiliates.get(ballot.pk, []))
    return tallies


def ballot_tally(ballot: TriggerBallot, *, votes: bool = True) -> Tally:
    """Per ward (every ward with anyone on the roll or any vote) and per eligible affiliate."""
    return ballot_tallies([ballot], votes=votes)[ballot.pk]


def voting_has_closed(ballot: TriggerBallot, now=None) -> bool:
    """Closed or declared, or open with its closing time passed (no more votes can arrive)."""
    return ballot_voting_state(ballot, now) == VOTING_CLOSED


def votes_counted(ballot: TriggerBallot) -> bool:
    """Whether the ballot's sealed votes have been counted (so there is a result to show)."""
    return ballot.counted_at is not None


def declared_ballots():
    """Declared ballots, newest first (the public list)."""
    return (
        TriggerBallot.objects.filter(status=TriggerBallot.Status.DECLARED)
        .select_related("constituency")
        .order_by(F("declared_at").desc(nulls_last=True), "-pk")
    )
