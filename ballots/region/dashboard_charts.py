"""The dashboard's two charts across a round: turnout so far, and where the ballots stand (outcomes).

Server-rendered SVG, as ballots/results/charts.py: no inline ``style`` (the Content-Security-
Policy forbids it), colours as presentation attributes, the two outcomes told apart by pattern
as well as colour so the chart reads in greyscale print, every label escaped, and each chart
with a text alternative that says the same figures in words (shown beside it, and as its
``<desc>``). Only declared ballots have an outcome; the others are counted by status alone.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ballots import counting
from ballots.models import TriggerBallot
from ballots.region.dashboard import DashboardRow
from ballots.results.charts import COLOURS, MEMBERS
from ballots.results.presenter import OUTCOME_LABELS, pc

WIDTH = 360
MARGIN = 8
LABEL_WIDTH = 132
ROW_HEIGHT = 26
BAR_HEIGHT = 18
FONT = 14
GREY = "#505a5f"

# Ten bands of turnout: 0-10%, ..., 90-100% (100% falls in the last).
BANDS = 10


@dataclass(frozen=True)
class ChartBar:
    label: str
    count: int
    fill: str  # a colour, or "hatch" for the patterned open-selection fill


def _f(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _plural(n: int, word: str = "ballot") -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def count_bars_svg(bars: list[ChartBar], *, title: str, description: str, uid: str) -> SafeString:
    """Horizontal bars, one a row: the label on the left, the bar scaled to the largest count, the count after it."""
    inner = WIDTH - 2 * MARGIN - LABEL_WIDTH - 40
    largest = max((bar.count for bar in bars), default=0) or 1
    parts: list[str] = []
    y = MARGIN
    for index, bar in enumerate(bars):
        width = inner * bar.count / largest
        fill = f"url(#{uid}-hatch)" if bar.fill == "hatch" else bar.fill
        text_y = y + BAR_HEIGHT - 4
        parts.append(
            f'<text x="{MARGIN}" y="{text_y}" font-size="{FONT}" fill="#1b1b1b">{escape(bar.label)}</text>'
            f'<g class="chart-bar" data-bar="{index}" data-count="{bar.count}">'
        )
        if bar.count:
            parts.append(
                f'<rect x="{MARGIN + LABEL_WIDTH}" y="{y}" width="{_f(width)}" height="{BAR_HEIGHT}" '
                f'fill="{fill}" stroke="#1b1b1b" stroke-width="1"><title>{escape(bar.label)}: '
                f"{bar.count:,}</title></rect>"
            )
        parts.append(
            f'</g><text x="{_f(MARGIN + LABEL_WIDTH + width + 6)}" y="{text_y}" font-size="{FONT}" '
            f'fill="#1b1b1b">{bar.count:,}</text>'
        )
        y += ROW_HEIGHT
    height = y + MARGIN
    defs = (
        f'<defs><pattern id="{uid}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="8" height="8" fill="{COLOURS[(MEMBERS, "open")]}"/>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#ffffff" stroke-width="3"/></pattern></defs>'
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="{uid}-title {uid}-desc" '
        f'font-family="system-ui, sans-serif">'
        f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(description)}</desc>'
        f"{defs}{''.join(parts)}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every label above is escaped


def _band_label(band: int) -> str:
    return f"{band * 100 // BANDS}% to {(band + 1) * 100 // BANDS}%"


def share_band_bars(shares, fill: str) -> list[ChartBar]:
    """How many of `shares` (fractions of 1; None skipped) fall in each tenth; 100% in the last."""
    counts = [0] * BANDS
    for share in shares:
        if share is not None:
            counts[min(int(share * BANDS), BANDS - 1)] += 1
    return [ChartBar(_band_label(band), count, fill) for band, count in enumerate(counts)]


def turnout_bands(rows: list[DashboardRow]) -> list[ChartBar]:
    """The opened ballots with anyone on the roll, counted by band of turnout so far."""
    return share_band_bars((row.turnout for row in rows), COLOURS[(MEMBERS, "reselect")])


def turnout_chart_text(rows: list[DashboardRow]) -> str:
    """The turnout chart in words."""
    measured = [row for row in rows if row.turnout is not None]
    if not measured:
        return "No ballot shown has opened yet, so there is no turnout to chart."
    lowest = min(measured, key=lambda row: (row.turnout, row.constituency))
    highest = max(measured, key=lambda row: (row.turnout, row.constituency))
    median = statistics.median(row.turnout for row in measured)
    bands = "; ".join(f"{bar.label}: {_plural(bar.count)}" for bar in turnout_bands(rows) if bar.count)
    return (
        f"Turnout so far in {_plural(len(measured))} opened: median {pc(median, 1)}, lowest {lowest.turnout_pc} "
        f"({lowest.constituency}), highest {highest.turnout_pc} ({highest.constituency}). By band: {bands}."
    )


def turnout_chart_svg(rows: list[DashboardRow]) -> SafeString:
    return count_bars_svg(
        turnout_bands(rows), title="Ballots by turnout so far", description=turnout_chart_text(rows), uid="turnout"
    )


# Where a ballot stands: the two outcomes once declared, else its status.
RESELECTED, OPEN_SELECTION = counting.OUTCOME_RESELECTED, counting.OUTCOME_OPEN_SELECTION
_STANDING = [
    (RESELECTED, OUTCOME_LABELS[RESELECTED], COLOURS[(MEMBERS, "reselect")]),
    (OPEN_SELECTION, OUTCOME_LABELS[OPEN_SELECTION], "hatch"),
    (TriggerBallot.Status.CLOSED, "Closed, not declared", GREY),
    (TriggerBallot.Status.OPEN, "Voting open", GREY),
    (TriggerBallot.Status.DRAFT, "Draft", GREY),
    ("voided", "Voided", GREY),
]


def _standing(row: DashboardRow) -> str | None:
    if row.voided:
        return "voided"
    if row.outcome_key:
        return row.outcome_key
    if row.status == TriggerBallot.Status.DECLARED:
        return None  # declared but its count could not be made: not charted
    return row.status


def _standing_counts(rows: list[DashboardRow]) -> dict[str, int]:
    counts = dict.fromkeys((key for key, _label, _fill in _STANDING), 0)
    for row in rows:
        key = _standing(row)
        if key is not None:
            counts[key] += 1
    return counts


def outcome_bars(rows: list[DashboardRow]) -> list[ChartBar]:
    counts = _standing_counts(rows)
    return [ChartBar(label, counts[key], fill) for key, label, fill in _STANDING]


def outcome_chart_text(rows: list[DashboardRow]) -> str:
    """The outcomes chart in words."""
    counts = _standing_counts(rows)
    reselected, open_selection = counts[RESELECTED], counts[OPEN_SELECTION]
    text = (
        f"Of {_plural(len(rows))} shown, {reselected + open_selection:,} declared: {reselected:,} reselected "
        f"and {open_selection:,} open selection."
    )
    others = "; ".join(f"{label.lower()}: {counts[key]:,}" for key, label, _fill in _STANDING[2:] if counts[key])
    return f"{text} Not declared: {others}." if others else text


def outcome_chart_svg(rows: list[DashboardRow]) -> SafeString:
    return count_bars_svg(
        outcome_bars(rows), title="Where the ballots stand", description=outcome_chart_text(rows), uid="outcomes"
    )
