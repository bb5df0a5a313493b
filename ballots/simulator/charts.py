"""The forecast's charts, server-rendered SVG in pure Python: the histogram of the open share
(each side of the threshold coloured and named) and what matters most (how often each branch
and affiliate was pivotal).

What the share is, and where its threshold lies, are the forecast's rule set's to say
(``share_label``, ``threshold``): the chart names no rule set. No ``style`` attributes (the
Content-Security-Policy forbids them): presentation attributes only. ``role="img"`` with a
title and a description; the page also gives the figures as a table, the text alternative.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ballots import counting
from ballots.simulation.forecast import ForecastResult
from ballots.simulator.forecast_words import threshold_words

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 30, 40
BAR = "#1d4f91"  # the reselect side: the site's --reselect colour
BAR_OVER = "#7a1e99"  # the open side: the site's --open colour
INK = "#1b1b1b"


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def share_label(result: ForecastResult) -> str:
    """What the histogram shows, in the rule set's words (e.g. "open share of the college")."""
    return counting.get_rule_set(result.rules).share_label


def share_threshold(result: ForecastResult) -> float:
    """Where the rule set's threshold lies on the histogram's axis (0 to 1)."""
    return float(counting.get_rule_set(result.rules).threshold.value)


def _straddled(result: ForecastResult) -> int | None:
    """The bar the threshold falls inside (not at its edge), or None."""
    threshold = share_threshold(result)
    for i, (low, high, _) in enumerate(result.histogram_bins()):
        if low < threshold < high:
            return i
    return None


def histogram_description(result: ForecastResult) -> str:
    q = result.share_quantiles
    open_side = 100 * result.open_side_trials / result.trials
    text = (
        f"Distribution of the {share_label(result)} over {result.trials:,} trials: mean "
        f"{100 * result.share_mean:.1f}%, 90% of trials between {100 * q['p5']:.1f}% and "
        f"{100 * q['p95']:.1f}%. Open selection needs {threshold_words(result)}"
    )
    if counting.get_rule_set(result.rules).threshold.test == "more than":
        text += " (exactly the threshold is on the reselect side)"
    text += f": {open_side:.1f}% of trials are on the open side, {100 - open_side:.1f}% on the reselect side."
    straddled = _straddled(result)
    if straddled is not None:
        low, high, k = result.histogram_bins()[straddled]
        text += f" The bar from {100 * low:.0f}% to {100 * high:.0f}% holds trials of both sides ({k:,} in all)."
    return text


def _svg_text(x: float, y: float, text: str, *, anchor: str = "start", weight: str = "400", fill: str = INK) -> str:
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" font-size="13" font-weight="{weight}" text-anchor="{anchor}" '
        f'fill="{fill}">{escape(text)}</text>'
    )


def histogram_svg(result: ForecastResult, uid: str = "share") -> SafeString:
    """Bars of trials per 5-point band of the open share, coloured by side of the threshold,
    each side labelled; a bar the threshold falls inside is striped in both colours."""
    bins = result.histogram_bins()
    label, threshold = share_label(result), share_threshold(result)
    straddled = _straddled(result)
    peak = max((k for _, _, k in bins), default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    bar_w = plot_w / len(bins)
    title_id, desc_id, both_id = f"{uid}-title", f"{uid}-desc", f"{uid}-both"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" class="forecast-histogram">',
        f'<title id="{title_id}">Histogram of the {escape(label)}</title>',
        f'<desc id="{desc_id}">{escape(histogram_description(result))}</desc>',
        f'<defs><pattern id="{both_id}" width="8" height="8" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="4" height="8" fill="{BAR}"/>'
        f'<rect x="4" width="4" height="8" fill="{BAR_OVER}"/></pattern></defs>',
    ]
    for i, (low, high, k) in enumerate(bins):
        h = plot_h * k / peak
        x = LEFT + i * bar_w
        side = "both sides" if i == straddled else ("open side" if low >= threshold else "reselect side")
        fill = f"url(#{both_id})" if i == straddled else (BAR_OVER if low >= threshold else BAR)
        parts.append(
            f'<rect x="{_f(x + 1)}" y="{_f(TOP + plot_h - h)}" width="{_f(bar_w - 2)}" height="{_f(h)}" '
            f'fill="{fill}"><title>{100 * low:.0f}% to {100 * high:.0f}%: {k:,} trials ({side})</title></rect>'
        )
    base = TOP + plot_h
    parts.append(f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="{INK}" stroke-width="1"/>')
    for pct in (0, 25, 50, 75, 100):
        x = LEFT + plot_w * pct / 100
        parts.append(f'<line x1="{_f(x)}" y1="{base}" x2="{_f(x)}" y2="{base + 5}" stroke="{INK}"/>')
        parts.append(_svg_text(x, base + 20, f"{pct}%", anchor="middle"))
    tx = LEFT + plot_w * threshold
    parts.append(
        f'<line x1="{_f(tx)}" y1="{TOP - 22}" x2="{_f(tx)}" y2="{base}" stroke="{INK}" stroke-width="2" '
        f'stroke-dasharray="6 4"/>'
    )
    # Each side named above the plot, beside the threshold line, in its own colour.
    parts.append(_svg_text(tx - 6, TOP - 12, "\u2190 Reselected", anchor="end", weight="700", fill=BAR))
    parts.append(_svg_text(tx + 6, TOP - 12, "Open selection \u2192", weight="700", fill=BAR_OVER))
    parts.append(_svg_text(LEFT + plot_w / 2, HEIGHT - 4, label[:1].upper() + label[1:], anchor="middle"))
    parts.append(
        f'<text x="12" y="{_f(TOP + plot_h / 2)}" font-size="13" text-anchor="middle" fill="{INK}" '
        f'transform="rotate(-90 12 {_f(TOP + plot_h / 2)})">Trials</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


PIVOTAL_SHOWN = 12


def pivotal_ranking(result: ForecastResult) -> list[tuple[str, str, float]]:
    """(kind, name, share of trials) of every branch and affiliate, most often pivotal first,
    ties by name: what matters most to the result."""
    rows = [("Ward branch", name, p) for name, p in result.pivotal_branches]
    rows += [("Affiliate", name, p) for name, p in result.pivotal_affiliates]
    return sorted(rows, key=lambda row: (-row[2], row[1].casefold(), row[0]))


def pivotal_svg(result: ForecastResult, uid: str = "pivotal") -> SafeString:
    """Horizontal bars: the branches and affiliates most often pivotal, each labelled."""
    rows = pivotal_ranking(result)[:PIVOTAL_SHOWN]
    # Narrower than the histogram, so that on a phone it scales down less and stays legible.
    width, row_h, label_w, top = 360, 26, 170, 8
    height = top + row_h * max(1, len(rows)) + 8
    plot_w = width - label_w - 56
    peak = max((p for _, _, p in rows), default=0) or 1
    title_id, desc_id = f"{uid}-title", f"{uid}-desc"
    listed = "; ".join(f"{name} ({kind.lower()}) {100 * p:.1f}%" for kind, name, p in rows) or "none"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" class="pivotal-chart">',
        f'<title id="{title_id}">What matters most: how often each was pivotal</title>',
        f'<desc id="{desc_id}">Share of trials in which each was pivotal, most first: {escape(listed)}.</desc>',
    ]
    for i, (kind, name, p) in enumerate(rows):
        y = top + i * row_h
        shown = name if len(name) <= 21 else name[:20].rstrip() + "\u2026"
        fill = BAR if kind == "Ward branch" else BAR_OVER
        w = plot_w * p / peak
        parts.append(_svg_text(label_w - 8, y + 17, shown, anchor="end"))
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{_f(max(w, 1))}" height="{row_h - 8}" fill="{fill}">'
            f"<title>{escape(name)} ({kind.lower()}): pivotal in {100 * p:.1f}% of trials</title></rect>"
        )
        parts.append(_svg_text(label_w + max(w, 1) + 6, y + 17, f"{100 * p:.1f}%"))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
