"""Reads for the simulator pages: the scenarios a ballot or the demo data start from.

Kept apart from the views (thin) and from ``ballots.simulation`` (no Django there). A ballot
becomes a scenario through the results' own :func:`ballots.results.scenario.ballot_scenario`,
so the what-if page counts a loaded ballot exactly as its results page does.
"""

from __future__ import annotations

from ballots import counting
from ballots.models import TriggerBallot
from ballots.results.presenter import ballot_result
from ballots.results.scenario import ballot_options, ballot_scenario, unknown_size_note
from ballots.results.selectors import AffiliateTally, Tally, WardTally, affiliate_tallies, ballot_tally
from members.models import Affiliate, Constituency, Ward
from members.selectors import (
    MemberEligibilityRules,
    affiliates_eligible,
    constituencies_for_officer,
    wards_with_counts,
)

DEMO_CONSTITUENCY = "Canterbury"


def ballot_tallied(ballot: TriggerBallot) -> bool:
    """Whether the ballot has votes to show: counted (its sealed votes opened with its key)."""
    return ballot.counted_at is not None


# A built-in Canterbury-like example (invented figures) for a site with no demo data.
DEMO_WARDS = (
    ("Barton", 64, 41),
    ("Beltinge", 22, 30),
    ("Blean Forest", 35, 29),
    ("Chartham & Stone Street", 27, 25),
    ("Chestfield", 18, 26),
    ("Gorrell", 48, 52),
    ("Greenhill", 12, 19),
    ("Herne & Broomfield", 21, 33),
    ("Heron", 25, 24),
    ("Nailbourne", 16, 20),
    ("Northgate", 57, 38),
    ("St Stephen's", 44, 44),
    ("Sturry", 19, 23),
    ("Westgate", 71, 49),
    ("Wincheap", 52, 47),
)
DEMO_AFFILIATES = (
    ("Unite Canterbury & Coast", "open", 420),
    ("UNISON Kent County", "reselect", 610),
    ("GMB Canterbury", "reselect", 180),
    ("CWU East Kent", "open", 95),
    ("Fabian Society", "reselect", 40),
    ("Co-operative Party", "abstain", 60),
    ("ASLEF Canterbury", "open", 35),
    ("Usdaw Kent", "reselect", 150),
)


def ballots_for_officer(user):
    """Ballots of the constituencies an officer runs, newest first, for the 'load a ballot' lists."""
    return (
        TriggerBallot.objects.filter(constituency__in=constituencies_for_officer(user))
        .select_related("constituency")
        .order_by("constituency__name", "-opens_at", "-pk")
    )


def demo_scenario() -> counting.Scenario:
    """The demo: the seeded Canterbury's ward and affiliate names with illustrative counts.

    The counts are invented (the demo's real votes belong on its results page); without
    seeded data the built-in example above is used.
    """
    constituency = Constituency.objects.filter(name=DEMO_CONSTITUENCY).first()
    ward_names = affiliate_names = []
    if constituency is not None:
        wards = Ward.objects.filter(constituency=constituency).order_by("name")
        ward_names = list(wards.values_list("name", flat=True))
        affiliate_names = list(
            Affiliate.objects.filter(constituency=constituency)
            .order_by("name")
            .values_list("name", "affiliated_members")
        )
    if ward_names:
        branches = [
            counting.Branch(name=name, reselect=DEMO_WARDS[i % 15][1] + i, open=DEMO_WARDS[i % 15][2])
            for i, name in enumerate(ward_names)
        ]
    else:
        branches = [counting.Branch(name=n, reselect=r, open=o) for n, r, o in DEMO_WARDS]
    if affiliate_names:
        affiliates = [
            counting.Affiliate(name=name, vote=DEMO_AFFILIATES[i % len(DEMO_AFFILIATES)][1], members=members)
            for i, (name, members) in enumerate(affiliate_names)
        ]
    else:
        affiliates = [counting.Affiliate(name=n, vote=v, members=m) for n, v, m in DEMO_AFFILIATES]
    return counting.Scenario(branches=tuple(branches), affiliates=tuple(affiliates))


def demo_forecast() -> dict:
    """A forecast scenario for the demo: every ward and affiliate uncertain."""
    scenario = demo_scenario()
    return {
        "rules": counting.DEFAULT_RULES,
        "options": {},
        "branches": [
            {
                "name": b.name,
                "members": 4 * (b.reselect + b.open),
                "turnout": {"mean": 0.35, "sd": 0.08},
                "support": {"mean": round(b.reselect / (b.reselect + b.open), 2), "sd": 0.1},
            }
            for b in scenario.branches
        ],
        "affiliates": [
            {"name": a.name, "p_reselect": 0.45, "p_open": 0.45, "p_abstain": 0.1, "members": a.members}
            for a in scenario.affiliates
        ],
    }


def _draft_tally(ballot: TriggerBallot) -> Tally:
    """A draft has no roll and nothing frozen yet: the constituency's wards, and the affiliates
    eligible under its settings with their sizes as they stand (the ones opening would freeze)."""
    wards = Ward.objects.filter(constituency=ballot.constituency).order_by("name")
    eligible = affiliates_eligible(
        constituency=ballot.constituency, freeze_date=ballot.freeze_date, min_affiliation_days=ballot.affiliate_min_days
    ).order_by("name")
    return Tally(
        wards=[WardTally(ward_id=w.pk, name=w.name) for w in wards],
        affiliates=[
            AffiliateTally(
                affiliate_id=a.pk, name=a.name, kind=a.kind, members=a.affiliated_members, vote=counting.NONE
            )
            for a in eligible
        ],
    )


def _ballot_start_tally(ballot: TriggerBallot) -> Tally:
    """The wards on the roll and the eligible affiliates; their votes only once they are counted."""
    if ballot.status == TriggerBallot.Status.DRAFT:
        return _draft_tally(ballot)
    return ballot_tally(ballot, votes=ballot_tallied(ballot))


def ballot_whatif(ballot: TriggerBallot) -> tuple[counting.Scenario, str]:
    """A what-if scenario from a ballot, made by the results' own ballot_scenario, and the words
    naming any affiliate whose size is unknown ("" when none is)."""
    tally = _ballot_start_tally(ballot)
    when = "yet" if ballot.status == TriggerBallot.Status.DRAFT else "when the ballot opened"
    return ballot_scenario(ballot, tally=tally), unknown_size_note(tally, when=when)


def _ballot_affiliates(ballot: TriggerBallot) -> list[AffiliateTally]:
    if ballot.status == TriggerBallot.Status.DRAFT:
        return _draft_tally(ballot).affiliates
    return affiliate_tallies([ballot.pk], votes=False).get(ballot.pk, [])


# What a forecast from a ballot's roll starts from where the roll says nothing: the roll gives
# each ward's eligible members and the affiliates, never how anyone will vote (and there is no
# running tally to read). These are starting guesses for the officer to change, and the page
# says so beside the result (ballots/simulator/assumptions.py).
ROLL_TURNOUT = {"mean": 0.4, "sd": 0.1}
ROLL_SUPPORT = {"mean": 0.5, "sd": 0.1}
ROLL_AFFILIATE_CHANCES = {"p_reselect": 1 / 3, "p_open": 1 / 3, "p_abstain": 1 - 2 / 3}


def _roll_ward_sizes(ballot: TriggerBallot) -> list[tuple[str, int]]:
    """Eligible members per ward: who would be on the roll (a draft), or the frozen roll."""
    if ballot.status == TriggerBallot.Status.DRAFT:
        rules = MemberEligibilityRules(
            freeze_date=ballot.freeze_date,
            min_membership_months=ballot.min_membership_months,
            arrears_allowed=ballot.arrears_allowed,
        )
        return [(w.name, w.eligible_count) for w in wards_with_counts(constituency=ballot.constituency, rules=rules)]
    return [(w.name, w.eligible) for w in ballot_tally(ballot, votes=False).wards]


def ballot_forecast(ballot: TriggerBallot) -> dict:
    """A forecast scenario from a ballot's roll: eligible members per ward (a draft's roll as it
    would be frozen; an opened ballot's frozen roll) and its eligible affiliates, with the
    starting guesses above for what the roll cannot say. Affiliates' sizes as in
    ballot_scenario: frozen once open, 0 (no weight) where unknown. Never a vote: a forecast
    reads no running tally (sealed votes have none)."""
    return {
        "rules": ballot.rules,
        "options": ballot_options(ballot),
        "branches": [
            {"name": name, "members": size, "turnout": dict(ROLL_TURNOUT), "support": dict(ROLL_SUPPORT)}
            for name, size in _roll_ward_sizes(ballot)
        ],
        "affiliates": [
            {**ROLL_AFFILIATE_CHANCES, "name": a.name, "members": 0 if a.members is None else a.members}
            for a in _ballot_affiliates(ballot)
        ],
    }


def ballot_public_whatif(ballot: TriggerBallot) -> tuple[counting.Scenario, str]:
    """A declared ballot as the public results show it, for anyone's what-if, and a note.

    A ward whose counts the public page withholds is given by its branch result only (the
    public page shows that), so the what-if never holds a withheld ward's counts.
    """
    shown = ballot_result(ballot, public=True, with_flip=False)
    branches = tuple(
        counting.Branch(name=row.name, outcome=row.result)
        if row.withheld
        else counting.Branch(name=row.name, reselect=row.tally.reselect, open=row.tally.open)
        for row in shown.branches
    )
    real = shown.scenario
    scenario = counting.Scenario(branches=branches, affiliates=real.affiliates, rules=real.rules, options=real.options)
    note = shown.unknown_size_note
    withheld = len(shown.withheld_names)
    if withheld:
        wards = "1 ward is" if withheld == 1 else f"{withheld} wards are"
        note = (
            f"The counts of {wards} withheld on the public results (fewer than {shown.threshold} votes), "
            "so here they are given only by their branch result. " + note
        ).strip()
    return scenario, note
