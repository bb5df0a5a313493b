"""The results page's "what would change it" sentence: the smallest flip, remembered per process.

The flip search (``ballots.simulation``) takes milliseconds at any size a ballot has (about
6 ms at 60 wards and 200 affiliates), so the sentence is shown whatever the size; a ballot's
figures stop changing once it closes, so the flip found is also remembered, keyed by a hash of
the exact figures counted. What is remembered is the flip itself, not its words: the sentence is
written each time in the page's language, so an English page's words never reach a Welsh one.
"""

from __future__ import annotations

import hashlib
import json
import logging

from django.utils import translation
from django.utils.translation import gettext

from ballots import counting
from ballots.simulation import Flip, smallest_flip

logger = logging.getLogger(__name__)

_FLIP_MEMO: dict[str, Flip | None] = {}
_FLIP_MEMO_SIZE = 256


def flip_sentence(scenario: counting.Scenario, *, hide_members: bool) -> str | None:
    """The sentence for the smallest change that flips the result, if any, in the page's language.

    With wards withheld (public page), the members' part is left out: the number of votes that
    would flip a small ward gives its margin away, and with its turnout its counts.
    """
    flip = _flip(scenario)
    if flip is None:
        return None
    try:
        if hide_members:
            affiliates = flip.affiliate_sentence(translations=translation)
            if not affiliates:
                return None
            return gettext(
                "The result would have changed %(affiliates)s. (What members' votes would have changed it is "
                "not shown, because it would reveal the counts of withheld wards.)"
            ) % {"affiliates": affiliates}
        return flip.sentence_in(translation)
    except Exception:  # noqa: BLE001 - an optional sentence must never hide the declared result
        logger.exception("the smallest flip's sentence failed; the results page is shown without it")
        return None


def _flip(scenario: counting.Scenario) -> Flip | None:
    """The smallest flip of these exact figures (remembered), or None when the search fails."""
    key = hashlib.sha256(json.dumps(counting.scenario_to_dict(scenario), sort_keys=True).encode()).hexdigest()
    if key in _FLIP_MEMO:
        return _FLIP_MEMO[key]
    try:
        flip = smallest_flip(scenario)
    except Exception:  # noqa: BLE001 - an optional sentence must never hide the declared result
        logger.exception("smallest flip failed; the results page is shown without it")
        flip = None
    if len(_FLIP_MEMO) >= _FLIP_MEMO_SIZE:
        _FLIP_MEMO.clear()
    _FLIP_MEMO[key] = flip
    return flip
