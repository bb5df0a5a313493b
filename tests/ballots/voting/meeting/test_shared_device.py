"""On a branch meeting's device the voting pages name the meeting; on a shared device they are never
stored, autocomplete nothing, and after each vote clear themselves for the next voter; pages keep
their equal lengths; the meeting costs at most one query, and none without a cookie or a ballot."""

import re

import pytest

from ballots.meeting_devices import DEVICE_COOKIE
from ballots.officer.services.meetings import meeting_device_make
from tests.ballots.voting.voting_pages import cast_from, confirm, receipt_on, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(client, meeting_ballot, meeting_factory):
    meeting = meeting_factory(shared_device=True, room="", title="Barton AGM")
    _meeting, token = meeting_device_make(ballot=meeting_ballot, meeting_id=meeting.pk)
    client.cookies[DEVICE_COOKIE] = token
    return meeting


def test_every_page_of_a_shared_device_names_the_meeting_and_is_never_stored(client, meeting_ballot, voters, shared):
    blank = client.get("/vote/")
    paper = start(client, meeting_ballot, voters[0])
    confirmation = confirm(client, paper, "keep")
    receipt = cast_from(client, confirmation, "keep")

    for page in (blank, paper, confirmation, receipt):
        assert "no-store" in page["Cache-Control"]
        assert "Voting at: <strong>Barton AGM</strong>" in page.content.decode()
    fields = re.findall(r"<input[^>]+>", blank.content.decode())
    for name in ("membership_number", "code"):
        [field] = [tag for tag in fields if f'name="{name}"' in tag]
        assert 'autocomplete="off"' in field


def test_the_receipt_has_next_voter_and_returns_to_a_blank_start_by_itself(client, meeting_ballot, voters, shared):
    receipt = cast_from(client, confirm(client, start(client, meeting_ballot, voters[0]), "open"), "open")
    text = receipt.content.decode()

    assert receipt_on(receipt)
    assert re.search(r'<a class="button" href="/vote/" data-next-voter>Next voter</a>', text)
    # Returned by the script after 120 s without use, never by a timed meta refresh (WCAG 2.2.1).
    assert 'http-equiv="refresh"' not in text
    assert 'data-idle-return="/vote/" data-idle-seconds="120"' in text
    assert "Left untouched for 120 seconds, this page goes back to the start." in text
    assert "js/meeting.js" in text


def test_the_page_after_next_voter_holds_nothing_of_the_previous_voter(client, meeting_ballot, voters, shared):
    voter = voters[0]
    receipt = receipt_on(cast_from(client, confirm(client, start(client, meeting_ballot, voter), "keep"), "keep"))

    after = client.get("/vote/").content.decode()

    assert voter.membership_number not in after and voter.code not in after and receipt not in after
    assert 'name="token"' not in after and "Voting at: <strong>Barton AGM</strong>" in after


def test_a_ballot_paper_left_on_a_shared_device_returns_to_the_start(client, meeting_ballot, voters, shared):
    paper = start(client, meeting_ballot, voters[0]).content.decode()

    assert 'data-idle-return="/vote/" data-idle-seconds="300"' in paper
    assert 'http-equiv="refresh"' not in paper


def test_an_own_phones_device_names_the_meeting_but_keeps_the_ordinary_receipt(
    client, meeting_ballot, voters, meeting_factory
):
    meeting = meeting_factory(room="", title="Northgate meeting")
    client.cookies[DEVICE_COOKIE] = meeting_device_make(ballot=meeting_ballot, meeting_id=meeting.pk)[1]

    receipt = cast_from(client, confirm(client, start(client, meeting_ballot, voters[0]), "keep"), "keep")

    text = receipt.content.decode()
    assert "Voting at: <strong>Northgate meeting</strong>" in text
    assert "Next voter" not in text and "http-equiv" not in text


def test_other_browsers_see_no_meeting(client, meeting_ballot, voters, shared):
    del client.cookies[DEVICE_COOKIE]

    text = client.get("/vote/").content.decode()

    assert "Voting at" not in text and "meeting.js" not in text


def test_pages_on_a_shared_device_are_as_long_whichever_way_the_member_chose(client, meeting_ballot, voters, shared):
    paper = start(client, meeting_ballot, voters[0])
    keep, open_ = confirm(client, paper, "keep"), confirm(client, paper, "open")
    first = cast_from(client, confirm(client, start(client, meeting_ballot, voters[2]), "keep"), "keep")
    second = cast_from(client, confirm(client, start(client, meeting_ballot, voters[4]), "open"), "open")

    assert len(keep.content) == len(open_.content)
    assert len(voters[2].membership_number) == len(voters[4].membership_number)
    assert len(first.content) == len(second.content)


# The start page's POST: the open ballots (which answer the form's ballot too), the cache's
# rate-limit counters (all read in one query on the database cache), the credential check, and
# one for the meeting (its device or its room).
START_QUERIES = 4


def test_the_meeting_costs_one_query_only_where_a_cookie_or_a_ballot_asks(
    client, meeting_ballot, voters, shared, django_assert_num_queries
):
    token = client.cookies[DEVICE_COOKIE].value
    del client.cookies[DEVICE_COOKIE]
    with django_assert_num_queries(1):  # the open ballots
        client.get("/vote/")
    client.cookies[DEVICE_COOKIE] = token
    with django_assert_num_queries(2):  # ... and the meeting
        client.get("/vote/")
    del client.cookies[DEVICE_COOKIE]
    with django_assert_num_queries(START_QUERIES):
        start(client, meeting_ballot, voters[0])
    client.cookies[DEVICE_COOKIE] = token
    # The same one query answers the device and the room; the lifted client limit is left out of
    # the one read of the counters.
    with django_assert_num_queries(START_QUERIES):
        start(client, meeting_ballot, voters[1])
