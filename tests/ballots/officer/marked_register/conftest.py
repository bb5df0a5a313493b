"""Fixtures of the marked register's tests: an open ballot that takes paper and meeting votes beside
online ones, its voters (with their codes, so a test can also vote online), and two officers."""

import pytest

from tests.factories import OfficerFactory, WardFactory, open_ballot_with_voters

SESSION = "officer-session-key-1"
OTHER_SESSION = "officer-session-key-2"


@pytest.fixture
def paper_ballot_and_voters(constituency):
    """An open ballot taking votes online, by post or on paper, and at branch meetings; four voters in two wards."""
    wards = [WardFactory(constituency=constituency, name=name) for name in ("Barton", "Northgate")]
    return open_ballot_with_voters(constituency, voters=4, wards=wards, paper_voting=True, meeting_voting=True)


@pytest.fixture
def paper_ballot(paper_ballot_and_voters):
    return paper_ballot_and_voters[0]


@pytest.fixture
def voters(paper_ballot_and_voters):
    return paper_ballot_and_voters[1]


@pytest.fixture
def second_officer(constituency):
    return OfficerFactory(username="second", constituencies=[constituency])
