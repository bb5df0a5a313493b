"""The officers' meetings page: officers of the ballot's constituency only; opening a meeting and its
rules (open ballot, online and meeting votes allowed, a ward on the roll, a closing time within the
meetings'); closing one; making this browser a meeting's device; constant queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ballots.meeting_devices import DEVICE_COOKIE, meeting_room_hash, meeting_token_hash
from ballots.models import MeetingSession, TriggerBallot
from members.models import AuditEvent
from tests.factories import UserFactory, WardFactory

pytestmark = pytest.mark.django_db

OPEN_DATA = {"title": "Barton branch meeting", "device": "own", "room": "on", "closes_at": ""}


def meetings_url(ballot):
    return reverse("ballots:meetings", args=[ballot.pk])


def open_data(ballot, **changes):
    return {**OPEN_DATA, "ward": ballot.roll.first().ward_id, **changes}


def every_page(ballot, meeting):
    return [
        ("get", meetings_url(ballot), {}),
        ("post", meetings_url(ballot), open_data(ballot)),
        ("post", reverse("ballots:meeting_close", args=[ballot.pk, meeting.pk]), {}),
        ("post", reverse("ballots:meeting_device", args=[ballot.pk, meeting.pk]), {}),
    ]


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_changes(client, meeting_ballot, meeting_factory):
    meeting = meeting_factory()
    for method, url, data in every_page(meeting_ballot, meeting):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    meeting.refresh_from_db()
    assert MeetingSession.objects.count() == 1 and meeting.closed_at is None
    assert DEVICE_COOKIE not in client.cookies


def test_a_non_officer_and_another_constituencys_officer_get_403(
    client, meeting_ballot, meeting_factory, other_officer
):
    meeting = meeting_factory()
    for user in (UserFactory(username="member"), other_officer):
        client.force_login(user)
        for method, url, data in every_page(meeting_ballot, meeting):
            assert getattr(client, method)(url, data).status_code == 403, url
    assert MeetingSession.objects.count() == 1


def test_an_officer_opens_a_meeting_for_three_hours_with_the_room_kept_only_as_a_keyed_hash(
    officer_client, meeting_ballot
):
    before = timezone.now()
    response = officer_client.post(meetings_url(meeting_ballot), open_data(meeting_ballot), REMOTE_ADDR="192.0.2.44")

    assert response.status_code == 302 and response["Location"] == meetings_url(meeting_ballot)
    meeting = MeetingSession.objects.get()
    assert meeting.title == "Barton branch meeting" and not meeting.shared_device
    assert before + dt.timedelta(hours=3) <= meeting.closes_at <= timezone.now() + dt.timedelta(hours=3)
    assert meeting.room_address_hash == meeting_room_hash("192.0.2.44")
    assert "192.0.2.44" not in meeting.room_address_hash and len(meeting.token_hash) == 32
    event = AuditEvent.objects.get(action="meeting_opened")
    assert event.detail == {"meeting": "Barton branch meeting", "ward": meeting.ward.name, "shared_device": False}
    page = officer_client.get(meetings_url(meeting_ballot)).content.decode()
    assert "Barton branch meeting" in page and "Open until" in page
    assert ("GMT" in page) or ("BST" in page)


def test_a_meeting_without_the_room_ticked_keeps_no_room(officer_client, meeting_ballot):
    data = open_data(meeting_ballot, device="shared")
    del data["room"]
    officer_client.post(meetings_url(meeting_ballot), data)

    meeting = MeetingSession.objects.get()
    assert meeting.room_address_hash == "" and meeting.shared_device


def test_the_default_closing_time_stops_at_the_meetings_closing_time(officer_client, meeting_ballot):
    meeting_ballot.meeting_closes_at = timezone.now() + dt.timedelta(hours=1)
    meeting_ballot.save()
    officer_client.post(meetings_url(meeting_ballot), open_data(meeting_ballot))

    assert MeetingSession.objects.get().closes_at == meeting_ballot.meeting_closes_at


def test_a_closing_time_after_the_meetings_is_refused_with_the_form_shown_again(officer_client, meeting_ballot):
    meeting_ballot.meeting_closes_at = timezone.now() + dt.timedelta(hours=1)
    meeting_ballot.save()
    late = timezone.localtime(timezone.now() + dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")

    response = officer_client.post(meetings_url(meeting_ballot), open_data(meeting_ballot, closes_at=late))

    assert response.status_code == 400
    assert "can run until" in response.content.decode() and "at the latest" in response.content.decode()
    assert not MeetingSession.objects.exists()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"meeting_voting": False}, "take no votes at branch meetings"),
        ({"online_voting": False, "paper_voting": True}, "takes no votes online"),
        ({"status": TriggerBallot.Status.CLOSED}, "Voting in this ballot has closed"),
    ],
)
def test_a_meeting_is_refused_unless_the_ballot_is_open_to_online_and_meeting_votes(
    officer_client, meeting_ballot, change, words
):
    TriggerBallot.objects.filter(pk=meeting_ballot.pk).update(**change)

    page = officer_client.get(meetings_url(meeting_ballot))
    response = officer_client.post(meetings_url(meeting_ballot), open_data(meeting_ballot))

    assert words in page.content.decode() and 'name="title"' not in page.content.decode()
    assert response.status_code == 400 and words in response.content.decode()
    assert not MeetingSession.objects.exists()


def test_a_ward_with_nobody_on_the_roll_or_junk_input_is_refused_in_words(officer_client, meeting_ballot, constituency):
    empty = WardFactory(constituency=constituency, name="Empty")
    for data in (open_data(meeting_ballot, ward=empty.pk), open_data(meeting_ballot, ward="x", title="")):
        response = officer_client.post(meetings_url(meeting_ballot), data)
        assert response.status_code == 400
        assert "Choose a ward with members on this ballot" in response.content.decode()
    assert not MeetingSession.objects.exists()


def test_closing_ends_the_meeting_at_once_and_a_second_close_is_refused(
    officer_client, meeting_ballot, meeting_factory
):
    meeting = meeting_factory()
    close = reverse("ballots:meeting_close", args=[meeting_ballot.pk, meeting.pk])

    first = officer_client.post(close)
    again = officer_client.post(close, follow=True)

    meeting.refresh_from_db()
    assert first.status_code == 302 and meeting.closed_at is not None and meeting.closed_at <= timezone.now()
    assert "was already closed" in again.content.decode()
    assert AuditEvent.objects.filter(action="meeting_closed").count() == 1
    assert AuditEvent.objects.get(action="meeting_closed").detail == {
        "meeting": meeting.title,
        "ward": meeting.ward.name,
    }
    assert officer_client.get(close).status_code == 405


def test_a_meeting_of_another_ballot_cannot_be_closed_from_this_one(officer_client, meeting_ballot, meeting_factory):
    from tests.factories import open_ballot_with_voters

    other, _ = open_ballot_with_voters(meeting_ballot.constituency, voters=1, meeting_voting=True)
    meeting = meeting_factory()

    response = officer_client.post(reverse("ballots:meeting_close", args=[other.pk, meeting.pk]), follow=True)

    assert "not one of this ballot" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.closed_at is None


def test_making_this_browser_the_device_sets_a_cookie_for_the_voting_pages_and_goes_to_them(
    officer_client, meeting_ballot, meeting_factory
):
    meeting = meeting_factory()
    old_hash = meeting.token_hash

    response = officer_client.post(reverse("ballots:meeting_device", args=[meeting_ballot.pk, meeting.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("ballots:vote_start")
    cookie = response.cookies[DEVICE_COOKIE]
    assert cookie["path"] == "/vote/" and cookie["httponly"] and cookie["samesite"] == "Lax"
    meeting.refresh_from_db()
    assert meeting.token_hash == meeting_token_hash(cookie.value) != old_hash
    # An own-phones meeting: the officer stays logged in on their own device.
    assert officer_client.get(meetings_url(meeting_ballot)).status_code == 200


def test_a_shared_device_is_logged_out_of_the_officers_pages(officer_client, meeting_ballot, meeting_factory):
    meeting = meeting_factory(shared_device=True)

    officer_client.post(reverse("ballots:meeting_device", args=[meeting_ballot.pk, meeting.pk]))

    assert officer_client.get(meetings_url(meeting_ballot)).status_code == 302


def test_a_closed_meeting_makes_no_device(officer_client, meeting_ballot, meeting_factory):
    meeting = meeting_factory()
    officer_client.post(reverse("ballots:meeting_close", args=[meeting_ballot.pk, meeting.pk]))

    response = officer_client.post(reverse("ballots:meeting_device", args=[meeting_ballot.pk, meeting.pk]), follow=True)

    assert DEVICE_COOKIE not in response.client.cookies or not response.client.cookies[DEVICE_COOKIE].value
    assert "has ended" in response.content.decode()
    page = officer_client.get(meetings_url(meeting_ballot)).content.decode()
    assert "Closed " in page and "No meeting is open now." in page


# Session, user, its permissions (2), ballot, access check, the wards on the roll, the meetings.
QUERIES = 8


@pytest.mark.parametrize("meetings", [1, 4])
def test_the_meetings_page_runs_the_same_queries_however_many_meetings(
    officer_client, meeting_ballot, meeting_factory, django_assert_num_queries, meetings
):
    for index in range(meetings):
        meeting_factory(title=f"Meeting {index}")
    officer_client.get(meetings_url(meeting_ballot))  # the session settles

    with django_assert_num_queries(QUERIES):
        response = officer_client.get(meetings_url(meeting_ballot))
    assert response.status_code == 200 and response.content.decode().count("Close the meeting<") == meetings
