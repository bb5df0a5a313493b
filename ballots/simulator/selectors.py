"""Reads for the simulator pages: the scenarios a ballot or the demo data start from.

Kept apart from the views (thin) and from simulation.py (no Django there).
"""

from __future__ import annotations

from django.db.models import Count

from ballots import counting
from ballots.models import AffiliateVote, BallotAffiliate, MemberVote, TriggerBallot
from members.models import Affiliate, Constituency, Ward
from members.selectors import (
    MemberEligibilityRules,
    affiliates_eligible,
    constituencies_for_officer,
    wards_with_counts,
)

DEMO_CONSTITUENCY = "Canterbury"
TALLIED_STATUSES = (TriggerBallot.Status.CLOSED, TriggerBallot.Status.DECLARED)

# A built-in Canterbury-like example (invented figures) for a site with no demo data.
DEMO_WARDS = (
    ("Barton", 64, 41), ("Beltinge", 22, 30), ("Blean Forest", 35, 29), ("Chartham & Stone Street", 27, 25),
    ("Chestfield", 18, 26), ("Gorrell", 48, 52), ("Greenhill", 12, 19), ("Herne & Broomfield", 21, 33),
    ("Heron", 25, 24), ("Nailbourne", 16, 20), ("Northgate", 57, 38), ("St Stephen's", 44, 44),
    ("Sturry", 19, 23), ("Westgate", 71, 49), ("Wincheap", 52, 47),
)
DEMO_AFFILIATES = (
    ("Unite Canterbury & Coast", "open", 420), ("UNISON Kent County", "reselect", 610),
    ("GMB Canterbury", "reselect", 180), ("CWU East Kent", "open", 95), ("Fabian Society", "reselect", 40),
    ("Co-operative Party", "abstain", 60), ("ASLEF Canterbury", "open", 35), ("Usdaw Kent", "reselect", 150),
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
            {"name": b.name, "members": 4 * (b.reselect + b.open), "turnout": {"mean": 0.35, "sd": 0.08},
             "support": {"mean": round(b.reselect / (b.reselect + b.open), 2), "sd": 0.1}}
            for b in scenario.branches
        ],
        "affiliates": [
            {"name": a.name, "p_reselect": 0.45, "p_open": 0.45, "p_abstain": 0.1, "members": a.members}
            for a in scenario.affiliates
        ],
    }


def _ballot_affiliates(ballot: TriggerBallot) -> list[tuple[int, str, int | None]]:
    """(affiliate id, name, affiliated members) of the eligible affiliates, frozen once open."""
    if ballot.status != TriggerBallot.Status.DRAFT:
        rows = BallotAffiliate.objects.filter(ballot=ballot).select_related("affiliate").order_by("affiliate__name")
        return [(r.affiliate_id, r.affiliate.name, r.affiliated_members) for r in rows]
    eligible = affiliates_eligible(
        constituency=ballot.constituency, freeze_date=ballot.freeze_date, min_affiliation_days=ballot.affiliate_min_days
    ).order_by("name")
    return [(a.pk, a.name, a.affiliated_members) for a in eligible]


def ballot_scenario(ballot: TriggerBallot) -> counting.Scenario:
    """A what-if scenario from a ballot: its wards and eligible affiliates, and after the
    close its real tallies (before, every branch 0-0 and every affiliate not yet voted)."""
    wards = list(Ward.objects.filter(constituency=ballot.constituency).order_by("name"))
    counts: dict[tuple[int, str], int] = {}
    votes: dict[int, str] = {}
    if ballot.status in TALLIED_STATUSES:
        for row in MemberVote.objects.filter(ballot=ballot).values("ward_id", "choice").annotate(n=Count("id")):
            counts[(row["ward_id"], row["choice"])] = row["n"]
        votes = dict(AffiliateVote.objects.filter(ballot=ballot).values_list("affiliate_id", "choice"))
    branches = tuple(
        counting.Branch(name=w.name, reselect=counts.get((w.pk, "reselect"), 0), open=counts.get((w.pk, "open"), 0))
        for w in wards
    )
    affiliates = tuple(
        counting.Affiliate(name=name, vote=votes.get(pk, "none"), members=members)
        for pk, name, members in _ballot_affiliates(ballot)
    )
    return counting.Scenario(branches=branches, affiliates=affiliates, rules=ballot.rules, options=ballot.options)


def ballot_forecast(ballot: TriggerBallot) -> dict:
    """A forecast scenario from a ballot's roll: eligible members per ward (the roll preview's
    counts, one query) and eligible affiliates with p = 1/3 for each choice."""
    rules = MemberEligibilityRules(
        freeze_date=ballot.freeze_date,
        min_membership_months=ballot.min_membership_months,
        arrears_allowed=ballot.arrears_allowed,
    )
    wards = wards_with_counts(constituency=ballot.constituency, rules=rules)
    third = 1 / 3
    return {
        "rules": ballot.rules,
        "options": ballot.options,
        "branches": [
            {"name": w.name, "members": w.eligible_count, "turnout": {"mean": 0.4, "sd": 0.1},
             "support": {"mean": 0.5, "sd": 0.1}}
            for w in wards
        ],
        "affiliates": [
            {"name": name, "p_reselect": third, "p_open": third, "p_abstain": 1 - 2 * third, "members": members}
            for _, name, members in _ballot_affiliates(ballot)
        ],
    }
