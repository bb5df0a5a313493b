"""The public overview of a round: every constituency of the round, and the declared results among them.

Read by anyone, like a ballot's own results page, and bound by the same disclosure: a ballot
that is not declared shows nothing but that it is not (no turnout, no figure of any kind), and a
voided one only that its result does not stand. A declared ballot shows what its own public
page already shows at the top: the outcome, the open share against its threshold, and the
turnout of the whole roll (never a ward's figures, which the disclosure rule may withhold).

`round_overview(round_)` reads it all in a constant number of queries (seven), whatever the
number of ballots: the round's ballots (a few columns of each, then the declared ones whole),
the declared ones' counted results (``declared_outcomes``: their votes, ward names and
affiliates, for all of them at once) and their turnout (one GROUP BY over their rolls). Page,
JSON and CSV are made from the same `RoundOverview`, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from django.db.models import Count, Q
from django.urls import reverse

from ballots import counting
from ballots.counting.formatting import exact
from ballots.models import RollEntry, Round, TriggerBallot
from ballots.region.dashboard_charts import ChartBar, count_bars_svg, share_band_bars
from ballots.results.charts import COLOURS, MEMBERS
from ballots.results.exports import percent_cell
from ballots.results.presenter import OUTCOME_LABELS, declared_outcomes, pc, threshold_words

NOT_DECLARED = "Not yet declared"
VOIDED = "Voided: its result does not stand"
CSV_HEADER = [
    "constituency",
    "sitting_mp",
    "declared",
    "declared_at",
    "outcome",
    "open_share_percent",
    "threshold_percent",
    "voted",
    "eligible",
    "turnout_percent",
]


@dataclass
class OverviewRow:
    """One constituency of the round, with figures only when its result is declared."""

    ballot_id: int
    constituency: str
    sitting_mp: str
    voided: bool
    declared_at: dt.datetime | None = None
    result: counting.Result | None = None
    voted: int = 0
    eligible: int = 0

    @property
    def declared(self) -> bool:
        return self.result is not None

    @property
    def state_text(self) -> str:
        if self.voided:
            return VOIDED
        if self.result is None:
            return NOT_DECLARED
        return OUTCOME_LABELS[self.result.outcome]

    @property
    def open_selection(self) -> bool:
        return self.result is not None and self.result.open_selection

    @property
    def open_share_pc(self) -> str:
        return pc(self.result.open_share) if self.result is not None else ""

    @property
    def threshold_text(self) -> str:
        """E.g. "more than 50%": what the open share had to be for an open selection."""
        return threshold_words(self.result.threshold) if self.result is not None else ""

    @property
    def turnout(self) -> Fraction | None:
        return Fraction(self.voted, self.eligible) if self.result is not None and self.eligible else None

    @property
    def turnout_pc(self) -> str:
        return pc(self.turnout, 1) if self.turnout is not None else ""

    @property
    def results_url(self) -> str:
        return reverse("ballots:results", args=[self.ballot_id]) if self.result is not None else ""


@dataclass
class RoundOverview:
    round: Round
    rows: list[OverviewRow] = field(default_factory=list)

    @cached_property
    def declared(self) -> list[OverviewRow]:
        return [row for row in self.rows if row.declared]

    @property
    def open_selections(self) -> int:
        return sum(1 for row in self.rows if row.open_selection)

    @property
    def reselected(self) -> int:
        return len(self.declared) - self.open_selections

    @property
    def summary(self) -> str:
        total, declared = len(self.rows), len(self.declared)
        if not total:
            return "This round has no ballots."
        text = f"{declared:,} of {total:,} ballot{'' if total == 1 else 's'} declared"
        if not declared:
            return text + ": no result of this round has been declared yet."
        opens = self.open_selections
        return f"{text}: {self.reselected:,} reselected, {opens:,} open selection{'' if opens == 1 else 's'}."


def round_overview(round_: Round) -> RoundOverview:
    """The round's ballots, with the declared ones' outcome, open share and turnout (constant queries)."""
    in_round = TriggerBallot.objects.filter(round=round_)
    # Every ballot as the list needs it (a few columns), and only the declared ones whole, to count.
    listed = in_round.order_by("constituency__name", "pk").values_list(
        "pk", "constituency__name", "sitting_mp", "voided_at"
    )
    declared = {
        ballot.pk: ballot
        for ballot in in_round.filter(status=TriggerBallot.Status.DECLARED, voided_at__isnull=True).select_related(
            "constituency"
        )
    }
    outcomes = declared_outcomes(declared.values())
    turnout = _turnout_by_ballot(list(declared))
    overview = RoundOverview(round=round_)
    for pk, constituency, sitting_mp, voided_at in listed:
        row = OverviewRow(ballot_id=pk, constituency=constituency, sitting_mp=sitting_mp, voided=voided_at is not None)
        if pk in outcomes:
            row.declared_at, row.result = declared[pk].declared_at, outcomes[pk]
            row.eligible, row.voted = turnout.get(pk, (0, 0))
        overview.rows.append(row)
    return overview


def _turnout_by_ballot(ids: list[int]) -> dict[int, tuple[int, int]]:
    """{ballot: (on the roll, voted)}: one GROUP BY over the rolls, the figures each result page shows."""
    if not ids:
        return {}
    # One pass over the ballots' roll rows by the ballot index: no index holds has_voted, so
    # that a vote's UPDATE of the roll entry is a HOT update (ballots/models/roll.py).
    rows = (
        RollEntry.objects.filter(ballot_id__in=ids)
        .values("ballot_id")
        .annotate(eligible=Count("ballot_id"), voted=Count("ballot_id", filter=Q(has_voted=True)))
        .order_by()
    )
    return {row["ballot_id"]: (row["eligible"], row["voted"]) for row in rows}


def overview_as_dict(overview: RoundOverview, *, absolute) -> dict:
    """The overview as JSON data; `absolute` makes a path a full address."""
    round_ = overview.round
    return {
        "round": {"id": round_.pk, "name": round_.name, "region": round_.region.name},
        "summary": {
            "ballots": len(overview.rows),
            "declared": len(overview.declared),
            "reselected": overview.reselected,
            "open_selections": overview.open_selections,
        },
        "ballots": [_row_as_dict(row, absolute) for row in overview.rows],
    }


def _row_as_dict(row: OverviewRow, absolute) -> dict:
    data: dict = {
        "constituency": row.constituency,
        "sitting_mp": row.sitting_mp,
        "declared": row.declared,
        "voided": row.voided,
    }
    result = row.result
    if result is None:
        return data
    data.update(
        declared_at=row.declared_at.isoformat() if row.declared_at else None,
        outcome=result.outcome,
        open_share=counting.percent_number(result.open_share),
        open_share_exact=exact(result.open_share),
        threshold=result.threshold.to_dict(),
        voted=row.voted,
        eligible=row.eligible,
        turnout=counting.percent_number(row.turnout),
        results_url=absolute(row.results_url),
    )
    return data


def overview_csv_rows(overview: RoundOverview):
    for row in overview.rows:
        result = row.result
        if result is None:
            yield [row.constituency, row.sitting_mp, "no", "", "voided" if row.voided else "", "", "", "", "", ""]
            continue
        yield [
            row.constituency,
            row.sitting_mp,
            "yes",
            row.declared_at.isoformat() if row.declared_at else "",
            result.outcome,
            percent_cell(result.open_share),
            percent_cell(result.threshold.value),
            row.voted,
            row.eligible,
            percent_cell(row.turnout),
        ]


# --- the chart ---------------------------------------------------------------------------------


def outcome_bars(overview: RoundOverview) -> list[ChartBar]:
    not_declared = len(overview.rows) - len(overview.declared)
    return [
        ChartBar(OUTCOME_LABELS[counting.OUTCOME_RESELECTED], overview.reselected, COLOURS[(MEMBERS, "reselect")]),
        ChartBar(OUTCOME_LABELS[counting.OUTCOME_OPEN_SELECTION], overview.open_selections, "hatch"),
        ChartBar(NOT_DECLARED, not_declared, "#505a5f"),
    ]


def open_share_bars(overview: RoundOverview) -> list[ChartBar]:
    """The declared ballots counted by band of open share (100% falls in the last band)."""
    shares = (row.result.open_share for row in overview.declared if row.result is not None)
    return share_band_bars(shares, COLOURS[(MEMBERS, "open")])


def overview_charts(overview: RoundOverview) -> list[dict]:
    """The overview's two charts, each with the same figures in words."""
    outcome_text = overview.summary
    bands = "; ".join(f"{bar.label}: {bar.count:,}" for bar in open_share_bars(overview) if bar.count)
    share_text = (
        f"Declared ballots by open share: {bands}." if bands else "No declared ballot has an open share to chart yet."
    )
    return [
        {
            "heading": "Outcomes across the round",
            "svg": count_bars_svg(outcome_bars(overview), title="Outcomes", description=outcome_text, uid="outcomes"),
            "text": outcome_text,
        },
        {
            "heading": "Open share of the declared ballots",
            "svg": count_bars_svg(
                open_share_bars(overview), title="Open share", description=share_text, uid="open-share"
            ),
            "text": share_text,
        },
    ]
