"""How figures are shown: percentages, exact fractions and unit counts.

``format_percent`` and ``percent_number`` are public; the rest serve the package's own
results and explanations (the words as :class:`~ballots.counting.phrases.Phrase`, to be
translated; the figures formatted here, the same in every language). Arithmetic stays exact
until here: rounding happens only when a figure is shown.
"""

from __future__ import annotations

from fractions import Fraction

from ballots.counting.phrases import Phrase, Text, gettext_lazy


def format_percent(share: Fraction | int | None, places: int = 3) -> str:
    """Show a fraction of 1 as a percentage, rounding half up only here."""
    if share is None:
        return "n/a"
    scale = 10**places
    value = Fraction(share) * 100 * scale
    rounded = (value.numerator * 2 + value.denominator) // (2 * value.denominator)
    whole, part = divmod(rounded, scale)
    if places == 0:
        return f"{whole}%"
    return f"{whole}.{part:0{places}d}%"


def percent_number(share: Fraction | int | None) -> float | int | None:
    """A share of 1 as a JSON number of percent: exact whole numbers stay integers."""
    if share is None:
        return None
    value = Fraction(share) * 100
    return int(value) if value.denominator == 1 else float(value)


def plain_number(value: Fraction | int) -> float | int:
    """A count that may be a half (a split tie) as a JSON number."""
    value = Fraction(value)
    return int(value) if value.denominator == 1 else float(value)


def exact(share: Fraction | int | None) -> str | None:
    """The exact fraction as text, e.g. ``"7/12"``; a whole number prints as one (``"0"``, ``"1"``)."""
    if share is None:
        return None
    share = Fraction(share)
    if share.denominator == 1:
        return str(share.numerator)
    return f"{share.numerator}/{share.denominator}"


def units_text(value: Fraction | int) -> str:
    """A number of units for prose: ``3``, or ``2.5`` when a tie was split."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):g}"


def cite(share: Fraction, threshold: Fraction | None = None) -> Text:
    """A percentage, with the exact fraction when rounding would hide the deciding side."""
    shown = format_percent(share)
    if share.denominator != 1 and (share * 100_000).denominator != 1:
        if threshold is not None and shown == format_percent(threshold) and share != threshold:
            fraction = f"{share.numerator}/{share.denominator}"
            return gettext_lazy("%(percent)s (exactly %(fraction)s)", percent=shown, fraction=fraction)
    return shown


def outcome_words(open_selection: bool) -> Phrase:
    """The outcome as the end of a sentence ("..., so the MP is reselected.")."""
    if open_selection:
        return gettext_lazy("there will be an open selection")
    return gettext_lazy("the MP is reselected")
