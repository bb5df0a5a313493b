"""Fixtures for the region dashboard's tests: a region with a round of ballots in every state."""

import datetime as dt

import pytest
from django.utils import timezone

from ballots.models import RollEntry, TriggerBallot
from tests.factories import (
    AffiliateFactory,
    ConstituencyFactory,
    MemberFactory,
    RegionalOfficerFactory,
    RegionFactory,
    RoundFactory,
    TriggerBallotFactory,
    WardFactory,
    make_ballot_with_votes,
)

STATUSES = ("draft", "open", "declared", "closed")


def region_ballot(*, region, round_, status, name):
    """One ballot of `region` in `round_`, in `status`, in a constituency of its own called `name`.

    A draft's constituency has 3 eligible members, 1 lapsed and 1 joined too recently, and two
    affiliates of which one affiliated too recently. The others come from make_ballot_with_votes:
    wards Barton (30 reselect, 20 open, 60 on the roll) and Northgate (10, 25, 40), so 85 of 100
    voted; one affiliate voted (reselect) and one did not. 70 codes have been sent.
    """
    constituency = ConstituencyFactory(name=name, region=region)
    if status == TriggerBallot.Status.DRAFT:
        ward = WardFactory(constituency=constituency, name="Barton")
        MemberFactory.create_batch(3, ward=ward)
        MemberFactory(ward=ward, status="lapsed")
        MemberFactory(ward=ward, joined_on=timezone.localdate() - dt.timedelta(days=30))
        AffiliateFactory(constituency=constituency, affiliated_on=dt.date(2015, 1, 1))
        AffiliateFactory(constituency=constituency, affiliated_on=timezone.localdate())
        return TriggerBallotFactory(constituency=constituency, round=round_, status=status)
    ballot = make_ballot_with_votes(
        constituency=constituency,
        status=status,
        round=round_,
        affiliates=(
            (f"{name} Unite", "trade_union", "reselect", 120),
            (f"{name} Fabians", "socialist_society", None, 40),
        ),
        **({"closes_at": timezone.now() + dt.timedelta(days=3)} if status == "open" else {}),
    )
    ids = list(RollEntry.objects.filter(ballot=ballot).order_by("pk").values_list("pk", flat=True)[:70])
    RollEntry.objects.filter(pk__in=ids).update(delivery_state=RollEntry.DeliveryState.SENT)
    return ballot


def region_with_ballots(n, *, name="Kent"):
    """A region and its round of `n` ballots, their statuses cycling through STATUSES."""
    region = RegionFactory(name=name)
    round_ = RoundFactory(region=region, name=f"{name} 2026")
    ballots = [
        region_ballot(region=region, round_=round_, status=STATUSES[i % 4], name=f"{name} {i:02d}") for i in range(n)
    ]
    return region, round_, ballots


@pytest.fixture
def kent(db):
    """Kent, its round and four ballots: a draft, an open one, a declared one and a closed one."""
    return region_with_ballots(4)


@pytest.fixture
def regional_client(client, kent):
    region, _round, _ballots = kent
    client.force_login(RegionalOfficerFactory(regions=[region]))
    return client
