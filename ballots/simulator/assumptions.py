"""What a forecast assumed, and where each assumption came from, shown beside its result.

A forecast is only as good as its assumptions, and most of them are guesses. The page lists
each one (the rule set, members, turnout, support, affiliates' chances and sizes) summed up in
words, with its source. The source is worked out by comparing what was run with what the page
started from (:class:`Origin`): "counted from the roll of ballot 3" when the figures are the
ones the roll gave; "the simulator's starting guess" when they are the defaults a roll cannot
fill; "the demo's invented figures"; "entered on this page" once anything was changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ballots import counting

ORIGINS = ("ballot", "demo", "upload", "entered")


@dataclass(frozen=True)
class Origin:
    """What the forecast page started from: ``kind`` is one of ORIGINS; ``start`` is the
    scenario it started with (None when it cannot be known again, as for an uploaded file)."""

    kind: str
    start: dict | None = None
    ballot_words: str = ""  # e.g. "ballot 3 (Canterbury)"
    roll_words: str = ""  # "as frozen when it opened", or "as it would be if it opened now"


@dataclass(frozen=True)
class Assumption:
    what: str
    value: str
    source: str


def _pc(value: float) -> str:
    return f"{100 * value:.1f}%".replace(".0%", "%")


def _points(value: float) -> str:
    points = f"{100 * value:.1f}".removesuffix(".0")
    return f"{points} point" + ("" if points == "1" else "s")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _range(values: Sequence[float], show: Callable[[float], str]) -> str:
    low, high = min(values), max(values)
    return show(low) if low == high else f"{show(low)} to {show(high)}"


def _normal_words(branches: list[dict], key: str) -> str:
    """E.g. "40% in every branch, give or take 10 points (one standard deviation)"."""
    means = [branch[key]["mean"] for branch in branches]
    sds = [branch[key]["sd"] for branch in branches]
    where = "in every branch" if len(set(means)) == 1 else "from branch to branch"
    low, high = min(sds), max(sds)
    give = _points(low) if low == high else f"{_points(low).split()[0]} to {_points(high)}"
    return f"{_range(means, _pc)} {where}, give or take {give} (one standard deviation)"


def _by_name(items: list[dict] | None) -> dict[str, dict]:
    return {item["name"].strip().casefold(): item for item in items or []}


def _unchanged(items: list[dict], start_items: list[dict] | None, keys: Sequence[str]) -> bool:
    """Whether every row has the values the page started with (rows matched by name)."""
    if start_items is None:
        return False
    start = _by_name(start_items)
    if set(_by_name(items)) != set(start):
        return False
    return all(
        all(_close(item.get(key), start[item["name"].strip().casefold()].get(key)) for key in keys) for item in items
    )


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-6  # the page shows percentages to 4 places
    return bool(a == b)


def _source(origin: Origin, unchanged: bool, *, from_roll: str, guess: str) -> str:
    if not unchanged:
        return "the uploaded file, or entered on this page" if origin.kind == "upload" else "entered on this page"
    if origin.kind == "ballot":
        return from_roll or guess
    if origin.kind == "demo":
        return "the demo's invented figures"
    return "the uploaded file"


def forecast_assumptions(data: dict, origin: Origin) -> list[Assumption]:
    """Every assumption of the forecast ``data`` (a checked forecast scenario), with its source."""
    start = origin.start or {}
    branches, affiliates = data["branches"], data["affiliates"]
    rule_set = counting.get_rule_set(data["rules"])
    applied, _ = rule_set.resolve_options(data.get("options") or {})
    option_words = "; ".join(
        f"{option.label.lower()}: {_lower_first(option.choice_label(applied[option.name]))}"
        for option in rule_set.options
        if option.name in applied
    )
    same_rules = bool(start) and start.get("rules") == data["rules"]
    same_rules = same_rules and rule_set.resolve_options(start.get("options") or {})[0] == applied
    rows = [
        Assumption(
            "Rule set",
            rule_set.title + (f" ({option_words})" if option_words else ""),
            _source(origin, same_rules, from_roll=f"the settings of {origin.ballot_words}", guess=""),
        )
    ]
    if branches:
        sizes = [b["members"] for b in branches]
        rows.append(
            Assumption(
                "Eligible members",
                f"{sum(sizes):,} in {len(branches)} ward branch{'es' if len(branches) != 1 else ''} "
                f"({_range(sizes, lambda n: f'{n:,}')} each)",
                _source(
                    origin,
                    _unchanged(branches, start.get("branches"), ("members",)),
                    from_roll=f"counted from the roll of {origin.ballot_words}, {origin.roll_words}",
                    guess="",
                ),
            )
        )
        guess = "the simulator's starting guess, not from the ballot: "
        rows.append(
            Assumption(
                "Turnout",
                _normal_words(branches, "turnout"),
                _source(
                    origin,
                    _unchanged(branches, start.get("branches"), ("turnout",)),
                    from_roll="",
                    guess=guess + "the roll does not say how many will vote; change it to what you expect "
                    "(a past ballot's turnout is a good guide)",
                ),
            )
        )
        rows.append(
            Assumption(
                "Support for reselection",
                _normal_words(branches, "support"),
                _source(
                    origin,
                    _unchanged(branches, start.get("branches"), ("support",)),
                    from_roll="",
                    guess=guess + "an even split, because the roll says nothing about how members will vote "
                    "and no votes are read before the count",
                ),
            )
        )
    if affiliates:
        rows.append(
            Assumption(
                "Affiliates' chances",
                _affiliate_words(affiliates),
                _source(
                    origin,
                    _unchanged(affiliates, start.get("affiliates"), ("p_reselect", "p_open", "p_abstain")),
                    from_roll="",
                    guess="the simulator's starting guess when nothing is known of an affiliate's choice: "
                    "each of the three equally likely",
                ),
            )
        )
        sizes = [a.get("members") or 0 for a in affiliates]
        unknown = sum(1 for a in affiliates if not a.get("members"))
        rows.append(
            Assumption(
                "Affiliated members",
                f"{sum(sizes):,} in {len(affiliates)} affiliate{'s' if len(affiliates) != 1 else ''}"
                + (f"; {unknown} with no size given, which weigh nothing where sizes count" if unknown else ""),
                _source(
                    origin,
                    _unchanged(affiliates, start.get("affiliates"), ("members",)),
                    from_roll=f"the affiliates' records, as {origin.ballot_words} has them",
                    guess="",
                ),
            )
        )
    return rows


def _affiliate_words(affiliates: list[dict]) -> str:
    chances = {(a.get("p_reselect", 0), a.get("p_open", 0), a.get("p_abstain", 0)) for a in affiliates}
    if all(a.get("vote") for a in affiliates):
        return "every affiliate's vote given as known"
    if len(chances) == 1:
        r, o, x = chances.pop()
        if _close(r, 1 / 3) and _close(o, 1 / 3) and _close(x, 1 / 3):
            return "a third each for reselect, open and abstain, for every affiliate"
        return f"for every affiliate: reselect {_pc(r)}, open {_pc(o)}, abstain {_pc(x)}"
    opens = [o for _, o, _ in chances]
    return f"different for each affiliate: the chance of an open vote from {_range(opens, _pc)}"
