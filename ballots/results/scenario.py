"""A ballot as the counting engine's input: the one ballot-to-scenario function, and the ballot's options.

Both the results pages and the simulator build their scenario here, so that a ballot loaded
into the what-if page counts exactly as its results page does.

Affiliate sizes are the ones frozen when the ballot opened (``BallotAffiliate``), never the
affiliate's current figure. Where no size was frozen (ballots opened before sizes were
required) the affiliate carries no weight under weighted counting (0 members), and
:func:`unknown_size_note` says so by name on both pages.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop, ngettext, pgettext

from ballots import counting
from ballots.models import TriggerBallot
from ballots.results.selectors import Tally, ballot_tally

# When an affiliate's size is recorded: the end of the clause "... was not recorded when the ballot opened".
WHEN_OPENED = gettext_noop("when the ballot opened")


def ballot_options(ballot: TriggerBallot) -> dict[str, str]:
    """The ballot's options that its rule set defines (the others do not apply to it)."""
    rule_set = counting.RULE_SETS.get(ballot.rules)
    return {
        name: str(value)
        for name, value in ballot.options.items()
        if rule_set is None or rule_set.option(name) is not None
    }


def ballot_scenario(ballot: TriggerBallot, *, tally: Tally | None = None) -> counting.Scenario:
    """The counting engine's input: every ward's counts, every eligible affiliate's vote and frozen size."""
    tally = tally if tally is not None else ballot_tally(ballot)
    branches = tuple(counting.Branch(name=w.name, reselect=w.reselect, open=w.open) for w in tally.wards)
    affiliates = tuple(
        counting.Affiliate(name=a.name, vote=a.vote, members=0 if a.members is None else a.members)
        for a in tally.affiliates
    )
    return counting.Scenario(
        branches=branches, affiliates=affiliates, rules=ballot.rules, options=ballot_options(ballot)
    )


def affiliates_of_unknown_size(tally: Tally) -> list[str]:
    """The eligible affiliates whose size was not frozen when the ballot opened."""
    return [a.name for a in tally.affiliates if a.members is None]


def unknown_size_note(tally: Tally, *, when: str = WHEN_OPENED) -> str:
    """Words for readers naming the affiliates of unknown size, or "" when every size is known.

    ``when`` says when the size should have been recorded, as the end of the sentence's clause
    ("when the ballot opened", "yet"); it is translated where the catalogue has it.
    """
    names = affiliates_of_unknown_size(tally)
    if not names:
        return ""
    if len(names) > 1:
        listed = pgettext("list of names", "%(first)s and %(last)s") % {
            "first": ", ".join(names[:-1]),
            "last": names[-1],
        }
    else:
        listed = names[0]
    note = ngettext(
        "The affiliated membership of %(names)s was not recorded %(when)s, so where affiliates are weighted by "
        "their members it counts as 0 (no weight).",
        "The affiliated membership of %(names)s were not recorded %(when)s, so where affiliates are weighted by "
        "their members it counts as 0 (no weight).",
        len(names),
    )
    return note % {"names": listed, "when": gettext(when)}
