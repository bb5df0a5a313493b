"""A declared hybrid ballot for the results-by-channel tests: online counts beside paper and meeting rows.

`hybrid_ballot` is local to these tests (not in tests/factories.py): it adds the paper and
meeting `WardVoteCount` rows the count writes from confirmed batches to a ballot made by
`make_ballot_with_votes`, and `confirmed_batch` makes a confirmed `PaperBatch`.
"""

import pytest
from django.utils import timezone

from ballots.models import PaperBatch, WardVoteCount
from members.models import Ward
from tests.factories import OfficerFactory, make_ballot_with_votes

# Online counts per ward, and the roll (room for the paper and meeting voters).
ONLINE = (("Barton", 30, 20, 90), ("Northgate", 10, 25, 60), ("Tiny", 3, 0, 9))
# (ward, channel, reselect, open, spoilt): Tiny's one postal vote must never be public.
PAPER = (
    ("Barton", "paper", 5, 3, 1),
    ("Barton", "meeting", 2, 2, 0),
    ("Northgate", "paper", 0, 4, 2),
    ("Tiny", "paper", 1, 0, 0),
)


def hybrid_ballot(constituency, *, online=ONLINE, paper=PAPER, **fields):
    ballot = make_ballot_with_votes(constituency=constituency, wards=online, affiliates=(), **fields)
    wards = dict(Ward.objects.filter(constituency=constituency).values_list("name", "pk"))
    WardVoteCount.objects.bulk_create(
        WardVoteCount(ballot=ballot, ward_id=wards[name], channel=channel, reselect=r, open=o, spoilt=s)
        for name, channel, r, o, s in paper
    )
    return ballot


@pytest.fixture
def ballot(constituency):
    return hybrid_ballot(constituency)


@pytest.fixture
def confirmed_batch(officer):
    def make(ballot, ward_name, *, channel="paper", reselect=1, open_=0, spoilt=0):
        now = timezone.now()
        return PaperBatch.objects.create(
            ballot=ballot,
            ward=Ward.objects.get(constituency=ballot.constituency, name=ward_name),
            channel=channel,
            label=f"{ward_name} box",
            reselect=reselect,
            open=open_,
            spoilt=spoilt,
            state=PaperBatch.State.CONFIRMED,
            entered_by=officer,
            entered_at=now,
            checked_by=OfficerFactory(username=f"checker-{ward_name.lower()}-{channel}"),
            checked_at=now,
        )

    return make
