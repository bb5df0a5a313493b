"""Fixtures for the officer side of ballots: a draft with members and affiliates, an open ballot with its roll."""

import pytest

from ballots.officer import services
from tests.factories import AffiliateFactory, MemberFactory, OfficerFactory, TriggerBallotFactory


def members_in(wards, per_ward=3):
    """`per_ward` eligible members in each ward (joined 2015, active)."""
    return [member for ward in wards for member in MemberFactory.create_batch(per_ward, ward=ward)]


def open_ballot_with_roll(*, constituency, wards, per_ward=3, affiliates=2, actor=None, **ballot_values):
    """A ballot opened through the service: its roll holds `per_ward` members per ward and `affiliates` affiliates."""
    members_in(wards, per_ward)
    AffiliateFactory.create_batch(affiliates, constituency=constituency)
    ballot = TriggerBallotFactory(constituency=constituency, **ballot_values)
    services.ballot_open(ballot=ballot, actor=actor)
    return ballot


@pytest.fixture
def draft_ballot(constituency, wards):
    members_in(wards)
    AffiliateFactory.create_batch(2, constituency=constituency)
    return TriggerBallotFactory(constituency=constituency)


@pytest.fixture
def open_ballot(constituency, wards, officer):
    return open_ballot_with_roll(constituency=constituency, wards=wards, actor=officer)


@pytest.fixture
def other_officer(db):
    """An officer of a different constituency."""
    from tests.factories import ConstituencyFactory

    return OfficerFactory(username="elsewhere", constituencies=[ConstituencyFactory(name="Dover")])

