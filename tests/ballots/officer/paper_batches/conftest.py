"""Fixtures of the paper batches' tests: an open ballot taking paper and meeting votes beside online ones,
with eight voters in two wards (Barton and Northgate, alternately), and a second officer."""

import pytest
from django.utils import timezone

from ballots.models import RollEntry
from tests.factories import OfficerFactory, WardFactory, open_ballot_with_voters


@pytest.fixture
def paper_ballot_and_voters(constituency):
    wards = [WardFactory(constituency=constituency, name=name) for name in ("Barton", "Northgate")]
    return open_ballot_with_voters(constituency, voters=8, wards=wards, paper_voting=True, meeting_voting=True)


@pytest.fixture
def paper_ballot(paper_ballot_and_voters):
    return paper_ballot_and_voters[0]


@pytest.fixture
def voters(paper_ballot_and_voters):
    return paper_ballot_and_voters[1]


@pytest.fixture
def barton(paper_ballot):
    return paper_ballot.constituency.wards.get(name="Barton")


@pytest.fixture
def second_officer(constituency):
    return OfficerFactory(username="second", constituencies=[constituency])


def mark(entries, channel="paper", officer=None):
    """Mark roll entries on the register directly, as the marked register's service would leave them."""
    RollEntry.objects.filter(pk__in=[e.pk for e in entries]).update(
        has_voted=True, vote_channel=channel, marked_at=timezone.now(), marked_by=officer
    )


def in_ward(voters, ward):
    return [v.entry for v in voters if v.entry.ward_id == ward.pk]
