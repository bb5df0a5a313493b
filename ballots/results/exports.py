"""A ballot's results as data: the JSON object (DESIGN.md's result object) and the CSV's rows.

Both are made from the one :class:`~ballots.results.presenter.BallotResult` the page shows,
so they cannot disagree with it; what disclosure withholds there is withheld here too.
Identifiers (rule-set names, option values, vote and result codes) appear here and only
here; readers of the page see words.

Counts by channel: ``reselect`` and ``open`` are always a ward's combined counts (the figures
that decide). Officers' JSON adds a ``by_channel`` object to each branch and one for the
ballot, and officers' CSV the per-channel columns (``OFFICER_CSV_HEADER``); the public's has
neither, only ``votes_per_channel`` (votes, no sides) where that is safe (channels.py).
"""

from __future__ import annotations

from fractions import Fraction

from ballots import counting
from ballots.results.disclosure import public_contributions, public_sections
from ballots.results.presenter import BallotResult
from ballots.results.selectors import CHANNEL_ORDER, ChannelCounts

CSV_HEADER = [
    "section",
    "name",
    "kind",
    "reselect",
    "open",
    "votes_cast",
    "eligible",
    "turnout_percent",
    "result_or_vote",
    "weight_percent",
    "withheld",
]
# Officers' CSV only: every channel's counts, whether used or not, so the columns never move.
CHANNEL_CSV_COLUMNS = [f"{channel}_{side}" for channel in CHANNEL_ORDER for side in ("reselect", "open", "spoilt")]
OFFICER_CSV_HEADER = CSV_HEADER + CHANNEL_CSV_COLUMNS


def csv_header(br: BallotResult) -> list[str]:
    """The public CSV's columns, or the officers' with the counts by channel."""
    return CSV_HEADER if br.public else OFFICER_CSV_HEADER


def _channels_dict(by_channel: dict[str, ChannelCounts]) -> dict[str, dict[str, int]]:
    return {
        channel: {"reselect": counts.reselect, "open": counts.open, "spoilt": counts.spoilt}
        for channel, counts in by_channel.items()
    }


def result_as_dict(br: BallotResult) -> dict:
    """DESIGN.md's results JSON: the ``whatif --json`` fields plus the ballot's own figures."""
    ballot = br.ballot
    tally = br.tally
    hide = br.member_totals_withheld
    data = br.result.to_dict()
    data.setdefault("rules_title", br.rule_set.title)
    data["sections"] = public_sections(data["sections"], hide_member_votes=hide)
    data["contributions"] = public_contributions(
        data["contributions"], withheld_names=set(br.withheld_names), pooled=br.members_pooled
    )
    data["ballot"] = {
        "id": ballot.pk,
        "constituency": ballot.constituency.name,
        "sitting_mp": ballot.sitting_mp,
        "status": ballot.status,
        "closes_at": ballot.closes_at.isoformat() if ballot.closes_at else None,
        "declared_at": ballot.declared_at.isoformat() if ballot.declared_at else None,
        # A voided ballot keeps its figures, and says so: when and why it was voided.
        "voided": {"at": ballot.voided_at.isoformat(), "reason": ballot.void_reason} if ballot.is_voided else None,
    }
    data["provisional"] = br.provisional
    branches = [
        {
            "name": row.name,
            "reselect": row.reselect,
            "open": row.open,
            "withheld": row.withheld,
            "result": row.result,
            "weight": counting.percent_number(row.weight),
            "votes_cast": row.votes_cast,
            "eligible": row.tally.eligible,
            "voted": row.voted,
            "turnout": counting.percent_number(row.turnout),
        }
        for row in br.branches
    ]
    if not br.public:  # a ward's counts by channel are never public, not even its key
        for branch, row in zip(branches, br.branches, strict=True):
            branch["by_channel"] = _channels_dict(row.tally.by_channel)
    data["branches"] = branches
    data["affiliates"] = [
        {
            "name": row.tally.name,
            "kind": row.tally.kind,
            "vote": row.tally.vote,
            "members": row.tally.members,
            "weight": counting.percent_number(row.weight),
        }
        for row in br.affiliates
    ]
    data["member_votes"] = {
        "cast": tally.votes_cast,
        "reselect": None if hide else tally.votes_reselect,
        "open": None if hide else tally.votes_open,
    }
    # The members' votes per channel, summed over every ward (no sides); None where publishing
    # them could give a withheld ward away. Officers also get each channel's sides and spoilt papers.
    data["votes_per_channel"] = br.channel_votes
    if not br.public:
        data["by_channel"] = _channels_dict(tally.by_channel)
    data["explanation"] = br.explanation
    data["turnout"] = {
        "eligible": tally.eligible,
        "voted": tally.voted,
        "percent": counting.percent_number(tally.turnout),
    }
    data["eligibility"] = br.eligibility
    data["disclosure"] = {
        "public": br.public,
        "threshold": br.threshold,
        "withheld": br.withheld_names,
        "note": br.disclosure_note,
    }
    data["unknown_affiliate_sizes"] = [row.tally.name for row in br.affiliates if row.tally.members is None]
    data["other_rules"] = [
        {
            "rules": other.rules,
            "options": dict(other.options),
            "outcome": other.outcome,
            "open_share": counting.percent_number(other.open_share),
            "applied": applied,
            "for_information": not applied,
        }
        for other, applied in br.other_rules
    ]
    data["smallest_flip"] = br.flip
    return data


def percent_cell(share: Fraction | None) -> str:
    """A share as a CSV cell: percent to three places, no sign; empty for none."""
    return "" if share is None else counting.format_percent(share).rstrip("%")


def _channel_cells(br: BallotResult, by_channel: dict[str, ChannelCounts] | None) -> list:
    """The officers' per-channel cells of a row (none on the public CSV; blanks for a row without counts)."""
    if br.public:
        return []
    if by_channel is None:
        return [""] * len(CHANNEL_CSV_COLUMNS)
    cells: list = []
    for channel in CHANNEL_ORDER:
        counts = by_channel.get(channel, ChannelCounts())
        cells += [counts.reselect, counts.open, counts.spoilt]
    return cells


def result_csv_rows(br: BallotResult):
    """The CSV's rows: wards, a members' total, affiliates, then the outcome (with `csv_header`'s columns)."""
    blank = _channel_cells(br, None)
    for row in br.branches:
        yield [
            counting.MEMBERS,
            row.name,
            "ward branch",
            "" if row.reselect is None else row.reselect,
            "" if row.open is None else row.open,
            "" if row.votes_cast is None else row.votes_cast,
            row.tally.eligible,
            percent_cell(row.turnout),
            row.result,
            percent_cell(row.weight),
            "yes" if row.withheld else "no",
            *_channel_cells(br, row.tally.by_channel),
        ]
    tally = br.tally
    hide = br.member_totals_withheld
    members = br.member_section
    yield [
        "members_total",
        "All wards",
        "",
        "" if hide else tally.votes_reselect,
        "" if hide else tally.votes_open,
        tally.votes_cast,
        tally.eligible,
        percent_cell(tally.turnout),
        "",
        percent_cell(None if members is None else members.weight),
        "yes" if hide else "no",
        *_channel_cells(br, tally.by_channel),
    ]
    for row in br.affiliates:
        yield [
            counting.AFFILIATES,
            row.tally.name,
            row.tally.kind,
            "",
            "",
            "",
            "",
            "",
            row.tally.vote,
            percent_cell(row.weight),
            "no",
            *blank,
        ]
    yield [
        "outcome",
        br.result.outcome,
        br.result.rules,
        "",
        "",
        "",
        "",
        "",
        "",
        percent_cell(br.result.open_share),
        "",
        *blank,
    ]
