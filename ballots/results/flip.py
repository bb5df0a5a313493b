"""The results page's "what would change it" sentence: the smallest flip, remembered per process.

The flip search (``ballots.simulation``) takes milliseconds at any size a ballot has (about
6 ms at 60 wards and 200 affiliates), so the sentence is shown whatever the size; a ballot's
figures stop changing once it closes, so it is also remembered, keyed by a hash of the exact
figures counted.
"""

from __future__ import annotations

import hashlib
import json
import logging

from ballots import counting
from ballots.simulation import smallest_flip

logger = logging.getLogger(__name__)

_FLIP_MEMO: dict[str, str | None] = {}
_FLIP_MEMO_SIZE = 256


def flip_sentence(scenario: counting.Scenario, *, hide_members: bool) -> str | None:
    """The sentence for the smallest change that flips the result, if any (remembered)."""
    key = json.dumps([counting.scenario_to_dict(scenario), hide_members], sort_keys=True)
    key = hashlib.sha256(key.encode()).hexdigest()
    if key in _FLIP_MEMO:
        return _FLIP_MEMO[key]
    sentence = _flip_sentence_uncached(scenario, hide_members=hide_members)
    if len(_FLIP_MEMO) >= _FLIP_MEMO_SIZE:
        _FLIP_MEMO.clear()
    _FLIP_MEMO[key] = sentence
    return sentence


def _flip_sentence_uncached(scenario: counting.Scenario, *, hide_members: bool) -> str | None:
    """With wards withheld (public page), the members' part is left out: the number of votes
    that would flip a small ward gives its margin away, and with its turnout its counts.
    """
    try:
        flip = smallest_flip(scenario)
        if flip is None:
            return None
        if hide_members:
            affiliates = flip.affiliate_sentence()
            if not affiliates:
                return None
            return (
                f"The result would have changed {affiliates}. (What members' votes would have changed "
                "it is not shown, because it would reveal the counts of withheld wards.)"
            )
        return flip.sentence()
    except Exception:  # noqa: BLE001 - an optional sentence must never hide the declared result
        logger.exception("smallest flip failed; the results page is shown without it")
        return None
