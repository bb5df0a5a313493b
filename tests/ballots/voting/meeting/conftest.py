"""Fixtures of the meeting-mode tests: an open ballot that takes votes online and at branch meetings,
its voters (with their codes), and helpers to open a meeting and make the test client its device.

`meeting_factory` is local to these tests (tests/factories.py has no meeting factory): it opens a
meeting through the service, as an officer would."""

import pytest

from ballots.officer.services.meetings import meeting_open
from tests.factories import WardFactory, open_ballot_with_voters

ROOM = "192.0.2.10"  # the meeting's wifi: every member's request comes from it


@pytest.fixture
def meeting_ballot_and_voters(constituency):
    wards = [WardFactory(constituency=constituency, name=name) for name in ("Barton", "Northgate")]
    return open_ballot_with_voters(constituency, voters=8, wards=wards, meeting_voting=True)


@pytest.fixture
def meeting_ballot(meeting_ballot_and_voters):
    return meeting_ballot_and_voters[0]


@pytest.fixture
def voters(meeting_ballot_and_voters):
    return meeting_ballot_and_voters[1]


@pytest.fixture
def meeting_factory(meeting_ballot, officer):
    """Open a meeting of `meeting_ballot` for its first voter's ward (room: ROOM, or `room`)."""

    def make(*, shared_device=False, room=ROOM, title="Barton branch meeting", **extra):
        ward = meeting_ballot.roll.first().ward
        return meeting_open(
            ballot=meeting_ballot,
            ward_id=ward.pk,
            title=title,
            shared_device=shared_device,
            room_address=room,
            actor=officer,
            **extra,
        )

    return make
