"""At an open branch meeting the per-client rate limit is lifted for its device and its room, and the
per-member limits stay; a closed or expired meeting, or another ballot's, lifts nothing."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from ballots.meeting_devices import DEVICE_COOKIE
from ballots.officer.services.meetings import meeting_close, meeting_device_make
from ballots.ratelimit import vote_rate_limit_check, vote_rate_limit_failure
from tests.ballots.voting.meeting.conftest import ROOM
from tests.factories import open_ballot_with_voters

pytestmark = pytest.mark.django_db

ELSEWHERE = "198.51.100.99"  # a shared device on mobile data: not the room's address
LIMITS = {"VOTE_RATE_CLIENT_LIMIT": 3, "VOTE_RATE_LIMIT": 2}


def wrong(client, ballot, voter, address):
    return client.post(
        "/vote/",
        {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": "AAAA-BBBB-CCCC-DDDD"},
        REMOTE_ADDR=address,
    )


def right(client, ballot, voter, address):
    return client.post(
        "/vote/",
        {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": voter.code},
        REMOTE_ADDR=address,
    )


def device(client, ballot, meeting):
    _meeting, token = meeting_device_make(ballot=ballot, meeting_id=meeting.pk)
    client.cookies[DEVICE_COOKIE] = token


def wrong_codes_for_different_numbers(client, ballot, voters, address):
    """A wrong code for each of the first five members in turn: their statuses."""
    return [wrong(client, ballot, voter, address).status_code for voter in voters[:5]]


@override_settings(**LIMITS)
def test_without_a_meeting_one_address_is_stopped_by_the_client_limit(client, meeting_ballot, voters):
    statuses = wrong_codes_for_different_numbers(client, meeting_ballot, voters, ELSEWHERE)

    assert statuses == [400, 400, 400, 429, 429]
    assert right(client, meeting_ballot, voters[6], ELSEWHERE).status_code == 429


@override_settings(**LIMITS)
def test_a_meeting_device_is_not_stopped_by_the_client_limit(client, meeting_ballot, voters, meeting_factory):
    device(client, meeting_ballot, meeting_factory(room=""))

    statuses = wrong_codes_for_different_numbers(client, meeting_ballot, voters, ELSEWHERE)

    assert statuses == [400] * 5
    paper = right(client, meeting_ballot, voters[6], ELSEWHERE)
    assert paper.status_code == 200 and "Your ballot paper" in paper.content.decode()


@override_settings(**LIMITS)
def test_the_device_s_failures_are_not_counted_against_the_address_afterwards(
    client, meeting_ballot, voters, meeting_factory
):
    device(client, meeting_ballot, meeting_factory(room=""))
    wrong_codes_for_different_numbers(client, meeting_ballot, voters, ELSEWHERE)
    del client.cookies[DEVICE_COOKIE]

    assert right(client, meeting_ballot, voters[6], ELSEWHERE).status_code == 200


@override_settings(**LIMITS)
def test_the_pair_limit_still_stops_one_members_repeated_failures_on_a_meeting_device(
    client, meeting_ballot, voters, meeting_factory
):
    device(client, meeting_ballot, meeting_factory(room=""))
    member = voters[0]

    statuses = [wrong(client, meeting_ballot, member, ELSEWHERE).status_code for _ in range(3)]

    assert statuses == [400, 400, 429]
    assert right(client, meeting_ballot, member, ELSEWHERE).status_code == 429
    assert right(client, meeting_ballot, voters[1], ELSEWHERE).status_code == 200


@override_settings(**LIMITS)
def test_the_room_s_address_lifts_the_client_limit_while_the_meeting_is_open(
    client, meeting_ballot, voters, meeting_factory
):
    meeting_factory(room=ROOM)

    assert wrong_codes_for_different_numbers(client, meeting_ballot, voters, ROOM) == [400] * 5
    assert wrong_codes_for_different_numbers(client, meeting_ballot, voters, ELSEWHERE) == [400, 400, 400, 429, 429]


@override_settings(**LIMITS)
def test_a_closed_meetings_device_and_room_lift_nothing(client, meeting_ballot, voters, meeting_factory, officer):
    meeting = meeting_factory(room=ROOM)
    device(client, meeting_ballot, meeting)
    meeting_close(ballot=meeting_ballot, meeting_id=meeting.pk, actor=officer)

    assert wrong_codes_for_different_numbers(client, meeting_ballot, voters, ROOM) == [400, 400, 400, 429, 429]


@override_settings(**LIMITS)
def test_an_expired_meetings_device_and_room_lift_nothing(client, meeting_ballot, voters, meeting_factory):
    meeting = meeting_factory(room=ROOM)
    device(client, meeting_ballot, meeting)
    past = timezone.now() - dt.timedelta(seconds=1)
    type(meeting).objects.filter(pk=meeting.pk).update(opened_at=past - dt.timedelta(hours=1), closes_at=past)

    assert wrong_codes_for_different_numbers(client, meeting_ballot, voters, ROOM) == [400, 400, 400, 429, 429]


@override_settings(**LIMITS)
def test_a_meeting_lifts_the_limit_only_for_its_own_ballot(
    client, meeting_ballot, voters, meeting_factory, constituency
):
    other, other_voters = open_ballot_with_voters(constituency, voters=5)
    device(client, meeting_ballot, meeting_factory(room=ROOM))

    assert wrong_codes_for_different_numbers(client, other, other_voters, ROOM) == [400, 400, 400, 429, 429]


@override_settings(**LIMITS)
def test_a_made_up_device_cookie_lifts_nothing(client, meeting_ballot, voters, meeting_factory):
    meeting_factory(room="")
    client.cookies[DEVICE_COOKIE] = "not-a-real-token"

    assert wrong_codes_for_different_numbers(client, meeting_ballot, voters, ELSEWHERE) == [400, 400, 400, 429, 429]


@override_settings(**LIMITS)
def test_making_a_second_device_ends_the_first_ones_lift(client, meeting_ballot, voters, meeting_factory):
    meeting = meeting_factory(room="")
    device(client, meeting_ballot, meeting)
    meeting_device_make(ballot=meeting_ballot, meeting_id=meeting.pk)  # another browser

    assert wrong_codes_for_different_numbers(client, meeting_ballot, voters, ELSEWHERE) == [400, 400, 400, 429, 429]


@override_settings(**LIMITS)
def test_the_limit_functions_skip_the_client_only_when_told_it_is_a_meeting():
    for number in ("L1", "L2", "L3", "L4"):
        vote_rate_limit_failure(membership_number=number, client=ROOM, meeting=True)

    assert not vote_rate_limit_check(membership_number="L5", client=ROOM).limited
    for number in ("L1", "L2", "L3"):
        vote_rate_limit_failure(membership_number=number, client=ROOM)
    assert vote_rate_limit_check(membership_number="L5", client=ROOM).limited
    assert not vote_rate_limit_check(membership_number="L5", client=ROOM, meeting=True).limited
    vote_rate_limit_failure(membership_number="L6", client=ROOM, meeting=True)
    vote_rate_limit_failure(membership_number="L6", client=ROOM, meeting=True)
    assert vote_rate_limit_check(membership_number="L6", client=ROOM, meeting=True).limited
    assert not vote_rate_limit_check(membership_number="", client=ROOM, meeting=True).limited
