"""The round forecast's chart: an SVG histogram of the number of open selections, with its text."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, PAD = 600, 200, 24


def open_count_chart_svg(distribution: tuple[int, ...], trials: int) -> SafeString:
    """Bars: the share of trials in which exactly k ballots went to open selection."""
    n = len(distribution)
    bar = (WIDTH - 2 * PAD) / max(n, 1)
    peak = max(distribution) or 1
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="currentColor"><title>{}</title></rect>',
        (
            (
                f"{PAD + k * bar:.1f}",
                f"{HEIGHT - PAD - (HEIGHT - 2 * PAD) * count / peak:.1f}",
                f"{max(bar - 1, 0.5):.1f}",
                f"{(HEIGHT - 2 * PAD) * count / peak:.1f}",
                f"{k} open selections: {count / trials:.1%} of trials",
            )
            for k, count in enumerate(distribution)
        ),
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" role="img" aria-labelledby="open-count-text" class="chart">{}'
        '<text x="{}" y="{}" font-size="12">0</text>'
        '<text x="{}" y="{}" font-size="12" text-anchor="end">{}</text></svg>',
        WIDTH,
        HEIGHT,
        bars,
        PAD,
        HEIGHT - 6,
        WIDTH - PAD,
        HEIGHT - 6,
        n - 1,
    )


def open_count_chart_text(distribution: tuple[int, ...], trials: int) -> str:
    """The chart in words: the counts that came up, each with its share of trials."""
    parts = [f"{k} in {count / trials:.1%}" for k, count in enumerate(distribution) if count]
    return "Number of open selections, with the share of trials: " + "; ".join(parts) + "."
