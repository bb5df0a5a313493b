"""The words of the smallest-flip sentences (ballots/simulation/flip.py), as translatable phrases.

Whole phrases for each vote code, so that a translation never puts a bare code ("open") into its
own grammar; a direction none of them names is shown as it is. Marked for the catalogue with the
engine's own markers (ballots/counting/phrases.py): no Django here.
"""

from __future__ import annotations

from collections.abc import Sequence

from ballots.counting import ABSTAIN, NONE, OPEN, RESELECT
from ballots.counting.phrases import Param, Phrase, gettext_noop, ngettext_lazy, or_list

# The whole sentence, by whether a change of members' votes, and of affiliates', would do.
SENTENCE_WORDS = {
    (True, True): gettext_noop("The result would have changed %(members)s. It would also have changed %(affiliates)s."),
    (True, False): gettext_noop(
        "The result would have changed %(members)s. No change in the affiliates' votes alone could have changed it."
    ),
    (False, True): gettext_noop(
        "The result would have changed %(affiliates)s. No change in members' votes alone could have changed it."
    ),
    (False, False): gettext_noop(
        "No change in members' votes, nor in the affiliates' votes, could have changed the result."
    ),
}
POOLED_WORDS: dict[str | None, str] = {
    OPEN: gettext_noop(
        "members are counted one member, one vote, so any %(n)s votes switched to open would do, in any ward; "
        "the largest wards are shown"
    ),
    RESELECT: gettext_noop(
        "members are counted one member, one vote, so any %(n)s votes switched to reselect would do, in any "
        "ward; the largest wards are shown"
    ),
    "": gettext_noop(
        "members are counted one member, one vote, so any %(n)s votes switched would do, in any ward; the "
        "largest wards are shown"
    ),
    None: gettext_noop(
        "members are counted one member, one vote, so any %(n)s votes switched to %(direction)s would do, in "
        "any ward; the largest wards are shown"
    ),
}
VOTES_IN_WORDS: dict[str | None, str] = {
    None: gettext_noop("%(votes)s in %(ward)s"),
    OPEN: gettext_noop("%(votes)s in %(ward)s (to open)"),
    RESELECT: gettext_noop("%(votes)s in %(ward)s (to reselect)"),
}
# An affiliate and the vote it would cast, e.g. "Unite open"; then what it cast instead.
VOTE_WORDS = {
    # Translators: an affiliate's name and the vote it would have cast instead, e.g. "Unite open".
    RESELECT: gettext_noop("%(name)s reselect"),
    OPEN: gettext_noop("%(name)s open"),
    ABSTAIN: gettext_noop("%(name)s abstain"),
    NONE: gettext_noop("%(name)s not vote"),
}
INSTEAD_WORDS = {
    # Translators: %(change)s is an affiliate and its other vote, e.g. "Unite open"; then the vote it cast.
    RESELECT: gettext_noop("%(change)s instead of reselect"),
    OPEN: gettext_noop("%(change)s instead of open"),
    ABSTAIN: gettext_noop("%(change)s instead of abstain"),
    NONE: gettext_noop("%(change)s instead of not vote"),
}


def votes_in(votes: int, ward: str, direction: str | None = None) -> Phrase:
    """E.g. "3 in Heron", or with the side they move to, "3 in Heron (to open)"."""
    message = VOTES_IN_WORDS.get(direction, gettext_noop("%(votes)s in %(ward)s (to %(direction)s)"))
    return Phrase(message, {"votes": votes, "ward": ward, "direction": direction or ""})


def vote_words(name: str, vote: str) -> Phrase:
    return Phrase(VOTE_WORDS[vote], {"name": name})


SHOWN_ALTERNATIVES = 3


def others_words(alternatives: Sequence[Param], complete: bool) -> Phrase:
    """E.g. "2 other changes as small would also do: 1 in Heron, or 1 in Sturry"."""
    n = len(alternatives)
    shown = alternatives[:SHOWN_ALTERNATIVES]
    listed = or_list(shown, n - len(shown))
    if complete:
        return ngettext_lazy(
            "%(n)s other change as small would also do: %(listed)s",
            "%(n)s other changes as small would also do: %(listed)s",
            n,
            n=n,
            listed=listed,
        )
    return ngettext_lazy(
        "at least %(n)s other change as small would also do: %(listed)s",
        "at least %(n)s other changes as small would also do: %(listed)s",
        n,
        n=n,
        listed=listed,
    )
