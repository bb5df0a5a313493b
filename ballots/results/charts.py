"""Server-rendered SVG charts for results pages: plain Python, returning safe markup strings (labels escaped).

No inline ``style`` attributes (the Content-Security-Policy forbids them): colours are
presentation attributes, and the two sides differ by pattern as well as colour so the chart
reads in greyscale print. The ``viewBox`` with ``width="100%"`` lets it scale down to a
360-pixel phone screen; the text is sized for that. Its words, and the text alternative's, are in
the page's language (Welsh on a bilingual ballot's page when the reader chose it).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from ballots import counting
from ballots.results.words import pc, threshold_percent, threshold_words, translated

WIDTH = 360
MARGIN = 8
BAR_HEIGHT = 44
FONT = 16
LINE_GAP = 22

MEMBERS, AFFILIATES = counting.MEMBERS, counting.AFFILIATES

# Fill colours (contrast with white of at least 4.5:1 for the dark pair) and patterns. A
# section of another name is drawn like the members' (solid for reselect, hatched for open).
COLOURS = {
    (MEMBERS, "reselect"): "#1d4f91",
    (AFFILIATES, "reselect"): "#5b84c4",
    (AFFILIATES, "open"): "#b17ecb",
    (MEMBERS, "open"): "#7a1e99",
}
PATTERNS = {
    (MEMBERS, "reselect"): None,
    (AFFILIATES, "reselect"): "dots",
    (AFFILIATES, "open"): "cross",
    (MEMBERS, "open"): "hatch",
}
# A section's name, and per section what its units are; translated where they are drawn.
SECTION_WORDS = {MEMBERS: gettext_noop("Members"), AFFILIATES: gettext_noop("Affiliates")}
SECTION_UNIT_WORDS = {MEMBERS: gettext_noop("Branches"), AFFILIATES: gettext_noop("Affiliates")}


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
        f'<rect width="8" height="8" fill="{COLOURS[(MEMBERS, "open")]}"/>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#ffffff" stroke-width="3"/></pattern>'
        f'<pattern id="{uid}-cross" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{COLOURS[(AFFILIATES, "open")]}"/>'
        '<path d="M0 0L8 8M8 0L0 8" stroke="#ffffff" stroke-width="1.5"/></pattern>'
        f'<pattern id="{uid}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{COLOURS[(AFFILIATES, "reselect")]}"/>'
        '<circle cx="3" cy="3" r="1.3" fill="#ffffff"/></pattern>'
        "</defs>"
    )


def _fill(uid: str, key: tuple[str, str]) -> str:
    if key not in COLOURS:
        key = (MEMBERS, key[1])
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
        left, right = escape(gettext("Reselection")), escape(gettext("Open selection"))
        parts.append(
            f'<text x="{MARGIN}" y="{y}" font-size="{FONT - 2}" fill="#1b1b1b">← {left}</text>'
            f'<text x="{WIDTH - MARGIN}" y="{y}" font-size="{FONT - 2}" text-anchor="end" fill="#1b1b1b">'
            f"{right} →</text>"
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
        parts.append(f'<text x="{MARGIN + 26}" y="{y + 14}" font-size="{FONT}" fill="#1b1b1b">{escape(label)}</text>')
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


def _pc(share) -> str:
    return pc(share)


def _words(name: str, per_section: bool = False) -> str:
    """A section's name for readers; per section, members are judged by branch."""
    words = SECTION_UNIT_WORDS if per_section else SECTION_WORDS
    return gettext(words[name]) if name in words else name.replace("_", " ").capitalize()


def _for_reselection(section: str, share) -> str:
    return gettext("%(section)s for reselection: %(percent)s") % {"section": section, "percent": _pc(share)}


def _for_open_selection(section: str, share) -> str:
    return gettext("%(section)s for open selection: %(percent)s") % {"section": section, "percent": _pc(share)}


def _pool_words(result: counting.Result) -> str:
    """What the pool is ("the college"), or "the count"."""
    return translated(result.rule_set.pool_label) or gettext("the count")


def _sections(result: counting.Result) -> list[counting.SectionResult]:
    return [result.section(name) for name in result.rule_set.sections]


def _pooled_bar(result: counting.Result) -> Bar:
    """One bar for the college or pool: reselection from the left section by section, open from the right."""
    sections = _sections(result)
    reselect = [
        Segment((s.name, "reselect"), _for_reselection(_words(s.name), s.reselect_share), _share(s.reselect_share))
        for s in sections
    ]
    open_ = [
        Segment((s.name, "open"), _for_open_selection(_words(s.name), s.open_share), _share(s.open_share))
        for s in reversed(sections)
    ]
    threshold = result.threshold
    label = gettext("Open selection needs %(threshold)s") % {"threshold": threshold_words(threshold)}
    pool = _pool_words(result)
    return Bar(
        label=pool[:1].upper() + pool[1:],
        segments=(*reselect, *open_),
        threshold=threshold.value,
        threshold_label=label,
    )


def _section_bars(result: counting.Result) -> list[Bar]:
    """One bar per section, each judged on its own open fraction against the threshold."""
    threshold = result.threshold
    line = (
        gettext("open selection at %(percent)s or more")
        if threshold.test == "at least"
        else gettext("open selection above %(percent)s")
    ) % {"percent": threshold_percent(threshold)}
    bars = []
    for section in _sections(result):
        fraction = section.open_fraction
        title = _words(section.name, per_section=True)
        segments = (
            Segment(
                (section.name, "reselect"),
                _for_reselection(title, None if fraction is None else 1 - fraction),
                Fraction(0) if fraction is None else 1 - fraction,
            ),
            Segment((section.name, "open"), _for_open_selection(title, fraction), _share(fraction)),
        )
        bars.append(Bar(label=title, segments=segments, threshold=1 - threshold.value, threshold_label=line))
    return bars


def result_bars(result: counting.Result) -> list[Bar]:
    """The bars the rule set asks for: one for the college or pool, or one per section."""
    if result.rule_set.chart == "pooled":
        return [_pooled_bar(result)]
    return _section_bars(result)


def result_chart_text(result: counting.Result) -> str:
    """The chart in words: the same figures, for screen readers, print and anyone."""
    threshold = result.threshold
    if result.no_valid_votes:
        return gettext("No valid votes were cast, so there is nothing to chart: the MP is reselected.")
    if result.rule_set.chart == "pooled":
        gave = "; ".join(
            gettext("%(section)s gave %(reselect)s to reselection and %(open)s to open selection")
            % {"section": _words(s.name).lower(), "reselect": _pc(s.reselect_share), "open": _pc(s.open_share)}
            for s in _sections(result)
        )
        return gettext("Of %(pool)s, %(gave)s. The open share is %(open)s; an open selection needs %(threshold)s.") % {
            "pool": _pool_words(result),
            "gave": gave,
            "open": _pc(result.open_share),
            "threshold": threshold_words(threshold),
        }
    judged = [
        gettext("%(section)s: %(percent)s of those that voted chose open selection.")
        % {"section": _words(s.name, per_section=True), "percent": _pc(s.open_fraction)}
        for s in _sections(result)
    ]
    if len(result.rule_set.sections) > 1:
        needs = gettext("An open selection needs %(threshold)s in either section.")
    else:
        needs = gettext("An open selection needs %(threshold)s.")
    return " ".join([*judged, needs % {"threshold": threshold_words(threshold)}])


def result_chart_svg(result: counting.Result, *, uid: str = "result-chart") -> SafeString:
    return bars_svg(
        result_bars(result),
        title=gettext("Result chart: open selection") if result.open_selection else gettext("Result chart: reselected"),
        description=result_chart_text(result),
        uid=uid,
    )
