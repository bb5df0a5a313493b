"""The forecast's histogram of the open share: server-rendered SVG, pure Python.

What the share is, and where its threshold lies, are the forecast's rule set's to say
(``share_label``, ``threshold``): the chart names no rule set. No ``style`` attributes (the
Content-Security-Policy forbids them): presentation attributes only. ``role="img"`` with a
title and a description; the page also gives the figures as a table, the text alternative.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ballots import counting

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 30, 40
BAR = "#1d4f91"
BAR_OVER = "#7a1e99"
INK = "#1b1b1b"


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def share_label(result) -> str:
    """What the histogram shows, in the rule set's words (e.g. "open share of the college")."""
    return counting.get_rule_set(result.rules).share_label


def share_threshold(result) -> float:
    """Where the rule set's threshold lies on the histogram's axis (0 to 1)."""
    return float(counting.get_rule_set(result.rules).threshold.value)


def histogram_description(result) -> str:
    q = result.share_quantiles
    threshold = share_threshold(result)
    above = sum(k for low, _, k in result.histogram_bins() if low >= threshold)
    return (
        f"Distribution of the {share_label(result)} over {result.trials:,} trials: mean "
        f"{100 * result.share_mean:.1f}%, 90% of trials between {100 * q['p5']:.1f}% and "
        f"{100 * q['p95']:.1f}%. The threshold is {100 * threshold:.1f}%; "
        f"{100 * above / result.trials:.1f}% of trials fall in bars at or above it."
    )


def histogram_svg(result, uid: str = "share") -> SafeString:
    """Bars of trials per 5-point band of the open share, with the threshold marked."""
    bins = result.histogram_bins()
    label, threshold = share_label(result), share_threshold(result)
    peak = max((k for _, _, k in bins), default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    bar_w = plot_w / len(bins)
    title_id, desc_id = f"{uid}-title", f"{uid}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" class="forecast-histogram">',
        f'<title id="{title_id}">Histogram of the {escape(label)}</title>',
        f'<desc id="{desc_id}">{escape(histogram_description(result))}</desc>',
    ]
    for i, (low, high, k) in enumerate(bins):
        h = plot_h * k / peak
        x = LEFT + i * bar_w
        fill = BAR_OVER if low >= threshold else BAR
        parts.append(
            f'<rect x="{_f(x + 1)}" y="{_f(TOP + plot_h - h)}" width="{_f(bar_w - 2)}" height="{_f(h)}" '
            f'fill="{fill}"><title>{100 * low:.0f}% to {100 * high:.0f}%: {k:,} trials</title></rect>'
        )
    base = TOP + plot_h
    parts.append(f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="{INK}" stroke-width="1"/>')
    for pct in (0, 25, 50, 75, 100):
        x = LEFT + plot_w * pct / 100
        parts.append(f'<line x1="{_f(x)}" y1="{base}" x2="{_f(x)}" y2="{base + 5}" stroke="{INK}"/>')
        parts.append(
            f'<text x="{_f(x)}" y="{base + 20}" font-size="13" text-anchor="middle" fill="{INK}">{pct}%</text>'
        )
    tx = LEFT + plot_w * threshold
    parts.append(
        f'<line x1="{_f(tx)}" y1="{TOP - 4}" x2="{_f(tx)}" y2="{base}" stroke="{INK}" stroke-width="2" '
        f'stroke-dasharray="6 4"/>'
    )
    parts.append(
        f'<text x="{_f(tx + 4)}" y="{TOP - 12}" font-size="13" fill="{INK}">threshold {100 * threshold:.1f}%</text>'
    )
    parts.append(
        f'<text x="{_f(LEFT + plot_w / 2)}" y="{HEIGHT - 4}" font-size="13" text-anchor="middle" fill="{INK}">'
        f"{escape(label[:1].upper() + label[1:])}</text>"
    )
    parts.append(
        f'<text x="12" y="{_f(TOP + plot_h / 2)}" font-size="13" text-anchor="middle" fill="{INK}" '
        f'transform="rotate(-90 12 {_f(TOP + plot_h / 2)})">Trials</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
