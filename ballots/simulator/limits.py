"""How much one scenario may hold, and reading scenario JSON from a stranger safely.

One limit for every way in: the what-if and forecast pages (their formsets), their uploads,
and the ``whatif`` and ``simulate`` commands take at most ``MAX_ROWS`` ward branches and
``MAX_ROWS`` affiliates (docs/simulator.md). A real constituency has a few dozen of each;
the limit keeps one request's page, count and flip search small whatever is sent.

``scenario_json_load`` turns text into one JSON object or raises ``ScenarioInputError`` with
words fit to show: invalid JSON, nesting too deep for the parser (a RecursionError), a whole
number longer than Python converts (a ValueError), NaN or an infinite number, or more rows
than the limit. The size is checked on the raw lists, before the engine builds anything.
"""

from __future__ import annotations

import json
from typing import NoReturn

MAX_ROWS = 60
# Deeper than any scenario needs (a forecast branch is three levels down), and far below
# the depth at which the parser itself gives up.
MAX_DEPTH = 20


class ScenarioInputError(ValueError):
    """Scenario input that cannot be used; the message says why in plain words."""


def _not_finite(text: str) -> NoReturn:
    raise ScenarioInputError(f"it holds {text}, which is not a number a scenario can hold")


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        _not_finite(text[:20] + ("…" if len(text) > 20 else ""))
    return value


def _depth(value: object, limit: int) -> int:
    """How deeply ``value`` nests (1 for a plain value), counting no further than ``limit + 1``."""
    stack: list[tuple[object, int]] = [(value, 1)]
    deepest = 1
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        children: list[object] = (
            list(item.values()) if isinstance(item, dict) else item if isinstance(item, list) else []
        )
        stack.extend((child, depth + 1) for child in children)
    return deepest


def scenario_json_load(text: str, *, what: str = "a scenario") -> dict:
    """The one JSON object ``text`` holds, within the limits; else ``ScenarioInputError``."""
    try:
        data = json.loads(text, parse_constant=_not_finite, parse_float=_float)
    except json.JSONDecodeError as error:
        raise ScenarioInputError(f"it is not valid JSON: {error}") from None
    except RecursionError:
        raise ScenarioInputError(f"it nests too deeply to be {what}") from None
    except ScenarioInputError:
        raise
    except ValueError:  # a whole number of thousands of digits
        raise ScenarioInputError("it holds a number far too long to be a count") from None
    if not isinstance(data, dict):
        raise ScenarioInputError(f"it must hold one JSON object ({what}), not a {_json_kind(data)}")
    if _depth(data, MAX_DEPTH) > MAX_DEPTH:
        raise ScenarioInputError(f"it nests too deeply to be {what}")
    refusal = scenario_size_refusal(data)
    if refusal:
        raise ScenarioInputError(refusal)
    return data


def scenario_size_refusal(data: dict) -> str | None:
    """Why the scenario holds too many rows, or None when it is within ``MAX_ROWS``."""
    for key, words in (("branches", "ward branches"), ("affiliates", "affiliates")):
        rows = data.get(key)
        if isinstance(rows, list) and len(rows) > MAX_ROWS:
            return f"a scenario holds at most {MAX_ROWS:,} {words}; this one has {len(rows):,}"
    return None


def _json_kind(value: object) -> str:
    kinds = {list: "list", str: "string", bool: "true or false", int: "number", float: "number"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)
