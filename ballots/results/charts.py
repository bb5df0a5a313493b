"""Server-rendered SVG charts for results pages: plain Python, returning safe markup strings (labels escaped).

No inline ``style`` attributes (the Content-Security-Policy forbids them): colours are
presentation attributes, and the two sides differ by pattern as well as colour so the chart
reads in greyscale print. The ``viewBox`` with ``width="100%"`` lets it scale down to a
360-pixel phone screen; the text is sized for that.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ballots import counting

WIDTH = 360
MARGIN = 8
BAR_HEIGHT = 44
FONT = 16
LINE_GAP = 22

# Fill colours (contrast with white of at least 4.5:1 for the dark pair) and patterns.
COLOURS = {
    ("members", "reselect"): "#1d4f91",
    ("affiliates", "reselect"): "#5b84c4",
    ("affiliates", "open"): "#b17ecb",
    ("members", "open"): "#7a1e99",
}
PATTERNS = {
    ("members", "reselect"): None,
    ("affiliates", "reselect"): "dots",
    ("affiliates", "open"): "cross",
    ("members", "open"): "hatch",
}


@dataclass(frozen=True)
class Segment:
    key: tuple[str, str]  # (section, side)
    label: str
    share: Fraction  # of the bar, 0..1


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    threshold: Fraction
    threshold_label: str


def _f(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _pattern_defs(uid: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{uid}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="8" height="8" fill="{COLOURS[("members", "open")]}"/>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#ffffff" stroke-width="3"/></pattern>'
        f'<pattern id="{uid}-cross" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{COLOURS[("affiliates", "open")]}"/>'
        '<path d="M0 0L8 8M8 0L0 8" stroke="#ffffff" stroke-width="1.5"/></pattern>'
        f'<pattern id="{uid}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{COLOURS[("affiliates", "reselect")]}"/>'
        '<circle cx="3" cy="3" r="1.3" fill="#ffffff"/></pattern>'
        "</defs>"
    )


def _fill(uid: str, key: tuple[str, str]) -> str:
    pattern = PATTERNS.get(key)
    return f"url(#{uid}-{pattern})" if pattern else COLOURS[key]


def bars_svg(bars: list[Bar], *, title: str, description: str, uid: str = "chart") -> SafeString:
    """Horizontal 100% bars, each with its threshold line marked and labelled, and a legend."""
    inner = WIDTH - 2 * MARGIN
    parts: list[str] = []
    y = MARGIN
    legend_keys: list[tuple[tuple[str, str], str]] = []
    for bar_index, bar in enumerate(bars):
        if bar.label:
            y += FONT
            parts.append(
                f'<text x="{MARGIN}" y="{y}" font-size="{FONT}" font-weight="700" fill="#1b1b1b">'
                f"{escape(bar.label)}</text>"
            )
            y += 6
        # Which way each side runs: reselection from the left, open selection from the right.
        y += FONT
        parts.append(
            f'<text x="{MARGIN}" y="{y}" font-size="{FONT - 2}" fill="#1b1b1b">← Reselection</text>'
            f'<text x="{WIDTH - MARGIN}" y="{y}" font-size="{FONT - 2}" text-anchor="end" fill="#1b1b1b">'
            "Open selection →</text>"
        )
        y += 6
        # Threshold label above the bar, anchored so that it stays inside the box.
        line_x = MARGIN + float(bar.threshold) * inner
        y += FONT
        anchor = "middle" if 0.25 <= float(bar.threshold) <= 0.75 else "start"
        parts.append(
            f'<text x="{_f(line_x)}" y="{y}" font-size="{FONT - 2}" text-anchor="{anchor}" fill="#1b1b1b" '
            f'class="chart-threshold-label">{escape(bar.threshold_label)}</text>'
        )
        y += 4
        top = y
        x = float(MARGIN)
        parts.append(f'<g class="chart-bar" data-bar="{bar_index}">')
        parts.append(
            f'<rect x="{MARGIN}" y="{top}" width="{inner}" height="{BAR_HEIGHT}" fill="#f3f2f1" '
            'stroke="#1b1b1b" stroke-width="1"/>'
        )
        for segment in bar.segments:
            width = float(segment.share) * inner
            if (segment.key, segment.label) not in legend_keys:
                legend_keys.append((segment.key, segment.label))
            if width <= 0:
                continue
            parts.append(
                f'<rect class="chart-segment chart-{segment.key[0]}-{segment.key[1]}" '
                f'data-share="{float(segment.share):.6f}" x="{_f(x)}" y="{top}" width="{_f(width)}" '
                f'height="{BAR_HEIGHT}" fill="{_fill(uid, segment.key)}" stroke="#ffffff" stroke-width="1">'
                f"<title>{escape(segment.label)}</title></rect>"
            )
            x += width
        parts.append("</g>")
        parts.append(
            f'<line class="chart-threshold" x1="{_f(line_x)}" y1="{top - 4}" x2="{_f(line_x)}" '
            f'y2="{top + BAR_HEIGHT + 4}" stroke="#1b1b1b" stroke-width="3" stroke-dasharray="6 3"/>'
        )
        y = top + BAR_HEIGHT + 12
    # Legend: one row per segment kind, swatch then words.
    y += 4
    for key, label in legend_keys:
        parts.append(
            f'<rect x="{MARGIN}" y="{y}" width="18" height="18" fill="{_fill(uid, key)}" stroke="#1b1b1b" '
            'stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{MARGIN + 26}" y="{y + 14}" font-size="{FONT}" fill="#1b1b1b">{escape(label)}</text>'
        )
        y += LINE_GAP
    height = y + MARGIN
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="{uid}-title {uid}-desc" '
        f'font-family="system-ui, sans-serif">'
        f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(description)}</desc>'
        f"{_pattern_defs(uid)}{''.join(parts)}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every label above is escaped


def _share(value: Fraction | None) -> Fraction:
    return Fraction(0) if value is None else Fraction(value)


def result_bars(result: counting.Result) -> list[Bar]:
    """The bars for a counted result: one college (or pool) bar, or one per section (2018)."""
    members = result.section(counting.MEMBERS)
    affiliates = result.section(counting.AFFILIATES)
    if result.open_share is not None or result.threshold.test == "more than":
        what = "college" if result.rules == "labour-2021" else "units"
        segments = (
            Segment(("members", "reselect"), f"Members for reselection: {_pc(members.reselect_share)}",
                    _share(members.reselect_share)),
            Segment(("affiliates", "reselect"), f"Affiliates for reselection: {_pc(affiliates.reselect_share)}",
                    _share(affiliates.reselect_share)),
            Segment(("affiliates", "open"), f"Affiliates for open selection: {_pc(affiliates.open_share)}",
                    _share(affiliates.open_share)),
            Segment(("members", "open"), f"Members for open selection: {_pc(members.open_share)}",
                    _share(members.open_share)),
        )
        label = f"Open selection needs more than {counting.format_percent(result.threshold.value, 0)}"
        return [Bar(label="The college" if what == "college" else "All units that voted",
                    segments=segments, threshold=result.threshold.value, threshold_label=label)]
    # labour-2018: each section judged on its own fraction against one third.
    bars = []
    third = result.threshold.value
    for section, name in ((members, "members"), (affiliates, "affiliates")):
        fraction = section.open_fraction
        title = "Branches" if name == "members" else "Affiliates"
        segments = (
            Segment((name, "reselect"), f"{title} for reselection: {_pc(None if fraction is None else 1 - fraction)}",
                    Fraction(0) if fraction is None else 1 - fraction),
            Segment((name, "open"), f"{title} for open selection: {_pc(fraction)}", _share(fraction)),
        )
        bars.append(Bar(label=title, segments=segments, threshold=1 - third,
                        threshold_label=f"open selection at {counting.format_percent(third)} or more"))
    return bars


def _pc(share) -> str:
    return counting.format_percent(share) if share is not None else "n/a"


def result_chart_text(result: counting.Result) -> str:
    """The chart in words: the same figures, for screen readers, print and anyone."""
    members = result.section(counting.MEMBERS)
    affiliates = result.section(counting.AFFILIATES)
    if result.open_share is not None:
        what = "college" if result.rules == "labour-2021" else "units that voted"
        return (
            f"Of the {what}, members gave {_pc(members.reselect_share)} to reselection and "
            f"{_pc(members.open_share)} to open selection; affiliates gave {_pc(affiliates.reselect_share)} "
            f"to reselection and {_pc(affiliates.open_share)} to open selection. The open share is "
            f"{_pc(result.open_share)}; an open selection needs more than "
            f"{counting.format_percent(result.threshold.value, 0)}."
        )
    if result.no_valid_votes:
        return "No valid votes were cast, so there is nothing to chart: the MP is reselected."
    return (
        f"Branches: {_pc(members.open_fraction)} of those that voted chose open selection. "
        f"Affiliates: {_pc(affiliates.open_fraction)} of those that voted chose open selection. "
        f"An open selection needs {counting.format_percent(result.threshold.value)} or more in either section."
    )


def result_chart_svg(result: counting.Result, *, uid: str = "result-chart") -> SafeString:
    return bars_svg(
        result_bars(result),
        title=f"Result chart: {'open selection' if result.open_selection else 'reselected'}",
        description=result_chart_text(result),
        uid=uid,
    )
